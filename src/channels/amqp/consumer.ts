/**
 * One delivery from a carrier queue, settled the way the outcome table says for the AMQP bridge
 * (docs/architecture.md "Outcomes", docs/channels.md "What happens to a delivery"):
 *
 * | outcome                                  | settlement                                            |
 * | accepted, with warnings, duplicate       | reply (if due) published and confirmed, then ack      |
 * | rejected (pipeline quarantined it)       | negative reply published and confirmed, then ack      |
 * | retry (not durable now), suspended       | nack with requeue after a short pause                 |
 * | redelivered more than maxRedeliveries    | copy to `<queue>.dlq` confirmed, then ack             |
 *
 * The delivery is acked only after the pipeline's durable hand-off (a positive outcome is returned
 * only after the PIU confirm or spool fsync) and after its reply was confirmed (invariant 1). If the
 * connection drops before that, nothing is settled: the broker redelivers, and the pipeline's
 * dedupe answers the resend as a duplicate, so exactly one copy is forwarded (invariant 2).
 */
import type { ConfirmChannel, ConsumeMessage } from 'amqplib'
import type { Logger } from 'pino'
import type { Agreement } from '../../agreements/schema.js'
import type { Metrics } from '../../metrics/index.js'
import type { Pipeline, TransmissionResult } from '../../pipeline/types.js'
import { deadLetterHeaders, dlqName, type AttemptCounter } from './poison.js'
import { correlationOf, replyFor, replyOptions, replyRoute, replyToIgnored, type ConfirmedPublisher } from './reply.js'
import { isGatewayError } from '../../errors.js'

export interface DeliveryContext {
  /** The carrier's agreement as it is now (reloads replace it). */
  agreement (): Agreement
  /** The channel the delivery came on: acks and nacks must go back on it. */
  channel: ConfirmChannel
  publisher: ConfirmedPublisher
  /** False once that channel closed: the delivery will be redelivered, settle nothing. */
  open (): boolean
  pipeline: Pipeline
  metrics: Metrics
  logger: Logger
  attempts: AttemptCounter
  /** Makes sure `<queue>.dlq` exists (passive check, declared when missing). */
  ensureDeadLetterQueue (): Promise<void>
  /** The reply queue is gone: stop consuming until the carrier declares it again. */
  replyQueueMissing (): void
  /**
   * A delivery whose processing finished sooner than this before its connection was lost is not
   * blamed for the loss (the heartbeat interval: a shorter pause cannot have timed it out).
   */
  blameAfterMs: number
  /** Waits before a requeue (a retry answered at once would spin); ends early on stop. */
  pauseBeforeRequeue (result: TransmissionResult | null): Promise<void>
}

function log (msg: ConsumeMessage): Record<string, unknown> {
  // Envelope metadata only (invariant 4): the carrier's message id and the delivery tag.
  return { messageId: correlationOf(msg), deliveryTag: msg.fields.deliveryTag, redelivered: msg.fields.redelivered }
}

export async function handleDelivery (ctx: DeliveryContext, msg: ConsumeMessage): Promise<void> {
  const agreement = ctx.agreement()
  const amqp = agreement.channels.amqp as NonNullable<Agreement['channels']['amqp']>
  const carrier = agreement.code
  const settle = (how: 'ack' | 'requeue' | 'dead_lettered'): void => {
    if (!ctx.open()) { ctx.logger.info(log(msg), 'connection lost before settlement; the broker redelivers'); return }
    try {
      if (how === 'requeue') ctx.channel.nack(msg, false, true)
      else ctx.channel.ack(msg)
    } catch (err) {
      // The channel closed in between: the broker redelivers, which is safe (dedupe).
      ctx.logger.info({ ...log(msg), err }, 'delivery could not be settled; the broker redelivers')
      return
    }
    ctx.metrics.bridgeDeliveries.inc({ carrier, action: how === 'ack' ? 'acked' : how === 'requeue' ? 'requeued' : 'dead_lettered' })
  }
  const requeue = async (result: TransmissionResult | null): Promise<void> => {
    ctx.attempts.retried(msg)
    await ctx.pauseBeforeRequeue(result)
    settle('requeue')
  }

  if (msg.fields.redelivered) ctx.metrics.bridgeRedeliveries.inc({ carrier })
  const redeliveries = ctx.attempts.delivered(msg)
  if (redeliveries > amqp.maxRedeliveries) {
    const reason = `redelivered ${redeliveries} times without being settled; the agreement allows ${amqp.maxRedeliveries}`
    try {
      await ctx.ensureDeadLetterQueue()
      await ctx.publisher.toQueue(dlqName(amqp.queue), msg.content, {
        persistent: true,
        mandatory: true,
        ...(typeof msg.properties.messageId === 'string' ? { messageId: msg.properties.messageId } : {}),
        ...(typeof msg.properties.correlationId === 'string' ? { correlationId: msg.properties.correlationId } : {}),
        ...(typeof msg.properties.contentType === 'string' ? { contentType: msg.properties.contentType } : {}),
        timestamp: Math.floor(Date.now() / 1000),
        appId: 'carrier-gateway',
        headers: deadLetterHeaders(msg, reason, carrier, amqp.queue, redeliveries)
      })
    } catch (err) {
      ctx.logger.error({ ...log(msg), dlq: dlqName(amqp.queue), err }, 'poison message could not be dead-lettered; requeued')
      settle('requeue')
      return
    }
    ctx.logger.error(
      { ...log(msg), dlq: dlqName(amqp.queue), redeliveries, maxRedeliveries: amqp.maxRedeliveries },
      'poison message moved to the dead-letter queue'
    )
    ctx.attempts.settled(msg)
    settle('dead_lettered')
    return
  }

  let result: TransmissionResult | null
  const started = Date.now()
  try {
    result = await ctx.pipeline.process({
      channel: 'amqp',
      bytes: msg.content,
      candidates: [agreement],
      receivedAt: new Date(),
      sourceRef: correlationOf(msg)
    })
  } catch (err) {
    // process() never throws by contract; if it did, nothing was acknowledged and a retry is safe.
    ctx.logger.error({ ...log(msg), err }, 'pipeline failed on a delivery; requeued')
    result = null
  }
  if (!ctx.open()) {
    // The connection went while this was processed. A delivery that finished quickly did not cause
    // it (a network flap): its redelivery is not counted towards maxRedeliveries. One that never
    // finished (crash, hang) or took longer than a heartbeat interval (it may have stalled the
    // process) is counted, so a message that takes the gateway down each time ends in the DLQ.
    if (Date.now() - started < ctx.blameAfterMs) ctx.attempts.retried(msg)
    settle('requeue')
    return
  }

  // Retry: not durable now. Suspended (the stage changed while this was in flight): the carrier's
  // messages stay on its queue until it is resumed (docs/channels.md "Suspended carriers and reloads").
  if (result === null || result.outcome === 'retry' || result.refusal?.id === 'GW_ERR_INTAKE_CARRIER_SUSPENDED') {
    await requeue(result)
    return
  }

  const reply = replyFor(result)
  if (reply !== null) {
    if (replyToIgnored(msg, amqp.replyQueue)) {
      ctx.logger.warn(
        { ...log(msg), replyQueue: amqp.replyQueue },
        'replyTo differs from the agreed reply queue; replying on the agreed queue'
      )
    }
    try {
      await ctx.publisher.toQueue(replyRoute(agreement), reply.body, replyOptions(msg, result, reply, new Date()))
    } catch (err) {
      // Unacked, the resend is answered as a duplicate with the same ack: the reply is not lost.
      ctx.logger.warn({ ...log(msg), transmissionId: result.transmissionId, err }, 'reply not confirmed; delivery requeued')
      if (isGatewayError(err, 'GW_ERR_AMQP_REPLY_UNROUTABLE')) ctx.replyQueueMissing()
      await requeue(null)
      return
    }
  }
  ctx.attempts.settled(msg)
  settle('ack')
}
