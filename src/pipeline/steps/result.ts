/**
 * What the pipeline hands back to the channel (`TransmissionResult`): the outcome, the ack due, the
 * JSON reply and, for a refusal, the catalogue entry the channel answers with.
 */
import { ERRORS, type ErrorId } from '../../errors.js'
import { toPublicFinding } from '../../acknowledge/index.js'
import { finding, type Finding, type JsonAck } from '../../transmission/index.js'
import type { TransmissionResult } from '../types.js'
import type { Assessment } from '../assess.js'
import { assessmentOf, type InFlight } from './state.js'

/** How long a carrier is asked to wait before a resend; an overloaded gateway frees up sooner. */
function retryAfterOf (id: ErrorId | null): number {
  return id === 'GW_ERR_INTAKE_OVERLOADED' ? 5 : 30
}

export function resultOf (t: InFlight): TransmissionResult {
  const v = t.verdict
  const a = assessmentOf(t)
  const errors = [...(a?.errors ?? []), ...v.extraErrors]
  const reply = v.refusal === null ? t.reply : null
  return {
    transmissionId: t.id,
    outcome: v.outcome,
    carrier: v.carrier,
    interchange: a?.envelope == null
      ? null
      : { sender: a.envelope.sender, recipient: a.envelope.recipient, reference: a.envelope.reference },
    messages: reply?.json.messages ?? [],
    errors,
    warnings: a?.warnings ?? [],
    stripped: a?.interchange.stripped ?? [],
    ack: v.outcome === 'retry' ? null : (reply?.ack ?? null),
    json: reply?.json ?? bareJson(t.id, v.outcome, a, errors, v.refusal),
    refusal: v.refusal === null ? null : { status: ERRORS[v.refusal].http, id: v.refusal, text: ERRORS[v.refusal].text },
    retryAfterSeconds: v.outcome === 'retry' ? retryAfterOf(v.refusal) : null
  }
}

/**
 * The JSON form when no ack was built (a refusal, a retry). A transmission refused before it was
 * read explains itself with the refusal's own catalogue finding.
 */
function bareJson (id: string, outcome: JsonAck['outcome'], a: Assessment | null, errors: Finding[], refusal: ErrorId | null): JsonAck {
  const shown = a === null && refusal !== null ? [finding(refusal, { level: 'interchange' })] : errors
  return { transmissionId: id, outcome, interchange: null, messages: [], errors: shown.map(toPublicFinding), warnings: [], ack: null }
}
