/**
 * The flight as the admin API, the CLI and the status board show it (the JSON of docs/flights.md
 * "The flight view"): identity, legs, the transmissions linked to it, what was due and the series,
 * each with its state. Flight metadata and counts only.
 */
import type { AgreementSet } from '../agreements/store.js'
import type { FlightLeg, StoredFlight } from '../ledger/index.js'
import { evaluateFlight, NO_SCHEDULE, type DuePush, type Evaluation, type Series } from './evaluate.js'

/** The flight's one-word summary: the worst of its states. */
export type FlightSummary = 'missing' | 'incomplete' | 'late' | 'pending' | 'ok'

export const STATE_FILTERS = ['missing', 'incomplete', 'late', 'pending', 'received', 'complete', 'ok'] as const
export type StateFilter = typeof STATE_FILTERS[number]

export interface FlightJson {
  carrier: string
  number: string
  date: string
  legs: FlightLeg[]
  unknownAirports: string[]
  state: FlightSummary
  transmissions: Array<{
    id: string
    kind: string
    receivedAt: string
    minutesBeforeDeparture: number | null
    outcome: string
    part: { sequence: number | null, final: boolean | null, reference: string | null } | null
    travellers: number | null
    pnrs: number | null
  }>
  due: Array<{ type: string, rule: string, at: string, state: string, transmissionId: string | null, receivedAt: string | null }>
  series: Array<{ reference: string, family: string, parts: number[], final: number | null, firstAt: string, state: string }>
}

export function summaryOf (e: Pick<Evaluation, 'due' | 'series'>): FlightSummary {
  if (e.due.some(d => d.state === 'missing')) return 'missing'
  if (e.series.some(s => s.state === 'incomplete')) return 'incomplete'
  if (e.due.some(d => d.state === 'late')) return 'late'
  if (e.due.some(d => d.state === 'pending') || e.series.some(s => s.state === 'pending')) return 'pending'
  return 'ok'
}

/** The flight evaluated against its carrier's current schedule. */
export function evaluateStored (f: StoredFlight, agreements: AgreementSet, now: Date): Evaluation {
  return evaluateFlight(f, agreements.byCode(f.carrier)?.schedule ?? NO_SCHEDULE, now)
}

export function flightJson (f: StoredFlight, e: Evaluation): FlightJson {
  return {
    carrier: f.carrier,
    number: f.number,
    date: f.date,
    legs: f.legs.map(l => ({
      departure: l.departure,
      arrival: l.arrival,
      scheduledDeparture: l.scheduledDeparture,
      scheduledDepartureLocal: l.scheduledDepartureLocal
    })),
    unknownAirports: f.unknownAirports,
    state: summaryOf(e),
    transmissions: f.transmissions.map(t => ({
      id: t.transmissionId,
      kind: t.kind,
      receivedAt: t.receivedAt,
      minutesBeforeDeparture: t.minutesBeforeDeparture,
      outcome: t.outcome,
      part: t.partSequence === null && t.partFinal === null && t.seriesReference === null
        ? null
        : { sequence: t.partSequence, final: t.partFinal, reference: t.seriesReference },
      travellers: t.travellers,
      pnrs: t.pnrs
    })),
    due: e.due.map((d: DuePush) => ({
      type: d.type, rule: d.rule, at: d.at, state: d.state, transmissionId: d.transmissionId, receivedAt: d.receivedAt
    })),
    series: e.series.map((s: Series) => ({
      reference: s.reference, family: s.family, parts: s.parts, final: s.final, firstAt: s.firstAt, state: s.state
    }))
  }
}

/** Whether a flight matches `?state=`: its summary, or any due push or series in that state. */
export function matchesState (j: FlightJson, state: StateFilter | undefined): boolean {
  if (state === undefined) return true
  return j.state === state || j.due.some(d => d.state === state) || j.series.some(s => s.state === state)
}
