/**
 * Whether an acknowledgement is due for a transmission, and which kind (agreement `messages.*.ack`,
 * `ackWhen`; docs/acknowledgements.md "Acknowledgements").
 *
 * Rules, in order:
 * 1. Never acknowledge an acknowledgement: CONTRL (ISO 9735-4 forbids a CONTRL to a CONTRL),
 *    ACKRES and CUSRES are responses themselves (docs/acknowledgements.md "Acknowledgements").
 * 2. A 'retry' outcome gets no ack: nothing was accepted or refused yet (HTTP 503 + Retry-After).
 * 3. The kind comes from `agreement.messages[TYPE].ack`. When the type is unreadable (null) or not
 *    in the agreement, the carrier still has to hear about the interchange: the agreement's
 *    EDIFACT kind is used, preferring contrl (any agreed type acknowledged by CONTRL), then
 *    ackres, then json; none of them → no ack.
 * 4. `ackWhen`:
 *    - always: every outcome.
 *    - on-error: outcome rejected or accepted_with_warnings (a deviation the carrier should
 *      correct is an "error" to report even when the data was forwarded); accepted and duplicate
 *      get none.
 *    - on-request: only when the subject UNB 0031 = 1.
 *    A duplicate is decided like accepted; the caller replays the ack stored the first time.
 * 5. `acceptJson` (HTTPS `Accept: application/json`) turns a due EDIFACT ack into JSON; it never
 *    makes an ack due that the rules above did not.
 */
import type { Agreement } from '../agreements/schema.js'
import type { Outcome } from '../transmission/index.js'

export type AckDecision = 'contrl' | 'ackres' | 'json' | null

export interface AckFacts {
  /** UNH 0065 of the (first) message; null when no message type could be read. */
  messageType: string | null
  /** UNB 0031 = 1. */
  ackRequested: boolean
  outcome: Outcome
}

/** Message types that are themselves responses and are never acknowledged. */
const RESPONSE_TYPES: ReadonlySet<string> = new Set(['CONTRL', 'ACKRES', 'CUSRES'])

type AckKindAgreement = Pick<Agreement, 'messages' | 'ackWhen'>

function agreedKind (agreement: AckKindAgreement, messageType: string | null): AckDecision {
  const messages = agreement.messages
  const own = messageType === 'PAXLST' || messageType === 'PNRGOV' ? messages[messageType]?.ack : undefined
  if (own !== undefined) return own === 'none' ? null : own
  const kinds = [messages.PAXLST?.ack, messages.PNRGOV?.ack]
  for (const k of ['contrl', 'ackres', 'json'] as const) {
    if (kinds.includes(k)) return k
  }
  return null
}

function due (agreement: AckKindAgreement, facts: AckFacts): boolean {
  switch (agreement.ackWhen) {
    case 'on-error': return facts.outcome === 'rejected' || facts.outcome === 'accepted_with_warnings'
    case 'on-request': return facts.ackRequested
    default: return true
  }
}

export function decideAck (agreement: AckKindAgreement, facts: AckFacts, acceptJson = false): AckDecision {
  if (facts.messageType !== null && RESPONSE_TYPES.has(facts.messageType)) return null
  if (facts.outcome === 'retry') return null
  const kind = agreedKind(agreement, facts.messageType)
  if (kind === null || !due(agreement, facts)) return null
  return acceptJson ? 'json' : kind
}
