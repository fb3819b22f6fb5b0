// The evaluator's rules on hand-made flights (src/flights/evaluate.ts), and the agreement's
// `schedule` block: defaults off, offsets checked where the file is loaded.
import t from 'tap'
import { evaluateFlight, NO_SCHEDULE, offsetMs, type Schedule } from '../../src/flights/evaluate.js'
import { validateAgreement } from '../../src/agreements/store.js'
import type { FlightTransmission, StoredFlight } from '../../src/ledger/index.js'
import { exampleAgreement } from '../helpers/gateway.js'

const DEP = '2026-06-10T12:00:00.000Z'

function tx (kind: FlightTransmission['kind'], receivedAt: string, over: Partial<FlightTransmission> = {}): FlightTransmission {
  return {
    transmissionId: `id-${receivedAt}-${kind}`,
    message: 0,
    kind,
    receivedAt,
    minutesBeforeDeparture: null,
    outcome: 'accepted',
    partSequence: null,
    partFinal: null,
    seriesReference: null,
    travellers: 1,
    pnrs: null,
    quality: null,
    errorCodes: [],
    ...over
  }
}

function flight (transmissions: FlightTransmission[], over: Partial<StoredFlight> = {}): StoredFlight {
  return {
    carrier: 'XA',
    number: '1',
    date: '2026-06-10',
    legs: [],
    departureAt: DEP,
    unknownAirports: [],
    firstSeenAt: DEP,
    lastSeenAt: DEP,
    closed: false,
    transmissions,
    expected: [],
    settled: [],
    ...over
  }
}

const schedule = (over: Partial<Schedule> = {}): Schedule => ({ ...NO_SCHEDULE, ...over })
const pnr = schedule({ PNRGOV: { pushesAt: ['-2h', '0h'], toleranceMinutes: 30 } })
const states = (f: StoredFlight, s: Schedule, now: string): string[] => evaluateFlight(f, s,
  new Date(now)).due.map(d => `${d.rule} ${d.state}`)

t.test('offsets', async t => {
  t.same(['-72h', '0h', '30m', '-1h30m', '+2h'].map(offsetMs), [-72 * 3_600_000, 0, 1_800_000, -5_400_000, 7_200_000])
})

t.test('nothing is due without a schedule', async t => {
  const e = evaluateFlight(flight([tx('pnr-full', '2026-06-10T10:00:00Z')]), NO_SCHEDULE, new Date('2026-06-11T00:00:00Z'))
  t.same([e.due, e.closed], [[], true])
})

t.test('PNR push points: within tolerance, late until the next window, missing, pending', async t => {
  t.same(states(flight([]), pnr, '2026-06-10T09:00:00Z'), ['-2h pending', '0h pending'])
  t.same(states(flight([]), pnr, '2026-06-10T10:31:00Z'), ['-2h missing', '0h pending'], 'window closed at T-2h+30m')
  t.same(states(flight([tx('pnr-full', '2026-06-10T09:35:00Z')]), pnr, '2026-06-10T13:00:00Z'), ['-2h received', '0h missing'],
    'T-2h25m is within T-2h ± 30 min')
  t.same(states(flight([tx('pnr-full', '2026-06-10T10:45:00Z')]), pnr, '2026-06-10T13:00:00Z'), ['-2h late', '0h missing'])
  t.same(states(flight([tx('pnr-full', '2026-06-10T11:40:00Z')]), pnr, '2026-06-10T13:00:00Z'), ['-2h missing', '0h received'],
    'a push in the next window serves the next point, not the late one')
  t.same(states(flight([tx('pnr-update', '2026-06-10T12:10:00Z', { outcome: 'rejected' })]), pnr, '2026-06-10T13:00:00Z'),
    ['-2h missing', '0h missing'], 'a rejected push does not count')
})

t.test('PAXLST deadlines and the final list after departure', async t => {
  const s = schedule({ PAXLST: { passengersBy: '0h', crewBy: '-1h', finalAfterDeparture: '30m', toleranceMinutes: 0 } })
  const f = flight([tx('api-crew', '2026-06-10T11:30:00Z'), tx('api-passengers', '2026-06-10T11:50:00Z'), tx('close-out',
    '2026-06-10T12:20:00Z')])
  t.same(states(f, s, '2026-06-10T13:00:00Z'), ['-1h late', '0h received', '30m received'])
  const early = flight([tx('api-passengers', '2026-06-10T11:50:00Z')])
  t.same(states(early, s, '2026-06-10T13:00:00Z'), ['-1h missing', '0h received', '30m missing'],
    'a list before departure is not the final one')
})

t.test('GOVREQ: received between the request and dueBy, else missing', async t => {
  const expected = [{
    carrier: 'XA',
    number: '1',
    date: '2026-06-10',
    reason: 'govreq' as const,
    requestedAt: '2026-06-10T08:00:00.000Z',
    dueBy: '2026-06-10T09:00:00.000Z'
  }]
  t.same(states(flight([tx('pnr-update', '2026-06-10T08:30:00Z')], { expected }), NO_SCHEDULE, '2026-06-10T10:00:00Z'), ['govreq received'])
  t.same(states(flight([tx('pnr-update', '2026-06-10T09:30:00Z')], { expected }), NO_SCHEDULE, '2026-06-10T10:00:00Z'), ['govreq missing'])
  t.same(states(flight([], { expected }), NO_SCHEDULE, '2026-06-10T08:59:00Z'), ['govreq pending'])
})

t.test('series: complete, gap, no final part, timeout, a new series on a repeated sequence', async t => {
  const part = (seq: number, final: boolean | null, at: string, ref = 'R1'): FlightTransmission =>
    tx('api-passengers', at, { partSequence: seq, partFinal: final, seriesReference: ref, transmissionId: `${ref}-${seq}-${at}` })
  const sx = (f: StoredFlight, now: string): string[] => evaluateFlight(f, NO_SCHEDULE,
    new Date(now)).series.map(s => `${s.parts.join('+')} ${s.state}`)
  t.same(sx(flight([part(2, null, '2026-06-10T10:01:00Z'), part(1, null, '2026-06-10T10:00:00Z'), part(3, true, '2026-06-10T10:02:00Z')]),
    '2026-06-10T10:05:00Z'), ['1+2+3 complete'], 'out of order, still complete')
  t.same(sx(flight([part(1, null, '2026-06-10T10:00:00Z'), part(3, true, '2026-06-10T10:02:00Z')]), '2026-06-10T10:10:00Z'),
    ['1+3 pending'])
  t.same(sx(flight([part(1, null, '2026-06-10T10:00:00Z'), part(3, true, '2026-06-10T10:02:00Z')]), '2026-06-10T10:31:00Z'),
    ['1+3 incomplete'],
    'a gap after partsTimeoutMinutes')
  t.same(sx(flight([part(1, null, '2026-06-10T10:00:00Z'), part(1, true, '2026-06-10T10:10:00Z')]), '2026-06-10T11:00:00Z'),
    ['1 incomplete', '1 complete'], 'the next push of the flight reuses the reference: a new series')
})

t.test('settled states stand, except missing then late', async t => {
  const f = flight([tx('pnr-full', '2026-06-10T10:45:00Z')], {
    settled: [{ item: 'due:pnr@2026-06-10T10:00:00.000Z', state: 'missing', decidedAt: '2026-06-10T10:31:00.000Z' },
      { item: 'due:pnr@2026-06-10T12:00:00.000Z', state: 'received', decidedAt: '2026-06-10T12:00:00.000Z' }]
  })
  const e = evaluateFlight(f, pnr, new Date('2026-06-10T13:00:00Z'))
  t.same(e.due.map(d => d.state), ['late', 'received'], 'the 0h point keeps its settled state')
  t.same(e.newlySettled.map(s => [s.item, s.state]), [['due:pnr@2026-06-10T10:00:00.000Z', 'late']])
  t.equal(e.closed, true)
})

t.test('agreement schedule: defaults off, offsets checked', async t => {
  const plain = validateAgreement(exampleAgreement(), '/carriers/XA.yaml')
  t.same(plain.agreement?.schedule, {
    PNRGOV: { pushesAt: [], toleranceMinutes: 30 },
    PAXLST: { passengersBy: null, crewBy: null, finalAfterDeparture: null, toleranceMinutes: 0 },
    partsTimeoutMinutes: 30
  }, 'an agreement without schedule expects nothing')
  const full = validateAgreement(exampleAgreement({ schedule: { PNRGOV: { pushesAt: ['-72h', '-48h', '-24h', '-2h', '0h'] } } }),
    '/c/XA.yaml')
  t.same(full.problems, [])
  const bad = validateAgreement(exampleAgreement({ schedule: { PNRGOV: { pushesAt: ['72 hours'] } } }), '/c/XA.yaml')
  t.equal(bad.agreement, null)
  t.match(bad.problems.map(p => p.path).join(' '), /\/schedule\/PNRGOV\/pushesAt\/0/)
  t.equal(validateAgreement(exampleAgreement({ schedule: { unknown: 1 } }), '/c/XA.yaml').agreement, null, 'unknown keys refused')
})
