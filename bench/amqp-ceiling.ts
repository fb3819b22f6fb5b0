/**
 * Ceiling for the forward target (docs/benchmarks.md "How it measures"): a bare amqplib ConfirmChannel publishing the same
 * bodies, persistent, to a topic exchange bound to a quorum queue (the gateway's topology), with
 * `noDelay` and a window of 500 unconfirmed publishes (the gateway's default confirmWindow).
 * Throwaway exchange and queue, deleted afterwards.
 */
import { connect } from 'amqplib'
import { randomBytes } from 'node:crypto'
import { cpuMsSince } from './stats.js'

export const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'

export interface PublishOptions {
  body: Buffer
  durationMs: number
  warmupMs?: number
  /** Unconfirmed publishes at most. @default 500 */
  window?: number
  url?: string
}

/** Deletes the throwaway queue and exchange on a fresh connection (the run's may have died). */
async function removeTopology (url: string, name: string): Promise<void> {
  try {
    const conn = await connect(url, { noDelay: true })
    conn.on('error', () => {})
    try {
      const ch = await conn.createChannel()
      ch.on('error', () => {})
      await ch.deleteQueue(name)
      await ch.deleteExchange(name)
    } finally {
      await conn.close().catch(() => {})
    }
  } catch { /* best effort: a broker that is down keeps them until the next cleanup */ }
}

export interface PublishResult {
  /** Confirmed publishes per second over the measured window. */
  rate: number
  /** Confirmed in the measured window. */
  confirmed: number
  seconds: number
  /**
   * CPU of this (the publishing) process per confirmed message, client side only: process.cpuUsage
   * from the first publish to the last confirm, warm-up included, over every message confirmed in
   * that time. The topology set-up is left out; the broker's own CPU is not in it.
   */
  cpuMsPerMessage: number | null
}

/** Confirmed publishes per second over `durationMs` (after `warmupMs`), and the publisher's CPU per message. */
export async function benchPublish (o: PublishOptions): Promise<PublishResult> {
  const conn = await connect(o.url ?? amqpUrl, { noDelay: true })
  // A dropped connection rejects the pending confirms; without a listener it would crash the run.
  conn.on('error', () => {})
  const name = `bench.ceiling.${randomBytes(4).toString('hex')}`
  try {
    const ch = await conn.createConfirmChannel()
    await ch.assertExchange(name, 'topic', { durable: true })
    await ch.assertQueue(name, { durable: true, arguments: { 'x-queue-type': 'quorum' } })
    await ch.bindQueue(name, name, 'paxlst.*')
    const window = o.window ?? 500
    let inFlight = 0
    let confirmed = 0
    let confirmedAll = 0
    let failed: Error | null = null
    let wake: (() => void) | null = null
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const from = t0 + (o.warmupMs ?? 0)
    const to = from + o.durationMs
    let n = 0
    while (performance.now() < to && failed === null) {
      // eslint-disable-next-line no-unmodified-loop-condition -- confirms (callbacks) lower inFlight
      while (inFlight >= window) await new Promise<void>(resolve => { wake = resolve })
      inFlight++
      const props = { persistent: true, contentType: 'application/edifact', messageId: `m${n++}`, timestamp: Date.now(), appId: 'bench' }
      const ok = ch.publish(name, 'paxlst.XA', o.body, props, err => {
        inFlight--
        const now = performance.now()
        if (err !== null && err !== undefined) failed = err as Error
        else {
          confirmedAll++
          if (now >= from && now <= to) confirmed++
        }
        const w = wake
        wake = null
        w?.()
      })
      if (!ok) await new Promise<void>(resolve => ch.once('drain', () => resolve()))
    }
    await ch.waitForConfirms().catch(() => {})
    const cpuMs = cpuMsSince(cpu0)
    if (failed !== null) throw failed
    await ch.close()
    const seconds = o.durationMs / 1000
    return { rate: confirmed / seconds, confirmed, seconds, cpuMsPerMessage: confirmedAll > 0 ? cpuMs / confirmedAll : null }
  } finally {
    await conn.close().catch(() => {})
    await removeTopology(o.url ?? amqpUrl, name)
  }
}
