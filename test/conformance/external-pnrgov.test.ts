/**
 * Every PNRGOV of the external folder (SOURCES.md there): the gateway's reading pinned against the
 * message. PNR and traveller counts come from the independent reader (SRC opens a PNR, a TIF before
 * the PNR's first TVL a traveller); flight, push type and the ISO 9735-4 codes each defect deserves
 * were read off the message by hand (docs/conformance.md).
 */
import t, { type Test } from 'tap'
import { agreesWithIndependentReading, codes, EXTERNAL, read, sample, unpinned, type Read } from './external-common.js'
import { pnrsOf } from './independent-reader.js'
import type { PnrgovModel } from '../../src/messages/index.js'
import { assessTransmission } from '../../src/pipeline/assess.js'
import { permissiveAgreement } from '../../src/cli/report.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const flight = (m: PnrgovModel): string => {
  const l = m.flight.legs[0]
  return `${m.flight.carrier}${m.flight.number} ${l.departure.airport}>${l.arrival.airport} ${l.departure.scheduled}/${l.arrival.scheduled}`
}

function only (t: Test, g: Read): PnrgovModel {
  t.equal(g.pnrgov.length, 1, 'one PNRGOV message')
  return g.pnrgov[0].model
}

/** PNRs and travellers per PNR as the independent reader counts them. */
function pnrsAgree (t: Test, g: Read, m: PnrgovModel): void {
  const counted = pnrsOf(g.reader)
  t.equal(m.pnrs.length, counted.pnrs, 'PNRs: one per SRC')
  t.same(m.pnrs.map(p => p.travellers.length), counted.travellers, 'travellers per PNR')
}

/** The UA-generated GTAS test messages share their envelope defects. */
const UA_ENVELOPE = ['13@UNB:3', '13@UNT:2', '28@UNZ:2']

sample('pnrgov-oorexx-comments-in-envelope-11.edi', (t, g) => {
  // UNA:+.? ' is valid and UNB ends in `'`: the advice must stand, whatever text follows UNB.
  t.same(g.ix.separators, { component: ':', element: '+', decimal: '.', release: '?', repetition: null, segment: "'" })
  t.equal(g.ix.body.subarray(0, 9).toString('latin1'), "UNA:+.? '", 'a valid UNA that agrees with UNB is never repaired')
  t.equal(read('pnrgov-oorexx-comments-in-envelope-11.edi', {}).ix.repaired, false, 'nothing repaired without unfolding either')
  t.equal(g.ix.unb?.reference, 'CTRL1', 'the interchange reference without the terminator')
  agreesWithIndependentReading(t, g)
  t.equal(g.reader.asides, 2, 'two comments between segments')
  t.same(g.ix.groups.map(x => [x.type, x.reference]), [['PNR', 'G07']])
  t.same(g.ix.messages.map(m => [m.reference, m.type, m.version, m.group]),
    [['G07A', 'PNRGOV', '11:1', 'G07'], ['G07B', 'PNRGOV', '11:1', 'G07']])
  t.same(codes(g.ix.errors), ['13@UNG:6', '13@UNG:7', '31@UNH:2', '33@-', '33@-'],
    'the comments are data outside a message (33); under syntax 3 UNG needs 0051 and S008 (13); ' +
    '0038 PNR names another type than PNRGOV (31)')
  t.match(g.ix.errors.filter(f => f.code === 33), [{ level: 'interchange', segment: 2 }, { level: 'group', group: 'G07', segment: 3 }],
    'one before UNG (interchange), one before the first UNH (in the group)')
  const warned = read('pnrgov-oorexx-comments-in-envelope-11.edi', { typeB: true, syntax: { outsideText: 'warn' } })
  t.same(codes(warned.ix.warnings), ['33@-', '33@-'], 'syntax.outsideText: warn')
  const ignored = read('pnrgov-oorexx-comments-in-envelope-11.edi', { typeB: true, syntax: { outsideText: 'ignore' } })
  t.same(codes(ignored.ix.errors).filter(c => c.startsWith('33')), [], 'syntax.outsideText: ignore')
  const repairing = read('pnrgov-oorexx-comments-in-envelope-11.edi', { typeB: true, unaRepair: true })
  t.same([repairing.ix.separators?.segment, repairing.ix.unb?.reference, repairing.ix.repaired], ["'", 'CTRL1', true],
    'with unaRepair on, the valid advice still stands (repaired says only that folds were removed)')
  t.same(codes(repairing.ix.warnings), [], 'and no UNA warning')
  const plain = read('pnrgov-oorexx-comments-in-envelope-11.edi', {})
  t.same(codes(plain.ix.errors), codes(g.ix.errors), 'the same without Type B unfolding')
  for (const p of g.pnrgov) t.equal(p.model.pnrs.length, 0, 'RCI/SSR without SRC: no PNR')
  // The agreement's `syntax` block reaches the reader through the pipeline's assessment.
  const bytes = readFileSync(join(EXTERNAL ?? '', 'pnrgov-oorexx-comments-in-envelope-11.edi'))
  const limits = { maxSegments: 200000, maxValueLength: 512, maxParts: 99 }
  const ctx = { receiverIds: ['RECEIVER'], receivedAt: new Date('2026-08-20T18:30:00Z'), limits }
  const base = permissiveAgreement(bytes)
  const strict = assessTransmission(bytes, [base], ctx)
  t.same(codes(strict.errors).filter(c => c.startsWith('33')), ['33@-', '33@-'], 'default agreement: rejected (33)')
  const lenient = assessTransmission(bytes, [{ ...base, syntax: { outsideText: 'warn', lineBreakTerminator: 'warn' } }], ctx)
  t.same(codes(lenient.errors).filter(c => c.startsWith('33')), [], 'syntax.outsideText: warn')
  t.same(codes(lenient.warnings).filter(c => c.startsWith('33')), ['33@-', '33@-'])
})

sample('pnrgov-das-ba3401-uaepnrgov-11.edi', (t, g) => {
  t.same(g.ix.stripped, [], 'six blanks before UNA are layout, not text (docs/conformance.md)')
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(flight(m), 'BA3401 DXB>LHR 2023-01-16T16:40/2023-01-16T17:45')
  pnrsAgree(t, g, m)
  t.equal(m.totalPnrs, 2)
  t.same(codes(g.ix.errors), ['29@UNT:1'], 'UNT+824 for 24 segments')
  t.same(g.pnrgov[0].findings, [])
})

sample('pnrgov-gtas-am-adult-infant-11.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(m.pushType, 'full')
  t.equal(flight(m), 'AM498 MTY>LAS 2013-05-23T10:39/2013-05-23T11:42')
  pnrsAgree(t, g, m)
  t.same(m.pnrs.map(p => p.travellers.length), [2], 'the adult and the infant (TIF …:IN)')
  t.same(codes(g.ix.errors), [])
  t.same(g.pnrgov[0].findings, [])
})

sample('pnrgov-gtas-lh-1a-backslash-release-3pnrs-11.edi', (t, g) => {
  t.same(g.ix.separators, { component: ':', element: '+', decimal: '.', release: '\\', repetition: '*', segment: "'" },
    'UNA:+.\\*\' is six valid characters')
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(flight(m), 'LH474 MUC>YUL 2013-05-27T15:50/2013-05-27T18:20')
  pnrsAgree(t, g, m)
  t.equal(m.pnrs.length, 3)
  t.same(codes(g.ix.errors), [])
  t.same(g.pnrgov[0].findings, [])
})

sample('pnrgov-gtas-pnrutils-v10-3pnrs.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  t.equal(g.ix.messages[0].version, '10:1', 'PNRGOV 10.1: the agreement decides on the version')
  const m = only(t, g)
  pnrsAgree(t, g, m)
  t.same(m.pnrs.map(p => p.travellers.length), [0, 0, 0], 'bare SRC and RCI')
  t.same(codes(g.ix.errors), ['13@UNB:3', '29@UNT:1'], 'empty recipient (a profile finding); UNT+135 for 12 segments')
  t.equal(g.ix.errors.find(f => f.tag === 'UNB')?.family, 'profile', 'the agreement decides on the empty recipient')
  t.same(codes(g.pnrgov[0].findings), ['12@EQN:1', '13@TIF', '13@TIF', '13@TIF'], 'EQN+2 for 3 PNRs in a single message; no TIF')
})

sample('pnrgov-gtas-tz-codeshare-tra-folded-11.edi', (t, g) => {
  t.same(g.ix.stripped, [{ kind: 'folding', bytes: 4 }], 'values folded across lines: Type B unfolding joins them')
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(flight(m), 'TZ0006 SIN>OOL 2013-05-28T22:25/2013-05-29T07:50')
  pnrsAgree(t, g, m)
  t.equal(g.ix.messages[0].commonAccessReference, 'AUTZ000623052013221001SIN20130528', 'UNH 0068 unfolded')
  t.same(codes(g.ix.errors), ['29@UNT:1'], 'UNT+173 for 57 segments')
  t.same(codes(g.ix.warnings), ['13@UNZ'], 'the last UNZ has no terminator')
  t.same(codes(g.pnrgov[0].findings), ['12@TVL:1'], 'the arrival time 4321 of a TVL')
  const folded = read('pnrgov-gtas-tz-codeshare-tra-folded-11.edi', {})
  t.ok(codes(folded.ix.errors).some(c => c.startsWith('21@')), 'without unfolding the folds are line breaks inside values (21)')
})

sample('pnrgov-gtas-ua-edge-release-plus-13.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(flight(m), 'UA988 FRA>IAD 2018-09-28T12:20/2018-09-28T15:05')
  pnrsAgree(t, g, m)
  t.ok(g.ix.messages[0].segments.some(s => s.elements.some(e => e.some(v => v.includes('UNT+')))), 'LOUUNT?+50BB: a released `+` is data')
  t.same(codes(g.ix.errors), [...UA_ENVELOPE, '29@UNT:1'].sort(), 'UNT+50 for 13 segments')
  t.same(codes(g.pnrgov[0].findings), ['12@TVL:1'], 'TVL date:time:time, no arrival date')
})

sample('pnrgov-gtas-ua-multileg-2pnrs-13.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(flight(m), 'UA988 FRA>IAD 2018-05-12T12:20/2018-05-12T15:05')
  pnrsAgree(t, g, m)
  t.same(m.pnrs.map(p => p.travellers.length), [2], 'one PNR, two travellers named again per leg')
  t.same(codes(g.ix.errors), [...UA_ENVELOPE, '29@UNT:1'].sort(), 'UNT+66 for 83 segments')
  t.same(codes(g.pnrgov[0].findings), ['12@EQN:1', '12@TVL:1'], 'EQN+2 with one PNR in a single message')
})

sample('pnrgov-gtas-ua-no-msg-segment-13.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(m.pushType, null, 'no MSG: the push type is unknown')
  pnrsAgree(t, g, m)
  t.same(codes(g.ix.errors), [...UA_ENVELOPE, '29@UNT:1'].sort())
  t.same(codes(g.pnrgov[0].findings), ['12@TVL:1', '13@MSG'], 'the mandatory level-0 MSG is missing (13)')
})

sample('pnrgov-gtas-ua-unt-noref-unz-mismatch-13.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(flight(m), 'UA988 FRA>IAD 2019-08-26T12:20/2019-08-26T15:05')
  pnrsAgree(t, g, m)
  t.same(codes(g.ix.errors), UA_ENVELOPE, 'UNT+43 is right; its reference is missing (13), UNZ 0223119803 is not 022311980304 (28)')
  t.ok(g.ix.errors.filter(f => f.tag === 'UNT' || f.tag === 'UNZ').every(f => f.family === 'controlCounts'),
    'trailer findings are the controlCounts family: the agreement decides')
})

sample('pnrgov-gtas-xl-47pnrs-13.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(flight(m), 'XL1439 JFK>GYE 2020-02-20T00:40/2020-02-20T07:10')
  pnrsAgree(t, g, m)
  t.equal(m.pnrs.length, 47)
  t.ok(m.pnrs.every(p => p.locator !== null), 'every PNR has its RCI locator')
  t.same(codes(g.ix.errors), [...UA_ENVELOPE, '29@UNT:1'].sort(), 'UNT+75 for 2570 segments')
  t.same(codes(g.pnrgov[0].findings), ['12@EQN:1', '12@TVL:1'], 'EQN+1 for 47 PNRs')
})

sample('pnrgov-gtasui-ua933-mock-13.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  const m = only(t, g)
  t.equal(flight(m), 'UA933 FRA>IAD 2019-12-31T17:10/2019-12-31T19:55')
  pnrsAgree(t, g, m)
  t.same(codes(g.ix.errors), [...UA_ENVELOPE, '29@UNT:1'].sort(), 'UNT+25 for 43 segments')
})

sample('pnrgov-rca-ek0160-out-13-1-xs-truncated.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  t.same(g.ix.messages.map(x => [x.type, x.version, x.agency]), [['PNRGOV', '13:1', 'XS']], 'agency XS as sent')
  t.same(g.ix.messages[0].part, { sequence: 1, final: true, first: true })
  const m = only(t, g)
  t.equal(flight(m), 'EK0160 OSL>DXB 2025-08-29T14:35/2025-08-29T23:25')
  t.equal(m.pnrs.length, 0)
  t.same(codes(g.ix.errors), ['13@UNE', '13@UNT', '13@UNZ'], 'truncated after EQN: no UNT, UNE, UNZ')
  t.same(codes(g.pnrgov[0].findings), ['12@EQN:1'], 'EQN+188 in a final single part that holds none')
})

sample('pnrgov-rca-ek0160-part01c-level0-only-11.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  t.same(g.ix.messages[0].part, { sequence: 1, final: false, first: true }, '01:C')
  const m = only(t, g)
  t.equal(flight(m), 'EK0160 OSL>DXB 2025-08-29T14:35/2025-08-29T23:25')
  t.equal(m.totalPnrs, 188)
  t.equal(m.pnrs.length, 0, 'level 0 only: the PNRs come in later parts')
  t.same(codes(g.ix.errors), ['29@UNT:1'], 'UNT+15 for 6 segments')
  t.same(g.pnrgov[0].findings, [])
})

t.test('every external PNRGOV file is pinned', async t => {
  t.same(unpinned('pnrgov-'), [])
})
