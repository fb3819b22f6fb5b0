import t from 'tap'
import fc from 'fast-check'
import type { MessageEnvelope, Segment } from '../../src/edifact/types.js'
import { documentKind, firstFlightFacts, mapMessage, partOf, type PaxlstModel, type PnrgovModel } from '../../src/messages/index.js'
import { validateModel } from '../../src/validate/schema.js'

function envelope (type: string): MessageEnvelope {
  return {
    reference: 'R1',
    type,
    version: 'D:3',
    agency: 'UN',
    association: null,
    identifier: `${type}:D:3:UN`,
    commonAccessReference: 'ZZ1/250114/0915',
    part: { sequence: 2, final: false, first: false },
    group: null,
    segments: [
      { tag: 'UNH', elements: [['R1'], [type, 'D', '3', 'UN']], index: 2, offset: 0 },
      { tag: 'UNT', elements: [['2'], ['R1']], index: 3, offset: 0 }
    ]
  }
}

const paxlst: PaxlstModel = {
  documentType: 'crew-list',
  documentCode: '250',
  documentId: null,
  transactionReference: null,
  reportingParty: null,
  flight: {
    carrier: 'XA',
    number: '123',
    legs: [
      {
        carrier: 'XA',
        number: '123',
        departure: { airport: 'LHR', scheduled: '2025-01-14T09:15' },
        arrival: { airport: 'JFK', scheduled: null }
      }
    ]
  },
  travellers: [],
  totals: { passengers: null, crew: 0 }
}

const pnrgov: PnrgovModel = {
  pushType: 'update',
  messageFunction: '141',
  originator: null,
  flight: { carrier: null, number: null, legs: [] },
  totalPnrs: 0,
  pnrs: []
}

t.test('other message types are not mapped and give no findings', async t => {
  for (const type of ['CONTRL', 'CUSRES', 'ACKRES', 'XYZ']) {
    t.same(mapMessage(envelope(type), { receivedAt: new Date() }), { type: null, model: null, findings: [] }, type)
  }
})

t.test('partOf: UNH S010 and 0068 for the message report', async t => {
  t.same(partOf(envelope('PAXLST')), { sequence: 2, final: false, commonAccessReference: 'ZZ1/250114/0915' })
})

t.test('firstFlightFacts: flight, first leg airports and scheduled departure', async t => {
  t.same(firstFlightFacts(paxlst), { flight: 'XA123', departure: 'LHR', arrival: 'JFK', scheduledDeparture: '2025-01-14T09:15' })
  t.same(firstFlightFacts(pnrgov), { flight: null, departure: null, arrival: null, scheduledDeparture: null })
})

t.test('documentKind: x-document values', async t => {
  t.equal(documentKind(paxlst), 'crew-list')
  t.equal(documentKind({ ...paxlst, documentType: 'passenger-list' }), 'passenger-list')
  t.equal(documentKind(pnrgov), 'update-push')
  t.equal(documentKind({ ...pnrgov, pushType: 'full' }), 'full-push')
  t.equal(documentKind({ ...pnrgov, pushType: null }), 'pnr-push')
})

t.test('an empty PAXLST (UNH and UNT only) maps to an empty model with precise findings', async t => {
  const r = mapMessage(envelope('PAXLST'), { receivedAt: new Date() })
  t.equal(r.type, 'PAXLST')
  t.same(r.findings.map(f => `${f.code}@${f.segment}:${f.tag}`), ['13@2:BGM', '13@2:TDT', '13@2:CNT'])
})

const TAGS = [
  'BGM', 'RFF', 'DTM', 'NAD', 'COM', 'TDT', 'LOC', 'ATT', 'NAT', 'DOC', 'CNT', 'MSG', 'ORG', 'TVL', 'EQN', 'SRC', 'RCI', 'TIF', 'SSR',
  'TRA', 'RPI', 'DAT', 'TRI', 'XYZ'
]
const value = fc.oneof(
  fc.constantFrom(
    '', ' ', '20', '34', '745', '250', 'FL', 'FM', 'MS', 'TN', '125', '87', '92', '130', '189', '232', '329', '36', '91', '2', 'M', 'F',
    '42', '41', '22', '141', 'DOCS', 'IN', 'G', 'constructor', '2501140915', '900214', '140125', '0915',
    '/P/UTO/X1/UTO/14FEB90/F/31JAN30/DOE/J'
  ),
  fc.string({ maxLength: 12 })
)
const segment = fc.record({
  tag: fc.constantFrom(...TAGS),
  elements: fc.array(fc.array(value, { minLength: 1, maxLength: 10 }), { maxLength: 10 })
})

function fuzzed (type: string, body: { tag: string, elements: string[][] }[]): MessageEnvelope {
  const env = envelope(type)
  const segments: Segment[] = [env.segments[0], ...body.map((b, i) => ({ ...b, index: i + 3, offset: 0 })), env.segments[1]]
  return { ...env, segments }
}

t.test('property: any segment sequence maps without throwing; PAXLST models always satisfy the schema', async t => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.array(segment, { maxLength: 60 }), body => {
    const r = mapMessage(fuzzed('PAXLST', body), { receivedAt: new Date('2025-01-01T00:00:00Z') })
    if (r.type !== 'PAXLST') return false
    const schema = validateModel('PAXLST', r.model)
    return schema.length === 0 && r.findings.every(f => f.segment !== null && f.segment >= 1 && f.segment <= body.length + 2)
  }), { numRuns: 300 }))
  t.doesNotThrow(() => fc.assert(fc.property(fc.array(segment, { maxLength: 60 }), body => {
    const r = mapMessage(fuzzed('PNRGOV', body), { receivedAt: new Date('2025-01-01T00:00:00Z') })
    if (r.type !== 'PNRGOV') return false
    validateModel('PNRGOV', r.model)
    return r.findings.every(f => f.segment !== null && f.segment >= 1 && f.segment <= body.length + 2)
  }), { numRuns: 300 }))
})
