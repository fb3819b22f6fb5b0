/**
 * The flight board of the status page (docs/metrics.md "The status page", docs/flights.md "The
 * flight board"): today's and tomorrow's flights (UTC dates) per carrier, each with its due pushes
 * and series, late and missing ones marked. Flight metadata and counts only.
 */
import type { AgreementSet } from '../agreements/store.js'
import type { FlightStore } from '../ledger/index.js'
import { evaluateStored, flightJson, type FlightSummary } from './view.js'

export interface BoardFlight {
  number: string
  date: string
  departure: string | null
  arrival: string | null
  /** UTC, or null when the departure airport's zone is unknown. */
  departureAt: string | null
  state: FlightSummary
  due: Array<{ type: string, rule: string, at: string, state: string }>
  series: Array<{ reference: string, parts: number[], final: number | null, state: string }>
  transmissions: number
}

export interface FlightBoard {
  dates: string[]
  carriers: Array<{ carrier: string, flights: BoardFlight[], late: number, missing: number }>
  /** More flights than the board reads: the list is cut. */
  truncated: boolean
}

const BOARD_LIMIT = 2000

export async function buildFlightBoard (flights: FlightStore, agreements: AgreementSet, now: Date): Promise<FlightBoard> {
  const today = now.toISOString().slice(0, 10)
  const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10)
  const stored = await flights.list({ from: today, to: tomorrow, limit: BOARD_LIMIT })
  const byCarrier = new Map<string, FlightBoard['carriers'][number]>()
  for (const code of agreements.all.map(a => a.code)) byCarrier.set(code, { carrier: code, flights: [], late: 0, missing: 0 })
  for (const f of stored) {
    const j = flightJson(f, evaluateStored(f, agreements, now))
    const entry = byCarrier.get(f.carrier) ?? { carrier: f.carrier, flights: [], late: 0, missing: 0 }
    byCarrier.set(f.carrier, entry)
    const first = j.legs[0]
    entry.flights.push({
      number: j.number,
      date: j.date,
      departure: first?.departure ?? null,
      arrival: j.legs[j.legs.length - 1]?.arrival ?? null,
      departureAt: first?.scheduledDeparture ?? null,
      state: j.state,
      due: j.due.map(d => ({ type: d.type, rule: d.rule, at: d.at, state: d.state })),
      series: j.series.map(s => ({ reference: s.reference, parts: s.parts, final: s.final, state: s.state })),
      transmissions: j.transmissions.length
    })
    entry.late += j.due.filter(d => d.state === 'late').length
    entry.missing += j.due.filter(d => d.state === 'missing').length
  }
  return {
    dates: [today, tomorrow],
    carriers: [...byCarrier.values()].filter(c => c.flights.length > 0).sort((a, b) => a.carrier.localeCompare(b.carrier)),
    truncated: stored.length === BOARD_LIMIT
  }
}
