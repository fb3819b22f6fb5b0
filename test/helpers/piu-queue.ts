// The PIU side of the AMQP forward target for tests: a throwaway topology on the real broker
// (random names, deleted in teardown), the gateway config that points at it, and a reader that
// drains a queue with channel.get so a test can count exactly what was delivered.
import { randomBytes } from 'node:crypto'
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib'
import { amqpUrl, type TeardownHost } from './gateway.js'
import { waitFor } from './wait.js'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

export { amqpUrl }

export interface PiuTopology {
  exchange: string
  queue: string
  testQueue: string
  quarantineQueue: string
}

export interface PiuBroker {
  names: PiuTopology
  /** Every message now in `queue`, acked (removed), in queue order. */
  drain: (queue: string) => Promise<GetMessage[]>
  /** Messages ready in `queue` (passive check). */
  count: (queue: string) => Promise<number>
  /** Deletes a queue under the gateway (to test that a missing topology is noticed and repaired). */
  deleteQueue: (queue: string) => Promise<void>
  channel: Channel
}

/** waitFor (test/helpers/wait.ts) with the condition first, as the broker tests call it. */
export const until = async (cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000, stepMs = 25): Promise<void> =>
  await waitFor(what, cond, timeoutMs, stepMs)

/** A fresh topology name set; the gateway declares it on connect, teardown deletes it. */
export async function piuBroker (t: TeardownHost): Promise<PiuBroker> {
  const id = randomBytes(4).toString('hex')
  const names: PiuTopology = {
    exchange: `test.piu.${id}`,
    queue: `test.piu.${id}.inbound`,
    testQueue: `test.piu.${id}.test`,
    quarantineQueue: `test.piu.${id}.quarantine`
  }
  // A passive check of a queue the gateway has not declared yet closes the channel (404): the
  // reader opens a fresh one on its next call, and the closing error is not left unhandled.
  const open = async (): Promise<[ChannelModel, Channel]> => {
    const c = await connect(amqpUrl)
    c.on('error', () => {})
    const ch = await c.createChannel()
    ch.on('error', () => {})
    return [c, ch]
  }
  let [conn, channel] = await open()
  // A test that cuts every connection (or restarts the broker) must not leave the reader dead.
  const fresh = async (): Promise<Channel> => {
    try {
      await channel.checkExchange('amq.topic')
      return channel
    } catch {
      await conn.close().catch(() => {})
      ;[conn, channel] = await open()
      return channel
    }
  }
  t.teardown(async () => {
    const ch = await fresh().catch(() => null)
    if (ch !== null) {
      for (const q of [names.queue, names.testQueue, names.quarantineQueue]) await ch.deleteQueue(q).catch(() => {})
      const again = await fresh().catch(() => null)
      await again?.deleteExchange(names.exchange).catch(() => {})
    }
    await conn.close().catch(() => {})
  })
  return {
    names,
    get channel () { return channel },
    async drain (queue) {
      const ch = await fresh()
      const out: GetMessage[] = []
      for (;;) {
        const m = await ch.get(queue, { noAck: true })
        if (m === false) return out
        out.push(m)
      }
    },
    async count (queue) {
      const ch = await fresh()
      // Not declared yet (the gateway never reached the broker): nothing in it.
      return await ch.checkQueue(queue).then(q => q.messageCount, () => 0)
    },
    async deleteQueue (queue) {
      const ch = await fresh()
      await ch.deleteQueue(queue)
    }
  }
}

export interface ForwardTuning {
  url?: string
  confirmTimeoutMs?: number
  heartbeatSeconds?: number
  reconnectMinMs?: number
  reconnectMaxMs?: number
  connectTimeoutMs?: number
  confirmWindow?: number
}

/**
 * The `forward` block of a gateway config for the topology, tuned for fast fault detection. The
 * URL (the broker, or a proxy in front of it) goes through an environment variable: config secrets
 * are never inline.
 */
export function amqpForward (names: PiuTopology, tuning: ForwardTuning = {}): Record<string, unknown> {
  const { url, ...rest } = tuning
  const env = `CG_TEST_PIU_URL_${randomBytes(4).toString('hex').toUpperCase()}`
  process.env[env] = url ?? amqpUrl
  return {
    target: 'amqp',
    amqp: {
      url: `env:${env}`,
      ...names,
      confirmTimeoutMs: 2000,
      heartbeatSeconds: 1,
      reconnectMinMs: 50,
      reconnectMaxMs: 500,
      connectTimeoutMs: 2000,
      ...rest
    }
  }
}

/** GET on the admin listener: status and parsed body (JSON or Prometheus text). */
export async function admin (port: number, path: string): Promise<{ status: number, text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  return { status: res.status, text: await res.text() }
}

/** A sample's value from Prometheus text, e.g. metricValue(text, 'carrier_gateway_forward_target_up', { target: 'amqp' }). */
export function metricValue (text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line)
    if (m === null || m[1] !== name) continue
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(x => [x[1], x[2]]))
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3])
  }
  return null
}

/** True when the shared broker accepts a connection. */
export async function brokerAnswers (): Promise<boolean> {
  try {
    const c = await connect(amqpUrl)
    await c.close()
    return true
  } catch {
    return false
  }
}

/**
 * For the serial tests that stop the shared broker: whatever happened, it runs again when the test
 * ends (start_app, else the whole server), and answers.
 */
export async function ensureBroker (): Promise<void> {
  if (await brokerAnswers()) return
  const run = promisify(execFile)
  await run('rabbitmqctl', ['start_app']).catch(async () => { await run('rabbitmq-server', ['-detached']).catch(() => {}) })
  await until(brokerAnswers, 'the broker answers again', 90_000, 250)
}
