/**
 * The bridge for one carrier: its own broker connection (so its outage touches no other carrier),
 * the passive checks of its queues, one ConfirmChannel that consumes with the agreed prefetch and
 * publishes replies, a lag poll, and pause/resume when the carrier's stage is or leaves `suspended`.
 *
 * The carrier owns its queues and their arguments, so they are only checked (`checkQueue`), never
 * declared; a missing queue is reported with its name and retried with backoff (docs/channels.md "AMQP bridge").
 */
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib'
import type { Logger } from 'pino'
import type { Agreement } from '../../agreements/schema.js'
import type { Metrics } from '../../metrics/index.js'
import type { Pipeline, TransmissionResult } from '../../pipeline/types.js'
import type { InteractivePipeline } from '../../pipeline/index.js'
import { resolveSecret } from '../../config/index.js'
import { createReconnectingConnection, type ReconnectingConnection } from './connection.js'
import { handleDelivery } from './consumer.js'
import { handleInteractiveDelivery } from './interactive.js'
import { checkQueueOn, createAttemptCounter, ensureDeadLetterQueue } from './poison.js'
import { confirmedPublisher, type ConfirmedPublisher } from './reply.js'
import type { BridgeOptions } from './options.js'
import { GatewayError } from '../../errors.js'

export type BridgeState = 'connecting' | 'consuming' | 'paused' | 'down' | 'stopped'

export interface CarrierBridge {
  readonly code: string
  start (): Promise<void>
  /** A reload changed the agreement but not its connection fields: adopt it (stage → pause/resume). */
  update (agreement: Agreement): void
  /** Stops consuming, lets in-flight deliveries settle (bounded), closes the connection. */
  stop (): Promise<void>
  state (): BridgeState
}

export interface CarrierBridgeDeps {
  pipeline: Pipeline
  /** Answers `interactiveQueue` requests; without it that queue is not consumed. */
  interactive?: InteractivePipeline
  metrics: Metrics
  logger: Logger
  options: BridgeOptions
}

/** Fields that need a new connection or consumer when a reload changes them. */
export function connectionKey (a: Agreement): string {
  const c = a.channels.amqp
  return c === undefined ? '' : JSON.stringify([c.url, c.queue, c.replyQueue, c.prefetch, c.interactiveQueue ?? null])
}

interface Session {
  conn: ChannelModel
  ch: ConfirmChannel
  publisher: ConfirmedPublisher
  open: boolean
  consumerTag: string | null
  /** The consumer of `interactiveQueue`, when the agreement has one and enables interactive API. */
  interactiveTag: string | null
  dlqReady: boolean
}

export function createCarrierBridge (initial: Agreement, deps: CarrierBridgeDeps): CarrierBridge {
  const { metrics, options } = deps
  const code = initial.code
  const log = deps.logger.child({ carrier: code })
  let agreement = initial
  const amqp = (): NonNullable<Agreement['channels']['amqp']> => agreement.channels.amqp as NonNullable<Agreement['channels']['amqp']>
  let session: Session | null = null
  let state: BridgeState = 'connecting'
  let stopping = false
  let everUp = false
  let connection: ReconnectingConnection | null = null
  let lagTimer: NodeJS.Timeout | null = null
  const attempts = createAttemptCounter()
  const inFlight = new Set<Promise<void>>()
  const stopSignal = new AbortController()

  const setState = (s: BridgeState): void => {
    state = s
    metrics.bridgeConnected.set({ carrier: code }, s === 'consuming' ? 1 : 0)
  }

  const pauseBeforeRequeue = async (result: TransmissionResult | null): Promise<void> => {
    const ms = Math.min(options.retryDelayMs, (result?.retryAfterSeconds ?? Infinity) * 1000)
    if (stopSignal.signal.aborted || ms <= 0) return
    await new Promise<void>(resolve => {
      const t = setTimeout(done, ms)
      function done (): void { clearTimeout(t); stopSignal.signal.removeEventListener('abort', done); resolve() }
      stopSignal.signal.addEventListener('abort', done)
    })
  }

  const onMessage = (s: Session, msg: ConsumeMessage | null): void => {
    if (msg === null) {
      // The broker cancelled the consumer: the queue was deleted. Reconnect, which checks it again.
      log.error({ queue: amqp().queue }, 'carrier queue consumer cancelled by the broker (queue deleted?)')
      s.consumerTag = null
      connection?.restart('consumer cancelled by the broker')
      return
    }
    const p = handleDelivery({
      agreement: () => agreement,
      channel: s.ch,
      publisher: s.publisher,
      open: () => s.open,
      pipeline: deps.pipeline,
      metrics,
      logger: log,
      attempts,
      ensureDeadLetterQueue: async () => {
        if (s.dlqReady) return
        await ensureDeadLetterQueue(s.conn, amqp().queue)
        s.dlqReady = true
      },
      replyQueueMissing: () => {
        // Reconnecting re-checks both queues and waits (with backoff) until the carrier declares it.
        log.error({ queue: amqp().replyQueue }, 'carrier reply queue does not exist; consuming stops until it is declared again')
        connection?.restart('reply queue missing')
      },
      blameAfterMs: options.heartbeatSeconds * 1000,
      pauseBeforeRequeue
    }, msg).catch(err => log.error({ err }, 'delivery handling failed'))
    inFlight.add(p)
    p.then(() => inFlight.delete(p), () => inFlight.delete(p))
  }

  const interactiveQueue = (): string | null => {
    const q = amqp().interactiveQueue
    return q !== undefined && agreement.interactive.enabled && deps.interactive !== undefined ? q : null
  }

  const onInteractive = (s: Session, msg: ConsumeMessage | null): void => {
    if (msg === null) {
      log.error({ queue: interactiveQueue() }, 'carrier interactive queue consumer cancelled by the broker (queue deleted?)')
      s.interactiveTag = null
      connection?.restart('interactive consumer cancelled by the broker')
      return
    }
    const p = handleInteractiveDelivery({
      agreement: () => agreement,
      channel: s.ch,
      publisher: s.publisher,
      open: () => s.open,
      interactive: deps.interactive!,
      logger: log
    }, msg).catch(err => log.error({ err }, 'interactive delivery handling failed'))
    inFlight.add(p)
    p.then(() => inFlight.delete(p), () => inFlight.delete(p))
  }

  /** The interactive consumer follows the batch one: consuming while not suspended or stopping. */
  const reconcileInteractive = async (s: Session, want: boolean): Promise<void> => {
    const queue = interactiveQueue()
    if (want && queue !== null && s.interactiveTag === null) {
      const { consumerTag } = await s.ch.consume(queue, msg => onInteractive(s, msg), { noAck: false })
      s.interactiveTag = consumerTag
      log.info({ queue }, 'consuming the carrier interactive queue')
    } else if ((!want || queue === null) && s.interactiveTag !== null) {
      const tag = s.interactiveTag
      s.interactiveTag = null
      await s.ch.cancel(tag)
    }
  }

  // Consume or cancel so that the consumer matches the stage; serialised, re-run on a change.
  let reconciling: Promise<void> | null = null
  let again = false
  const reconcile = async (): Promise<void> => {
    if (reconciling !== null) { again = true; return await reconciling }
    reconciling = (async () => {
      do {
        again = false
        const s = session
        if (s === null || !s.open) continue
        const want = !stopping && agreement.stage !== 'suspended'
        try {
          if (want && s.consumerTag === null) {
            const { consumerTag } = await s.ch.consume(amqp().queue, msg => onMessage(s, msg), { noAck: false })
            s.consumerTag = consumerTag
            if (session === s) setState('consuming')
            log.info({ queue: amqp().queue, prefetch: amqp().prefetch }, 'consuming the carrier queue')
          } else if (!want && s.consumerTag !== null) {
            const tag = s.consumerTag
            s.consumerTag = null
            await s.ch.cancel(tag)
            if (session === s) setState('paused')
            // Deliveries already received settle normally; everything else stays on the queue.
            if (stopping) log.info({ queue: amqp().queue }, 'consumer cancelled (stopping)')
            else log.info({ queue: amqp().queue, stage: agreement.stage }, 'consumer paused; messages stay on the carrier queue')
          } else if (!want && session === s && state !== 'paused') {
            setState('paused')
          }
          await reconcileInteractive(s, want)
        } catch (err) {
          log.warn({ err }, 'consumer change failed; reconnecting')
          connection?.restart('consumer change failed')
        }
      } while (again)
    })().finally(() => { reconciling = null })
    await reconciling
  }

  const setup = async (conn: ChannelModel): Promise<void> => {
    const { queue, replyQueue, prefetch } = amqp()
    const interactive = interactiveQueue()
    for (const name of [queue, replyQueue, ...(interactive !== null ? [interactive] : [])]) {
      if (await checkQueueOn(conn, name) === null) {
        log.error({ queue: name }, 'carrier queue does not exist on the carrier broker; the carrier must declare it (retrying)')
        throw new GatewayError('GW_ERR_AMQP_QUEUE_MISSING', `queue ${name}`)
      }
    }
    const ch = await conn.createConfirmChannel()
    const s: Session = {
      conn,
      ch,
      publisher: confirmedPublisher(ch, options.confirmTimeoutMs),
      open: true,
      consumerTag: null,
      interactiveTag: null,
      dlqReady: false
    }
    ch.on('error', (err: Error) => log.warn({ err }, 'carrier broker channel error'))
    ch.on('close', () => {
      s.open = false
      if (session === s) { session = null; if (!stopping) setState('down') }
      connection?.restart('channel closed')
    })
    await ch.prefetch(prefetch)
    if (everUp) metrics.bridgeReconnects.inc({ carrier: code })
    everUp = true
    session = s
    await reconcile()
    // A consumer that could not start fails the setup, so the retry backs off instead of spinning.
    if (!stopping && agreement.stage !== 'suspended' && s.consumerTag === null) throw new GatewayError('GW_ERR_AMQP_CONSUMER_FAILED')
    pollLag().catch(() => {})
  }

  const pollLag = async (): Promise<void> => {
    const s = session
    if (s === null || !s.open) return
    try {
      const q = await checkQueueOn(s.conn, amqp().queue)
      if (q !== null) metrics.bridgeQueueReady.set({ carrier: code }, q.messageCount)
    } catch { /* the connection is going; the next poll tries again */ }
  }

  return {
    code,
    async start () {
      let url: string
      try {
        url = resolveSecret(amqp().url)
      } catch (err) {
        // A missing secret stops this carrier only (never the gateway or the other carriers).
        log.error({ err }, 'carrier broker URL cannot be resolved; bridge not started')
        setState('down')
        return
      }
      setState('connecting')
      connection = createReconnectingConnection({
        url,
        name: `carrier-gateway bridge ${code}`,
        heartbeatSeconds: options.heartbeatSeconds,
        connectTimeoutMs: options.connectTimeoutMs,
        reconnectMinMs: options.reconnectMinMs,
        reconnectMaxMs: options.reconnectMaxMs,
        logger: log,
        setup,
        onDown: () => {
          const s = session
          if (s !== null) { s.open = false; session = null }
          if (!stopping) setState('down')
        }
      })
      lagTimer = setInterval(() => { pollLag().catch(() => {}) }, options.lagPollMs)
      lagTimer.unref()
      await connection.start()
    },
    update (next) {
      const was = agreement.stage
      const wasInteractive = agreement.interactive.enabled
      agreement = next
      if (was !== next.stage) log.info({ from: was, to: next.stage }, 'carrier stage changed')
      if (was !== next.stage || wasInteractive !== next.interactive.enabled) {
        reconcile().catch(() => { /* reconcile reports its own failures */ })
      }
    },
    async stop () {
      stopping = true
      if (lagTimer !== null) clearInterval(lagTimer)
      await reconcile()
      stopSignal.abort()
      // In-flight deliveries settle within the deadline; what does not is redelivered (safe: dedupe).
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise<void>(resolve => { timer = setTimeout(resolve, options.shutdownTimeoutMs) })
      ])
      clearTimeout(timer)
      await connection?.close()
      session = null
      setState('stopped')
    },
    state: () => state
  }
}
