/**
 * The agreement's `expect` declaration (docs/metrics.md "Expected traffic"): how long a carrier may
 * stay silent per message type before the operations desk is told. Read by the status page, the
 * carrier overview and the housekeeping timer alike.
 *
 * Silence is counted from the newest transmission of the type. A type the carrier has never sent is
 * counted from the gateway's start instead: a fresh installation (the shipped example carrier, a
 * carrier just onboarded) reads "no traffic yet" for one `maxSilenceMinutes` and overdue only after.
 * A carrier that did send keeps its real silence across restarts, so a deploy hides no outage.
 */
import type { Agreement } from './schema.js'

/** The `expect` entries that declare a silence limit (`govreqMinutes` is a deadline, docs/outbound.md). */
const SILENCE_TYPES = ['PAXLST', 'PNRGOV'] as const

/** Per expected type: `ok`, `overdue`, or `no-traffic-yet` (never sent, still within the grace after start). */
export type ExpectState = 'ok' | 'overdue' | 'no-traffic-yet'

/**
 * `startedAt`: when the gateway started (ms since the epoch). The default 0 counts silence from the
 * newest transmission only, as a one-off check outside a running gateway does.
 */
export function expectStates (a: Agreement, last: Record<string, string>, now: number, startedAt = 0): Record<string, ExpectState> {
  const out: Record<string, ExpectState> = {}
  for (const type of SILENCE_TYPES) {
    const e = a.expect[type]
    if (e === undefined) continue
    const at = last[type] === undefined ? null : Date.parse(last[type])
    const late = now - (at ?? startedAt) > e.maxSilenceMinutes * 60_000
    out[type] = late ? 'overdue' : at === null ? 'no-traffic-yet' : 'ok'
  }
  return out
}

/** Overdue: silent for longer than `expect.TYPE.maxSilenceMinutes`, counted as `expectStates` does. */
export function overdueFlags (a: Agreement, last: Record<string, string>, now: number, startedAt = 0): Record<string, boolean> {
  return Object.fromEntries(Object.entries(expectStates(a, last, now, startedAt)).map(([type, s]) => [type, s === 'overdue']))
}
