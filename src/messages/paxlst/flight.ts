/**
 * PAXLST flight itinerary: SG2 (TDT) groups with their SG3 (LOC + DTM) points, turned into legs.
 * Multi-leg ("progressive") flights use several TDT groups and/or LOC 92 routing points that are
 * both an arrival and a departure (PAXLST guide example 5.3), so no reader may assume exactly one 125/87.
 */
import type { Leg } from '../model.js'

/** LOC 3227 qualifiers that can open a leg (125 last departure, 92 routing point). */
const DEPARTS = new Set(['125', '92'])
/** LOC 3227 qualifiers that can close a leg (87 first arrival, 92 routing point, 130 final destination). */
const ARRIVES = new Set(['87', '92', '130'])
export const ITINERARY_QUALIFIERS = new Set(['125', '87', '92', '130', '188', '172'])

export interface Point {
  qualifier: string
  airport: string | null
  /** DTM 189 (or 554), ISO once resolved. */
  departure: string | null
  /** DTM 232, ISO once resolved. */
  arrival: string | null
  position: number
}

export interface TransportGroup {
  carrier: string | null
  number: string | null
  points: Point[]
  position: number
}

const ICAO_PREFIX = /^[A-Z]{3}[0-9]/

/**
 * Splits a TDT 8028 flight id (`ZZ123`, `UA0989`, `A92707`, `SK01MCL`) into designator and number.
 * The carrier element (C040) wins over the id's prefix when both are given: the guide's example
 * 5.3 has `TDT+20+ZX877+++XZ`.
 */
export function splitFlightId (id: string | null, carrierElement: string | null): { carrier: string | null, number: string | null } {
  if (id === null) return { carrier: carrierElement, number: null }
  let prefix: number
  if (carrierElement !== null && id.startsWith(carrierElement) && id.length > carrierElement.length) prefix = carrierElement.length
  else if (ICAO_PREFIX.test(id)) prefix = 3
  else prefix = id.length > 2 ? 2 : 0
  const number = id.slice(prefix)
  return { carrier: carrierElement ?? (prefix > 0 ? id.slice(0, prefix) : null), number: number === '' ? null : number }
}

/**
 * Legs of one TDT group: each departure-capable point followed by an arrival-capable point.
 * A group whose points form no such pair still yields one leg with what it has, so a message
 * with only `LOC+125` keeps its departure (the mapper reports the missing arrival).
 */
export function legsOf (g: TransportGroup): Leg[] {
  const legs: Leg[] = []
  const pts = g.points
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]
    const b = pts[i + 1]
    if (DEPARTS.has(a.qualifier) && ARRIVES.has(b.qualifier)) {
      legs.push({
        carrier: g.carrier,
        number: g.number,
        departure: { airport: a.airport, scheduled: a.departure },
        arrival: { airport: b.airport, scheduled: b.arrival }
      })
    }
  }
  if (legs.length === 0 && pts.length > 0) {
    let dep: Point | null = null
    let arr: Point | null = null
    for (const p of pts) {
      if (dep === null && DEPARTS.has(p.qualifier)) dep = p
      else if (arr === null && ARRIVES.has(p.qualifier)) arr = p
    }
    if (dep !== null || arr !== null) {
      legs.push({
        carrier: g.carrier,
        number: g.number,
        departure: { airport: dep?.airport ?? null, scheduled: dep?.departure ?? null },
        arrival: { airport: arr?.airport ?? null, scheduled: arr?.arrival ?? null }
      })
    }
  }
  return legs
}
