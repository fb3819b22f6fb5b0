/**
 * Replies on the carrier's reply queue, and the confirmed publisher they (and dead-lettered
 * copies) go through.
 *
 * - The reply is the ack the agreement asks for (CONTRL / ACKRES / JSON), or the JSON document
 *   when the transmission was refused before an ack could be built (no readable envelope).
 * - `correlationId` = the incoming `messageId`, else its `correlationId` (docs/channels.md "Reply messages"), so the carrier
 *   can match reply to transmission; `messageId` = our transmission id.
 * - Routed by the default exchange to the agreement's `replyQueue` only. A `replyTo` property is
 *   honoured only when it names that same queue, so one carrier can never direct acks to another
 *   carrier's queue (docs/architecture.md "Invariants", 3): in effect the route is always `replyQueue`.
 * - Published persistent and `mandatory` through a ConfirmChannel: the delivery is acked only once
 *   the broker confirmed the reply, and a reply the broker could not route (the reply queue was
 *   deleted) counts as not sent. The window of unconfirmed publishes is bounded by the prefetch,
 *   because each one belongs to an unacked delivery.
 */
import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib'
import type { Agreement } from '../../agreements/schema.js'
import type { TransmissionResult } from '../../pipeline/types.js'
import { GatewayError } from '../../errors.js'

export interface Reply {
  body: Buffer
  contentType: string
  /** contrl | ackres | json */
  kind: string
}

/** The reply due for a settled result, or null when the agreement asks for none. */
export function replyFor (result: TransmissionResult): Reply | null {
  if (result.ack !== null) {
    return { body: Buffer.from(result.ack.body, 'utf8'), contentType: result.ack.contentType, kind: result.ack.kind }
  }
  if (result.refusal !== null) {
    return { body: Buffer.from(JSON.stringify(result.json), 'utf8'), contentType: 'application/json', kind: 'json' }
  }
  return null
}

/** The incoming message's identity for the carrier: its messageId, else its correlationId. */
export function correlationOf (msg: ConsumeMessage): string | undefined {
  for (const v of [msg.properties.messageId, msg.properties.correlationId] as unknown[]) {
    if (typeof v === 'string' && v !== '') return v
  }
  return undefined
}

/** True when the carrier asked for a reply elsewhere than its agreed reply queue (ignored). */
export function replyToIgnored (msg: ConsumeMessage, replyQueue: string): boolean {
  const to: unknown = msg.properties.replyTo
  return typeof to === 'string' && to !== '' && to !== replyQueue
}

export function replyOptions (msg: ConsumeMessage, result: TransmissionResult, reply: Reply, now: Date): Options.Publish {
  const headers: Record<string, string> = {
    'x-transmission-id': result.transmissionId,
    'x-outcome': result.outcome,
    'x-ack-kind': reply.kind
  }
  if (result.carrier !== null) headers['x-carrier'] = result.carrier.code
  if (result.interchange !== null) headers['x-interchange-ref'] = result.interchange.reference
  if (result.refusal !== null) headers['x-refusal'] = result.refusal.id
  const correlationId = correlationOf(msg)
  return {
    persistent: true,
    mandatory: true,
    contentType: reply.contentType,
    messageId: result.transmissionId,
    ...(correlationId !== undefined ? { correlationId } : {}),
    timestamp: Math.floor(now.getTime() / 1000),
    appId: 'carrier-gateway',
    headers
  }
}

export function replyRoute (agreement: Agreement): string {
  return (agreement.channels.amqp as NonNullable<Agreement['channels']['amqp']>).replyQueue
}

export interface ConfirmedPublisher {
  /**
   * Publishes to the default exchange with `routingKey` = queue name; resolves once the broker
   * confirmed it. Rejects with GW_ERR_AMQP_REPLY_UNROUTABLE when the broker returned it (no queue of
   * that name), GW_ERR_AMQP_REPLY_UNCONFIRMED on a nack, a closed channel or no confirm in time.
   */
  toQueue (queue: string, body: Buffer, options: Options.Publish): Promise<void>
}

export function confirmedPublisher (ch: ConfirmChannel, confirmTimeoutMs: number): ConfirmedPublisher {
  // basic.return precedes the basic.ack of the same publish, so a return is known at confirm time.
  const returned = new Set<string>()
  ch.on('return', (m: ConsumeMessage) => {
    const id: unknown = m.properties.messageId
    if (typeof id === 'string') returned.add(id)
  })
  let seq = 0
  return {
    async toQueue (queue, body, options) {
      // Returns are matched by messageId; a publish without one gets a private one.
      const token = typeof options.messageId === 'string' ? options.messageId : `bridge-${process.pid}-${++seq}`
      const opts = typeof options.messageId === 'string' ? options : { ...options, messageId: token }
      await new Promise<void>((resolve, reject) => {
        let settled = false
        const finish = (err: Error | null): void => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          const wasReturned = returned.delete(token)
          if (err !== null) reject(err)
          else if (wasReturned) reject(new GatewayError('GW_ERR_AMQP_REPLY_UNROUTABLE', `queue ${queue}`))
          else resolve()
        }
        const unconfirmed = (why: string): GatewayError => new GatewayError('GW_ERR_AMQP_REPLY_UNCONFIRMED', why)
        const timer = setTimeout(() => finish(unconfirmed('no broker confirm in time')), confirmTimeoutMs)
        try {
          ch.publish('', queue, body, opts, (err: unknown) => finish(err == null ? null : unconfirmed('nack or channel closed')))
        } catch (err) {
          finish(new GatewayError('GW_ERR_AMQP_REPLY_UNCONFIRMED', 'publish failed', { cause: err }))
        }
      })
    }
  }
}
