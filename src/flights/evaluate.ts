/**
 * What was due for a flight and whether it came (docs/flights.md "Schedules" and "States"), pure:
 * the flight as the ledger keeps it, the carrier's `schedule`, and the time now.
 *
 * - PNRGOV pushes at fixed points (`pushesAt`, e.g. T-72h … T-0h: the PNRGOV guide's push schedule,
 *   EU Directive 2016/681 Art. 8(3)): a push accepted within ±`toleranceMinutes` of the point is
 *   `received`; one after the window and before the next point's window is `late`; a window that
 *   closed with neither is `missing`; a window still open `pending`.
 * - PAXLST deadlines (`passengersBy`, `crewBy`): any accepted list up to the deadline plus
 *   tolerance is `received`, a later one `late`. `finalAfterDeparture`: a passenger list or
 *   close-out accepted after departure and by departure + that offset (+ tolerance).
 * - A GOVREQ push: `received` when a PNRGOV push is accepted between the request and `dueBy`,
 *   else `missing` once `dueBy` has passed.
 * - Multi-part series (UNH S010, ISO 9735-1): `complete` when a final part N and parts 1…N came,
 *   `incomplete` when not after `partsTimeoutMinutes` from the first part, else `pending`.
 *
 * A state once decided is settled in the ledger and never re-graded; the one upgrade is a missing
 * push that then comes late (counted again, as `late`).
 */
import type { Agreement } from '../agreements/schema.js'
import type { FlightTransmission, SettledState, StoredFlight } from '../ledger/index.js'

export type Schedule = Agreement['schedule']
export const DUE_TYPES = ['pnr', 'api-passengers', 'api-crew', 'api-final', 'govreq'] as const
export type DueType = typeof DUE_TYPES[number]
export type DueState = 'received' | 'late' | 'missing' | 'pending'
export type SeriesState = 'complete' | 'incomplete' | 'pending'

export interface DuePush {
  type: DueType
  /** The point or deadline, ISO 8601 UTC. */
  at: string
  state: DueState
  /** The transmission that met it (or came late), when one did. */
  transmissionId: string | null
  receivedAt: string | null
  /** The schedule entry (`-72h`, `0h`) or `govreq`. */
  rule: string
}

export interface Series {
  /** UNH 0068 common access reference ('' when the parts carry none). */
  reference: string
  family: 'PAXLST' | 'PNRGOV'
  /** Sequence numbers received, ascending. */
  parts: number[]
  /** The sequence of the final part, when it came. */
  final: number | null
  firstAt: string
  state: SeriesState
}

export interface Evaluation {
  due: DuePush[]
  series: Series[]
  /** States decided now that differ from what the ledger had settled. */
  newlySettled: SettledState[]
  /** Nothing left pending: the flight changes only with new traffic. */
  closed: boolean
}

/** The agreement's schedule when there is no agreement (or none listed): nothing due. */
export const NO_SCHEDULE: Schedule = {
  PNRGOV: { pushesAt: [], toleranceMinutes: 30 },
  PAXLST: { passengersBy: null, crewBy: null, finalAfterDeparture: null, toleranceMinutes: 0 },
  partsTimeoutMinutes: 30
}

/** Whether the schedule makes anything due for a flight (docs/flights.md "Schedules"); GOVREQs aside. */
export function expectsPushes (s: Schedule): boolean {
  return s.PNRGOV.pushesAt.length > 0 || s.PAXLST.passengersBy !== null || s.PAXLST.crewBy !== null || s.PAXLST.finalAfterDeparture !== null
}

/** `-72h`, `0h`, `30m`, `-1h30m` in milliseconds. */
export function offsetMs (offset: string): number {
  const m = /^([-+]?)(?:(\d+)h)?(?:(\d+)m)?$/.exec(offset)
  if (m === null) throw new RangeError('schedule offset must look like -72h, 30m or -1h30m')
  const ms = (Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 60000
  return m[1] === '-' ? -ms : ms
}

const ACCEPTED = new Set(['accepted', 'accepted_with_warnings'])
const PNR_KINDS = new Set(['pnr-full', 'pnr-update'])

function accepted (f: StoredFlight, kinds: ReadonlySet<string>): FlightTransmission[] {
  return f.transmissions.filter(t => ACCEPTED.has(t.outcome) && kinds.has(t.kind))
}

function metBy (t: FlightTransmission | undefined): { transmissionId: string | null, receivedAt: string | null } {
  return { transmissionId: t?.transmissionId ?? null, receivedAt: t?.receivedAt ?? null }
}

function iso (ms: number): string {
  return new Date(ms).toISOString()
}

function pnrSlots (f: StoredFlight, s: Schedule, departure: number, now: number): DuePush[] {
  const tol = s.PNRGOV.toleranceMinutes * 60000
  const points = [...new Set(s.PNRGOV.pushesAt)].map(rule => ({ rule, at: departure + offsetMs(rule) })).sort((a, b) => a.at - b.at)
  const pushes = accepted(f, PNR_KINDS)
  const used = new Set<FlightTransmission>()
  return points.map((p, i) => {
    const next = points[i + 1]
    const lateUntil = next === undefined ? Infinity : next.at - tol
    const inWindow = pushes.find(t => !used.has(t) && Math.abs(Date.parse(t.receivedAt) - p.at) <= tol)
    const late = inWindow === undefined
      ? pushes.find(t => { const r = Date.parse(t.receivedAt); return !used.has(t) && r > p.at + tol && r < lateUntil })
      : undefined
    const met = inWindow ?? late
    if (met !== undefined) used.add(met)
    const state: DueState = inWindow !== undefined ? 'received' : late !== undefined ? 'late' : now > p.at + tol ? 'missing' : 'pending'
    return { type: 'pnr', at: iso(p.at), state, ...metBy(met), rule: p.rule }
  })
}

/** A deadline: anything accepted up to it (plus tolerance) is on time, later is late. */
function deadline (
  type: DueType, rule: string, at: number, tol: number, candidates: FlightTransmission[], now: number, notBefore = -Infinity
): DuePush {
  const eligible = candidates.filter(t => Date.parse(t.receivedAt) >= notBefore)
  const onTime = eligible.find(t => Date.parse(t.receivedAt) <= at + tol)
  const late = onTime === undefined ? eligible.find(t => Date.parse(t.receivedAt) > at + tol) : undefined
  const met = onTime ?? late
  const state: DueState = onTime !== undefined ? 'received' : late !== undefined ? 'late' : now > at + tol ? 'missing' : 'pending'
  return { type, at: iso(at), state, ...metBy(met), rule }
}

function paxlstDeadlines (f: StoredFlight, s: Schedule, departure: number, now: number): DuePush[] {
  const p = s.PAXLST
  const tol = p.toleranceMinutes * 60000
  const out: DuePush[] = []
  if (p.passengersBy !== null) {
    const lists = accepted(f, new Set(['api-passengers', 'iapi']))
    out.push(deadline('api-passengers', p.passengersBy, departure + offsetMs(p.passengersBy), tol, lists, now))
  }
  if (p.crewBy !== null) {
    out.push(deadline('api-crew', p.crewBy, departure + offsetMs(p.crewBy), tol, accepted(f, new Set(['api-crew'])), now))
  }
  if (p.finalAfterDeparture !== null) {
    const finals = accepted(f, new Set(['api-passengers', 'close-out']))
    out.push(deadline('api-final', p.finalAfterDeparture, departure + offsetMs(p.finalAfterDeparture), tol, finals, now, departure))
  }
  return out
}

function govreqs (f: StoredFlight, now: number): DuePush[] {
  const pushes = accepted(f, PNR_KINDS)
  return f.expected.map(e => {
    const from = Date.parse(e.requestedAt)
    const by = Date.parse(e.dueBy)
    const met = pushes.find(t => { const r = Date.parse(t.receivedAt); return r >= from && r <= by })
    const state: DueState = met !== undefined ? 'received' : now > by ? 'missing' : 'pending'
    return { type: 'govreq', at: e.dueBy, state, ...metBy(met), rule: 'govreq' }
  })
}

function familyOf (kind: string): 'PAXLST' | 'PNRGOV' {
  return PNR_KINDS.has(kind) ? 'PNRGOV' : 'PAXLST'
}

/**
 * Parts grouped into series: by family and common access reference, in order of arrival; a part
 * whose sequence the open series already holds, or that comes after the series timed out, starts
 * a new one (the next push of the same flight reuses the reference). Rejected parts and duplicates
 * are not parts that came.
 */
function seriesOf (f: StoredFlight, s: Schedule, now: number): Series[] {
  const timeout = s.partsTimeoutMinutes * 60000
  const parts = f.transmissions.filter(t => (t.partSequence !== null || t.partFinal !== null) && ACCEPTED.has(t.outcome))
  const open = new Map<string, Series>()
  const all: Series[] = []
  for (const t of parts) {
    const family = familyOf(t.kind)
    const key = `${family}|${t.seriesReference ?? ''}`
    const seq = t.partSequence ?? 1
    const r = Date.parse(t.receivedAt)
    let cur = open.get(key)
    if (cur === undefined || cur.parts.includes(seq) || r >= Date.parse(cur.firstAt) + timeout) {
      cur = { reference: t.seriesReference ?? '', family, parts: [], final: null, firstAt: t.receivedAt, state: 'pending' }
      open.set(key, cur)
      all.push(cur)
    }
    cur.parts.push(seq)
    cur.parts.sort((a, b) => a - b)
    if (t.partFinal === true) cur.final = seq
  }
  for (const x of all) {
    const complete = x.final !== null && x.parts.length === x.final && x.parts.every((p, i) => p === i + 1)
    x.state = complete ? 'complete' : now >= Date.parse(x.firstAt) + timeout ? 'incomplete' : 'pending'
  }
  return all
}

export function dueItem (d: DuePush): string {
  return `due:${d.type}@${d.at}`
}

export function seriesItem (s: Series): string {
  return `series:${s.family}:${s.reference}@${s.firstAt}`
}

/** A settled state stands, except that a missing push which then came late becomes late. */
function withSettled<T extends { state: string }> (computed: T, settled: SettledState | undefined): T {
  if (settled === undefined) return computed
  if (settled.state === 'missing' && computed.state === 'late') return computed
  return { ...computed, state: settled.state }
}

export function evaluateFlight (f: StoredFlight, schedule: Schedule, now: Date): Evaluation {
  const t = now.getTime()
  const departure = f.departureAt === null ? null : Date.parse(f.departureAt)
  const computedDue = [
    ...(departure === null ? [] : [...pnrSlots(f, schedule, departure, t), ...paxlstDeadlines(f, schedule, departure, t)]),
    ...govreqs(f, t)
  ].sort((a, b) => a.at.localeCompare(b.at) || a.type.localeCompare(b.type))
  const settled = new Map(f.settled.map(s => [s.item, s]))
  const newlySettled: SettledState[] = []
  const decide = (item: string, state: string): void => {
    if (state !== 'pending' && settled.get(item)?.state !== state) newlySettled.push({ item, state, decidedAt: now.toISOString() })
  }
  const due = computedDue.map(d => {
    const v = withSettled(d, settled.get(dueItem(d)))
    decide(dueItem(d), v.state)
    return v
  })
  const series = seriesOf(f, schedule, t).map(s => {
    const v = withSettled(s, settled.get(seriesItem(s)))
    decide(seriesItem(s), v.state)
    return v
  })
  const closed = due.every(d => d.state !== 'pending') && series.every(s => s.state !== 'pending')
  return { due, series, newlySettled, closed }
}

/** `on_time|late|missing`, the metric's words for a decided push. */
export function pushMetricState (state: string): 'on_time' | 'late' | 'missing' | null {
  return state === 'received' ? 'on_time' : state === 'late' ? 'late' : state === 'missing' ? 'missing' : null
}
