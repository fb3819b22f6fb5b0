/**
 * The EDIFACT reader's part of `EnvelopeFacts` (docs/architecture.md "EnvelopeFacts"): UNB gives
 * sender, recipient, reference, preparation time and the test and acknowledgement flags (ISO 9735-1
 * §7, S002/S003/0020/S004/0031/0035); each UNH gives a message's reference, type, version and part
 * (S009, S010).
 */
import type { EnvelopeFacts } from '../transmission/index.js'
import type { Interchange } from './types.js'

/** The facts of an interchange whose UNB could be read; null otherwise. */
export function envelopeFactsOf (ix: Interchange): EnvelopeFacts | null {
  const unb = ix.unb
  if (unb === null) return null
  return {
    syntax: 'edifact',
    sender: unb.sender,
    recipient: unb.recipient,
    reference: unb.reference,
    preparedAt: `${unb.date}:${unb.time}`,
    prepared: unb.preparedAt,
    test: unb.test,
    ackRequested: unb.ackRequested,
    messages: ix.messages.map(m => ({
      reference: m.reference,
      type: m.type,
      version: m.version,
      part: { sequence: m.part.sequence, final: m.part.final },
      group: m.group
    }))
  }
}
