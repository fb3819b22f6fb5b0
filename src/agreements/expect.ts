/**
 * The agreement's `expect` declaration (docs/metrics.md "Expected traffic"): how long a carrier may
 * stay silent per message type before the operations desk is told. Read by the status page, the
 * carrier overview and the housekeeping timer alike.
 */
import type { Agreement } from './schema.js'

/** Overdue: silent for longer than `expect.TYPE.maxSilenceMinutes` (never sent counts as overdue). */
export function overdueFlags (a: Agreement, last: Record<string, string>, now: number): Record<string, boolean> {
  const out: Record<string, boolean> = {}
  for (const [type, e] of Object.entries(a.expect)) {
    if (e === undefined) continue
    const at = last[type] === undefined ? null : Date.parse(last[type])
    out[type] = at === null || now - at > e.maxSilenceMinutes * 60_000
  }
  return out
}
