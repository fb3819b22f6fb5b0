/**
 * The assess step: the checking half (parse, map, validate, agreement; `../check.ts`) run by the
 * checker, on the event loop or in a worker thread by size, and its verdict: refused (no ack can be
 * built), rejected (to quarantine), or accepted so far (to dedupe and forwarding).
 */
import type { GatewayConfig } from '../../config/index.js'
import { ERRORS } from '../../errors.js'
import { envelopeFieldsOf } from '../row.js'
import type { Agreement } from '../../agreements/schema.js'
import type { Checker } from '../check-pool.js'
import type { Assessment } from '../assess.js'
import type { InFlight } from './state.js'

export async function assess (t: InFlight, checker: Checker, config: GatewayConfig): Promise<void> {
  if (t.verdict.refusal !== null) return
  const { input } = t
  t.checked = await checker.check({
    bytes: input.bytes,
    candidates: input.candidates,
    excluded: input.excluded ?? [],
    ctx: { receiverIds: config.identity.receiverIds, receivedAt: input.receivedAt, limits: config.limits }
  })
  const a = t.checked.assessment
  describeRow(t, a)
  const v = t.verdict
  if (a.refusal !== null || a.carrier === null) {
    const refusal = a.refusal ?? 'GW_ERR_INTAKE_UNKNOWN_CERTIFICATE'
    v.refusal = refusal
    v.outcome = ERRORS[refusal].outcome
    // A known carrier's unreadable transmission is kept in quarantine so an officer can see why.
    if (v.carrier !== null && v.outcome === 'rejected') v.destination = 'quarantine'
    return
  }
  v.carrier = a.carrier
  v.outcome = a.outcome
  v.destination = a.outcome === 'rejected' ? 'quarantine' : destinationOf(a.carrier, a)
}

/** The PIU's test destination for a carrier in stage `testing` and for test interchanges (UNB 0035). */
function destinationOf (carrier: Agreement, a: Assessment): 'production' | 'test' {
  return carrier.stage === 'testing' || a.envelope?.test === true ? 'test' : 'production'
}

/** What the row records of the envelope: metadata only, never a value from a segment. */
function describeRow (t: InFlight, a: Assessment): void {
  Object.assign(t.row, {
    ...envelopeFieldsOf(a, t.checked!.forward.messages[0] ?? 0),
    carrier: a.carrier?.code ?? t.row.carrier,
    sha256: t.checked!.sha256
  })
}
