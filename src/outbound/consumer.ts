/**
 * The PIU side of messages to carriers (docs/outbound.md "What the PIU sends"): the gateway declares
 * topic exchange `outbound.exchange`, quorum queue `outbound.queue` bound with `#`, and the
 * dead-letter queue, then consumes with `outbound.prefetch` (several instances are competing
 * consumers of the one queue).
 *
 * A PIU message is acknowledged only once it is durable on the gateway's side: refused ones after
 * the dead-letter publish is confirmed; accepted ones after the outbox row and payload are committed
 * and the first delivery attempt has run (docs/outbound.md "When the PIU's message is
 * acknowledged"). A crash before the ack has the broker deliver the message again; the outbox
 * recognises it by its source key and counts a duplicate instead of storing it twice.
 */
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib'
import type { Logger } from 'pino'
import { createReconnectingConnection, type ReconnectingConnection } from '../channels/amqp/connection.js'
import type { PiuMessage } from './compose.js'

export interface PiuConsumerOptions {
  url: string
  exchange: string
  queue: string
  deadLetterQueue: string
  queueType: 'quorum' | 'classic'
  prefetch: number
  heartbeatSeconds: number
  connectTimeoutMs: number
  reconnectMinMs: number
  reconnectMaxMs: number
  logger: Logger
}

export type Handled = { kind: 'done' } | { kind: 'refused', reason: string, problems: string[] } | { kind: 'retry' }

export interface PiuConsumer {
  start (): Promise<void>
  /** Stops taking messages and waits (bounded) for those in hand to settle. */
  stop (): Promise<void>
  connected (): boolean
}

/** A refused message's problems in one header, bounded: they are fixed sentences, never values. */
const MAX_PROBLEMS_HEADER = 2000
/** A store that cannot commit now: the message goes back to the queue after this pause. */
const RETRY_PAUSE_MS = 1000

/** How long each step of a stop waits for the broker. */
const STOP_STEP_MS = 2000

async function bounded (p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([p.catch(() => {}), new Promise(resolve => { timer = setTimeout(resolve, ms) })])
  clearTimeout(timer)
}

export function createPiuConsumer (o: PiuConsumerOptions, handle: (m: PiuMessage) => Promise<Handled>): PiuConsumer {
  let ch: ConfirmChannel | null = null
  let tag: string | null = null
  let stopping = false
  const inHand = new Set<Promise<void>>()

  async function settle (channel: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    const piu: PiuMessage = {
      routingKey: msg.fields.routingKey,
      contentType: msg.properties.contentType ?? null,
      messageId: msg.properties.messageId ?? null,
      body: msg.content
    }
    const r = await handle(piu).catch((): Handled => ({ kind: 'retry' }))
    if (r.kind === 'retry') {
      await new Promise(resolve => setTimeout(resolve, RETRY_PAUSE_MS))
      channel.nack(msg, false, true)
      return
    }
    if (r.kind === 'refused') {
      channel.sendToQueue(o.deadLetterQueue, msg.content, {
        persistent: true,
        contentType: msg.properties.contentType,
        messageId: msg.properties.messageId,
        headers: {
          ...msg.properties.headers,
          'x-reason': r.reason,
          'x-problems': r.problems.join('; ').slice(0, MAX_PROBLEMS_HEADER),
          'x-original-routing-key': msg.fields.routingKey,
          'x-refused-at': new Date().toISOString()
        }
      })
      await channel.waitForConfirms()
    }
    channel.ack(msg)
  }

  async function setup (conn: ChannelModel): Promise<void> {
    const c = await conn.createConfirmChannel()
    c.on('error', () => {})
    const args = { 'x-queue-type': o.queueType }
    await c.assertExchange(o.exchange, 'topic', { durable: true })
    await c.assertQueue(o.queue, { durable: true, arguments: args })
    await c.assertQueue(o.deadLetterQueue, { durable: true, arguments: args })
    await c.bindQueue(o.queue, o.exchange, '#')
    await c.prefetch(o.prefetch)
    ch = c
    c.on('close', () => { if (ch === c) ch = null })
    const consumer = await c.consume(o.queue, msg => {
      if (msg === null) return
      const p = settle(c, msg).catch(err => o.logger.warn({ err }, 'PIU message left unacknowledged; the broker delivers it again'))
      inHand.add(p)
      p.finally(() => inHand.delete(p)).catch(() => {})
    }, { noAck: false })
    tag = consumer.consumerTag
    o.logger.info({ queue: o.queue }, 'consuming messages to carriers')
  }

  const conn: ReconnectingConnection = createReconnectingConnection({
    url: o.url,
    name: 'carrier-gateway outbound',
    heartbeatSeconds: o.heartbeatSeconds,
    connectTimeoutMs: o.connectTimeoutMs,
    reconnectMinMs: o.reconnectMinMs,
    reconnectMaxMs: o.reconnectMaxMs,
    logger: o.logger,
    setup,
    onDown: () => { ch = null; if (!stopping) o.logger.warn('PIU broker connection for messages to carriers lost; reconnecting') }
  })

  return {
    start: async () => { await conn.start() },
    async stop () {
      stopping = true
      const c = ch
      // A stalled broker answers neither the cancel nor the close: the shutdown must not wait for
      // it (unacknowledged messages go back to the queue when the connection drops).
      if (c !== null && tag !== null) await bounded(c.cancel(tag), STOP_STEP_MS)
      await bounded(Promise.allSettled([...inHand]), 10_000)
      await bounded(conn.close(), STOP_STEP_MS)
    },
    connected: () => ch !== null
  }
}
