import t from 'tap'
import { buildJsonAck, summarizeMessages, toPublicFinding } from '../../src/acknowledge/json.js'
import type { MessageEnvelope, UnbFacts } from '../../src/edifact/types.js'
import type { Finding } from '../../src/transmission/index.js'
import { parseInterchange } from '../../src/edifact/index.js'
import { paxlst } from '../helpers/edi.js'

const unb: UnbFacts = {
  syntax: 'UNOA:4',
  syntaxId: 'UNOA',
  syntaxVersion: '4',
  sender: 'XAAPI',
  senderQualifier: 'ZZ',
  recipient: 'GOVPIU',
  recipientQualifier: null,
  senderComposite: ['XAAPI', 'ZZ'],
  recipientComposite: ['GOVPIU'],
  date: '250114',
  time: '0630',
  preparedAt: '2025-01-14T06:30',
  reference: '00000000000217',
  applicationReference: null,
  ackRequested: false,
  test: false
}

const untCount: Finding = {
  id: 'GW_ERR_EDIFACT_UNT_COUNT',
  code: 29,
  level: 'message',
  message: 'PAX001',
  group: null,
  segment: 26,
  tag: 'UNT',
  element: 1,
  component: null,
  text: 'segment count does not match',
  family: 'controlCounts'
}

t.test('the docs/acknowledgements.md "JSON" shape', async t => {
  const ack = buildJsonAck({
    transmissionId: 'tx-1',
    outcome: 'rejected',
    envelope: unb,
    messages: [{ reference: 'PAX001', type: 'PAXLST', version: 'D:05B', outcome: 'rejected' }],
    errors: [untCount],
    warnings: [],
    ackText: 'UNA:+.? \'…'
  })
  t.same(ack, {
    transmissionId: 'tx-1',
    outcome: 'rejected',
    interchange: { sender: 'XAAPI', recipient: 'GOVPIU', reference: '00000000000217' },
    messages: [{ reference: 'PAX001', type: 'PAXLST', version: 'D:05B', outcome: 'rejected' }],
    errors: [
      {
        code: 29,
        level: 'message',
        message: 'PAX001',
        segment: 26,
        tag: 'UNT',
        element: 1,
        component: null,
        text: 'segment count does not match',
        id: 'GW_ERR_EDIFACT_UNT_COUNT'
      }
    ],
    warnings: [],
    ack: 'UNA:+.? \'…'
  })
  t.notOk('duplicate' in ack)
  t.notOk('group' in ack.errors[0], 'internal fields are not published')
  t.notOk('family' in ack.errors[0])
})

t.test('no UNB, no ack, duplicate flag', async t => {
  const ack = buildJsonAck({
    transmissionId: 'tx-2',
    outcome: 'duplicate',
    envelope: null,
    messages: [],
    errors: [],
    warnings: [untCount],
    ackText: null
  })
  t.equal(ack.interchange, null)
  t.equal(ack.ack, null)
  t.equal(ack.duplicate, true)
  t.same(ack.warnings, [toPublicFinding(untCount)])
  t.equal(
    buildJsonAck({
      transmissionId: 'x',
      outcome: 'accepted',
      envelope: unb,
      messages: [],
      errors: [],
      warnings: [],
      ackText: null,
      duplicate: true
    }).duplicate,
    true
  )
})

t.test('summarizeMessages', async t => {
  const m = (reference: string): MessageEnvelope => ({
    reference,
    type: 'PAXLST',
    version: 'D:05B',
    agency: 'UN',
    association: 'IATA',
    identifier: 'PAXLST:D:05B:UN:IATA',
    commonAccessReference: null,
    part: { sequence: null, final: null, first: null },
    group: null,
    segments: []
  })
  t.same(summarizeMessages([m('A'), m('B')], { B: 'rejected' }), [
    { reference: 'A', type: 'PAXLST', version: 'D:05B', outcome: 'accepted' },
    { reference: 'B', type: 'PAXLST', version: 'D:05B', outcome: 'rejected' }
  ])
})

t.test('expected values: the count the gateway made travels into the JSON ack (docs/acknowledgements.md "Expected values")', async t => {
  const bytes = paxlst({ messages: 2, badCount: [1] })
  const ix = parseInterchange(bytes)
  const unt = ix.errors.find(f => f.id === 'GW_ERR_EDIFACT_UNT_COUNT')
  t.ok(unt, 'the UNT count finding')
  const declared = /UNT\+(\d+)\+PAX002'/.exec(bytes.toString('latin1'))?.[1]
  t.equal(unt?.expected, String(Number(declared) - 5), 'the counted number, not the declared one')
  const ack = buildJsonAck({
    transmissionId: 'tx-3', outcome: 'rejected', envelope: null, messages: [], errors: ix.errors, warnings: [], ackText: null
  })
  t.equal(ack.errors.find(e => e.id === 'GW_ERR_EDIFACT_UNT_COUNT')?.expected, unt?.expected)
  t.notOk('expected' in toPublicFinding(untCount), 'no expected key when the finding has none')
  const wrongUnz = Buffer.from(bytes.toString('latin1').replace('UNZ+2+', 'UNZ+7+'), 'latin1')
  const unz = parseInterchange(wrongUnz).errors.find(f => f.id === 'GW_ERR_EDIFACT_UNZ_COUNT')
  t.equal(unz?.expected, '2', 'UNZ: the messages counted')
})
