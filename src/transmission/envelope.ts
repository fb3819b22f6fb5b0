/**
 * What a reader learned of a transmission's envelope, in terms no syntax owns
 * (docs/architecture.md "EnvelopeFacts"). The EDIFACT reader fills it from UNB/UNG/UNH
 * (`edifact/facts.ts`); a PNRGOV XML reader or an interactive request would fill the same shape.
 * Dedupe, carrier resolution, routing, the JSON ack and the ledger read these facts, never segments.
 * Every field is envelope metadata chosen by the carrier's system, never passenger data.
 */

/** Material removed around the interchange, reported by kind and size only (never content). */
export interface Stripped {
  kind: 'typeb-header' | 'control-chars' | 'trailer' | 'folding' | 'leading-text'
  bytes: number
}

export interface MessagePart {
  /** Part sequence (EDIFACT UNH S010 0070), null when the message is not in parts. */
  sequence: number | null
  /** True on the last part (0073 = F), false on others (C), null when not stated. */
  final: boolean | null
}

export interface EnvelopeMessage {
  reference: string
  type: string
  version: string
  part: MessagePart
  /** The enclosing group's reference, null outside groups. */
  group: string | null
}

export interface EnvelopeFacts {
  /** The reader that produced the facts. */
  syntax: 'edifact'
  /** The sender id the carrier's system put in the envelope (EDIFACT UNB S002 0004). */
  sender: string
  recipient: string
  /** The interchange control reference (UNB 0020). */
  reference: string
  /** Preparation date and time exactly as sent, e.g. "250114:0630": part of the dedupe key. */
  preparedAt: string
  /** The same as an ISO 8601 local date-time, or null when it is not a valid date. */
  prepared: string | null
  /** The sender marked the interchange as a test (UNB 0035 = 1). */
  test: boolean
  /** The sender asked for an acknowledgement (UNB 0031 = 1). */
  ackRequested: boolean
  messages: EnvelopeMessage[]
}

/** The dedupe key of docs/architecture.md invariant 2: the resolved carrier and three envelope facts. */
export interface DedupeKey { carrier: string, sender: string, reference: string, preparedAt: string }

/** Ledger form of the parts, e.g. ["1:C", "2:F"]: sequence and C(ontinued) or F(inal). */
export function partLabels (messages: readonly EnvelopeMessage[]): string[] {
  return messages.filter(m => m.part.sequence !== null).map(m => `${m.part.sequence}:${m.part.final === true ? 'F' : 'C'}`)
}
