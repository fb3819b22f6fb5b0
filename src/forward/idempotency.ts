/**
 * The idempotency key of a forwarded interchange (docs/operations.md "At least once: what the PIU must
 * do"). It is derived, never stored: SHA-256 over the dedupe key of docs/architecture.md invariant 2
 * (carrier, UNB sender, interchange control reference, preparation date/time as sent) and the SHA-256
 * of the body as forwarded. The same interchange therefore gets the same key however often and by
 * whichever instance it is published: the relay's second publish after a crash, a carrier's resend after
 * the gateway died between the broker's confirm and the answer, a resend that takes over an abandoned
 * claim, and two instances racing. A correction has other content, hence another key.
 */
import { createHash } from 'node:crypto'
import type { DedupeKey } from '../transmission/index.js'
import type { ForwardItem } from './types.js'

export const IDEMPOTENCY_HEADER = 'x-idempotency-key'
/** The gateway's own id of the transmission, kept beside the key for the PIU's correlation with the ledger. */
export const TRANSMISSION_ID_HEADER = 'x-transmission-id'

/** 64 lower-case hex digits. The version tag lets a future derivation never collide with this one. */
export function idempotencyKey (key: DedupeKey, contentSha256: string): string {
  const parts = ['carrier-gateway/idempotency/v1', key.carrier, key.sender, key.reference, key.preparedAt, contentSha256.toLowerCase()]
  // NUL cannot occur in any part (EDIFACT syntax levels exclude it), so the join is unambiguous.
  return createHash('sha256').update(parts.join('\0')).digest('hex')
}

/** AMQP `messageId` (and the directory target's): the idempotency key, else (quarantine, old spool files) the transmission id. */
export function messageIdOf (item: Pick<ForwardItem, 'headers' | 'transmissionId'>): string {
  return item.headers[IDEMPOTENCY_HEADER] ?? item.transmissionId
}

/** The headers as published: the item's, with the transmission id beside the idempotency key. */
export function publishedHeaders (item: Pick<ForwardItem, 'headers' | 'transmissionId'>): Record<string, string> {
  return { ...item.headers, [TRANSMISSION_ID_HEADER]: item.transmissionId }
}
