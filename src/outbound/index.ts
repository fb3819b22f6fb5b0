/**
 * Messages from the PIU to carriers (docs/outbound.md): the consumer of the PIU's outbound queue,
 * the outbox (rows and payloads in the ledger's store), delivery per the carrier's channel with
 * retries, expiry, the HTTPS fetch, late iAPI decisions, and the officer's `resend`.
 *
 *   PIU ─piu.outbound─► compose ─► outbox (queued) ─► deliver ─► AMQP inboundQueue │ SFTP fromPiuDir │ HTTPS outbox
 *   interactive lane ─late decision─┘                      ▲ retry with backoff, expire after retentionHours
 *
 * Nothing here logs a passenger value: log records carry ids, carrier codes, kinds, channels and
 * GW_ERR_* reasons only.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { AgreementStore } from '../agreements/store.js'
import type { Agreement } from '../agreements/schema.js'
import type { GatewayConfig } from '../config/index.js'
import { resolveSecret } from '../config/index.js'
import type { Metrics } from '../metrics/index.js'
import type { Ledger, OutboundRow } from '../ledger/index.js'
import { GatewayError, isGatewayError } from '../errors.js'
import type { LateDecision } from '../pipeline/index.js'
import type { CarrierOutbox, FetchedMessage } from '../channels/channel.js'
import { createAmqpDelivery } from '../channels/amqp/deliver.js'
import { compose, type Composed, type PiuMessage } from './compose.js'
import { createPiuConsumer, type Handled, type PiuConsumer } from './consumer.js'
import { createDelivery, deliveryChannelOf } from './delivery.js'
import { createWaiters } from './waiters.js'
import { flightIdentityOf } from '../messages/flight-identity.js'

export interface OutboundDeps {
  config: GatewayConfig
  agreements: AgreementStore
  ledger: Ledger
  metrics: Metrics
  logger: Logger
  /** The clock (tests drive expiry with it). */
  now?: () => Date
}

export interface Outbound {
  readonly outbox: CarrierOutbox
  start (): Promise<void>
  stop (): Promise<void>
  /** Stores and delivers a late iAPI decision (the interactive lane's update). */
  late (update: LateDecision): Promise<void>
  /** Takes one PIU message as the consumer does (also what the consumer calls). */
  take (msg: PiuMessage): Promise<Handled>
  /** One pass of retries, expiry and gauges (the timer runs it every `outbound.sweepMs`). */
  sweep (): Promise<void>
  /** Whether the PIU queue is being consumed (false without the AMQP target). */
  consuming (): boolean
}

/** Messages a sweep retries at most, so one pass stays short. */
const SWEEP_BATCH = 50
/** How often the gauges are recomputed from the store. */
const GAUGE_INTERVAL_MS = 5000
/** A long-poll looks at the store this often too: another instance may have stored the message. */
const FETCH_POLL_MS = 500

export function createOutbound (deps: OutboundDeps): Outbound {
  const { config, agreements, ledger, metrics } = deps
  const logger = deps.logger
  const now = deps.now ?? (() => new Date())
  const o = config.outbound
  const store = ledger.outbound
  const amqp = createAmqpDelivery()
  const waiters = createWaiters()
  const agreement = (code: string): Agreement | undefined => agreements.current().byCode(code)
  const deliver = createDelivery({
    store,
    amqp,
    agreement,
    metrics,
    logger,
    retryMinMs: o.retryMinSeconds * 1000,
    retryMaxMs: o.retryMaxSeconds * 1000,
    leaseMs: o.leaseSeconds * 1000,
    onHeld: carrier => waiters.wake(carrier),
    now
  })
  let consumer: PiuConsumer | null = null
  let timer: NodeJS.Timeout | null = null
  let sweeping: Promise<void> | null = null
  let lastGauges = 0

  function rowOf (c: Omit<Composed, 'ok'>, origin: OutboundRow['origin'], channel: OutboundRow['channel']): OutboundRow {
    const at = now()
    return {
      id: `ob_${randomUUID()}`,
      carrier: c.carrier.code,
      kind: c.kind,
      origin,
      channel,
      state: 'queued',
      sourceKey: c.sourceKey,
      reference: c.reference,
      messageRef: c.messageRef,
      transactionRef: c.transactionRef,
      flight: c.flight,
      flightDate: c.flightDate,
      contentType: 'application/edifact',
      size: c.payload.length,
      sha256: createHash('sha256').update(c.payload).digest('hex'),
      createdAt: at.toISOString(),
      deliveredAt: null,
      fetchedAt: null,
      answeredAt: null,
      expiredAt: null,
      expiresAt: new Date(at.getTime() + o.retentionHours * 3_600_000).toISOString(),
      answerDueAt: c.kind === 'govreq' ? new Date(at.getTime() + c.carrier.expect.govreqMinutes * 60_000).toISOString() : null,
      answeredBy: null,
      attempts: 0,
      nextAttemptAt: at.toISOString(),
      lastError: null,
      duplicates: 0,
      deliveredTo: null,
      fetches: 0
    }
  }

  /** Stores the message, then makes the first attempt; the PIU's ack waits for both. */
  async function hold (c: Omit<Composed, 'ok'>, origin: OutboundRow['origin']): Promise<Handled> {
    const channel = deliveryChannelOf(c.carrier)
    if (channel === null) return { kind: 'refused', reason: 'GW_ERR_OUTBOUND_NO_CHANNEL', problems: [] }
    let stored
    try {
      stored = await store.add(rowOf(c, origin, channel), c.payload)
    } catch (err) {
      const reason = isGatewayError(err) ? err.id : 'store'
      logger.warn({ carrier: c.carrier.code, kind: c.kind, reason }, 'outbox unavailable; PIU message requeued')
      return { kind: 'retry' }
    }
    if (!stored.created) {
      metrics.outboundDuplicates.inc({ carrier: c.carrier.code })
      const { id, duplicates } = stored.row
      logger.info({ outboundId: id, carrier: c.carrier.code, duplicates }, 'PIU message already in the outbox')
      return { kind: 'done' }
    }
    metrics.outboundReceived.inc({ carrier: c.carrier.code, kind: c.kind, origin })
    if (c.kind === 'govreq') await expectPush(c, stored.row)
    logger.info({ outboundId: stored.row.id, carrier: c.carrier.code, kind: c.kind, channel, origin }, 'message to carrier queued')
    await deliver(stored.row)
    return { kind: 'done' }
  }

  /**
   * The flight view shows whether the push a GOVREQ asks for came (docs/flights.md): its expected
   * push, due with the answer. A flight the gateway cannot place (an unknown airport) is logged only.
   */
  async function expectPush (c: Omit<Composed, 'ok'>, row: OutboundRow): Promise<void> {
    const id = c.leg === null ? null : flightIdentityOf(c.leg)
    if (id === null || row.answerDueAt === null) {
      logger.info({ outboundId: row.id, carrier: row.carrier }, 'GOVREQ flight not placed on the flight view')
      return
    }
    await ledger.flights.expectPush({
      carrier: c.carrier.code, number: id.number, date: id.date, reason: 'govreq', dueBy: row.answerDueAt, requestedAt: row.createdAt
    }).catch(err => logger.warn({ outboundId: row.id, err }, 'expected push not recorded on the flight view'))
  }

  async function take (msg: PiuMessage): Promise<Handled> {
    const composed = compose(msg, {
      senderId: config.identity.senderId,
      agreement,
      maxBytes: config.limits.maxMessageBytes,
      now: now()
    })
    if (!composed.ok) {
      metrics.outboundRefused.inc({ reason: composed.error })
      logger.warn({ reason: composed.error, routingKey: routingKeyLabel(msg.routingKey), problems: composed.problems },
        'PIU message to a carrier refused; dead-lettered')
      return { kind: 'refused', reason: composed.error, problems: composed.problems }
    }
    return await hold(composed, 'piu')
  }

  async function sweepOnce (): Promise<void> {
    const at = now()
    for (const row of await store.due(at, SWEEP_BATCH)) await deliver(row)
    for (const row of await store.expire(at)) {
      metrics.outboundExpired.inc({ carrier: row.carrier, kind: row.kind })
      const { id, carrier, kind, channel } = row
      logger.warn({ outboundId: id, carrier, kind, channel }, 'message to carrier expired undelivered')
    }
    if (at.getTime() - lastGauges >= GAUGE_INTERVAL_MS) {
      lastGauges = at.getTime()
      await gauges(at)
    }
  }

  async function gauges (at: Date): Promise<void> {
    metrics.outboundMessages.reset()
    for (const c of await store.counts()) metrics.outboundMessages.set({ carrier: c.carrier, kind: c.kind, state: c.state }, c.count)
    const stuckBefore = at.getTime() - o.stuckMinutes * 60_000
    const stuck = new Map<string, number>()
    for (const state of ['queued', 'delivered'] as const) {
      for (const r of await store.list({ state, limit: 10_000 })) {
        const held = state === 'queued' || r.channel === 'https'
        if (held && Date.parse(r.createdAt) < stuckBefore) stuck.set(r.carrier, (stuck.get(r.carrier) ?? 0) + 1)
      }
    }
    metrics.outboundStuck.reset()
    for (const a of agreements.current().all) metrics.outboundStuck.set({ carrier: a.code }, stuck.get(a.code) ?? 0)
    const unanswered = new Map<string, number>()
    for (const r of await store.unanswered(at, 10_000)) unanswered.set(r.carrier, (unanswered.get(r.carrier) ?? 0) + 1)
    metrics.outboundUnanswered.reset()
    for (const a of agreements.current().all) metrics.outboundUnanswered.set({ carrier: a.code }, unanswered.get(a.code) ?? 0)
  }

  async function sweep (): Promise<void> {
    sweeping ??= sweepOnce()
      .catch(err => logger.warn({ reason: isGatewayError(err) ? err.id : 'store' }, 'outbox sweep failed; tried again'))
      .finally(() => { sweeping = null })
    await sweeping
  }

  const outbox: CarrierOutbox = {
    async fetch (carriers, waitMs, limit, signal) {
      const until = Date.now() + waitMs
      for (;;) {
        const found: FetchedMessage[] = []
        for (const code of carriers) {
          for (const { row, payload } of await store.pending(code, limit - found.length)) {
            const { id, kind, createdAt, contentType } = row
            found.push({ id, kind, createdAt, contentType, body: payload.toString('latin1') })
          }
          if (found.length >= limit) break
        }
        const left = until - Date.now()
        if (found.length > 0 || left <= 0 || signal.aborted) {
          return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
        }
        await waiters.wait(carriers, Math.min(left, FETCH_POLL_MS), signal)
      }
    },
    async ack (carriers, id) {
      for (const code of carriers) {
        const row = await store.fetched(code, id, now())
        if (row !== null) {
          logger.info({ outboundId: id, carrier: code, kind: row.kind }, 'message to carrier fetched')
          return true
        }
      }
      return false
    }
  }

  return {
    outbox,
    take,
    sweep,
    async late (u) {
      const r = await hold({
        carrier: u.carrier,
        kind: 'cusres',
        payload: Buffer.from(u.cusres, 'latin1'),
        reference: u.reference,
        messageRef: u.messageRef,
        transactionRef: u.transactionRef,
        flight: u.flight,
        flightDate: u.flightDate,
        leg: null,
        sourceKey: `late:${u.transmissionId}`
      }, 'late-decision')
      if (r.kind === 'refused') {
        logger.warn({ transmissionId: u.transmissionId, carrier: u.carrier.code, reason: r.reason }, 'late decision not sent')
      }
      if (r.kind === 'retry') throw new GatewayError('GW_ERR_LEDGER_UNAVAILABLE', 'outbox')
    },
    async start () {
      timer = setInterval(() => { sweep().catch(() => {}) }, o.sweepMs)
      timer.unref()
      if (!o.enabled || config.forward.target !== 'amqp') return
      const a = config.forward.amqp
      consumer = createPiuConsumer({
        url: resolveSecret(a.url),
        exchange: o.exchange,
        queue: o.queue,
        deadLetterQueue: o.deadLetterQueue,
        queueType: a.queueType,
        prefetch: o.prefetch,
        heartbeatSeconds: a.heartbeatSeconds,
        connectTimeoutMs: a.connectTimeoutMs,
        reconnectMinMs: a.reconnectMinMs,
        reconnectMaxMs: a.reconnectMaxMs,
        logger: logger.child({ component: 'outbound-consumer' })
      }, take)
      await consumer.start()
    },
    async stop () {
      if (timer !== null) clearInterval(timer)
      timer = null
      waiters.close()
      await consumer?.stop()
      await sweeping
      await amqp.close()
    },
    consuming: () => consumer?.connected() ?? false
  }
}

/** The routing key's shape for the log: the carrier code and kind are bounded, anything else is not logged. */
function routingKeyLabel (key: string): string {
  return /^[a-z]{1,10}\.[A-Z0-9]{2,3}$/.test(key) ? key : 'unrecognised'
}
