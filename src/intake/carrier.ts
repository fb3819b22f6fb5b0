/**
 * Which agreement a transmission belongs to (docs/architecture.md "Invariants", 3). SFTP and AMQP
 * name one agreement; HTTPS names every agreement pinning the client certificate. With one
 * candidate that is the carrier, and the envelope sender check follows (CONTRL 23). With several (a
 * service provider's shared certificate) the envelope sender selects the carrier; none selected is
 * a refusal, because no agreement says how to answer.
 */
import type { Agreement } from '../agreements/schema.js'
import type { ErrorId } from '../errors.js'
import type { ExcludedAgreement } from '../transmission/index.js'

export type CarrierResolution =
  | { carrier: Agreement, refusal: null }
  | { carrier: null, refusal: ErrorId }

/** `sender` is the envelope's sender id (EnvelopeFacts), null when the envelope could not be read. */
export function resolveCarrier (
  candidates: readonly Agreement[], sender: string | null, excluded: ReadonlyArray<ExcludedAgreement<Agreement>> = []
): CarrierResolution {
  const barred = sender === null ? undefined : excluded.find(e => e.agreement.senderIds.includes(sender))
  if (barred !== undefined) return { carrier: null, refusal: barred.error }
  if (candidates.length === 1) return checkStage(candidates[0])
  if (candidates.length === 0) return { carrier: null, refusal: 'GW_ERR_INTAKE_UNKNOWN_CERTIFICATE' }
  const bySender = sender === null ? [] : candidates.filter(a => a.senderIds.includes(sender))
  // check-config refuses a sender id shared by agreements with a common certificate, so at most one.
  if (bySender.length !== 1) {
    return { carrier: null, refusal: sender === null ? 'GW_ERR_EDIFACT_NO_INTERCHANGE' : 'GW_ERR_INTAKE_AMBIGUOUS_PROVIDER' }
  }
  return checkStage(bySender[0])
}

function checkStage (a: Agreement): CarrierResolution {
  return a.stage === 'suspended' ? { carrier: null, refusal: 'GW_ERR_INTAKE_CARRIER_SUSPENDED' } : { carrier: a, refusal: null }
}
