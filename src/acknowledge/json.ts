/**
 * The JSON acknowledgement (docs/acknowledgements.md "JSON"). Findings are mapped to their public form:
 * codes, levels, references and positions, and the catalogue's fixed text; never a data value.
 */
import type {
  CheckOutcome, EnvelopeMessage, Finding, InterchangeSummary, JsonAck, MessageSummary, PublicFinding
} from '../transmission/index.js'

export interface JsonAckInput {
  transmissionId: string
  outcome: JsonAck['outcome']
  /** The subject's envelope (EnvelopeFacts or the UNB), or null when it could not be read. */
  envelope: InterchangeSummary | null
  messages: readonly MessageSummary[]
  errors: readonly Finding[]
  warnings: readonly Finding[]
  /** The EDIFACT ack sent alongside (CONTRL/ACKRES text), or null when none is due. */
  ackText: string | null
  /** Set when the transmission was recognised as a duplicate. */
  duplicate?: boolean
}

/**
 * The public form of a finding. `expected` is carried only when the finding has one: an agreed id,
 * version or the gateway's own count (docs/acknowledgements.md "Expected values"); the found value never is.
 */
export function toPublicFinding (f: Finding): PublicFinding {
  const p: PublicFinding = {
    code: f.code,
    level: f.level,
    message: f.message,
    segment: f.segment,
    tag: f.tag,
    element: f.element,
    component: f.component,
    text: f.text,
    id: f.id
  }
  if (f.expected !== undefined) p.expected = f.expected
  return p
}

/** Message summaries for the ack from the parsed envelopes and their outcomes (default accepted). */
export function summarizeMessages (
  messages: readonly EnvelopeMessage[], outcomes: Readonly<Record<string, CheckOutcome>>
): MessageSummary[] {
  return messages.map(m => ({ reference: m.reference, type: m.type, version: m.version, outcome: outcomes[m.reference] ?? 'accepted' }))
}

export function buildJsonAck (input: JsonAckInput): JsonAck {
  const ack: JsonAck = {
    transmissionId: input.transmissionId,
    outcome: input.outcome,
    interchange: input.envelope === null
      ? null
      : { sender: input.envelope.sender, recipient: input.envelope.recipient, reference: input.envelope.reference },
    messages: input.messages.map(m => ({ reference: m.reference, type: m.type, version: m.version, outcome: m.outcome })),
    errors: input.errors.map(toPublicFinding),
    warnings: input.warnings.map(toPublicFinding),
    ack: input.ackText
  }
  if (input.duplicate === true || input.outcome === 'duplicate') ack.duplicate = true
  return ack
}
