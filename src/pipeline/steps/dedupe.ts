/**
 * The dedupe step (docs/architecture.md invariant 2). The key is (carrier, envelope sender,
 * interchange control reference, preparation date/time) among accepted transmissions; the ledger's
 * unique index makes the claim atomic, across instances too when it is PostgreSQL. The content is
 * compared by SHA-256. Only transmissions accepted so far take part; the claim writes their row.
 */
import type { Logger } from 'pino'
import type { GatewayConfig } from '../../config/index.js'
import type { Ledger, LedgerRow } from '../../ledger/index.js'
import { ACCEPTED_OUTCOMES, finding } from '../../transmission/index.js'
import { isAcceptedSoFar, type InFlight } from './state.js'

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

function isAbandoned (row: LedgerRow, o: DedupeOptions): boolean {
  const at = Date.parse(row.receivedAt)
  return row.status === 'received' && (o.now.getTime() - at > o.abandonedAfterMs || (o.abandonedBefore !== null && at < o.abandonedBefore))
}

/** An accepted correction with this content: a resend of a correction is its duplicate. */
async function sameContent (ledger: Ledger, row: LedgerRow, original: LedgerRow): Promise<LedgerRow | null> {
  if (original.sha256 === row.sha256) return original
  const rows = await ledger.list({ carrier: row.carrier!, reference: row.reference!, limit: 1000 })
  return rows.find(r => r.correction && r.sha256 === row.sha256 && r.sender === row.sender && r.preparedAt === row.preparedAt &&
    r.outcome !== null && ACCEPTED_OUTCOMES.has(r.outcome)) ?? null
}

async function claimDedupeKey (ledger: Ledger, row: LedgerRow, o: DedupeOptions): Promise<DedupeDecision> {
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

export interface DedupeStep {
  readonly ledger: Ledger
  readonly config: GatewayConfig
  /** When this process started: with SQLite, older claims belong to a process that is gone. */
  readonly startedAt: number
  readonly logger: Logger
}

export async function dedupe (t: InFlight, deps: DedupeStep): Promise<void> {
  const v = t.verdict
  if (!isAcceptedSoFar(v)) return
  const { ledger, config } = deps
  const carrier = v.carrier!
  // The row as it would hold the key: accepted, its destination, its warnings.
  Object.assign(t.row, {
    outcome: v.outcome,
    destination: v.destination,
    errorCodes: t.checked!.assessment.warnings.map(w => w.code)
  })
  const decision = await claimDedupeKey(ledger, t.row, {
    abandonedAfterMs: config.ledger.abandonedClaimMinutes * 60_000,
    abandonedBefore: config.ledger.kind === 'sqlite' ? deps.startedAt : null,
    now: t.input.receivedAt,
    onTakeover: abandoned => deps.logger.warn({ transmissionId: t.id, abandoned: abandoned.id, carrier: carrier.code },
      'took over an abandoned dedupe claim')
  })
  switch (decision.kind) {
    case 'claimed':
      t.rowWritten = true
      return
    case 'unkeyed':
      // Nothing to compare with; the row is written now so that a crash mid-hand-off leaves a trace.
      await ledger.record(t.row)
      t.rowWritten = true
      return
    case 'in-flight':
    case 'abandoned-taken':
      // The original is still being handed off elsewhere: its ack is not known yet.
      Object.assign(v, { outcome: 'retry', refusal: 'GW_ERR_FORWARD_UNAVAILABLE', destination: null, original: decision.of })
      return
    case 'duplicate':
      Object.assign(v, { outcome: 'duplicate', destination: null, original: decision.of })
      return
    case 'changed':
      v.original = decision.of
      if (carrier.strictness.changedResend === 'reject') {
        v.outcome = 'rejected'
        v.destination = 'quarantine'
        v.extraErrors = [finding('GW_ERR_ACK_DUPLICATE_CHANGED', { level: 'interchange', segment: 1, tag: 'UNB', element: 5 })]
        return
      }
      v.correction = true
      Object.assign(t.row, { correction: true, duplicateOf: decision.of.id })
      await ledger.record(t.row)
      t.rowWritten = true
  }
}
