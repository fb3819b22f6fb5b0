/**
 * Which flight a message is about, and what kind of transmission it is for that flight
 * (docs/flights.md "Flight identity"). A flight is (carrier, flight number, scheduled departure
 * date in UTC at the first departure airport) with its legs in flying order (PAXLST guide,
 * progressive flights: several TDT groups; PNRGOV: the TVL of the flight pushed). Flight data only,
 * never a traveller's.
 */
import type { Flight } from './model.js'
import { airportTimeToUtc } from './flight-time.js'

export const TRANSMISSION_KINDS = ['api-passengers', 'api-crew', 'pnr-full', 'pnr-update', 'iapi', 'close-out'] as const
export type TransmissionKind = typeof TRANSMISSION_KINDS[number]

export interface FlightLeg {
  departure: string | null
  arrival: string | null
  /** ISO 8601 UTC instant, or null when the time or the airport's zone is unknown. */
  scheduledDeparture: string | null
  /** The time as the message gives it, local at the departure airport. */
  scheduledDepartureLocal: string | null
}

export interface FlightIdentity {
  carrier: string
  number: string
  /** YYYY-MM-DD: UTC date of the first leg's departure; the local date when its zone is unknown. */
  date: string
  legs: FlightLeg[]
  /** The first leg's scheduled departure in UTC, or null. */
  departureAt: string | null
  /** Departure airports whose time zone is unknown (the date is then the local one). */
  unknownAirports: string[]
}

/** The first leg only, when the full model is not at hand (FlightFacts of the forward headers). */
export interface FirstLeg {
  carrier: string | null
  number: string | null
  departure: string | null
  arrival: string | null
  scheduledDeparture: string | null
}

function legOf (departure: string | null, arrival: string | null, local: string | null, unknown: Set<string>): FlightLeg {
  const at = airportTimeToUtc(departure, local)
  if (at === null && departure !== null && local !== null) unknown.add(departure)
  return { departure, arrival, scheduledDeparture: at?.toISOString() ?? null, scheduledDepartureLocal: local }
}

/**
 * The flight a mapped message names, or null when it names no carrier, number or first departure
 * date (such a message is still forwarded; it only cannot be linked to a flight).
 */
export function flightIdentityOf (flight: Flight | FirstLeg): FlightIdentity | null {
  const carrier = flight.carrier
  // IATA flight numbers are up to four digits and a suffix letter; `0123` and `123` are one flight.
  const number = flight.number?.trim().toUpperCase().replace(/^0+(?=\d)/, '') ?? null
  if (carrier === null || number === null || !/^[A-Z0-9]{1,8}$/.test(number)) return null
  const unknown = new Set<string>()
  const legs = 'legs' in flight
    ? flight.legs.map(l => legOf(l.departure.airport, l.arrival.airport, l.departure.scheduled, unknown))
    : [legOf(flight.departure, flight.arrival, flight.scheduledDeparture, unknown)]
  const first = legs[0]
  if (first === undefined || first.scheduledDepartureLocal === null) return null
  const date = first.scheduledDeparture !== null ? first.scheduledDeparture.slice(0, 10) : first.scheduledDepartureLocal.slice(0, 10)
  return { carrier, number, date, legs, departureAt: first.scheduledDeparture, unknownAirports: [...unknown] }
}

/**
 * The transmission kind of a message from its document (`documentKind`): a PAXLST crew list
 * (BGM 250, 336) is `api-crew`, a flight-status message (BGM 266: CL, CLOB, CLNB…) `close-out`,
 * any other PAXLST a passenger list; a PNRGOV push `pnr-full` or `pnr-update` by MSG 1225 (22 /
 * 141; an unknown code counts as a full push, the guide's default).
 */
export function transmissionKindOf (type: string, document: string): TransmissionKind | null {
  if (type === 'PNRGOV') return document === 'update-push' ? 'pnr-update' : 'pnr-full'
  if (type !== 'PAXLST') return null
  if (document === 'crew-list' || document === 'master-crew-list') return 'api-crew'
  if (document === 'flight-status') return 'close-out'
  return 'api-passengers'
}

/** Minutes from `receivedAt` to the scheduled departure (negative after departure), or null. */
export function minutesBefore (departureAt: string | null, receivedAt: Date): number | null {
  if (departureAt === null) return null
  return Math.round((Date.parse(departureAt) - receivedAt.getTime()) / 60000)
}
