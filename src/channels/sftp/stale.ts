/**
 * Stale-claim recovery (docs/channels.md "Folder life cycle", "Stale claims"): a file left in
 * `processing/` for longer than `staleClaimMinutes` belongs to an instance that crashed between
 * claim and settle. It is taken up again; the ledger answers it as a duplicate if it had been
 * forwarded (docs/architecture.md "Invariants", 2), so the PIU queue still holds one copy.
 *
 * A file counts as stale only when two checks a few seconds apart saw it old and unchanged: a live
 * instance's fresh claim still carries the carrier's old mtime for the moment between its rename
 * and its setstat, and must not be taken from it.
 */
import type { SftpSettings } from './settings.js'
import type { SftpSession } from './session.js'

export class StaleClaims {
  private suspects = new Map<string, string>()
  private nextCheck = 0

  constructor (private readonly s: SftpSettings) {}

  /** How often processing/ is looked at: a quarter of the stale age, between one poll and a minute. */
  get intervalMs (): number {
    return Math.min(60_000, Math.max(this.s.pollMs, Math.round(this.s.staleMs / 4)))
  }

  due (now = Date.now()): boolean {
    return now >= this.nextCheck
  }

  /** The second look at suspects: long enough to outlast a claim's rename-to-setstat window. */
  get confirmMs (): number {
    return Math.max(this.s.pollMs, 2000)
  }

  /** Names in processing/ that are stale now and were already suspects at the previous check. */
  async find (session: SftpSession, ours: ReadonlySet<string>, now = Date.now()): Promise<string[]> {
    const entries = await session.list(this.s.processing)
    const next = new Map<string, string>()
    const stale: string[] = []
    for (const e of entries) {
      if (!e.isFile || e.name.startsWith('.') || ours.has(e.name)) continue
      if (now - e.mtimeMs < this.s.staleMs) continue
      const signature = `${e.size}:${e.mtimeMs}`
      if (this.suspects.get(e.name) === signature) stale.push(e.name)
      else next.set(e.name, signature)
    }
    this.suspects = next
    this.nextCheck = now + (next.size > 0 ? Math.min(this.confirmMs, this.intervalMs) : this.intervalMs)
    return stale.sort()
  }
}
