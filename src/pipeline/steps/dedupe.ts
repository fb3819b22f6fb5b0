/**
 * Duplicate detection (architecture invariant 2). The key is (carrier, UNB sender, interchange
 * control reference, UNB date/time) among accepted transmissions; the ledger's unique index makes
 * the claim atomic, across instances too when it is PostgreSQL. The content is compared by SHA-256.
 */
import type { Ledger, LedgerRow } from '../ledger/index.js'

export type DedupeDecision =
  /** This transmission now holds the key (its row is written). */
  | { kind: 'claimed' }
  /** The envelope gives no complete key: nothing to compare with (the caller records the row). */
  | { kind: 'unkeyed' }
  /** Identical to an accepted transmission (the original, or a correction of it). */
  | { kind: 'duplicate', of: LedgerRow }
  /** Identical to one still being handed off: its ack is not known yet. */
  | { kind: 'in-flight', of: LedgerRow }
  /** Same key, different content. */
  | { kind: 'changed', of: LedgerRow }
  /** Held by an abandoned claim that another request took over first. */
  | { kind: 'abandoned-taken', of: LedgerRow }

export interface DedupeOptions {
  /** A `received` original older than this belongs to a crashed instance. */
  abandonedAfterMs: number
  /**
   * Claims older than this instant are abandoned too (SQLite: the ledger belongs to this
   * process, so a claim from before it started cannot still be in flight).
   */
  abandonedBefore: number | null
  now: Date
  onTakeover: (abandoned: LedgerRow) => void
}

const ACCEPTED = new Set(['accepted', 'accepted_with_warnings'])

function isAbandoned (row: LedgerRow, o: DedupeOptions): boolean {
  const at = Date.parse(row.receivedAt)
  return row.status === 'received' && (o.now.getTime() - at > o.abandonedAfterMs || (o.abandonedBefore !== null && at < o.abandonedBefore))
}

/** An accepted correction with this content: a resend of a correction is its duplicate. */
async function sameContent (ledger: Ledger, row: LedgerRow, original: LedgerRow): Promise<LedgerRow | null> {
  if (original.sha256 === row.sha256) return original
  const rows = await ledger.list({ carrier: row.carrier!, reference: row.reference!, limit: 1000 })
  return rows.find(r => r.correction && r.sha256 === row.sha256 && r.sender === row.sender && r.preparedAt === row.preparedAt &&
    r.outcome !== null && ACCEPTED.has(r.outcome)) ?? null
}

export async function claimDedupeKey (ledger: Ledger, row: LedgerRow, o: DedupeOptions): Promise<DedupeDecision> {
  if (row.carrier === null || row.preparedAt === null || row.sender === null || row.reference === null) return { kind: 'unkeyed' }
  let original = await ledger.claimOriginal(row)
  if (original !== null && isAbandoned(original, o)) {
    // Its instance crashed between claim and hand-off: nothing was acknowledged for it, so the
    // resend takes the key over (the original may have reached the PIU: at least once).
    await ledger.update(original.id, { outcome: 'retry' })
    o.onTakeover(original)
    const taken = original
    original = await ledger.claimOriginal(row)
    if (original !== null && original.id !== taken.id && original.status === 'received') return { kind: 'abandoned-taken', of: original }
  }
  if (original === null) return { kind: 'claimed' }
  const same = await sameContent(ledger, row, original)
  if (same === null) return { kind: 'changed', of: original }
  return same.status === 'received' ? { kind: 'in-flight', of: same } : { kind: 'duplicate', of: same }
}
