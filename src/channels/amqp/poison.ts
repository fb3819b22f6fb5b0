/**
 * Poison messages: a delivery that keeps coming back without the gateway ever settling it (it
 * crashes or hangs the process, the connection drops each time) goes to `<queue>.dlq` once it was
 * redelivered more than the agreement's `maxRedeliveries` (docs/channels.md "Poison messages and the DLQ").
 *
 * Classic queues only flag a delivery as `redelivered`; they do not count. So attempts are counted
 * here per message (its `messageId`, or the SHA-256 of the body when the carrier sets none), and a
 * quorum queue's own `x-delivery-count` header is used as well, because it survives a gateway
 * restart where this memory does not. Requeues the gateway chose itself (outcome retry: the
 * gateway, not the message, could not make the transmission durable) are not held against the
 * message, so an outage of the PIU queue never dead-letters good traffic.
 */
import { createHash } from 'node:crypto'
import type { ChannelModel, ConsumeMessage, Replies } from 'amqplib'

/** Entries kept at most; the oldest is forgotten first (a bound on memory, not on correctness). */
const MAX_TRACKED = 10_000

export function messageKey (msg: ConsumeMessage): string {
  const id: unknown = msg.properties.messageId
  if (typeof id === 'string' && id !== '') return `id:${id}`
  return `sha256:${createHash('sha256').update(msg.content).digest('hex')}`
}

/** The quorum queue's count of earlier failed deliveries, when the broker sets it. */
export function deliveryCountHeader (msg: ConsumeMessage): number | undefined {
  const v: unknown = msg.properties.headers?.['x-delivery-count']
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : NaN
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

export interface AttemptCounter {
  /**
   * Records a delivery; returns how many earlier deliveries of this message ended unsettled
   * (redeliveries that count towards `maxRedeliveries`).
   */
  delivered (msg: ConsumeMessage): number
  /** The gateway requeued this message itself (outcome retry): that attempt does not count. */
  retried (msg: ConsumeMessage): void
  /** Acked or dead-lettered: forget it. */
  settled (msg: ConsumeMessage): void
  /** Messages tracked now. */
  size (): number
}

export function createAttemptCounter (max = MAX_TRACKED): AttemptCounter {
  const seen = new Map<string, { deliveries: number, retries: number }>()
  const touch = (key: string): { deliveries: number, retries: number } => {
    const e = seen.get(key) ?? { deliveries: 0, retries: 0 }
    seen.delete(key)
    seen.set(key, e)
    while (seen.size > max) seen.delete(seen.keys().next().value as string)
    return e
  }
  return {
    delivered (msg) {
      const e = touch(messageKey(msg))
      // A first delivery (the broker says never delivered before) is not a redelivery, even when
      // another copy with the same messageId is still in flight (a carrier that published twice).
      if (!msg.fields.redelivered) {
        if (e.deliveries === 0) e.deliveries = 1
        return 0
      }
      e.deliveries++
      const fromMemory = e.deliveries - 1 - e.retries
      const header = deliveryCountHeader(msg)
      const fromBroker = header === undefined ? 0 : header - e.retries
      return Math.max(0, fromMemory, fromBroker)
    },
    retried (msg) {
      touch(messageKey(msg)).retries++
    },
    settled (msg) {
      seen.delete(messageKey(msg))
    },
    size: () => seen.size
  }
}

/**
 * A passive queue check on a throwaway channel: a missing queue answers 404 by closing the channel
 * it was asked on, which must never be the consuming one. Null when the queue does not exist.
 */
export async function checkQueueOn (conn: ChannelModel, queue: string): Promise<Replies.AssertQueue | null> {
  const ch = await conn.createChannel()
  ch.on('error', () => { /* the 404 also arrives here; the rejection below reports it */ })
  try {
    return await ch.checkQueue(queue)
  } catch (err) {
    if ((err as { code?: unknown }).code === 404) return null
    throw err
  } finally {
    await ch.close().catch(() => { /* already closed by the broker after a 404 */ })
  }
}

export function dlqName (queue: string): string {
  return `${queue}.dlq`
}

/**
 * Makes sure `<queue>.dlq` exists: checked passively first (the carrier may have declared it with
 * its own arguments), declared durable only when missing.
 */
export async function ensureDeadLetterQueue (conn: ChannelModel, queue: string): Promise<void> {
  const name = dlqName(queue)
  if (await checkQueueOn(conn, name) !== null) return
  const ch = await conn.createChannel()
  ch.on('error', () => { /* reported by the rejection */ })
  try {
    await ch.assertQueue(name, { durable: true })
  } finally {
    await ch.close().catch(() => { /* closed by the broker on a refusal */ })
  }
}

/** Headers of the dead-lettered copy: the carrier's own headers, plus why and from where. */
export function deadLetterHeaders (
  msg: ConsumeMessage,
  reason: string,
  carrier: string,
  queue: string,
  redeliveries: number
): Record<string, unknown> {
  return {
    ...(msg.properties.headers ?? {}),
    'x-reason': reason,
    'x-carrier': carrier,
    'x-original-queue': queue,
    'x-redeliveries': redeliveries
  }
}
