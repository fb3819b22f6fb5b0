import type { AckMessage } from '../transmission/index.js'
/**
 * Acknowledgement stage: policy (whether and what), CONTRL, ACKRES and JSON builders.
 */

export { decideAck, type AckDecision, type AckFacts } from './policy.js'
export { buildContrl, type AckSubject, type BuiltAck, type ContrlOptions, type FindingHomes, type SubjectGroup } from './contrl.js'
export { buildAckres, SEGMENTS_ACKS_READ, type AckresOptions } from './ackres.js'
export { buildJsonAck, summarizeMessages, toPublicFinding, type JsonAckInput } from './json.js'

const COUNTER_SPACE = 36 ** 5

/**
 * A new UNB 0020 for an ack: 14 upper-case base-36 characters, 9 from the time in milliseconds
 * (sortable, good until the year 5188) and 5 from `counter` (modulo 36^5). Unique as long as the
 * caller does not reuse a counter value within one millisecond; several instances should start
 * their counters at random offsets (see createAckReferences).
 */
export function newAckReference (now: Date, counter: number): string {
  const time = Math.max(0, Math.floor(now.getTime())).toString(36).toUpperCase().padStart(9, '0')
  const seq = (((Math.floor(counter) % COUNTER_SPACE) + COUNTER_SPACE) % COUNTER_SPACE).toString(36).toUpperCase().padStart(5, '0')
  return time + seq
}

/** A reference source with its own counter, started at a random offset. */
export function createAckReferences (start = Math.floor(Math.random() * COUNTER_SPACE)): (now?: Date) => string {
  let counter = start
  return (now = new Date()) => newAckReference(now, counter++)
}

/** Wraps built ack text for the channel (content type and SFTP file suffix). */
export function ackMessage (kind: AckMessage['kind'], body: string): AckMessage {
  if (kind === 'json') return { kind, body, contentType: 'application/json', extension: 'json' }
  return { kind, body, contentType: 'application/edifact', extension: kind }
}
