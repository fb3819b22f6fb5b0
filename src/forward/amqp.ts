/**
 * The AMQP target: RabbitMQ with publisher confirms (interfaces.md "AMQP, PIU-facing").
 * - One connection, `noDelay` (Nagle would hold small frames back 40 ms), heartbeats so a dead
 *   peer is noticed in seconds.
 * - A ConfirmChannel with a bounded window of unconfirmed publishes: many in flight at once,
 *   never one confirm at a time, never an unbounded buffer.
 * - The topology (topic exchange, quorum queues and their bindings) is declared on every
 *   (re)connect, so a broker that lost it is repaired.
 * - A publish not confirmed within `confirmTimeoutMs`, or one in flight when the connection drops,
 *   rejects: the forwarder spools it. A late confirm may still arrive; the PIU dedupes by messageId.
 * - `blocked` (broker memory or disk alarm) makes the target unavailable at once: spool, not wait.
 */
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib'
import type { Logger } from 'pino'
import type { Metrics } from '../metrics/index.js'
import { GatewayError } from '../errors.js'
import type { ForwardItem, ForwardTarget } from './types.js'

export interface AmqpTargetOptions {
  url: string
  exchange: string
  queue: string
  testQueue: string
  quarantineQueue: string
  queueType: 'quorum' | 'classic'
  quarantineRetentionHours: number
  confirmWindow: number
  confirmTimeoutMs: number
  heartbeatSeconds: number
  reconnectMinMs: number
  reconnectMaxMs: number
}

export function withHeartbeat (url: string, seconds: number): string {
  if (/[?&]heartbeat=/.test(url)) return url
  return `${url}${url.includes('?') ? '&' : '?'}heartbeat=${seconds}`
}

/** Declares exchange, queues and bindings; idempotent. */
export async function declareTopology (ch: ConfirmChannel, o: Pick<AmqpTargetOptions, 'exchange' | 'queue' | 'testQueue' | 'quarantineQueue' | 'queueType' | 'quarantineRetentionHours'>): Promise<void> {
  await ch.assertExchange(o.exchange, 'topic', { durable: true })
  const args = { 'x-queue-type': o.queueType }
  await ch.assertQueue(o.queue, { durable: true, arguments: args })
  await ch.assertQueue(o.testQueue, { durable: true, arguments: args })
  // Quarantine is purged after quarantine.retentionHours (architecture.md "State").
  await ch.assertQueue(o.quarantineQueue, { durable: true, arguments: { ...args, 'x-message-ttl': Math.round(o.quarantineRetentionHours * 3_600_000) } })
  await ch.bindQueue(o.queue, o.exchange, 'paxlst.*')
  await ch.bindQueue(o.queue, o.exchange, 'pnrgov.*')
  await ch.bindQueue(o.testQueue, o.exchange, 'test.#')
  await ch.bindQueue(o.quarantineQueue, o.exchange, 'quarantine.#')
}

export function createAmqpTarget (o: AmqpTargetOptions, metrics: Metrics, logger: Logger): ForwardTarget {
  let conn: ChannelModel | null = null
  let ch: ConfirmChannel | null = null
  let blocked = false
  let closing = false
  let attempt = 0
  let reconnectTimer: NodeJS.Timeout | null = null
  let inFlight = 0
  const waiters: Array<() => void> = []
  const pending = new Set<(err: Error) => void>()

  const setState = (): void => {
    metrics.targetUp.set({ target: 'amqp' }, ch !== null && !blocked ? 1 : 0)
    metrics.targetBlocked.set({ target: 'amqp' }, blocked ? 1 : 0)
  }

  const dropped = (why: string): void => {
    if (ch === null && conn === null) return
    ch = null
    conn = null
    setState()
    for (const fail of [...pending]) fail(new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', why))
    if (!closing) scheduleReconnect()
  }

  const scheduleReconnect = (): void => {
    if (reconnectTimer !== null || closing) return
    const base = Math.min(o.reconnectMaxMs, o.reconnectMinMs * 2 ** Math.min(attempt, 16))
    const delay = Math.round(base / 2 + Math.random() * base / 2)
    attempt++
    reconnectTimer = setTimeout(() => { reconnectTimer = null; open().catch(() => {}) }, delay)
    reconnectTimer.unref()
  }

  async function open (): Promise<void> {
    if (closing || ch !== null) return
    try {
      const c = await connect(withHeartbeat(o.url, o.heartbeatSeconds), { noDelay: true })
      c.on('error', err => logger.warn({ err: { message: err.message } }, 'PIU broker connection error'))
      c.on('close', () => { if (conn === c) { logger.warn('PIU broker connection closed'); dropped('broker connection closed') } })
      c.on('blocked', reason => { blocked = true; setState(); logger.warn({ reason }, 'PIU broker blocked publishing (resource alarm); spooling') })
      c.on('unblocked', () => { blocked = false; setState(); logger.info('PIU broker unblocked') })
      const channel = await c.createConfirmChannel()
      channel.on('error', err => logger.warn({ err: { message: err.message } }, 'PIU broker channel error'))
      channel.on('close', () => { if (ch === channel) { dropped('broker channel closed'); c.close().catch(() => {}) } })
      await declareTopology(channel, o)
      if (closing) { await c.close().catch(() => {}); return }
      conn = c
      ch = channel
      blocked = false
      attempt = 0
      setState()
      logger.info({ exchange: o.exchange }, 'PIU broker connected; topology declared')
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message }, attempt }, 'PIU broker unreachable; retrying')
      setState()
      scheduleReconnect()
    }
  }

  async function slot (): Promise<void> {
    while (inFlight >= o.confirmWindow) await new Promise<void>(resolve => waiters.push(resolve))
    inFlight++
    metrics.forwardInFlight.set(inFlight)
  }
  const release = (): void => {
    inFlight--
    metrics.forwardInFlight.set(inFlight)
    waiters.shift()?.()
  }

  return {
    name: 'amqp',
    async start () {
      setState()
      await open()
    },
    available: () => ch !== null && !blocked,
    async publish (item: ForwardItem) {
      await slot()
      const started = process.hrtime.bigint()
      try {
        await new Promise<void>((resolve, reject) => {
          const channel = ch
          if (channel === null || blocked) { reject(new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', 'PIU broker not connected')); return }
          let settled = false
          const finish = (err: Error | null): void => {
            if (settled) return
            settled = true
            clearTimeout(timer)
            pending.delete(fail)
            if (err === null) resolve(); else reject(err)
          }
          const fail = (err: Error): void => finish(err)
          const timer = setTimeout(() => finish(new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', 'broker confirm timed out')), o.confirmTimeoutMs)
          pending.add(fail)
          try {
            channel.publish(o.exchange, item.routingKey, item.body, {
              persistent: true,
              mandatory: false,
              messageId: item.transmissionId,
              contentType: 'application/edifact',
              timestamp: Math.floor(item.timestamp.getTime() / 1000),
              appId: 'carrier-gateway',
              headers: item.report !== undefined ? { ...item.headers, 'x-error-report': item.report } : item.headers
            }, (err: unknown) => finish(err == null ? null : new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', 'broker refused the publish (nack)')))
          } catch (err) {
            finish(new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', 'publish failed', { cause: err }))
          }
        })
        metrics.confirmLatency.observe(Number(process.hrtime.bigint() - started) / 1e9)
      } finally {
        release()
      }
    },
    async close () {
      closing = true
      if (reconnectTimer !== null) clearTimeout(reconnectTimer)
      const c = conn
      ch = null
      conn = null
      setState()
      if (c !== null) await c.close().catch(() => {})
    }
  }
}
