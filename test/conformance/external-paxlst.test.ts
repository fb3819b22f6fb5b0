/**
 * Every PAXLST of the external folder (other projects' tests and field logs, SOURCES.md there):
 * the gateway's reading pinned against the message itself. Counts come from the independent
 * reader, the rest (document type, legs, the ISO 9735-4 codes each defect deserves) was read off
 * the message by hand; docs/conformance.md lists the policy behind each choice.
 */
import t, { type Test } from 'tap'
import { agreesWithIndependentReading, codes, read, sample, unpinned, type Read } from './external-common.js'
import { documentsPerTraveller, flightOf, travellersOf } from './independent-reader.js'
import type { PaxlstModel } from '../../src/messages/index.js'

const legs = (m: PaxlstModel): string[] =>
  m.flight.legs.map(l =>
    `${l.carrier}${l.number} ${l.departure.airport}>${l.arrival.airport} ${l.departure.scheduled}/${l.arrival.scheduled}`)

function only (t: Test, g: Read): PaxlstModel {
  t.equal(g.paxlst.length, 1, 'one PAXLST message')
  return g.paxlst[0].model
}

/** Travellers and their documents as the independent reader counts them (NAD of group 4, DOC of group 5). */
function travellersAgree (t: Test, g: Read, m: PaxlstModel): void {
  t.equal(m.travellers.length, travellersOf(g.reader), 'travellers: the NADs of group 4')
  t.same(m.travellers.map(x => x.documents.length), documentsPerTraveller(g.reader), 'documents per traveller')
}

sample('paxlst-rca-ms0775-sita-lf-terminator-d05b.edi', (t, g) => {
  // UNA:+.?* then LF, and every segment ends in LF: the advice agrees with UNB and with the body.
  t.equal(g.ix.separators?.segment, '\n', 'the line feed is the terminator the UNA declares')
  agreesWithIndependentReading(t, g)
  t.equal(g.ix.segmentCount, 477, '473 message segments and UNB, UNG, UNE, UNZ')
  const m = only(t, g)
  t.equal(m.documentType, 'passenger-list')
  t.same(legs(m), ['MS0775 CAI>DUB 2025-08-14T09:35/2025-08-14T13:20'])
  travellersAgree(t, g, m)
  t.equal(m.travellers.length, 32)
  t.ok(m.travellers.some(x => x.documents.length === 2), 'DOC+P and DOC+C groups of one traveller')
  t.same(m.totals, { passengers: 33, crew: null }, 'CNT+42:33 is the flight total; the log cut lost one traveller')
  t.same(codes(g.ix.errors), ['29@UNT:1'], 'what is really wrong: UNT+1772 for 473 segments (the log body was cut)')
  t.same(codes(g.ix.warnings), ['20@UNA:6'], 'a line break is no level A character: said, not rejected (syntax.lineBreakTerminator: warn)')
  t.same(g.ix.stripped, [], 'no line folding: the line feeds are terminators')
  const plain = read('paxlst-rca-ms0775-sita-lf-terminator-d05b.edi', {})
  t.equal(plain.paxlst[0]?.model.travellers.length, 32, 'the same without Type B unfolding')
  const strict = read('paxlst-rca-ms0775-sita-lf-terminator-d05b.edi', { typeB: true, syntax: { lineBreakTerminator: 'reject' } })
  t.same(codes(strict.ix.errors).filter(c => c.startsWith('20@')), ['20@UNA:6'], 'an agreement may reject it (code 20)')
  const quiet = read('paxlst-rca-ms0775-sita-lf-terminator-d05b.edi', { typeB: true, syntax: { lineBreakTerminator: 'ignore' } })
  t.same(codes(quiet.ix.warnings), [])
})

sample('paxlst-rca-dy1303-sita-out-d05b.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(m.documentType, 'passenger-list')
  t.same(legs(m), ['DY1303 LGW>OSL 2025-10-04T09:20/2025-10-04T12:25'])
  travellersAgree(t, g, m)
  t.equal(m.travellers.length, 80)
  t.same(m.totals, { passengers: 81, crew: null })
  t.equal(g.ix.separators?.repetition, '*')
  t.same(codes(g.ix.errors), ['29@UNT:1'], 'UNT+2407 for 1031 segments')
  t.same(g.paxlst[0].findings, [])
})

sample('paxlst-rca-dy1303-typeb-nadfm-d02b.edi', (t, g) => {
  t.match(g.ix.stripped, [{ kind: 'control-chars' }, { kind: 'typeb-header' }, { kind: 'control-chars' }], 'Type B framing set aside')
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(m.documentType, 'passenger-list', 'BGM+745')
  t.same(legs(m), ['DY1303 OSL>LGW 2025-10-04T09:30/2025-10-04T15:45'])
  travellersAgree(t, g, m)
  t.same(m.travellers.map(x => x.role), ['crew'], 'NAD+FM is the crew qualifier, whatever BGM says')
  t.same(codes(g.ix.errors), ['21@UNG:2', '29@UNT:1'], '`_` of APIS_DY is outside UNOA; UNT+18 for 19 segments')
  t.same(codes(g.paxlst[0].findings), ['13@CNT', '13@LOC'], 'no CNT; the DOC group has no LOC+91 (issuing State)')
})

sample('paxlst-rca-dy1317-1a-una-paren-d05b.edi', (t, g) => {
  t.same(g.ix.separators, { component: ':', element: '(', decimal: '.', release: ')', repetition: null, segment: '-' }, 'UNA:(.) -')
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.same(legs(m), ['DY1317 LGW>BGO 2025-07-22T09:35/2025-07-22T12:30'])
  travellersAgree(t, g, m)
  t.same(g.ix.messages[0].part, { sequence: 1, final: false, first: true }, '01:C: the first of several parts')
  t.same(m.totals, { passengers: 190, crew: null })
  t.same(codes(g.ix.errors), ['29@UNT:1'], 'UNT+180 for the 37 segments of the trimmed log')
})

sample('paxlst-rca-w46118-typeb-una-star-dollar-d05b.edi', (t, g) => {
  t.match(g.ix.separators, { element: '*', release: '?', repetition: null, segment: '$' }, 'UNA:*.? $')
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.same(legs(m), ['W46118 SSH>FCO 2025-10-04T21:50/2025-10-05T00:55'])
  travellersAgree(t, g, m)
  t.equal(m.travellers.length, 9)
  t.same(g.ix.messages[0].part, { sequence: 1, final: false, first: true })
  t.same(codes(g.ix.errors), [])
  t.same(g.paxlst[0].findings, [])
})

sample('paxlst-rca-ts230-crew-typeb-d02b.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(m.documentType, 'crew-list', 'BGM+250')
  t.same(legs(m), ['TS230 YYZ>DUB 2025-07-23T23:55/2025-07-24T11:30'])
  travellersAgree(t, g, m)
  t.same(m.travellers.map(x => x.role), ['crew'])
  t.equal(g.ix.unb?.senderQualifier, '.', 'AIR TRANSAT:. kept as sent')
  t.same(codes(g.ix.errors), ['21@UNG:2', '29@UNT:1'], '`_` of APIS_TS under UNOA; UNT+22 for 21 segments')
  t.same(codes(g.paxlst[0].findings), ['13@CNT', '13@LOC'], 'no CNT; the DOC group has no LOC+91: LOC 178/179 follow it instead')
})

sample('paxlst-rca-ts230-part02-fragment.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(flightOf(g.reader), 'TS230')
  t.same(g.ix.messages[0].part, { sequence: 2, final: false, first: false }, 'part 02 of several')
  t.equal(m.travellers.length, 0)
  t.same(codes(g.ix.errors), ['13@UNE', '13@UNT', '28@UNZ:2'],
    'truncated: no UNT, no UNE; UNZ quotes the UNG reference 1A8323505, not UNB 1A8323504')
})

sample('paxlst-rca-minimal-empty-icr.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  t.equal(g.ix.unb?.reference, '', 'empty 0020')
  t.equal(g.ix.unb?.preparedAt, null, '123456 is no date (month 34)')
  t.same(codes(g.ix.errors), ['12@UNB:4', '13@UNB:5', '28@UNZ:2', '29@UNT:1'],
    'impossible date (12), missing 0020 (13), UNZ 123456 for an empty 0020 (28), UNT+3 for 2 segments (29)')
  const m = only(t, g)
  t.equal(m.travellers.length, 0)
  t.same(codes(g.paxlst[0].findings), ['13@BGM', '13@CNT', '13@TDT'], 'a message of UNH and UNT alone')
})

sample('paxlst-gtas-cedipax-nz-001-legacy.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  t.equal(g.ix.messages[0].identifier, 'PAXLST:001:000:NZ', 'a pre-UN CEDIPAX message: the agreement decides on its version')
  t.same(g.ix.groups.map(x => x.version), ['001:000'])
  t.same(codes(g.ix.errors), ['29@UNT:1'], 'UNT+000011 for 13 segments')
  t.same(codes(g.ix.warnings), ['22@CTA:2'], '`? ` releases a space, which is no service character here')
  const m = only(t, g)
  t.equal(m.documentType, 'other')
  t.equal(m.travellers.length, 0, 'PDT is no UN PAXLST traveller segment')
})

sample('paxlst-gtas-unittest-ua988-bags-d05b.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  t.equal(g.ix.unb?.sender, 'APIS*ABE', '`*` is data: the UNA declares no repetition separator')
  const m = only(t, g)
  t.same(legs(m), ['UA988 FRA>IAD 2018-06-26T12:20/2018-06-26T15:05'])
  travellersAgree(t, g, m)
  t.same(codes(g.ix.errors), ['28@UNT:2', '28@UNZ:2', '29@UNT:1'], 'UNT+135+1 for PAX001 of 32 segments, UNZ 020A07 for 000000001')
  t.same(codes(g.paxlst[0].findings), ['12@CNT:1', '13@DOC:2', '13@LOC'],
    'CNT+3 is no total qualifier; the second DOC++ has no number, its LOC+91+ no State')
})

sample('paxlst-milyn-ace-truck-d03b-release.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  t.equal(g.ix.separators?.repetition, null, 'no UNA under UNOA:4: `*` stays data (docs/conformance.md)')
  t.equal(g.ix.messages[0].identifier, 'PAXLST:D:03B:UN', 'no IATA association code')
  t.same(codes(g.ix.errors), [])
  const m = only(t, g)
  t.equal(m.documentType, 'other', 'BGM+10: a truck manifest')
  travellersAgree(t, g, m)
  t.same(m.travellers.map(x => x.role), [null], 'NAD+VW is no air traveller role')
})

sample('paxlst-pydifact-test-d02b-10pax-noUNA.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.same(legs(m), ['YY123 IAD>BRU 2020-05-06T12:00/2020-05-07T13:22'])
  travellersAgree(t, g, m)
  t.equal(m.travellers.length, 10)
  t.same(codes(g.ix.errors), ['21@NAD:4', '29@UNT:1'], 'UTF-8 É under UNOA (21); UNT+23 for 118 segments')
})

sample('paxlst-pydifact-test-d05b-2legs-apisabe.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.same(legs(m), ['UA123 YVR>JFK 2007-04-29T12:30/2007-04-29T16:00', 'UA124 JFK>ATL 2007-04-29T17:30/2007-04-29T19:45'])
  travellersAgree(t, g, m)
  t.equal(g.ix.messages[0].commonAccessReference, 'API01')
  t.same(g.ix.messages[0].part, { sequence: 1, final: null, first: true }, 'S010 01 alone: first, final unknown')
  t.same(codes(g.ix.errors), [])
  t.same(g.paxlst[0].findings, [])
})

sample('paxlst-sita-mqput-sq6680-typeb-d02b.edi', (t, g) => {
  t.match(g.ix.stripped, [{ kind: 'typeb-header' }])
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.same(legs(m), ['SQ6680 SIN>LHR 2019-05-13T09:00/2019-05-13T19:30'])
  travellersAgree(t, g, m)
  t.same(g.ix.messages[0].part, { sequence: 2, final: true, first: false }, '02:F, the last part')
  t.same(m.totals, { passengers: null, crew: 2 }, 'CNT+41 counts crew, as sent')
  t.same(codes(g.ix.errors), ['29@UNT:1'], 'UNT+187 for 25 segments')
})

sample('paxlst-astra-nordwind-iapi-sire-d05b.edi', (t, g) => {
  t.equal(g.ix.separators?.segment, '"', 'SIRE: `"` ends a segment')
  agreesWithIndependentReading(t, g)
  t.same(codes(g.ix.errors), ['12@UNB:4', '21@UNB:5', '21@UNH:3', '21@UNZ:2', '29@UNT:1'],
    'harness macros (21) in 0020, 0068 and UNZ; xxxxxx is no date (12); ' +
    'RFF+TN... has no terminator and takes NAD+MS with it: UNT+28 for 26')
  const m = only(t, g)
  t.same(legs(m), ['UT103 DME>BJS null/null'], 'the DTM values are harness placeholders')
  travellersAgree(t, g, m)
})

sample('paxlst-astra-ok688-part02-no-unb-d02b.edi', (t, g) => {
  t.same(codes(g.ix.errors), ['18@-'], 'UNH…UNT and a stray UNE without UNB: no interchange to answer (no 0085 code: 18 unspecified)')
  t.equal(g.ix.unb, null)
  t.same(g.ix.stripped, [{ kind: 'leading-text', bytes: 495 }], 'the whole file is set aside as text')
  t.equal(travellersOf(g.reader), 2, 'what was lost: two travellers of the middle part')
})

t.test('every external PAXLST file is pinned', async t => {
  t.same(unpinned('paxlst-'), [])
})
