/**
 * One carrier broker connection that keeps itself up: `noDelay` (Nagle would hold small ack and
 * reply frames back 40 ms), heartbeats so a silent peer is noticed in seconds, and reconnection
 * with exponential backoff and jitter (so many bridges do not reconnect in step after a broker
 * restart). After each (re)connect `setup` runs again: queues are checked and the consumer resumed.
 * A setup that fails (a carrier queue missing) closes the connection and is retried the same way.
 *
 * Each carrier has its own connection, so one carrier's broker being down never affects another
 * (docs/channels.md "AMQP bridge"). The URL holds credentials: it is never logged, only its host.
 */
import { connect, type ChannelModel } from 'amqplib'
import type { Logger } from 'pino'

export interface ReconnectOptions {
  /** Resolved broker URL (credentials inside; never logged). */
  url: string
  /** Shown by the broker as the connection name (`rabbitmqctl list_connections client_properties`). */
  name: string
  heartbeatSeconds: number
  /** The TCP connect and AMQP handshake must finish within this (a stalled peer never hangs us). */
  connectTimeoutMs: number
  reconnectMinMs: number
  reconnectMaxMs: number
  logger: Logger
  /** Prepares a fresh connection (channels, checks, consumer); a throw closes it and retries later. */
  setup: (conn: ChannelModel) => Promise<void>
  /** The connection is gone (closed, lost, or its setup failed). */
  onDown: () => void
}

export interface ReconnectingConnection {
  /** Makes the first attempt; resolves when it succeeded or failed (failure is retried in the background). */
  start (): Promise<void>
  /** Drops the current connection and reconnects after the backoff (a channel failed, a queue vanished). */
  restart (reason: string): void
  close (): Promise<void>
}

export function withHeartbeat (url: string, seconds: number): string {
  if (/[?&]heartbeat=/.test(url)) return url
  return `${url}${url.includes('?') ? '&' : '?'}heartbeat=${seconds}`
}

/** The broker host for logs (never the URL: it carries the password). */
export function brokerHost (url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'unparseable-url'
  }
}

/** Exponential backoff with equal jitter: a delay in [base/2, base], base doubling up to the cap. */
export function backoffDelay (attempt: number, minMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30))
  return Math.round(base / 2 + random() * base / 2)
}

export function createReconnectingConnection (o: ReconnectOptions): ReconnectingConnection {
  const host = brokerHost(o.url)
  let conn: ChannelModel | null = null
  let closing = false
  let attempt = 0
  let timer: NodeJS.Timeout | null = null
  let opening: Promise<void> | null = null

  const schedule = (): void => {
    if (timer !== null || closing) return
    const delay = backoffDelay(attempt++, o.reconnectMinMs, o.reconnectMaxMs)
    timer = setTimeout(() => { timer = null; openOnce().catch(() => { /* open() reports and reschedules */ }) }, delay)
    timer.unref()
  }

  const lost = (c: ChannelModel): void => {
    if (conn !== c) return
    conn = null
    o.onDown()
    schedule()
  }

  const openOnce = (): Promise<void> => {
    opening ??= open().finally(() => { opening = null })
    return opening
  }

  async function open (): Promise<void> {
    if (closing || conn !== null) return
    let c: ChannelModel
    try {
      c = await connect(withHeartbeat(o.url, o.heartbeatSeconds), {
        noDelay: true,
        timeout: o.connectTimeoutMs,
        clientProperties: { connection_name: o.name }
      })
    } catch (err) {
      o.logger.warn({ host, attempt, err }, 'carrier broker unreachable; retrying')
      schedule()
      return
    }
    c.on('error', (err: Error) => o.logger.warn({ host, err }, 'carrier broker connection error'))
    c.on('close', () => {
      if (conn === c && !closing) o.logger.warn({ host }, 'carrier broker connection closed; reconnecting')
      lost(c)
    })
    c.on('blocked', (reason: string) => o.logger.warn({ host, reason }, 'carrier broker blocked the connection (resource alarm)'))
    conn = c
    if (closing) { await c.close().catch(() => {}); return }
    try {
      await o.setup(c)
      attempt = 0
      if (closing) await c.close().catch(() => {})
    } catch (err) {
      o.logger.warn({ host, attempt, err }, 'carrier bridge setup failed; retrying')
      lost(c)
      await c.close().catch(() => { /* already closed */ })
    }
  }

  return {
    start: openOnce,
    restart (reason) {
      const c = conn
      if (c === null || closing) return
      o.logger.warn({ host, reason }, 'restarting the carrier broker connection')
      lost(c)
      c.close().catch(() => { /* already closed */ })
    },
    async close () {
      closing = true
      if (timer !== null) { clearTimeout(timer); timer = null }
      await opening?.catch(() => {})
      const c = conn
      conn = null
      if (c !== null) await c.close().catch(() => { /* already closed */ })
    }
  }
}
