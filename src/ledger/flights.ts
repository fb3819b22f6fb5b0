/**
 * The flight ledger contract (docs/flights.md "What the ledger keeps"): per flight, its legs, each
 * transmission linked to it (kind, time received, minutes before departure, outcome, part, counts),
 * the extra pushes the PIU asked for (GOVREQ), and the states the evaluator settled. Flight and
 * envelope facts and counts only: no name, document number, locator or date of birth
 * (docs/architecture.md "Invariants", 4). Both ledger stores implement it on their own connection,
 * in tables beside `transmissions`, purged with them (`ledger.retentionDays`).
 */
import type { TravellerFigures } from '../messages/quality.js'
import type { FlightLeg, TransmissionKind } from '../messages/flight-identity.js'
import { TRANSMISSION_KINDS } from '../messages/flight-identity.js'
import { OUTCOMES, type Outcome } from '../transmission/index.js'

export type { FlightLeg, TransmissionKind } from '../messages/flight-identity.js'
export { TRANSMISSION_KINDS } from '../messages/flight-identity.js'

/**
 * Canonical ISO 8601 form of an instant (the rule of types.ts, repeated here so that the two
 * contracts do not import each other); a TypeError names the field, never its value.
 */
function isoInstant (value: string, field: string): string {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN
  if (Number.isNaN(ms)) throw new TypeError(`flights: ${field} is not an ISO 8601 instant`)
  return new Date(ms).toISOString()
}

export interface FlightKey {
  carrier: string
  /** The flight number without the carrier (`123`). */
  number: string
  /** YYYY-MM-DD, the UTC date of the scheduled departure at the first departure airport. */
  date: string
}

/** Counts of travellers carrying each API field, computed at check time (src/messages/quality.ts). */
export type FieldCounts = TravellerFigures

export interface FlightTransmission {
  transmissionId: string
  /** Position of the message in its interchange (several parts may share one). */
  message: number
  kind: TransmissionKind
  receivedAt: string
  minutesBeforeDeparture: number | null
  outcome: Outcome
  partSequence: number | null
  partFinal: boolean | null
  /** UNH 0068, the common access reference the parts of a series share (flight metadata). */
  seriesReference: string | null
  travellers: number | null
  pnrs: number | null
  quality: FieldCounts | null
  /** Catalogue error codes (CONTRL 0085) of a rejected transmission. */
  errorCodes: number[]
}

/** One message of a transmission linked to its flight. */
export interface FlightLink extends FlightKey, FlightTransmission {
  legs: FlightLeg[]
  departureAt: string | null
  unknownAirports: string[]
}

export const PUSH_REASONS = ['govreq'] as const
export type PushReason = typeof PUSH_REASONS[number]

/** A push the PIU asked for (a GOVREQ): due by `dueBy`, requested at `requestedAt`. */
export interface ExpectedPush extends FlightKey {
  reason: PushReason
  dueBy: string
  requestedAt: string
}

/** A state the evaluator decided and counted, kept so that a restart neither forgets nor recounts it. */
export interface SettledState {
  /** `due:<type>@<at>` or `series:<kind family>:<reference>`. */
  item: string
  state: string
  decidedAt: string
}

/** What `expectPush` takes: `requestedAt` defaults to now. */
export interface PushRequest extends FlightKey {
  reason: PushReason
  dueBy: string
  requestedAt?: string
}

export interface StoredFlight extends FlightKey {
  legs: FlightLeg[]
  departureAt: string | null
  unknownAirports: string[]
  firstSeenAt: string
  lastSeenAt: string
  /** Every state settled: the evaluator no longer looks at the flight until new traffic comes. */
  closed: boolean
  transmissions: FlightTransmission[]
  expected: ExpectedPush[]
  settled: SettledState[]
}

export interface FlightQuery {
  carrier?: string
  /** Flight dates from (inclusive, YYYY-MM-DD). */
  from?: string
  /** Flight dates to (inclusive, YYYY-MM-DD). */
  to?: string
  /** @default 500 (at most 10000) */
  limit?: number
}

export interface FlightStore {
  /** Links messages to their flights (creating the flight, updating its legs); idempotent by transmission id and message. */
  link (links: readonly FlightLink[]): Promise<void>
  /**
   * An extra push the PIU expects (docs/flights.md "Pushes the PIU asks for"): listed in the flight's
   * `due` with type `govreq`, `received` when a PNRGOV push for the flight is accepted between
   * `requestedAt` and `dueBy`, else `missing`. The outbound messages call it for each GOVREQ.
   */
  expectPush (push: PushRequest): Promise<void>
  /** Records newly decided states; `closed` when nothing of the flight is left to decide. */
  settle (key: FlightKey, states: readonly SettledState[], closed: boolean): Promise<void>
  get (key: FlightKey): Promise<StoredFlight | null>
  /** Flights by date, then carrier and number. */
  list (q: FlightQuery): Promise<StoredFlight[]>
  /** Flights not closed whose date is on or after `fromDate`: the evaluator's work list. */
  open (fromDate: string): Promise<StoredFlight[]>
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
const CODE = /^[A-Z0-9]{2,3}$/
const NUMBER = /^[A-Z0-9]{1,8}$/
const KIND_SET: ReadonlySet<string> = new Set(TRANSMISSION_KINDS)
const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES)

export const DEFAULT_FLIGHT_LIMIT = 500
const MAX_FLIGHT_LIMIT = 10000

export function flightLimit (limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_FLIGHT_LIMIT
  if (!Number.isFinite(limit)) throw new TypeError('flights: limit must be a number')
  return Math.min(MAX_FLIGHT_LIMIT, Math.max(1, Math.floor(limit)))
}

/** A flight key checked where it enters: a TypeError names the field, never its value. */
export function checkFlightKey (k: FlightKey): FlightKey {
  if (typeof k?.carrier !== 'string' || !CODE.test(k.carrier)) {
    throw new TypeError('flights: carrier must be a 2- or 3-character designator')
  }
  if (typeof k.number !== 'string' || !NUMBER.test(k.number)) throw new TypeError('flights: number must be 1 to 8 letters or digits')
  if (typeof k.date !== 'string' || !DATE.test(k.date) || Number.isNaN(Date.parse(k.date))) {
    throw new TypeError('flights: date must be YYYY-MM-DD')
  }
  return { carrier: k.carrier, number: k.number, date: k.date }
}

export function checkDate (d: string | undefined, field: string): string | undefined {
  if (d === undefined) return undefined
  if (typeof d !== 'string' || !DATE.test(d) || Number.isNaN(Date.parse(d))) throw new TypeError(`flights: ${field} must be YYYY-MM-DD`)
  return d
}

function count (v: number | null, field: string): number | null {
  if (v === null) return null
  if (!Number.isSafeInteger(v) || v < 0 || v > 0x7fffffff) throw new TypeError(`flights: ${field} must be a count`)
  return v
}

/** A link in stored form (canonical instants); a malformed link is a caller bug (TypeError). */
export function checkLink (l: FlightLink): FlightLink {
  const key = checkFlightKey(l)
  if (typeof l.transmissionId !== 'string' || l.transmissionId === '') throw new TypeError('flights: transmissionId must be a string')
  if (!Number.isSafeInteger(l.message) || l.message < 0) throw new TypeError('flights: message must be an index')
  if (!KIND_SET.has(l.kind)) throw new TypeError('flights: kind is not a transmission kind')
  if (!OUTCOME_SET.has(l.outcome)) throw new TypeError('flights: outcome is not a ledger outcome')
  if (l.minutesBeforeDeparture !== null && !Number.isSafeInteger(l.minutesBeforeDeparture)) {
    throw new TypeError('flights: minutesBeforeDeparture must be an integer')
  }
  if (!Array.isArray(l.legs) || !Array.isArray(l.unknownAirports) || !Array.isArray(l.errorCodes)) {
    throw new TypeError('flights: legs, unknownAirports and errorCodes must be arrays')
  }
  return {
    ...key,
    transmissionId: l.transmissionId,
    message: l.message,
    kind: l.kind,
    receivedAt: isoInstant(l.receivedAt, 'receivedAt'),
    minutesBeforeDeparture: l.minutesBeforeDeparture,
    outcome: l.outcome,
    partSequence: count(l.partSequence, 'partSequence'),
    partFinal: l.partFinal === null ? null : l.partFinal === true,
    seriesReference: l.seriesReference === null ? null : String(l.seriesReference).slice(0, 35),
    travellers: count(l.travellers, 'travellers'),
    pnrs: count(l.pnrs, 'pnrs'),
    quality: l.quality === null ? null : checkCounts(l.quality),
    errorCodes: l.errorCodes.map(c => Number(c)).filter(c => Number.isSafeInteger(c)),
    legs: l.legs.map(leg => ({
      departure: leg.departure,
      arrival: leg.arrival,
      scheduledDeparture: leg.scheduledDeparture === null ? null : isoInstant(leg.scheduledDeparture, 'scheduledDeparture'),
      scheduledDepartureLocal: leg.scheduledDepartureLocal
    })),
    departureAt: l.departureAt === null ? null : isoInstant(l.departureAt, 'departureAt'),
    unknownAirports: l.unknownAirports.map(String)
  }
}

function checkCounts (q: FieldCounts): FieldCounts {
  const out: Record<string, number> = {}
  for (const f of ['travellers', 'documentNumber', 'documentExpiry', 'birthDate', 'nationality', 'gender'] as const) {
    out[f] = count(q[f] ?? 0, `quality.${f}`) ?? 0
  }
  return out as unknown as FieldCounts
}

export function checkExpected (p: PushRequest, now: Date): ExpectedPush {
  const key = checkFlightKey(p)
  if (!(PUSH_REASONS as readonly string[]).includes(p.reason)) throw new TypeError('flights: reason must be govreq')
  return {
    ...key,
    reason: p.reason,
    dueBy: isoInstant(p.dueBy, 'dueBy'),
    requestedAt: isoInstant(p.requestedAt ?? now.toISOString(), 'requestedAt')
  }
}

export function checkSettled (s: SettledState): SettledState {
  if (typeof s.item !== 'string' || s.item === '' || typeof s.state !== 'string' || s.state === '') {
    throw new TypeError('flights: a settled state needs an item and a state')
  }
  return { item: s.item, state: s.state, decidedAt: isoInstant(s.decidedAt, 'decidedAt') }
}

/** Columns of `flight_transmissions` in the order both stores use. */
export const LINK_COLUMNS = [
  'transmission_id', 'message_index', 'carrier', 'number', 'date', 'kind', 'received_at', 'minutes_before', 'outcome',
  'part_sequence', 'part_final', 'series_ref', 'travellers', 'pnrs', 'quality', 'error_codes'
] as const

/** A link as column values; flags as 0/1 and JSON as text so both stores bind the same values. */
export function linkValues (l: FlightLink): Array<string | number | null> {
  return [
    l.transmissionId, l.message, l.carrier, l.number, l.date, l.kind, l.receivedAt, l.minutesBeforeDeparture, l.outcome,
    l.partSequence, l.partFinal === null ? null : (l.partFinal ? 1 : 0), l.seriesReference, l.travellers, l.pnrs,
    l.quality === null ? null : JSON.stringify(l.quality), JSON.stringify(l.errorCodes)
  ]
}

type Row = Record<string, unknown>

function num (v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v)
}

export function transmissionFromRow (r: Row): FlightTransmission {
  return {
    transmissionId: String(r.transmission_id),
    message: Number(r.message_index),
    kind: r.kind as TransmissionKind,
    receivedAt: String(r.received_at),
    minutesBeforeDeparture: num(r.minutes_before),
    outcome: r.outcome as Outcome,
    partSequence: num(r.part_sequence),
    partFinal: r.part_final === null || r.part_final === undefined ? null : Number(r.part_final) === 1,
    seriesReference: (r.series_ref as string | null) ?? null,
    travellers: num(r.travellers),
    pnrs: num(r.pnrs),
    quality: r.quality === null || r.quality === undefined ? null : JSON.parse(String(r.quality)) as FieldCounts,
    errorCodes: JSON.parse(String(r.error_codes ?? '[]')) as number[]
  }
}

export function flightFromRow (r: Row): Omit<StoredFlight, 'transmissions' | 'expected' | 'settled'> {
  return {
    carrier: String(r.carrier),
    number: String(r.number),
    date: String(r.date),
    legs: JSON.parse(String(r.legs)) as FlightLeg[],
    departureAt: (r.departure_at as string | null) ?? null,
    unknownAirports: JSON.parse(String(r.unknown_airports)) as string[],
    firstSeenAt: String(r.first_seen_at),
    lastSeenAt: String(r.last_seen_at),
    closed: Number(r.closed) === 1
  }
}

export function expectedFromRow (r: Row): ExpectedPush {
  return {
    carrier: String(r.carrier),
    number: String(r.number),
    date: String(r.date),
    reason: r.reason as PushReason,
    dueBy: String(r.due_by),
    requestedAt: String(r.requested_at)
  }
}

export function settledFromRow (r: Row): SettledState {
  return { item: String(r.item), state: String(r.state), decidedAt: String(r.decided_at) }
}

/** Groups child rows under their flights, in the order of `flights`. */
export function assemble (
  flights: Row[], links: Row[], expected: Row[], settled: Row[]
): StoredFlight[] {
  const k = (r: Row): string => `${String(r.carrier)}|${String(r.number)}|${String(r.date)}`
  const out = new Map<string, StoredFlight>()
  for (const f of flights) out.set(k(f), { ...flightFromRow(f), transmissions: [], expected: [], settled: [] })
  for (const l of links) out.get(k(l))?.transmissions.push(transmissionFromRow(l))
  for (const e of expected) out.get(k(e))?.expected.push(expectedFromRow(e))
  for (const s of settled) out.get(k(s))?.settled.push(settledFromRow(s))
  for (const f of out.values()) f.transmissions.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.message - b.message)
  return [...out.values()]
}

/** Legs of a new link replace the stored ones when it lists at least as many (a later, fuller message). */
export function mergedLegs (stored: FlightLeg[] | null, incoming: FlightLeg[]): FlightLeg[] {
  if (stored === null || incoming.length >= stored.length) return incoming
  return stored
}
