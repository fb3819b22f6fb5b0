/**
 * The acknowledge step: the reply the decided outcome earns (docs/acknowledgements.md), built by
 * `../reply.ts`. A refusal or a retry gets none; the channel answers those itself.
 */
import { buildReply } from '../reply.js'
import { assessmentOf, type InFlight } from './state.js'

/** Who builds acks: the gateway's own sender id and the ack reference counter. */
export interface AcknowledgeStep {
  readonly senderId: string
  readonly newReference: () => string
}

/**
 * The reply for the decided outcome: the duplicate replays the first ack, a rejection carries what
 * the steps added; a refusal or a retry gets none (the channel answers those itself).
 */
export function acknowledge (t: InFlight, deps: AcknowledgeStep): void {
  const v = t.verdict
  const a = assessmentOf(t)
  if (a === null || v.refusal !== null || v.outcome === 'retry') return
  const ctx = { transmissionId: t.id, senderId: deps.senderId, now: new Date(), newReference: deps.newReference }
  t.reply = v.outcome === 'duplicate'
    ? buildReply(a, 'duplicate', ctx, [], { kind: v.original!.ackKind, text: v.original!.ack })
    : buildReply(a, v.outcome, ctx, v.extraErrors)
}
