/**
 * One interactive API request from the carrier's `channels.amqp.interactiveQueue`
 * (docs/interactive.md "Carrier side"): answered through the interactive lane, the answer
 * published (confirmed) to the carrier's `replyQueue` with `correlationId` = the request's
 * `messageId`, then the delivery acked. The answer is the CUSRES (decided or timeout), the
 * negative CONTRL of a request that fails the checks, or a JSON refusal; `x-outcome` and
 * `x-status` (the HTTP status the same answer has on `/v1/interactive`) say which.
 */
import type { ConfirmChannel, ConsumeMessage } from 'amqplib'
import type { Logger } from 'pino'
import type { Agreement } from '../../agreements/schema.js'
import { ERRORS } from '../../errors.js'
import type { InteractivePipeline, InteractiveResult } from '../../pipeline/index.js'
import { correlationOf, type ConfirmedPublisher } from './reply.js'

export interface InteractiveDeliveryContext {
  agreement (): Agreement
  channel: ConfirmChannel
  publisher: ConfirmedPublisher
  open (): boolean
  interactive: InteractivePipeline
  logger: Logger
}

function answerOf (r: InteractiveResult): { body: Buffer, contentType: string } {
  if (r.cusres !== null) return { body: Buffer.from(r.cusres, 'latin1'), contentType: 'application/edifact' }
  if (r.ack !== null) return { body: Buffer.from(r.ack.body, 'latin1'), contentType: r.ack.contentType }
  const id = r.refusal?.id ?? 'GW_ERR_INTAKE_INTERNAL'
  const refusal = { transmissionId: r.transmissionId, outcome: r.outcome, code: id, title: ERRORS[id].text }
  return { body: Buffer.from(JSON.stringify(refusal)), contentType: 'application/json' }
}

export async function handleInteractiveDelivery (ctx: InteractiveDeliveryContext, msg: ConsumeMessage): Promise<void> {
  const agreement = ctx.agreement()
  const replyQueue = (agreement.channels.amqp as NonNullable<Agreement['channels']['amqp']>).replyQueue
  const r = await ctx.interactive.process({ channel: 'amqp', bytes: msg.content, candidates: [agreement], receivedAt: new Date() })
  const { body, contentType } = answerOf(r)
  const correlationId = correlationOf(msg)
  try {
    await ctx.publisher.toQueue(replyQueue, body, {
      persistent: true,
      mandatory: true,
      contentType,
      messageId: r.transmissionId,
      ...(correlationId !== undefined ? { correlationId } : {}),
      appId: 'carrier-gateway',
      headers: { 'x-transmission-id': r.transmissionId, 'x-outcome': r.outcome, 'x-status': String(r.status) }
    })
  } catch (err) {
    // The agent's answer did not reach the carrier: the request is asked again (a new decision).
    ctx.logger.warn({ transmissionId: r.transmissionId, err }, 'interactive answer not confirmed; request requeued')
    if (ctx.open()) ctx.channel.nack(msg, false, true)
    return
  }
  if (ctx.open()) ctx.channel.ack(msg)
}
