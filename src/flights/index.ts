/**
 * Flights (docs/flights.md): the flight view the admin API, the status board and the CLI read, the
 * evaluator that decides what was due, and the carrier scorecard. Reads the flight ledger
 * (src/ledger/flights.ts), which the pipeline's flight step fills.
 */
import type { AgreementSet } from '../agreements/store.js'
import type { FlightKey, FlightStore } from '../ledger/index.js'
import { evaluateStored, flightJson, matchesState, type FlightJson, type StateFilter } from './view.js'

export { createFlightWatch, type FlightWatch, type FlightWatchDeps } from './watch.js'
export { buildFlightBoard, type FlightBoard, type BoardFlight } from './board.js'
export { STATE_FILTERS, type FlightJson, type StateFilter, type FlightSummary } from './view.js'
export { DUE_TYPES, expectsPushes, type DueType } from './evaluate.js'

export interface FlightListQuery {
  carrier?: string
  from?: string
  to?: string
  state?: StateFilter
  limit?: number
}

export async function listFlights (store: FlightStore, agreements: AgreementSet, q: FlightListQuery, now: Date): Promise<FlightJson[]> {
  const stored = await store.list({ carrier: q.carrier, from: q.from, to: q.to, limit: q.limit })
  return stored.map(f => flightJson(f, evaluateStored(f, agreements, now))).filter(j => matchesState(j, q.state))
}

export async function getFlight (store: FlightStore, agreements: AgreementSet, key: FlightKey, now: Date): Promise<FlightJson | null> {
  const f = await store.get(key)
  return f === null ? null : flightJson(f, evaluateStored(f, agreements, now))
}

/**
 * The flight number as the identity keeps it, from `123`, `0123` or `XA123` (the carrier's own
 * prefix is dropped); null when it is not a flight number.
 */
export function flightNumberOf (carrier: string, flight: string): string | null {
  let n = flight.trim().toUpperCase()
  if (n.startsWith(carrier) && n.length > carrier.length) n = n.slice(carrier.length)
  n = n.replace(/^0+(?=\d)/, '')
  return /^[A-Z0-9]{1,8}$/.test(n) ? n : null
}
