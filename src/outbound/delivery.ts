/**
 * One delivery attempt of a stored message (docs/outbound.md "Delivery"): take the row's lease (so
 * no other instance delivers it at the same time), hand the payload to the carrier's channel, and
 * record the result: `delivered` (payload purged for AMQP and SFTP, kept for an HTTPS fetch) or a
 * failed attempt retried after a doubling delay. Never throws: every failure is recorded.
 */
import type { Logger } from 'pino'
import type { Agreement } from '../agreements/schema.js'
import type { Metrics } from '../metrics/index.js'
import type { OutboundRow, OutboundStore } from '../ledger/index.js'
import { GatewayError, isGatewayError } from '../errors.js'
import type { ChannelName } from '../transmission/index.js'
import type { AmqpDelivery } from '../channels/amqp/deliver.js'
import { deliverBySftp } from '../channels/sftp/deliver.js'

export interface DeliveryDeps {
  store: OutboundStore
  amqp: AmqpDelivery
  agreement: (code: string) => Agreement | undefined
  metrics: Metrics
  logger: Logger
  retryMinMs: number
  retryMaxMs: number
  /** How long one attempt holds its row before another instance may try it (`outbound.leaseSeconds`). */
  leaseMs: number
  /** An HTTPS message is now in the outbox: wake the carrier's waiting fetches. */
  onHeld: (carrier: string) => void
  now?: () => Date
}

/**
 * The channel a carrier receives messages on (agreement `outbound.channel`, docs/outbound.md
 * "Which channel"): `auto` takes the first the agreement configures for it of AMQP with
 * `inboundQueue`, SFTP with `fromPiuDir`, HTTPS. Null when none.
 */
export function deliveryChannelOf (a: Agreement): ChannelName | null {
  const amqp = a.channels.amqp?.inboundQueue !== undefined
  const sftp = a.channels.sftp?.fromPiuDir !== undefined
  const https = a.channels.https !== undefined
  const wanted = a.outbound.channel
  if (wanted === 'auto') return amqp ? 'amqp' : sftp ? 'sftp' : https ? 'https' : null
  return (wanted === 'amqp' && amqp) || (wanted === 'sftp' && sftp) || (wanted === 'https' && https) ? wanted : null
}

/** The delay before attempt `attempts + 1`: doubling from the minimum, capped, with ±20 % jitter. */
export function retryDelayMs (attempts: number, minMs: number, maxMs: number): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempts, 30))
  return Math.round(base * (0.8 + Math.random() * 0.4))
}

export type Attempt = 'delivered' | 'failed' | 'busy' | 'gone'

export function createDelivery (deps: DeliveryDeps): (row: OutboundRow) => Promise<Attempt> {
  const now = deps.now ?? (() => new Date())
  return async function attempt (row) {
    const { store, metrics, logger } = deps
    const log = { outboundId: row.id, carrier: row.carrier, kind: row.kind, channel: row.channel }
    try {
      const start = now()
      if (!await store.lease(row.id, start, new Date(start.getTime() + deps.leaseMs))) return 'busy'
      const payload = await store.payload(row.id)
      if (payload === null) return 'gone'
      const agreement = deps.agreement(row.carrier)
      const to = await send(row, payload, agreement)
      await store.delivered(row.id, now(), to, row.channel !== 'https')
      metrics.outboundDeliveries.inc({ carrier: row.carrier, channel: row.channel, result: 'delivered' })
      logger.info({ ...log, attempt: row.attempts + 1 }, 'message to carrier delivered')
      if (row.channel === 'https') deps.onHeld(row.carrier)
      return 'delivered'
    } catch (err) {
      const reason = isGatewayError(err) ? err.id : 'GW_ERR_OUTBOUND_DELIVERY_FAILED'
      const next = new Date(now().getTime() + retryDelayMs(row.attempts, deps.retryMinMs, deps.retryMaxMs))
      metrics.outboundDeliveries.inc({ carrier: row.carrier, channel: row.channel, result: 'failed' })
      logger.warn(
        { ...log, reason, attempt: row.attempts + 1, nextAttemptAt: next.toISOString() },
        'message to carrier not delivered; retried later'
      )
      await store.failed(row.id, reason, next).catch(e => logger.error({ ...log, err: e }, 'outbox update failed'))
      return 'failed'
    }
  }

  async function send (row: OutboundRow, payload: Buffer, agreement: Agreement | undefined): Promise<string> {
    // A carrier removed or suspended after the message was stored: held and retried until it
    // returns or the message expires, never sent to a suspended carrier.
    if (agreement === undefined) throw new GatewayError('GW_ERR_OUTBOUND_UNKNOWN_CARRIER', row.carrier)
    if (agreement.stage === 'suspended') throw new GatewayError('GW_ERR_OUTBOUND_CARRIER_SUSPENDED', row.carrier)
    switch (row.channel) {
      case 'https':
        return 'outbox'
      case 'amqp':
        return await deps.amqp.deliver(agreement, {
          id: row.id, kind: row.kind, contentType: row.contentType, payload, createdAt: row.createdAt
        })
      case 'sftp':
        return await deliverBySftp(agreement, { kind: row.kind, reference: row.reference, payload })
    }
  }
}
