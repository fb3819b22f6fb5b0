/**
 * The round trip of an interactive API request to the PIU's assessment service
 * (docs/interactive.md "The PIU side"): the request is published persistent, with a publisher
 * confirm, to the PIU exchange under `iapi.<carrier>` (quorum queue `forward.amqp.iapiQueue`),
 * with RabbitMQ direct reply-to as `replyTo`, the transmission id as `correlationId` and the
 * remaining deadline as `expiration`; the answer comes back on the same channel.
 *
 * `ask` never rejects and always settles by the deadline it is given: an answer, `timeout`, or
 * `unavailable` (no broker, no confirm). An answer that arrives after its deadline is handed to
 * `onLate` (docs/interactive.md "Late decisions"). One connection of its own, so interactive
 * traffic never queues behind the batch publisher's confirm window.
 */
import { connect, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib'
import type { Logger } from 'pino'
import { withHeartbeat } from './amqp.js'

/** RabbitMQ's pseudo-queue for direct reply-to; consumed with no-ack on the publishing channel. */
const REPLY_TO = 'amq.rabbitmq.reply-to'
/** How long a timed-out correlation id is remembered, so a late answer is recognised as one. */
const LATE_MEMORY_MS = 10 * 60_000
const CONNECT_TIMEOUT_MS = 5000

export interface IapiClientOptions {
  url: string
  exchange: string
  queue: string
  queueType: 'quorum' | 'classic'
  heartbeatSeconds: number
  logger: Logger
  /** An answer that came after its request's deadline: its parsed JSON (or null when it is not JSON). */
  onLate?: (late: { transmissionId: string, carrier: string, answer: unknown }) => void
}

export interface IapiRequest {
  transmissionId: string
  carrier: string
  body: Buffer
  headers: Record<string, string>
  deadline: number
  /** The answer to this request when it comes after the deadline (within ten minutes of it). */
  onLate?: (late: LateAnswer) => void
}

export interface LateAnswer {
  /** The answer parsed as JSON, or null when it is not JSON. */
  answer: unknown
  body: Buffer
  contentType: string | null
}

export type IapiOutcome =
  | {
    kind: 'answer'
    /** The answer parsed as JSON, or null when it is not JSON (a ready-made CUSRES). */
    answer: unknown
    /** The answer as sent, and its content type. */
    body: Buffer
    contentType: string | null
    /** ms from publish to answer */
    piuMs: number
  }
  | { kind: 'timeout' }
  | { kind: 'unavailable', reason: 'broker' | 'unconfirmed' }

export interface IapiClient {
  ask (req: IapiRequest): Promise<IapiOutcome>
  close (): Promise<void>
}

interface Session { conn: ChannelModel, ch: ConfirmChannel }
interface Waiting { resolve: (o: IapiOutcome) => void, publishedAt: number }

export function createIapiClient (o: IapiClientOptions): IapiClient {
  const waiting = new Map<string, Waiting>()
  const expired = new Map<string, { at: number, carrier: string, onLate?: (late: LateAnswer) => void }>()
  let session: Promise<Session> | null = null

  function onReply (msg: ConsumeMessage | null): void {
    if (msg === null) return
    const id = String(msg.properties.correlationId ?? '')
    const answer = parseJson(msg.content)
    const w = waiting.get(id)
    const contentType = typeof msg.properties.contentType === 'string' ? msg.properties.contentType : null
    if (w !== undefined) {
      waiting.delete(id)
      w.resolve({ kind: 'answer', answer, body: msg.content, contentType, piuMs: Date.now() - w.publishedAt })
    } else {
      const late = expired.get(id)
      if (late === undefined) return
      expired.delete(id)
      o.onLate?.({ transmissionId: id, carrier: late.carrier, answer })
      late.onLate?.({ answer, body: msg.content, contentType })
    }
  }

  async function open (): Promise<Session> {
    // A broker that does not answer fails the connect; `ask` has settled by its deadline anyway.
    const conn = await connect(withHeartbeat(o.url, o.heartbeatSeconds), { noDelay: true, timeout: CONNECT_TIMEOUT_MS })
    conn.on('error', err => o.logger.warn({ err }, 'PIU broker connection error (interactive)'))
    conn.on('close', () => { session = null })
    const ch = await conn.createConfirmChannel()
    ch.on('error', err => o.logger.warn({ err }, 'PIU broker channel error (interactive)'))
    ch.on('close', () => { session = null })
    await ch.assertExchange(o.exchange, 'topic', { durable: true })
    await ch.assertQueue(o.queue, { durable: true, arguments: { 'x-queue-type': o.queueType } })
    await ch.bindQueue(o.queue, o.exchange, 'iapi.*')
    // Direct reply-to requires the consumer on the publishing channel before the first publish.
    await ch.consume(REPLY_TO, onReply, { noAck: true })
    return { conn, ch }
  }

  function sessionOf (): Promise<Session> {
    session ??= open().catch(err => {
      session = null
      throw err
    })
    return session
  }

  function remember (id: string, carrier: string, onLate?: (late: LateAnswer) => void): void {
    const now = Date.now()
    expired.set(id, { at: now, carrier, onLate })
    for (const [k, e] of expired) {
      if (now - e.at < LATE_MEMORY_MS) break
      expired.delete(k)
    }
  }

  return {
    ask (req) {
      return new Promise<IapiOutcome>(resolve => {
        let settled = false
        const settle = (out: IapiOutcome): void => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          if (out.kind !== 'answer') waiting.delete(req.transmissionId)
          if (out.kind === 'timeout') remember(req.transmissionId, req.carrier, req.onLate)
          resolve(out)
        }
        const timer = setTimeout(() => settle({ kind: 'timeout' }), Math.max(0, req.deadline - Date.now()))
        waiting.set(req.transmissionId, { resolve: settle, publishedAt: Date.now() })
        sessionOf().then(({ ch }) => {
          if (settled) return
          const ttl = Math.max(1, req.deadline - Date.now())
          ch.publish(o.exchange, `iapi.${req.carrier}`, req.body, {
            persistent: true,
            contentType: 'application/edifact',
            messageId: req.transmissionId,
            correlationId: req.transmissionId,
            replyTo: REPLY_TO,
            expiration: String(ttl),
            timestamp: Math.floor(Date.now() / 1000),
            headers: req.headers
          }, err => { if (err != null) settle({ kind: 'unavailable', reason: 'unconfirmed' }) })
          const w = waiting.get(req.transmissionId)
          if (w !== undefined) w.publishedAt = Date.now()
        }, () => settle({ kind: 'unavailable', reason: 'broker' }))
      })
    },
    async close () {
      for (const [id, w] of waiting) {
        waiting.delete(id)
        w.resolve({ kind: 'unavailable', reason: 'broker' })
      }
      const s = session
      session = null
      if (s !== null) await s.then(x => x.conn.close(), () => {}).catch(() => {})
    }
  }
}

function parseJson (body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return null
  }
}
