/**
 * The quarantine queue (forward.target amqp): rejected interchanges published with routing key
 * `quarantine.<type>.<carrier>` and their error report in the `x-error-report` header.
 *
 * A queue has no "read without taking", so `list` and `show` peek: they basic.get every message
 * with manual ack, holding them unacked on one channel (so none is fetched twice), then return
 * them all with nack + requeue. While a peek runs the messages are invisible to other consumers,
 * and each peek counts as a redelivery (`redelivered` is set; a quorum queue's delivery count
 * rises). `release` is get → publish to the PIU (confirmed) → ack; `purge` acks the old ones.
 * Nothing here declares the queue: the gateway does, with its TTL (quarantine.retentionHours).
 */
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib'
import { entryFrom, type QuarantineEntry, type QuarantineStore } from './quarantine.js'

/** Upper bound of messages held at once by a peek (memory bound; the queue's TTL bounds it too). */
export const PEEK_LIMIT = 10_000

export async function createAmqpQuarantine (o: { url: string, queue: string }): Promise<QuarantineStore> {
  const conn: ChannelModel = await connect(o.url, { noDelay: true })
  conn.on('error', () => { /* reported by the failing call */ })
  let ch: Channel
  try {
    ch = await conn.createChannel()
    ch.on('error', () => { /* reported by the failing call */ })
    // Passive: a missing queue is an error here, never created with other arguments than the gateway's.
    await ch.checkQueue(o.queue)
  } catch (err) {
    await conn.close().catch(() => {})
    throw err
  }

  async function drain (): Promise<GetMessage[]> {
    const out: GetMessage[] = []
    while (out.length < PEEK_LIMIT) {
      const m = await ch.get(o.queue, { noAck: false })
      if (m === false) break
      out.push(m)
    }
    return out
  }

  function entryOf (m: GetMessage): QuarantineEntry {
    const headers = (m.properties.headers ?? {}) as Record<string, unknown>
    let report: unknown = null
    try {
      report = typeof headers['x-error-report'] === 'string' ? JSON.parse(headers['x-error-report']) : null
    } catch { /* an unreadable report is shown as missing */ }
    const ts = m.properties.timestamp as number | undefined
    const id = typeof m.properties.messageId === 'string' ? m.properties.messageId : `delivery-${m.fields.deliveryTag}`
    const timestamp = typeof ts === 'number' ? new Date(ts * 1000).toISOString() : undefined
    return entryFrom(id, { headers, report, routingKey: m.fields.routingKey, timestamp }, m.content.length)
  }

  /** Runs `fn` over a drained queue, then gives back every message it did not ack. */
  async function peek<T> (fn: (msgs: GetMessage[]) => Promise<T>): Promise<T> {
    const msgs = await drain()
    try {
      return await fn(msgs)
    } finally {
      ch.nackAll(true)
    }
  }

  return {
    kind: 'amqp',
    list: async () => await peek(async msgs => msgs.map(entryOf)),
    get: async id => await peek(async msgs => {
      const m = msgs.find(x => x.properties.messageId === id)
      return m === undefined ? null : entryOf(m)
    }),
    take: async (id, use) => await peek(async msgs => {
      const m = msgs.find(x => x.properties.messageId === id)
      if (m === undefined) return false
      await use(entryOf(m), m.content)
      ch.ack(m)
      return true
    }),
    purge: async cutoff => await peek(async msgs => {
      let n = 0
      for (const m of msgs) {
        const at = entryOf(m).receivedAt
        if (at !== null && Date.parse(at) < cutoff.getTime()) { ch.ack(m); n++ }
      }
      return n
    }),
    async close () {
      await ch.close().catch(() => {})
      await conn.close().catch(() => {})
    }
  }
}
