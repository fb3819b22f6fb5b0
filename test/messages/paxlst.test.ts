import t from 'tap'
import type { MessageEnvelope, Segment } from '../../src/edifact/types.js'
import { mapMessage } from '../../src/messages/index.js'
import { splitFlightId } from '../../src/messages/paxlst/flight.js'

/** Segments closed by the segment terminator ' (ISO 9735 UNA default). */
const ediText = (...segments: string[]): string => segments.map(s => `${s}'`).join('')

/** Hand-made PAXLST: `'` ends a segment, `+` and `:` separate, no release character. */
function paxlst (body: string): MessageEnvelope {
  const texts = `UNH+PAX001+PAXLST:D:05B:UN:IATA'${body}UNT+0+PAX001'`.split("'").filter(s => s !== '')
  const segments: Segment[] = texts.map((text, i) => {
    const [tag, ...els] = text.split('+')
    return { tag, elements: els.map(e => e.split(':')), index: i + 3, offset: 0 }
  })
  return {
    reference: 'PAX001',
    type: 'PAXLST',
    version: 'D:05B',
    agency: 'UN',
    association: 'IATA',
    identifier: 'PAXLST:D:05B:UN:IATA',
    commonAccessReference: 'ZZ123/250114/0915',
    part: { sequence: 1, final: true, first: null },
    group: '1',
    segments
  }
}

const receivedAt = new Date('2025-01-14T06:30:00Z')
const HEAD = ediText(
  'BGM+745', 'RFF+TN:ZZ123250114:::1', 'NAD+MS+++APIS DESK', 'COM+44 20 7946 0000:TE+44 20 7946 0001:FX+APIS.DESK@EXAMPLE.ORG:EM',
  'TDT+20+ZZ123+++ZZ', 'LOC+125+ZZA', 'DTM+189:2501140915:201', 'LOC+87+ZZB', 'DTM+232:2501141140:201'
)
const TRAVELLER = ediText(
  'NAD+FL+++ONEIL:MARY:ANN', 'ATT+2++F', 'DTM+329:900214', 'LOC+22+ZZB', 'LOC+174+UTO', 'LOC+178+ZZA', 'LOC+179+ZZB',
  'LOC+180+:::SMALLTOWN', 'NAT+2+UTO', 'RFF+AVF:ABC12D', 'RFF+ABO:0001ZZ123', 'RFF+SEA:12A', 'DOC+P:110:111+X1234567', 'DTM+36:300131',
  'DTM+182:200131', 'LOC+91+UTO'
)

t.test('the illustrative domain message maps field by field', async t => {
  const env = paxlst(HEAD + TRAVELLER + "CNT+42:1'")
  const r = mapMessage(env, { receivedAt })
  t.equal(r.type, 'PAXLST')
  t.same(r.findings, [])
  if (r.type !== 'PAXLST') return
  t.same(r.model, {
    documentType: 'passenger-list',
    documentCode: '745',
    documentId: null,
    transactionReference: 'ZZ123250114',
    reportingParty: { id: null, name: 'APIS DESK', phone: '44 20 7946 0000', fax: '44 20 7946 0001', email: 'APIS.DESK@EXAMPLE.ORG' },
    flight: {
      carrier: 'ZZ',
      number: '123',
      legs: [
        {
          carrier: 'ZZ',
          number: '123',
          departure: { airport: 'ZZA', scheduled: '2025-01-14T09:15' },
          arrival: { airport: 'ZZB', scheduled: '2025-01-14T11:40' }
        }
      ]
    },
    travellers: [{
      role: 'passenger',
      surname: 'ONEIL',
      givenNames: 'MARY ANN',
      gender: 'F',
      birthDate: '1990-02-14',
      nationality: 'UTO',
      residence: 'UTO',
      birthPlace: 'SMALLTOWN',
      embarkation: 'ZZA',
      debarkation: 'ZZB',
      clearance: 'ZZB',
      references: { pnr: 'ABC12D', passenger: '0001ZZ123', seat: '12A' },
      documents: [{ type: 'P', number: 'X1234567', issuingCountry: 'UTO', expiry: '2030-01-31', issued: '2020-01-31' }]
    }],
    totals: { passengers: 1, crew: null }
  })
})

t.test('document types, roles and the BGM document identifier', async t => {
  const cases: [string, string][] = [
    ['745', 'passenger-list'],
    ['250', 'crew-list'],
    ['266', 'flight-status'],
    ['336', 'master-crew-list'],
    ['655', 'gate-pass']
  ]
  for (const [code, type] of cases) {
    const r = mapMessage(paxlst(`BGM+${code}+CLOB'` + HEAD.slice(HEAD.indexOf('TDT')) + "CNT+42:0'"), { receivedAt })
    t.equal(r.type === 'PAXLST' && r.model.documentType, type, code)
    t.equal(r.type === 'PAXLST' && r.model.documentId, 'CLOB')
  }
  const other = mapMessage(paxlst("BGM+999'" + HEAD.slice(HEAD.indexOf('TDT')) + "CNT+42:0'"), { receivedAt })
  t.equal(other.type === 'PAXLST' && other.model.documentType, 'other')
  t.same(other.findings.map(f => [f.id, f.segment, f.element, f.family]), [['GW_ERR_MESSAGE_CODE_INVALID', 2, 1, 'profile']])

  const roles = mapMessage(
    paxlst(
      HEAD +
        TRAVELLER.replace('NAD+FL', 'NAD+FM') +
        TRAVELLER.replace('NAD+FL', 'NAD+DDU') +
        TRAVELLER.replace('NAD+FL', 'NAD+DDT') +
        TRAVELLER.replace('NAD+FL', 'NAD+ZZ') +
        "CNT+42:4'"
    ),
    { receivedAt }
  )
  t.same(roles.type === 'PAXLST' && roles.model.travellers.map(x => x.role), ['crew', 'transit-passenger', 'transit-crew', null])
  t.same(roles.findings.map(f => [f.id, f.tag, f.family]), [['GW_ERR_MESSAGE_CODE_INVALID', 'NAD', 'profile']])
})

t.test('multi-leg: several TDT groups and LOC 92 routing points', async t => {
  const body = ediText(
    'BGM+745', 'NAD+MS+++DESK', 'TDT+20+QQ877+++QQ', 'LOC+92+MIA', 'DTM+189:0807101500:201', 'LOC+92+IAD', 'DTM+232:0807101755:201',
    'DTM+189:0807101830:201', 'LOC+92+JFK', 'DTM+232:0807101930:201', 'TDT+20+QQ827+++QQ', 'LOC+125+JFK', 'DTM+189:0807102000:201',
    'LOC+87+CDG', 'DTM+232:0807110630:201', 'LOC+130+NCE', 'CNT+42:0'
  )
  const r = mapMessage(paxlst(body), { receivedAt })
  t.same(r.findings, [])
  if (r.type !== 'PAXLST') return
  const leg = (l: (typeof r.model.flight.legs)[number]): string =>
    `${l.carrier}${l.number} ${l.departure.airport}>${l.arrival.airport} ${l.departure.scheduled}/${l.arrival.scheduled}`
  t.same(r.model.flight.legs.map(leg), [
    'QQ877 MIA>IAD 2008-07-10T15:00/2008-07-10T17:55',
    'QQ877 IAD>JFK 2008-07-10T18:30/2008-07-10T19:30',
    'QQ827 JFK>CDG 2008-07-10T20:00/2008-07-11T06:30'
  ])
  t.equal(r.model.flight.carrier, 'QQ')
  t.equal(r.model.flight.number, '877')
})

t.test('a departure without an arrival keeps what it has and says what is missing', async t => {
  const r = mapMessage(paxlst("BGM+745'TDT+20+ZZ1'LOC+125+ZZA'CNT+42:0'"), { receivedAt })
  if (r.type !== 'PAXLST') return t.fail('PAXLST expected')
  t.same(r.model.flight.legs, [
    { carrier: 'ZZ', number: '1', departure: { airport: 'ZZA', scheduled: null }, arrival: { airport: null, scheduled: null } }
  ])
  t.same(r.findings.map(f => [f.id, f.tag, f.family, f.text]), [
    ['GW_ERR_MESSAGE_PROFILE', 'LOC', 'profile', 'arrival location missing (LOC 87/92)'],
    ['GW_ERR_MESSAGE_PROFILE', 'DTM', 'profile', 'scheduled departure missing (DTM 189)']
  ])
})

t.test('profile rules: required traveller data missing, bad dates and codes', async t => {
  const body = HEAD + "NAD+FL+++DOE:JOHN'ATT+2++Q'DTM+329:901340'DOC+P:110:111'LOC+91+UTO'NAD+FL+++ROE'CNT+42:2'"
  const r = mapMessage(paxlst(body), { receivedAt })
  t.same(r.findings.map(f => `${f.id}@${f.segment}:${f.tag}:${f.element ?? '-'}:${f.component ?? '-'}:${f.family}`), [
    'GW_ERR_MESSAGE_PROFILE@11:NAT:-:-:profile',
    'GW_ERR_MESSAGE_CODE_INVALID@12:ATT:3:1:profile',
    'GW_ERR_MESSAGE_DATE_INVALID@13:DTM:1:2:profile',
    'GW_ERR_MESSAGE_PROFILE@14:DOC:2:1:profile',
    'GW_ERR_MESSAGE_PROFILE@14:DTM:-:-:profile',
    'GW_ERR_MESSAGE_PROFILE@16:ATT:-:-:profile',
    'GW_ERR_MESSAGE_PROFILE@16:DTM:-:-:profile',
    'GW_ERR_MESSAGE_PROFILE@16:NAT:-:-:profile',
    'GW_ERR_MESSAGE_PROFILE@16:DOC:-:-:profile'
  ])
  if (r.type !== 'PAXLST') return
  t.equal(r.model.travellers[0].gender, null)
  t.equal(r.model.travellers[0].birthDate, null)
  t.equal(r.model.travellers[1].givenNames, null)
})

t.test('CNT: flight totals, and the malformed CNT+41+8 reported without a crash', async t => {
  const totals = mapMessage(paxlst(HEAD + "CNT+42:160'CNT+41:8'"), { receivedAt })
  t.same(totals.type === 'PAXLST' && totals.model.totals, { passengers: 160, crew: 8 })
  const bad = mapMessage(paxlst(HEAD + "CNT+41+8'"), { receivedAt })
  t.same(bad.type === 'PAXLST' && bad.model.totals, { passengers: null, crew: null })
  t.same(bad.findings.map(f => [f.code, f.segment, f.tag, f.element, f.component, f.family]), [
    [13, 11, 'CNT', 1, 2, 'profile'],
    [16, 11, 'CNT', 2, null, 'profile']
  ])
  const text = mapMessage(paxlst(HEAD + "CNT+42:4\r\n7'"), { receivedAt })
  t.same(text.findings.map(f => [f.id, f.family]), [['GW_ERR_MESSAGE_CODE_INVALID', 'profile']])
})

t.test('stray spaces are trimmed; empty values read as null', async t => {
  const body = ediText(
    'BGM+745', 'TDT+20+ ZZ123 +++ZZ', 'LOC+125+ SYD', 'DTM+189: 1306210900:201', 'LOC+87+HNL', 'DTM+232: 1306212200:201',
    'NAD+FM+++CLARK:MICHAEL:+ 2365 KAANAPALI HIGHWAY', 'ATT+2++M', 'DTM+329:720907', 'NAT+2+CAN', 'DOC+P+MB140241', 'DTM+36:151021',
    'LOC+91+CAN', 'CNT+41:8'
  )
  const r = mapMessage(paxlst(body), { receivedAt })
  t.same(r.findings, [])
  if (r.type !== 'PAXLST') return
  t.equal(r.model.flight.legs[0].departure.airport, 'SYD')
  t.equal(r.model.flight.legs[0].arrival.scheduled, '2013-06-21T22:00')
  t.equal(r.model.travellers[0].givenNames, 'MICHAEL')
  t.equal(r.model.travellers[0].documents[0].expiry, '2015-10-21')
})

t.test('findings carry positions and fixed texts, never the values they are about', async t => {
  const secret = 'ZQXJ'
  const body = ediText(
    `BGM+${secret}`, 'TDT+20+ZZ1', 'LOC+125+ZZA', `DTM+189:${secret}`, 'LOC+87+ZZB', `NAD+${secret}+++${secret}`, `ATT+2++${secret}`,
    `DTM+329:${secret}`, `NAT+2+${secret}`, `DOC+${secret}`, `DTM+36:${secret}`, `CNT+${secret}:${secret}`
  )
  const r = mapMessage(paxlst(body), { receivedAt })
  t.ok(r.findings.length > 5)
  t.notOk(JSON.stringify(r.findings).includes(secret))
})

t.test('splitFlightId: designator and number', async t => {
  t.same(splitFlightId('ZZ123', 'ZZ'), { carrier: 'ZZ', number: '123' })
  t.same(splitFlightId('ZX877', 'XZ'), { carrier: 'XZ', number: '877' }, 'the carrier element wins (guide example 5.3)')
  t.same(splitFlightId('A92707', null), { carrier: 'A9', number: '2707' })
  t.same(splitFlightId('UA0989', 'UA'), { carrier: 'UA', number: '0989' })
  t.same(splitFlightId('BAW123', null), { carrier: 'BAW', number: '123' })
  t.same(splitFlightId('SK01MCL', null), { carrier: 'SK', number: '01MCL' })
  t.same(splitFlightId(null, 'ZZ'), { carrier: 'ZZ', number: null })
  t.same(splitFlightId('ZZ', null), { carrier: null, number: 'ZZ' })
})

t.test('codes that name inherited object properties are just unknown codes', async t => {
  const r = mapMessage(
    paxlst("BGM+constructor'" + HEAD.slice(HEAD.indexOf('TDT')) + TRAVELLER.replace('NAD+FL', 'NAD+__proto__') + "CNT+42:1'"),
    { receivedAt }
  )
  if (r.type !== 'PAXLST') return t.fail('PAXLST expected')
  t.equal(r.model.documentType, 'other')
  t.equal(r.model.travellers[0].role, null)
  t.same(r.findings.map(f => f.tag), ['BGM', 'NAD'])
})
