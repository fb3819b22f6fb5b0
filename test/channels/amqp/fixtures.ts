// Fixtures for the AMQP bridge tests: fictitious PAXLST interchanges (no real person), agreements
// with an AMQP channel, throwaway queues on the real broker, and a carrier-side client that
// publishes transmissions and collects the replies.
import { randomUUID } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Message, type Options } from 'amqplib'
import { exampleAgreement, amqpUrl, type Built, type TeardownHost } from '../../helpers/gateway.js'
import { waitFor } from '../../helpers/wait.js'
import { createAmqpBridge, type AmqpBridge, type BridgeOptions } from '../../../src/channels/amqp/index.js'
import { createLogger } from '../../../src/logger.js'
import type { Pipeline, TransmissionInput, TransmissionResult } from '../../../src/pipeline/types.js'

export { amqpUrl }

function pad (n: number): string { return String(n).padStart(2, '0') }

/** UNB date:time for now in UTC. */
function unbNow (): { date: string, time: string } {
  const d = new Date()
  return {
    date: `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`
  }
}

/** Surnames in the fixtures; a test asserts none ever shows up in a log line. */
export const PASSENGER_VALUES = ['ONEILTESTPAX', 'X1234567']

export interface PaxlstOptions {
  /** UNB 0020 interchange control reference (≤ 14). */
  reference: string
  sender?: string
  recipient?: string
  /** Travellers in the message (grows the size: about 330 bytes each). */
  travellers?: number
  /** Write a wrong UNT segment count (CONTRL 29: rejected). */
  badCount?: boolean
}

/** A PAXLST D:05B interchange, valid unless `badCount`. */
export function paxlst (o: PaxlstOptions): Buffer {
  const { date, time } = unbNow()
  const head = [
    'BGM+745', 'RFF+TN:ZZ123250114:::1', 'NAD+MS+++APIS DESK', 'COM+44 20 7946 0000:TE',
    'TDT+20+ZZ123+++ZZ', 'LOC+125+ZZA', 'DTM+189:2501140915:201', 'LOC+87+ZZB', 'DTM+232:2501141140:201'
  ]
  const traveller = (i: number): string[] => [
    `NAD+FL+++${PASSENGER_VALUES[0]}:MARY ${i}`, 'ATT+2++F', 'DTM+329:900214', 'LOC+22+ZZB', 'LOC+178+ZZA', 'LOC+179+ZZB',
    'NAT+2+UTO', `RFF+AVF:AB${String(i).padStart(4, '0')}`, `DOC+P:110:111+${PASSENGER_VALUES[1]}`, 'DTM+36:300131', 'LOC+91+UTO'
  ]
  const n = o.travellers ?? 1
  const body = [...head]
  for (let i = 0; i < n; i++) body.push(...traveller(i))
  body.push(`CNT+42:${n}`)
  const unt = body.length + 2 + (o.badCount === true ? 5 : 0)
  const segs = [
    `UNB+UNOA:4+${o.sender ?? 'XAAPI'}+${o.recipient ?? 'GOVPIU'}+${date}:${time}+${o.reference}`,
    'UNH+PAX001+PAXLST:D:05B:UN:IATA+ZZ123/250114/0915+01:F',
    ...body,
    `UNT+${unt}+PAX001`,
    `UNZ+1+${o.reference}`
  ]
  return Buffer.from(`UNA:+.? '${segs.join("'")}'`, 'latin1')
}

/** A fresh interchange reference (≤ 14 characters). */
let refSeq = 0
export function newReference (): string {
  return `${Date.now().toString(36).slice(-7)}${(++refSeq).toString(36)}`.toUpperCase().slice(0, 14)
}

export interface QueueNames { queue: string, replyQueue: string }

export function queueNames (prefix = 'test.bridge'): QueueNames {
  const id = randomUUID().slice(0, 8)
  return { queue: `${prefix}.${id}.out`, replyQueue: `${prefix}.${id}.ack` }
}

/** An agreement bridged over AMQP (no HTTPS channel). */
export function amqpAgreement (
  q: QueueNames,
  overrides: Record<string, unknown> = {},
  amqp: Record<string, unknown> = {}
): Record<string, unknown> {
  return exampleAgreement({
    channels: { amqp: { url: amqpUrl, queue: q.queue, replyQueue: q.replyQueue, prefetch: 16, maxRedeliveries: 5, ...amqp } },
    ...overrides
  })
}

/** The carrier's side: its queues on the broker, a publisher and a reply collector. */
export interface CarrierSide {
  conn: ChannelModel
  ch: ConfirmChannel
  q: QueueNames
  replies: ConsumeMessage[]
  publish (body: Buffer, props?: Options.Publish): Promise<void>
  /** Resolves once `n` replies arrived (fails after `ms`). */
  waitForReplies (n: number, ms?: number): Promise<ConsumeMessage[]>
  /** Messages ready on a queue now (passive check on a throwaway channel). */
  ready (queue?: string): Promise<number>
  consumers (queue?: string): Promise<number>
}

export async function carrierSide (
  t: TeardownHost,
  q: QueueNames = queueNames(),
  opts: { queueType?: 'classic' | 'quorum', declare?: boolean } = {}
): Promise<CarrierSide> {
  const conn = await connect(amqpUrl, { noDelay: true })
  const ch = await conn.createConfirmChannel()
  const args = opts.queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {}
  if (opts.declare !== false) {
    await ch.assertQueue(q.queue, { durable: opts.queueType === 'quorum', arguments: args })
    await ch.assertQueue(q.replyQueue, { durable: false })
  }
  const replies: ConsumeMessage[] = []
  let wake: (() => void) | null = null
  const startCollecting = async (): Promise<void> => {
    await ch.consume(q.replyQueue, m => { if (m !== null) { replies.push(m); wake?.() } }, { noAck: true })
  }
  if (opts.declare !== false) await startCollecting()
  const check = async (queue: string): Promise<{ messageCount: number, consumerCount: number }> => {
    const c = await conn.createChannel()
    c.on('error', () => { /* a 404 closes this throwaway channel; the rejection reports it */ })
    try { return await c.checkQueue(queue) } finally { await c.close().catch(() => {}) }
  }
  t.teardown(async () => {
    await ch.deleteQueue(q.queue).catch(() => {})
    await ch.deleteQueue(q.replyQueue).catch(() => {})
    await ch.deleteQueue(`${q.queue}.dlq`).catch(() => {})
    await conn.close().catch(() => {})
  })
  return {
    conn,
    ch,
    q,
    replies,
    async publish (body, props = {}) {
      ch.sendToQueue(q.queue, body, { persistent: true, messageId: randomUUID(), ...props })
      await ch.waitForConfirms()
    },
    async waitForReplies (n, ms = 30_000) {
      const deadline = Date.now() + ms
      while (replies.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} replies, got ${replies.length}`)
        await new Promise<void>(resolve => { wake = resolve; setTimeout(resolve, 100) })
      }
      return replies.slice(0, n)
    },
    ready: async (queue = q.queue) => (await check(queue)).messageCount,
    consumers: async (queue = q.queue) => (await check(queue)).consumerCount
  }
}

/** Waits until `fn` is true (polling); throws with `what` after `ms`. */
export async function until (fn: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  await waitFor(what, fn, ms, 25)
}

/** Forwarded interchanges the directory target wrote (`*.edi`) in a folder. */
export function ediFiles (dir: string): string[] {
  try {
    return readdirSync(dir).filter(n => n.endsWith('.edi'))
  } catch {
    return []
  }
}

export function outbox (dir: string): string { return join(dir, 'outbox') }
export function quarantineDir (dir: string): string { return join(dir, 'quarantine') }

export function header (m: Message, name: string): unknown {
  return m.properties.headers?.[name]
}

/**
 * Replaces the gateway's own AMQP bridge by one with test timings (and optionally a wrapped
 * pipeline), sharing the gateway's agreements, pipeline, metrics and logs. Stopped in teardown.
 */
export async function ownBridge (
  t: TeardownHost,
  built: Built,
  opts: { pipeline?: Pipeline, options?: Partial<BridgeOptions> } = {}
): Promise<AmqpBridge> {
  const { gateway } = built
  await gateway.channels.find(c => c.name === 'amqp')?.stop()
  const bridge = createAmqpBridge({
    config: gateway.config,
    agreements: gateway.agreements,
    pipeline: opts.pipeline ?? gateway.pipeline,
    metrics: gateway.metrics,
    logger: createLogger('info', built.logs).child({ channel: 'amqp' })
  }, {
    reconnectMinMs: 50,
    reconnectMaxMs: 400,
    retryDelayMs: 50,
    lagPollMs: 100,
    heartbeatSeconds: 2,
    connectTimeoutMs: 2000,
    shutdownTimeoutMs: 3000,
    ...opts.options
  })
  t.teardown(async () => { await bridge.stop() })
  await bridge.start()
  return bridge
}

/** The real pipeline, counting how many process() calls run at once (never changing a result). */
export function countingPipeline (inner: Pipeline): Pipeline & { active: number, max: number, calls: number } {
  const p = {
    active: 0,
    max: 0,
    calls: 0,
    async process (input: TransmissionInput): Promise<TransmissionResult> {
      p.calls++
      p.active++
      p.max = Math.max(p.max, p.active)
      try {
        return await inner.process(input)
      } finally {
        p.active--
      }
    }
  }
  return p
}

export async function gaugeValue (
  g: { get: () => Promise<{ values: Array<{ labels: Record<string, unknown>, value: number }> }> },
  labels: Record<string, string>
): Promise<number | undefined> {
  const { values } = await g.get()
  return values.find(v => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value
}
