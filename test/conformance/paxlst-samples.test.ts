/**
 * Every real PAXLST sample in the core samples folder, parsed by the edifact engine and mapped: the facts
 * each one contains (SOURCES.md), and the findings its deviations deserve.
 */
import t, { type Test } from 'tap'
import { parseInterchange } from '../../src/edifact/index.js'
import { documentKind, firstFlightFacts, mapMessage, partOf, type PaxlstModel } from '../../src/messages/index.js'
import { readSample, sampleNames } from './samples.js'
import type { Finding } from '../../src/transmission/index.js'

const receivedAt = new Date('2025-01-01T00:00:00Z')
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

interface Mapped { model: PaxlstModel, findings: Finding[], part: ReturnType<typeof partOf>, parserErrors: string[] }

function load (file: string, options: { typeB?: boolean, unaRepair?: boolean } = {}): Mapped {
  const ic = parseInterchange(readSample(file), options)
  if (ic.messages.length !== 1) throw new Error(`${file}: one message expected`)
  const env = ic.messages[0]
  const r = mapMessage(env, { receivedAt })
  if (r.type !== 'PAXLST') throw new Error(`${file}: PAXLST expected`)
  return { model: r.model, findings: r.findings, part: partOf(env), parserErrors: ic.errors.map(e => e.id) }
}

const legs = (m: PaxlstModel): string[] =>
  m.flight.legs.map(
    l => `${l.carrier}${l.number} ${l.departure.airport}>${l.arrival.airport} ${l.departure.scheduled}/${l.arrival.scheduled}`
  )
const brief = (f: Finding): string => {
  const at = f.element === null ? '' : `:${f.element}:${f.component ?? ''}`
  return `${f.code}@${f.segment}:${f.tag}${at}${f.family === 'profile' ? ':profile' : ''}`
}
const roles = (m: PaxlstModel): string[] => [...new Set(m.travellers.map(x => x.role ?? 'null'))]

const covered = new Set<string>()
function sample (file: string, fn: (t: Test) => Promise<void>): void {
  covered.add(file)
  t.test(file, fn)
}

sample('paxlst-wcoig-ex5-1-single-sector-pax.edi', async t => {
  const { model: m, findings, part } = load('paxlst-wcoig-ex5-1-single-sector-pax.edi')
  t.same(findings, [])
  t.equal(m.documentType, 'passenger-list')
  t.equal(m.transactionReference, '1234567890')
  t.same(legs(m), ['ZZ123 SYD>HNL 2013-06-21T09:00/2013-06-21T22:00'], 'the leading space of DTM+232 is trimmed')
  t.equal(m.travellers.length, 1)
  t.same(m.totals, { passengers: 160, crew: null }, 'CNT is the flight total, not the one passenger of this message')
  const p = m.travellers[0]
  t.equal(p.role, 'passenger')
  t.match(p.birthDate, ISO_DATE)
  t.ok(p.residence !== null && p.birthPlace !== null && p.clearance !== null && p.embarkation !== null && p.debarkation !== null)
  t.ok(p.references.pnr !== null && p.references.passenger !== null)
  t.same(p.documents.map(d => [d.type, d.issuingCountry, typeof d.number, d.expiry]), [['P', 'GBR', 'string', '2015-12-31']])
  t.ok(m.reportingParty?.phone !== null && m.reportingParty?.fax !== null && m.reportingParty?.email !== null)
  t.same(part, { sequence: null, final: null, commonAccessReference: null })
  t.same(firstFlightFacts(m), { flight: 'ZZ123', departure: 'SYD', arrival: 'HNL', scheduledDeparture: '2013-06-21T09:00' })
})

sample('paxlst-wcoig-ex5-2-crew.edi', async t => {
  const { model: m, findings, parserErrors } = load('paxlst-wcoig-ex5-2-crew.edi')
  t.ok(parserErrors.includes('GW_ERR_EDIFACT_UNT_COUNT'), 'UNT+20 for 21 segments is the parser\'s finding')
  t.equal(documentKind(m), 'crew-list')
  t.same(m.reportingParty, { id: 'USD090746', name: null, phone: null, fax: null, email: null })
  t.same(legs(m), ['ZZ123 SYD>HNL 2013-06-21T09:00/2013-06-21T22:00'])
  t.same(roles(m), ['crew'])
  t.equal(m.travellers.length, 1)
  t.same(m.totals, { passengers: null, crew: 8 })
  t.same(findings.map(brief), ['15@13:LOC:profile', '15@14:LOC:profile', '15@15:LOC:profile', '15@16:LOC:profile'],
    'the guide\'s own NAT-before-LOC order is a profile deviation, not a rejection')
  t.equal(m.travellers[0].clearance, 'HNL', 'the reordered LOC segments still map')
})

sample('paxlst-wcoig-ex5-3-progressive-2legs.edi', async t => {
  const { model: m, findings } = load('paxlst-wcoig-ex5-3-progressive-2legs.edi')
  t.same(findings, [])
  t.equal(m.transactionReference, 'BART34567890')
  t.same(legs(m), ['XZ877 BCN>IAD 2014-07-08T11:00/2014-07-08T17:00', 'XZ877 IAD>SFO 2014-07-08T19:30/2014-07-08T23:30'],
    'TDT id ZX877 with carrier XZ: the carrier element wins')
  t.equal(m.travellers.length, 2)
  t.same(m.totals, { passengers: 2, crew: null })
  t.same(m.travellers.map(x => x.documents.length), [1, 1])
})

sample('paxlst-gtas-multileg-d05b.edi', async t => {
  const { model: m, findings } = load('paxlst-gtas-multileg-d05b.edi')
  t.same(findings, [])
  t.same(legs(m), [
    'QQ877 MIA>IAD 2008-07-10T15:00/2008-07-10T17:55',
    'QQ827 IAD>JFK 2008-08-10T18:30/2008-08-10T19:30',
    'QQ827 JFK>CDG 2008-08-10T20:00/2008-08-11T06:30'
  ])
  t.same(roles(m), ['passenger'])
  t.equal(m.travellers.length, 2)
  t.same(m.travellers.map(x => x.documents.map(d => d.type)), [['P'], ['P']])
  t.same(m.travellers.map(x => x.documents[0].expiry), ['2008-12-30', '2009-09-16'])
  t.same(m.totals, { passengers: 2, crew: null })
  t.equal(firstFlightFacts(m).flight, 'QQ877')
})

sample('paxlst-gtas-d05b-secureflight-refs.edi', async t => {
  const { model: m, findings } = load('paxlst-gtas-d05b-secureflight-refs.edi')
  t.same(legs(m), ['AA123 ATL>ORD 2007-02-19T15:40/2007-02-19T17:40', 'AA124 ORD>JFK 2007-02-19T18:40/2007-02-19T19:55'])
  t.equal(m.travellers.length, 2)
  t.same(m.travellers.map(x => x.documents.length), [0, 0])
  t.ok(m.travellers.every(x => x.references.pnr !== null && x.references.passenger !== null))
  t.same(m.totals, { passengers: 2, crew: null })
  t.equal(m.transactionReference, 'AJYTR1070219')
  t.same(findings.map(brief), ['13@16:NAT:profile', '13@16:DOC:profile', '13@25:NAT:profile', '13@25:DOC:profile'],
    'passengers without NAT and DOC: profile findings the agreement decides on')
})

sample('paxlst-gtas-crew-malformed.edi', async t => {
  const { model: m, findings, part } = load('paxlst-gtas-crew-malformed.edi')
  t.equal(m.documentType, 'crew-list')
  t.equal(m.documentId, 'C')
  t.same(legs(m), ['UA0989 FRA>IAD 2017-01-27T17:25/2017-01-28T07:10'])
  t.equal(m.travellers.length, 8)
  t.same(roles(m), ['crew'])
  t.ok(m.travellers.every(x => x.documents.length === 1 && x.birthPlace !== null))
  t.same(m.totals, { passengers: null, crew: null }, 'CNT+41+8 gives no total')
  t.same(findings.map(brief), ['13@106:CNT:1:2:profile', '16@106:CNT:2::profile'], 'CNT+41+8 is reported, not a crash')
  t.same(part, { sequence: null, final: null, commonAccessReference: null })
})

sample('paxlst-gtas-multipart-first-part.edi', async t => {
  const { model: m, findings, part } = load('paxlst-gtas-multipart-first-part.edi')
  t.same(findings, [])
  t.same(part, { sequence: 1, final: false, commonAccessReference: 'ABC01' })
  t.equal(m.documentType, 'passenger-list')
  t.equal(m.documentId, 'C', 'crew code on a passenger list, kept as sent')
  t.equal(m.travellers.length, 260)
  t.same(roles(m), ['passenger'])
  t.ok(m.travellers.every(x => x.documents.length === 1 && x.documents[0].type === 'P'))
  t.same(m.totals, { passengers: null, crew: 206 }, 'CNT+41 on a passenger list, as sent')
  t.same(legs(m), ['UA0989 FRA>IAD 2017-01-27T17:25/2017-01-28T07:10'])
})

sample('paxlst-gtas-una-star-dollar.edi', async t => {
  const { model: m, findings, part } = load('paxlst-gtas-una-star-dollar.edi')
  t.same(findings, [])
  t.same(part, { sequence: 10, final: true, commonAccessReference: 'AA346' })
  t.same(legs(m), ['TN506 BRE>YEU 2014-05-11T13:40/2014-05-11T17:00'])
  t.equal(m.travellers.length, 10)
  t.same(m.totals, { passengers: 136, crew: null })
  t.ok(m.travellers.every(x => x.givenNames !== null && !x.givenNames.endsWith(' ')), 'NAD+FL+++BETTON:DAVID: (trailing empty component)')
})

sample('paxlst-ediclean-A.txt', async t => {
  const { model: m, findings, part } = load('paxlst-ediclean-A.txt', { typeB: true })
  t.same(findings, [])
  t.same(part, { sequence: 2, final: false, commonAccessReference: 'A92707/210713/1200' })
  t.same(legs(m), ['A92707 VIE>VIE 2021-07-13T11:00/2021-07-13T12:00'])
  t.equal(m.travellers.length, 1)
  t.same(m.totals, { passengers: 47, crew: null }, 'CNT+42:4 / 7 folded across lines is 47')
  t.ok(m.travellers[0].references.seat !== null && m.travellers[0].references.pnr !== null)
})

sample('paxlst-ediclean-B.txt', async t => {
  const { model: m, findings, part } = load('paxlst-ediclean-B.txt', { typeB: true })
  t.same(findings, [])
  t.equal(part.sequence, 8)
  t.same(legs(m), ['B2740 VIE>FRA 2021-08-27T04:15/2021-08-27T06:50'])
  t.equal(m.travellers.length, 1)
  t.same(m.totals, { passengers: 130, crew: null })
})

sample('paxlst-ediclean-C.txt', async t => {
  const { model: m, findings, part } = load('paxlst-ediclean-C.txt', { typeB: true })
  t.same(findings, [])
  t.equal(part.sequence, 6)
  t.equal(m.travellers.length, 3)
  t.ok(m.travellers.every(x => x.references.seat !== null && x.documents.length === 1))
  t.same(m.totals, { passengers: 130, crew: null })
  t.same(legs(m), ['B2740 VIE>FRA 2021-08-27T04:15/2021-08-27T06:50'])
})

sample('paxlst-ediclean-D.txt', async t => {
  const { model: m, findings, part } = load('paxlst-ediclean-D.txt', { typeB: true })
  t.same(findings, [])
  t.same(part, { sequence: 10, final: false, commonAccessReference: 'AT123/210827/1450' })
  t.same(legs(m), ['FZ708 VIE>FRA 2021-08-27T14:50/2021-08-27T17:40'])
  t.equal(m.travellers.length, 1)
  t.same(m.totals, { passengers: 161, crew: null })
  t.ok(m.reportingParty?.email !== null)
})

sample('paxlst-ediclean-E.txt', async t => {
  const { model: m, findings, part } = load('paxlst-ediclean-E.txt', { typeB: true })
  t.same(part, { sequence: 16, final: true, commonAccessReference: 'AT123/210827/1450' })
  t.same(legs(m), ['AT123 VIE>FRA 2021-08-27T14:50/2021-08-27T17:40'])
  t.equal(m.travellers.length, 3)
  t.ok(m.travellers.every(x => x.clearance !== null))
  t.same(m.totals, { passengers: 161, crew: null })
  t.same(findings.map(brief), ['13@43:LOC:profile'], 'the third passenger\'s document has no LOC 91')
  t.equal(m.travellers[2].documents[0].issuingCountry, null)
})

sample('paxlst-ediclean-F.txt', async t => {
  const { model: m, findings, part } = load('paxlst-ediclean-F.txt')
  t.same(findings, [])
  t.same(part, { sequence: 1, final: null, commonAccessReference: 'TK334 27 FRA02' })
  t.equal(documentKind(m), 'crew-list')
  t.equal(m.documentId, 'C')
  t.same(legs(m), ['TK334 FRA>VIE 2021-08-27T17:10/2021-08-27T20:50'])
  t.equal(m.travellers.length, 1)
  const crew = m.travellers[0]
  t.equal(crew.role, 'crew')
  t.same(crew.documents.map(d => [d.type, typeof d.number, d.expiry]), [['P', 'string', '2024-10-15'], ['L', 'string', '2036-01-01']],
    'two DOC groups: passport and pilot licence')
  t.ok(crew.birthPlace !== null)
  t.same(m.totals, { passengers: null, crew: 7 })
})

sample('paxlst-astra-iapi-request-sire.edi', async t => {
  // Harness macros: the parser says so and a pipeline does not go on to map. Were it mapped
  // anyway, every unreadable value is a precise date finding at its own position.
  const { model: m, findings, parserErrors } = load('paxlst-astra-iapi-request-sire.edi')
  t.ok(parserErrors.includes('GW_ERR_EDIFACT_HARNESS_MACRO'))
  t.same(findings.map(brief), [
    '13@6:DTM:profile', '13@6:DTM:profile',
    '12@8:DTM:1:2:profile', '12@10:DTM:1:2:profile', '12@22:DTM:1:2:profile', '12@35:DTM:1:2:profile'
  ])
  t.same(legs(m), ['CA339 ICN>CAN null/null'])
  t.equal(m.travellers.length, 2)
  t.same(m.totals, { passengers: 2, crew: null })
})

t.test('every PAXLST sample is covered', async t => {
  const files = sampleNames().filter(f => f.startsWith('paxlst-'))
  t.same(files.filter(f => !covered.has(f)), [])
})
