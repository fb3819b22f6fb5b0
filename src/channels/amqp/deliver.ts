/**
 * Delivery of a PIU message to a carrier over its broker (docs/outbound.md "AMQP bridge"):
 * published persistent to the carrier-owned `channels.amqp.inboundQueue` (checked passively, never
 * declared), and resolved only once the carrier's broker confirmed it. One connection per carrier
 * broker URL, opened on first use and dropped on any failure; a channel per delivery, because a
 * failed passive check closes its channel. Outbound messages are few, so the extra round trip of
 * a channel open costs nothing that matters.
 */
import { connect, type ChannelModel } from 'amqplib'
import type { Agreement } from '../../agreements/schema.js'
import { resolveSecret } from '../../config/index.js'
import { GatewayError } from '../../errors.js'
import { withHeartbeat } from './connection.js'

export interface CarrierMessage {
  id: string
  kind: string
  contentType: string
  payload: Buffer
  createdAt: string
}

export interface AmqpDelivery {
  /** Resolves with the queue name once confirmed; rejects with GW_ERR_OUTBOUND_DELIVERY_FAILED. */
  deliver (agreement: Agreement, message: CarrierMessage): Promise<string>
  close (): Promise<void>
}

const TIMEOUT_MS = 10_000

function within<T> (p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

export function createAmqpDelivery (): AmqpDelivery {
  const connections = new Map<string, Promise<ChannelModel>>()

  function connection (url: string): Promise<ChannelModel> {
    let c = connections.get(url)
    if (c === undefined) {
      c = within(connect(withHeartbeat(url, 10), { noDelay: true, clientProperties: { connection_name: 'carrier-gateway outbound' } }),
        TIMEOUT_MS, 'connect')
      const forget = (): void => { if (connections.get(url) === c) connections.delete(url) }
      c.then(conn => { conn.on('error', () => {}); conn.on('close', forget) }, forget)
      connections.set(url, c)
    }
    return c
  }

  return {
    async deliver (agreement, message) {
      const amqp = agreement.channels.amqp
      if (amqp?.inboundQueue === undefined) throw new GatewayError('GW_ERR_OUTBOUND_NO_CHANNEL', agreement.code)
      const url = resolveSecret(amqp.url)
      const queue = amqp.inboundQueue
      try {
        const conn = await connection(url)
        const ch = await within(conn.createConfirmChannel(), TIMEOUT_MS, 'channel open')
        ch.on('error', () => {})
        try {
          await within(ch.checkQueue(queue), TIMEOUT_MS, 'queue check')
          ch.sendToQueue(queue, message.payload, {
            persistent: true,
            messageId: message.id,
            contentType: message.contentType,
            type: message.kind,
            appId: 'carrier-gateway',
            timestamp: Math.floor(Date.parse(message.createdAt) / 1000),
            headers: { 'x-kind': message.kind, 'x-carrier': agreement.code }
          })
          await within(ch.waitForConfirms(), TIMEOUT_MS, 'confirm')
        } finally {
          await ch.close().catch(() => {})
        }
        return queue
      } catch (err) {
        const c = connections.get(url)
        connections.delete(url)
        c?.then(conn => conn.close()).catch(() => {})
        throw new GatewayError('GW_ERR_OUTBOUND_DELIVERY_FAILED', `amqp ${agreement.code}`, { cause: err })
      }
    },
    async close () {
      const all = [...connections.values()]
      connections.clear()
      // Bounded: a stalled carrier broker never answers the close, and shutdown must not wait for it.
      await Promise.race([
        Promise.all(all.map(c => c.then(conn => conn.close()).catch(() => {}))),
        new Promise(resolve => setTimeout(resolve, 2000).unref())
      ])
    }
  }
}
