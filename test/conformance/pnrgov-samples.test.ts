/**
 * Every real PNRGOV sample in the core samples folder, parsed by the edifact engine and mapped: push
 * type, flight, PNR counts and locators, SSR DOCS fields (asserted by presence and format, never
 * printed), and the findings their deviations deserve.
 */
import t, { type Test } from 'tap'
import { parseInterchange } from '../../src/edifact/index.js'
import { documentKind, firstFlightFacts, mapMessage, partOf, type DocsDocument, type PnrgovModel } from '../../src/messages/index.js'
import { readSample, sampleNames } from './samples.js'
import type { Finding } from '../../src/transmission/index.js'

const receivedAt = new Date('2025-01-01T00:00:00Z')
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

interface Mapped { model: PnrgovModel, findings: Finding[], part: ReturnType<typeof partOf>, parserErrors: string[] }

function parse (file: string, options: { typeB?: boolean, unaRepair?: boolean } = {}): ReturnType<typeof parseInterchange> {
  return parseInterchange(readSample(file), options)
}

function load (file: string, options: { typeB?: boolean, unaRepair?: boolean } = {}): Mapped {
  const ic = parse(file, options)
  if (ic.messages.length !== 1) throw new Error(`${file}: one message expected`)
  const env = ic.messages[0]
  const r = mapMessage(env, { receivedAt })
  if (r.type !== 'PNRGOV') throw new Error(`${file}: PNRGOV expected`)
  return { model: r.model, findings: r.findings, part: partOf(env), parserErrors: ic.errors.map(e => e.id) }
}

const brief = (f: Finding): string => {
  const at = f.element === null ? '' : `:${f.element}:${f.component ?? ''}`
  return `${f.code}@${f.segment}:${f.tag}${at}${f.family === 'profile' ? ':profile' : ''}`
}
const pnrs = (m: PnrgovModel): string[] =>
  m.pnrs.map(p => `${p.locator} ${p.travellers.length}t ${p.itinerary.length}i${p.cancelled ? ' cancelled' : ''}`)
const flight = (m: PnrgovModel): string => {
  const l = m.flight.legs[0]
  return `${m.flight.carrier}${m.flight.number} ${l.departure.airport}>${l.arrival.airport} ${l.departure.scheduled}/${l.arrival.scheduled}`
}

/** A DOCS with every field: checked by format, so no passenger value is printed by the test. */
function completeDocs (t: Test, d: DocsDocument, flightDate: string): void {
  t.match(d.type, /^[A-Z]{1,2}$/)
  t.match(d.issuingCountry, /^[A-Z]{2,3}$/)
  t.match(d.nationality, /^[A-Z]{2,3}$/)
  t.match(d.number, /^[A-Z0-9]+$/)
  t.match(d.birthDate, ISO_DATE)
  t.ok(d.birthDate !== null && d.birthDate <= flightDate, 'birth date not after the flight')
  t.match(d.gender, /^(M|F|MI|FI|U|X)$/)
  t.match(d.expiry, ISO_DATE)
  t.ok(d.surname !== null && d.givenNames !== null)
}

const covered = new Set<string>()
function sample (file: string, fn: (t: Test) => Promise<void>): void {
  covered.add(file)
  t.test(file, fn)
}

sample('pnrgov-gtas-v10-2pnrs-folded.edi', async t => {
  const { model: m, findings } = load('pnrgov-gtas-v10-2pnrs-folded.edi', { typeB: true })
  t.same(findings, [])
  t.equal(documentKind(m), 'full-push')
  t.same(m.originator, { airline: 'DL', location: 'ATL' })
  t.equal(flight(m), 'DL324 LHR>JFK 2010-12-12T09:15/null', 'DDMMYY, departure only')
  t.equal(m.totalPnrs, 2)
  t.same(pnrs(m), ['MFN4TI 2t 2i', '23456 2t 2i'])
  const [smith, jones] = m.pnrs[0].travellers
  t.same([smith.type, smith.reference, jones.reference], ['A', '1', '2'])
  t.equal(smith.documents.length, 1)
  completeDocs(t, smith.documents[0], '2010-12-12')
  t.same(jones.documents.map(d => [d.type, d.number, d.expiry, typeof d.nationality, d.gender]), [[null, null, null, 'string', 'M']],
    'DOCS with empty type, issuer, number and expiry')
  for (const x of m.pnrs[1].travellers) completeDocs(t, x.documents[0], '2010-12-12')
  t.equal(m.pnrs[1].travellers[0].documents[0].birthDate?.slice(0, 2), '19', '12JUL12 cannot be 2012: it is after the flight')
  t.same(
    m.pnrs[0].itinerary.map(i => `${i.carrier}${i.number} ${i.departure.airport}>${i.arrival.airport} ${i.status ?? '-'}`),
    ['DL324 LHR>JFK -', 'DL330 JFK>YVR HK']
  )
  t.equal(m.pnrs[0].itinerary[0].arrival.scheduled, '2010-12-12T12:30', 'TVL+121210:0915::1230: arrival on the departure date')
})

sample('pnrgov-gtas-am-mxpnrgov.edi', async t => {
  const { model: m, findings, part } = load('pnrgov-gtas-am-mxpnrgov.edi')
  t.same(findings, [])
  t.same(part, { sequence: null, final: null, commonAccessReference: 'AM498/230513/1142' })
  t.equal(m.pushType, 'full')
  t.equal(flight(m), 'AM498 MTY>LAS 2013-05-23T10:39/2013-05-23T11:42')
  t.equal(m.totalPnrs, 2)
  t.same(pnrs(m), ['ICOXXX 2t 2i', 'BJOXXX 1t 2i'], 'the Gr.8 split PNR (EQN+1 RCI) is not a PNR of its own')
  t.equal(m.pnrs[0].created, '2013-04-12T17:55:00')
  t.same(m.pnrs[0].travellers.map(x => x.documents.length), [0, 0])
  const d = m.pnrs[1].travellers[0].documents
  t.equal(d.length, 1)
  completeDocs(t, d[0], '2013-05-23')
  t.equal(d[0].issuingCountry?.length, 2, 'two-letter issuing State as sent')
  t.same(firstFlightFacts(m), { flight: 'AM498', departure: 'MTY', arrival: 'LAS', scheduledDeparture: '2013-05-23T10:39' })
})

sample('pnrgov-gtas-tz-aucbps-3pnrs.edi', async t => {
  const { model: m, findings } = load('pnrgov-gtas-tz-aucbps-3pnrs.edi')
  t.same(findings, [])
  t.equal(flight(m), 'TZ0006 SIN>OOL 2013-05-28T22:25/2013-05-29T07:50')
  t.equal(m.totalPnrs, 3)
  t.same(pnrs(m), ['W9TEND 1t 2i', 'D1RGHI 3t 4i', 'GBFKSK 9t 2i'], 'the group name TIF is not a traveller')
  const family = m.pnrs[1].travellers
  t.same(family.map(x => x.type), ['A', 'A', 'IN'])
  for (const x of family) completeDocs(t, x.documents[0], '2013-05-28')
  t.equal(family[2].documents[0].gender, 'MI')
  t.same(m.pnrs[2].travellers.map(x => x.documents.length), [0, 1, 0, 0, 0, 0, 0, 0, 0])
  t.ok(m.pnrs.every(p => p.created !== null && p.itinerary.every(i => i.status === 'HK')))
})

sample('pnrgov-gtas-1a-codeshare-bad-una.edi', async t => {
  const raw = parse('pnrgov-gtas-1a-codeshare-bad-una.edi')
  t.ok(
    raw.errors.some(e => e.id === 'GW_ERR_EDIFACT_UNA_MALFORMED' && e.code === 20),
    'without repair the UNA is rejected (CONTRL 20) before mapping'
  )
  const { model: m, findings } = load('pnrgov-gtas-1a-codeshare-bad-una.edi', { unaRepair: true })
  t.same(findings, [])
  t.equal(flight(m), 'SQ609 ICN>SIN 2013-05-27T16:40/2013-05-27T22:00')
  t.same(pnrs(m), ['2LS6KP 1t 1i', 'X49V9U 1t 1i'])
  t.same(m.pnrs[0].locators.map(l => l.company), ['1A', 'KE'])
  t.same(
    m.pnrs.map(p => p.itinerary.map(i => [i.carrier, i.operatingCarrier, i.operatingNumber])),
    [[['KE', 'SQ', '303']], [['OZ', 'SQ', '752']]],
    'marketing carrier, operating carrier and the operating flight of the second TVL'
  )
  t.same(m.pnrs.map(p => p.travellers[0].documents.length), [1, 1], 'the same passport at traveller and segment level counts once')
  completeDocs(t, m.pnrs[1].travellers[0].documents[0], '2013-05-27')
})

sample('pnrgov-gtas-1a-infant-curly-quote-una.edi', async t => {
  const raw = parse('pnrgov-gtas-1a-infant-curly-quote-una.edi')
  t.ok(raw.errors.some(e => e.id === 'GW_ERR_EDIFACT_UNA_MALFORMED'), 'a U+2019 terminator in UNA is malformed without repair')
  const { model: m, findings } = load('pnrgov-gtas-1a-infant-curly-quote-una.edi', { unaRepair: true })
  t.same(findings, [])
  t.same(pnrs(m), ['3PGZOV 2t 1i'])
  const [adult, infant] = m.pnrs[0].travellers
  t.same([adult.type, infant.type], ['A', 'IN'])
  t.same([adult.documents.length, infant.documents.length], [1, 1], 'the infant passport (FI) carried on the adult goes to the infant')
  t.equal(infant.documents[0].gender, 'FI')
  t.equal(adult.documents[0].gender, 'F')
  completeDocs(t, adult.documents[0], '2013-05-27')
})

sample('pnrgov-gtas-ig-pg75-backslash-release.edi', async t => {
  // Three segments end in U+2019 instead of the declared terminator: each swallows the next
  // segment, and what is left out of place gets a precise structural finding.
  const { model: m, findings } = load('pnrgov-gtas-ig-pg75-backslash-release.edi')
  t.same(findings.map(brief), [
    '15@15:RPI', '15@16:APD', '15@20:RCI:profile', '13@33:TIF:profile', '15@36:FTI', '15@37:IFT:profile', '15@38:REF', '15@39:SSR:profile'
  ])
  t.equal(flight(m), 'SQ609 ICN>SIN 2013-05-27T16:40/2013-05-27T22:00')
  t.same(m.pnrs.map(p => p.locator), ['2LS6KP', 'X49V9U'])
})

sample('pnrgov-gtas-una-hyphen-star.edi', async t => {
  const { model: m, findings } = load('pnrgov-gtas-una-hyphen-star.edi')
  t.same(findings.map(brief), ['12@4:TVL:1:3:profile'], 'TVL+230220:1010:1422: arrival time in the date slot')
  t.equal(flight(m), 'DL441 JFK>MBJ 2020-02-23T10:10/2020-02-23T14:22')
  t.equal(m.totalPnrs, 1)
  t.same(pnrs(m), ['BGXFR4 1t 3i'])
  completeDocs(t, m.pnrs[0].travellers[0].documents[0], '2020-02-23')
})

sample('pnrgov-gtas-v13-example.edi', async t => {
  const { model: m, findings } = load('pnrgov-gtas-v13-example.edi')
  t.same(findings.map(brief), ['12@4:TVL:1:3:profile'])
  t.equal(flight(m), 'UA988 FRA>IAD 2018-09-28T12:20/2018-09-28T15:05')
  t.same(pnrs(m), ['7C789A 5t 3i'])
  t.equal(m.pnrs[0].created, '2018-08-23T12:20', 'RCI with the date in the type component')
  const docs = m.pnrs[0].travellers.map(x => x.documents)
  t.ok(docs.every(d => d.length === 1 && d[0].number !== null && d[0].birthDate !== null && d[0].expiry !== null))
  t.same(docs.map(d => d[0].nationality), [null, null, null, null, null], 'DOCS with an empty nationality field')
})

sample('pnrgov-gtas-badformat.txt', async t => {
  const { model: m, findings } = load('pnrgov-gtas-badformat.txt')
  t.same(findings, [], 'the defects are in the envelope (UNT count, UNZ terminator), not in the message body')
  t.equal(flight(m), 'TZ0006 SIN>OOL 2013-05-28T22:25/2013-05-29T07:50')
  t.same(pnrs(m), ['35K2IO 2t 1i'])
  t.ok(m.pnrs[0].travellers.every(x => x.documents.length === 1 && x.documents[0].number === null && x.documents[0].birthDate !== null))
})

t.test('every PNRGOV sample is covered', async t => {
  const files = sampleNames().filter(f => f.startsWith('pnrgov-'))
  t.same(files.filter(f => !covered.has(f)), [])
})
