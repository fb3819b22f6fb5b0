/**
 * The record step: the ledger row's final state (docs/architecture.md "Status ladder"). A row the
 * dedupe claim wrote is patched; any other is written whole, once. Metadata only (invariant 4).
 */
import type { Ledger } from '../../ledger/index.js'
import type { LedgerRow } from '../../transmission/index.js'
import { assessmentOf, type InFlight } from './state.js'

export async function record (t: InFlight, ledger: Ledger): Promise<void> {
  const now = new Date().toISOString()
  if (t.rowWritten) {
    await ledger.update(t.id, t.verdict.outcome === 'retry' ? { outcome: 'retry' } : answered(t, now))
    return
  }
  await ledger.record({ ...t.row, ...finalFields(t, now) })
}

/** An answered transmission: the ack as sent and when; spooled until the relay reaches the PIU. */
function answered (t: InFlight, now: string): Partial<LedgerRow> {
  const reply = t.reply!
  const forwarded = t.via === 'target'
  return {
    status: t.via === 'spool' ? 'spooled' : 'acknowledged',
    forwardedAt: forwarded ? now : null,
    acknowledgedAt: now,
    ackKind: reply.ackKind,
    ack: reply.ackText,
    ackSentAt: reply.ack !== null ? now : null
  }
}

function finalFields (t: InFlight, now: string): Partial<LedgerRow> {
  const v = t.verdict
  const a = assessmentOf(t)
  const duplicateOf = v.original?.id ?? null
  if (v.refusal !== null) {
    const waitedFor = v.original !== null
    return {
      outcome: v.outcome,
      duplicateOf,
      destination: waitedFor ? null : v.destination,
      errorCodes: waitedFor ? [] : (a?.errors ?? []).map(e => e.code)
    }
  }
  const codes = v.outcome === 'rejected' ? [...a!.errors, ...v.extraErrors].map(e => e.code) : []
  return { ...answered(t, now), outcome: v.outcome, duplicateOf, destination: v.destination, errorCodes: codes }
}
