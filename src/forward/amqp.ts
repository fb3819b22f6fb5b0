/**
 * The AMQP target: RabbitMQ with publisher confirms (docs/channels.md "What the PIU receives",
 * docs/operations.md "The PIU broker connection").
 * - One connection, `noDelay` (Nagle would hold small frames back 40 ms), heartbeats so a dead
 *   peer is noticed in seconds, and a connect deadline so a silent broker never hangs a start. With
 *   a list of cluster nodes (`urls`), to any live one, failing over to the next when it is lost.
 * - A ConfirmChannel with a bounded window of unconfirmed publishes: many in flight at once,
 *   never one confirm at a time, never an unbounded buffer.
 * - The topology (topic exchange, quorum queues and their bindings) is declared on every
 *   (re)connect, so a broker that lost it is repaired. Publishes are `mandatory`: a message the
 *   broker cannot route (a queue deleted under us) is returned before its confirm and counts as a
 *   failure, never as delivered; the connection is then re-made, which re-declares the topology.
 * - A publish not confirmed within `confirmTimeoutMs` (window wait included), or one in flight when
 *   the connection drops, rejects: the forwarder spools it. A confirm timeout also tears the
 *   connection down (a broker that stops confirming is treated as gone, so the next transmissions
 *   spool at once instead of each waiting out the timeout). A late confirm may still arrive; the
 *   PIU dedupes by messageId.
 * - `blocked` (broker memory or disk alarm) makes the target unavailable at once and fails what
 *   awaits a confirm: spool, not wait. The connection is kept; `unblocked` makes it available.
 */
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib'
import type { Logger } from 'pino'
import type { Metrics } from '../metrics/index.js'
import { GatewayError } from '../errors.js'
import type { ForwardItem, ForwardTarget } from './types.js'
import { messageIdOf, publishedHeaders } from './idempotency.js'

export interface AmqpTargetOptions {
  url: string
  /**
   * The nodes of a broker cluster (`forward.amqp.urls`, resolved); when given, `url` is not used. A
   * connection goes to the first that answers, starting from the one last connected; a lost
   * connection is re-made to the next node (docs/operations.md "The PIU broker connection").
   */
  urls?: readonly string[]
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
  /** Connect, open the channel and declare the topology within this, or try again later. */
  connectTimeoutMs: number
}

export function withHeartbeat (url: string, seconds: number): string {
  if (/[?&]heartbeat=/.test(url)) return url
  return `${url}${url.includes('?') ? '&' : '?'}heartbeat=${seconds}`
}

/** Declares exchange, queues and bindings; idempotent. */
type TopologyOptions = Pick<
  AmqpTargetOptions,
  'exchange' | 'queue' | 'testQueue' | 'quarantineQueue' | 'queueType' | 'quarantineRetentionHours'
>

async function declareTopology (ch: ConfirmChannel, o: TopologyOptions): Promise<void> {
  await ch.assertExchange(o.exchange, 'topic', { durable: true })
  const args = { 'x-queue-type': o.queueType }
  await ch.assertQueue(o.queue, { durable: true, arguments: args })
  await ch.assertQueue(o.testQueue, { durable: true, arguments: args })
  // Quarantine is purged after quarantine.retentionHours (docs/architecture.md "State").
  const ttl = Math.round(o.quarantineRetentionHours * 3_600_000)
  await ch.assertQueue(o.quarantineQueue, { durable: true, arguments: { ...args, 'x-message-ttl': ttl } })
  await ch.bindQueue(o.queue, o.exchange, 'paxlst.*')
  await ch.bindQueue(o.queue, o.exchange, 'pnrgov.*')
  // A carrier's CUSRES answering an unsolicited update (docs/interactive.md): with the batch traffic.
  await ch.bindQueue(o.queue, o.exchange, 'cusres.*')
  await ch.bindQueue(o.testQueue, o.exchange, 'test.#')
  await ch.bindQueue(o.quarantineQueue, o.exchange, 'quarantine.#')
}

/** The socket under an amqplib connection, destroyed when a close handshake cannot be waited for. */
function destroySocket (c: ChannelModel, why: string): void {
  const stream = (c.connection as unknown as { stream?: { destroy: (err?: Error) => void } }).stream
  stream?.destroy(new GatewayError('GW_ERR_FORWARD_CONNECTION_LOST', why))
}

const unavailable = (why: string, cause?: unknown): GatewayError =>
  new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', why, cause === undefined ? undefined : { cause })

export function createAmqpTarget (o: AmqpTargetOptions, metrics: Metrics, logger: Logger): ForwardTarget {
  let conn: ChannelModel | null = null
  let ch: ConfirmChannel | null = null
  let blocked = false
  let closing = false
  let opening: Promise<void> | null = null
  let attempt = 0
  let reconnectTimer: NodeJS.Timeout | null = null
  let inFlight = 0
  const waiters: Array<() => void> = []
  /** Fails every publish awaiting a confirm (connection lost): they go to the spool. */
  const pending = new Set<(err: Error) => void>()
  /** messageIds the broker returned as unroutable; their confirm then counts as a failure. */
  const returned = new Set<string>()

  const setState = (): void => {
    metrics.targetUp.set({ target: 'amqp' }, ch !== null && !blocked ? 1 : 0)
    metrics.targetBlocked.set({ target: 'amqp' }, blocked ? 1 : 0)
  }

  const dropped = (why: string): void => {
    if (ch === null && conn === null) return
    ch = null
    conn = null
    blocked = false
    returned.clear()
    // The node that dropped us is likely the one in trouble: the next attempt starts with the next.
    current = (current + 1) % nodes.length
    setState()
    for (const fail of [...pending]) fail(unavailable(why))
    if (!closing) scheduleReconnect()
  }

  /** Gives up on a connection at once: no close handshake with a broker that may not answer. */
  const abort = (c: ChannelModel, why: string): void => {
    if (conn === c) {
      logger.warn({ reason: why }, 'PIU broker connection abandoned; spooling until it is re-made')
      dropped(why)
    }
    destroySocket(c, why)
  }

  const scheduleReconnect = (): void => {
    if (reconnectTimer !== null || closing) return
    const base = Math.min(o.reconnectMaxMs, o.reconnectMinMs * 2 ** Math.min(attempt, 16))
    const delay = Math.round(base / 2 + Math.random() * base / 2)
    attempt++
    reconnectTimer = setTimeout(() => { reconnectTimer = null; open().catch(() => {}) }, delay)
    reconnectTimer.unref()
  }

  const nodes = o.urls !== undefined && o.urls.length > 0 ? o.urls : [o.url]
  /** The node to try first: the one last connected, moved on when its connection is lost. */
  let current = 0
  /** `host:port` only: the URL holds the credentials, which are never logged. */
  const nodeName = (i: number): string => { try { return new URL(nodes[i]).host } catch { return `node ${i}` } }

  /** Each node once, from `current`: the first that opens (and takes the topology) is kept. */
  async function connectAny (): Promise<void> {
    let last: unknown
    for (let k = 0; k < nodes.length; k++) {
      if (closing) return
      const i = (current + k) % nodes.length
      try {
        await connectOnce(nodes[i])
        current = i
        return
      } catch (err) {
        last = err
        if (nodes.length > 1) logger.warn({ err, node: nodeName(i) }, 'PIU broker node unreachable; trying the next')
      }
    }
    if (last !== undefined) throw last
  }

  async function connectOnce (url: string): Promise<void> {
    const c = await connect(withHeartbeat(url, o.heartbeatSeconds), { noDelay: true, timeout: o.connectTimeoutMs })
    c.on('error', err => logger.warn({ err }, 'PIU broker connection error'))
    c.on('close', () => { if (conn === c) { logger.warn('PIU broker connection closed'); dropped('broker connection closed') } })
    c.on('blocked', reason => {
      if (conn !== c) return
      blocked = true
      setState()
      logger.warn({ reason }, 'PIU broker blocked publishing (resource alarm); spooling')
      // What is waiting for a confirm now waits for the alarm to clear: spool it instead. The
      // broker may still deliver it once unblocked (a duplicate with the same messageId).
      for (const fail of [...pending]) fail(unavailable('broker blocked publishing (resource alarm)'))
    })
    c.on('unblocked', () => { if (conn !== c) return; blocked = false; setState(); logger.info('PIU broker unblocked') })
    // The channel and topology get the same deadline as the socket: a broker that accepts TCP and
    // then stays silent must not hold the start (or a reconnect) forever.
    const deadline = setTimeout(() => destroySocket(c, 'broker did not finish opening in time'), o.connectTimeoutMs)
    try {
      const channel = await c.createConfirmChannel()
      channel.on('error', err => logger.warn({ err }, 'PIU broker channel error'))
      channel.on('close', () => { if (ch === channel) { dropped('broker channel closed'); c.close().catch(() => {}) } })
      channel.on('return', (msg: { properties: { messageId?: unknown } }) => {
        if (typeof msg.properties.messageId === 'string') returned.add(msg.properties.messageId)
      })
      await declareTopology(channel, o)
      if (closing) { await c.close().catch(() => {}); return }
      conn = c
      ch = channel
    } catch (err) {
      destroySocket(c, 'open failed')
      throw err
    } finally {
      clearTimeout(deadline)
    }
    blocked = false
    attempt = 0
    setState()
    logger.info({ exchange: o.exchange, node: new URL(url).host }, 'PIU broker connected; topology declared')
  }

  async function open (): Promise<void> {
    if (closing || ch !== null) return
    opening ??= connectAny().catch(err => {
      logger.warn({ err, attempt }, 'PIU broker unreachable; retrying')
      setState()
      scheduleReconnect()
    }).finally(() => { opening = null })
    await opening
  }

  /** A window slot, waited for no longer than `until` (epoch ms). */
  async function slot (until: number): Promise<void> {
    while (inFlight >= o.confirmWindow) {
      const wait = until - Date.now()
      if (wait <= 0) throw unavailable('confirm window full past the confirm timeout')
      await new Promise<void>(resolve => {
        const done = (): void => { clearTimeout(timer); const i = waiters.indexOf(done); if (i >= 0) waiters.splice(i, 1); resolve() }
        const timer = setTimeout(done, wait)
        waiters.push(done)
      })
    }
    inFlight++
    metrics.forwardInFlight.set(inFlight)
  }
  const release = (): void => {
    inFlight--
    metrics.forwardInFlight.set(inFlight)
    waiters[0]?.()
  }

  return {
    name: 'amqp',
    async start () {
      closing = false
      setState()
      await open()
    },
    available: () => ch !== null && !blocked,
    async publish (item: ForwardItem) {
      const messageId = messageIdOf(item)
      const until = Date.now() + o.confirmTimeoutMs
      await slot(until)
      const started = process.hrtime.bigint()
      try {
        await new Promise<void>((resolve, reject) => {
          const channel = ch
          const c = conn
          if (channel === null || c === null || blocked) { reject(unavailable('PIU broker not connected')); return }
          let settled = false
          const finish = (err: Error | null): void => {
            if (settled) return
            settled = true
            clearTimeout(timer)
            pending.delete(finish)
            if (err === null) resolve(); else reject(err)
          }
          const timer = setTimeout(() => {
            finish(unavailable('broker confirm timed out'))
            // A blocked connection is alive (alarm): keep it and wait for `unblocked`. Otherwise
            // the broker stopped answering: a new connection, not a wait per transmission.
            if (!blocked) abort(c, 'broker confirm timed out')
          }, Math.max(1, until - Date.now()))
          pending.add(finish)
          try {
            channel.publish(o.exchange, item.routingKey, item.body, {
              persistent: true,
              mandatory: true,
              messageId,
              contentType: 'application/edifact',
              timestamp: Math.floor(item.timestamp.getTime() / 1000),
              appId: 'carrier-gateway',
              headers: item.report !== undefined ? { ...publishedHeaders(item), 'x-error-report': item.report } : publishedHeaders(item)
            }, (err: unknown) => {
              if (err != null) { finish(unavailable('broker refused the publish (nack)')); return }
              if (returned.delete(messageId)) {
                // Confirmed but routed nowhere: not delivered. Re-make the connection so the
                // topology is declared again, and let the forwarder spool this one.
                finish(unavailable('broker could not route the publish (topology missing)'))
                abort(c, 'publish returned unroutable')
                return
              }
              finish(null)
            })
          } catch (err) {
            finish(unavailable('publish failed', err))
          }
        })
        metrics.confirmLatency.observe(Number(process.hrtime.bigint() - started) / 1e9)
      } finally {
        release()
      }
    },
    async close () {
      closing = true
      if (reconnectTimer !== null) { clearTimeout(reconnectTimer); reconnectTimer = null }
      await opening
      const c = conn
      ch = null
      conn = null
      setState()
      for (const fail of [...pending]) fail(unavailable('forward target closing'))
      if (c === null) return
      // A clean close when the broker answers; a silent one gets its socket destroyed.
      let timer: NodeJS.Timeout | undefined
      const gaveUp = new Promise<void>(resolve => { timer = setTimeout(resolve, Math.min(2000, o.connectTimeoutMs)) })
      const clean = await Promise.race([c.close().then(() => true, () => true), gaveUp.then(() => false)])
      clearTimeout(timer)
      if (!clean) destroySocket(c, 'broker did not answer the close')
    }
  }
}
