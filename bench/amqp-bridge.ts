/**
 * AMQP bridge throughput (docs/benchmarks.md targets: ≥ 2,000 bridged messages/s for 2 KB interchanges
 * and ≥ 500/s for 50 KB, with confirms). A real gateway (in this process) bridges a throwaway
 * carrier queue on the local broker: each interchange is parsed, validated, recorded in the SQLite
 * ledger, forwarded with a publisher confirm to a throwaway PIU exchange/quorum queue (or fsynced to
 * the directory target), its CONTRL reply published with a confirm on the carrier's reply queue,
 * and only then the delivery acked. The clock runs from the first publish on the carrier queue to
 * the last reply received; the carrier's publisher and reply consumer share this process with the
 * gateway, so the figure slightly understates a gateway running alone.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { stringify } from 'yaml'
import { connect } from 'amqplib'
import { configFrom } from '../src/config/index.js'
import { createGateway } from '../src/app.js'
import { createLogger } from '../src/logger.js'
import { createAgreementStore } from '../src/agreements/store.js'
import { createAmqpBridge } from '../src/channels/amqp/index.js'
import { createMetrics } from '../src/metrics/index.js'
import type { Pipeline, TransmissionResult } from '../src/pipeline/types.js'
import { paxlstOfSize, placeholderOffsets, stamp } from './generate.js'
import { amqpUrl } from './amqp-ceiling.js'

export interface BridgeBenchOptions {
  messages: number
  sizeKb: number
  /** Where the gateway forwards. @default 'amqp' (publisher confirms, quorum queue) */
  target?: 'amqp' | 'directory'
  /** The agreement's prefetch (deliveries in flight). @default 256 */
  prefetch?: number
  url?: string
}

export interface BridgeBenchResult {
  messagesPerSecond: number
  seconds: number
  messages: number
  bytesPerMessage: number
  /** Where the gateway forwarded ('none' for the ceiling: nothing forwarded). */
  target: 'amqp' | 'directory' | 'none'
  prefetch: number
}

async function waitFor (fn: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

export async function benchBridge (opts: BridgeBenchOptions): Promise<BridgeBenchResult> {
  const url = opts.url ?? amqpUrl
  const target = opts.target ?? 'amqp'
  const prefetch = opts.prefetch ?? 256
  const id = randomBytes(4).toString('hex')
  const q = { queue: `bench.bridge.${id}.out`, replyQueue: `bench.bridge.${id}.ack` }
  const piu = {
    exchange: `bench.bridge.${id}.piu`,
    queue: `bench.bridge.${id}.inbound`,
    testQueue: `bench.bridge.${id}.test`,
    quarantineQueue: `bench.bridge.${id}.quarantine`
  }
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-bridge-'))
  const carriers = join(dir, 'carriers')
  mkdirSync(carriers)
  writeFileSync(join(carriers, 'XA.yaml'), stringify({
    code: 'XA',
    name: 'Bench bridged carrier',
    stage: 'live',
    senderIds: ['XAAPI'],
    messages: { PAXLST: { versions: ['D05B'], ack: 'contrl' } },
    channels: { amqp: { url, queue: q.queue, replyQueue: q.replyQueue, prefetch } }
  }))
  const envName = `BENCH_BRIDGE_PIU_URL_${id.toUpperCase()}`
  process.env[envName] = url
  const config = configFrom({
    https: { enabled: false },
    admin: { enabled: false },
    forward:
      target === 'amqp'
        ? { target: 'amqp', amqp: { url: `env:${envName}`, ...piu } }
        : { target: 'directory', directory: { path: join(dir, 'outbox') } },
    spool: { path: join(dir, 'spool') },
    ledger: { kind: 'sqlite', path: join(dir, 'ledger.db') },
    quarantine: { path: join(dir, 'quarantine') },
    carriers,
    log: { level: 'warn' }
  })

  const template = paxlstOfSize(opts.sizeKb * 1024)
  const offsets = placeholderOffsets(template)
  const conn = await connect(url, { noDelay: true })
  const ch = await conn.createConfirmChannel()
  let gateway: Awaited<ReturnType<typeof createGateway>> | null = null
  try {
    await ch.assertQueue(q.queue, { durable: true })
    await ch.assertQueue(q.replyQueue, { durable: true })
    let replies = 0
    await ch.consume(q.replyQueue, m => { if (m !== null) replies++ }, { noAck: true })

    gateway = await createGateway({ config, logger: createLogger('warn') })
    await gateway.start()
    const g = gateway
    await waitFor(
      async () => (await g.metrics.bridgeConnected.get()).values.some(v => v.labels.carrier === 'XA' && v.value === 1),
      30_000,
      'the bridge consumer'
    )

    // Bodies prepared before the clock starts; a bounded window of unconfirmed publishes.
    const bodies = Array.from({ length: opts.messages }, (_, i) => stamp(template, offsets, `B${id.slice(0, 4)}${i}`))
    const started = process.hrtime.bigint()
    for (let i = 0; i < bodies.length; i++) {
      if (!ch.sendToQueue(q.queue, bodies[i], { persistent: true, messageId: `bench-${i}` })) {
        await new Promise(resolve => ch.once('drain', resolve))
      }
      if (i % 500 === 499) await ch.waitForConfirms()
    }
    await ch.waitForConfirms()
    await waitFor(() => replies >= opts.messages, 600_000, 'every reply')
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    return {
      messagesPerSecond: opts.messages / seconds,
      seconds,
      messages: opts.messages,
      bytesPerMessage: template.length,
      target,
      prefetch
    }
  } finally {
    await gateway?.close().catch(() => {})
    for (const name of [q.queue, q.replyQueue, piu.queue, piu.testQueue, piu.quarantineQueue]) await ch.deleteQueue(name).catch(() => {})
    await ch.deleteExchange(piu.exchange).catch(() => {})
    await conn.close().catch(() => {})
    Reflect.deleteProperty(process.env, envName)
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The bridge's own ceiling, for comparison with benchBridge: the same carrier queue, prefetch,
 * reply publish with confirm and ack, but a pipeline that answers at once with a prepared CONTRL
 * (nothing parsed, recorded or forwarded). The difference to benchBridge is the pipeline's cost.
 */
export async function benchBridgeCeiling (opts: BridgeBenchOptions): Promise<BridgeBenchResult> {
  const url = opts.url ?? amqpUrl
  const prefetch = opts.prefetch ?? 256
  const id = randomBytes(4).toString('hex')
  const q = { queue: `bench.ceiling.${id}.out`, replyQueue: `bench.ceiling.${id}.ack` }
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-ceiling-'))
  writeFileSync(
    join(dir, 'XA.yaml'),
    stringify({
      code: 'XA',
      name: 'Bench',
      stage: 'live',
      senderIds: ['XAAPI'],
      messages: { PAXLST: { versions: ['D05B'] } },
      channels: { amqp: { url, ...q, prefetch } }
    })
  )
  const agreements = createAgreementStore(dir)
  const carrier = agreements.current().byCode('XA') ?? null
  const contrl = "UNA:+.? 'UNB+UNOA:4+GOVPIU+XAAPI+250114:0630+1'UNH+1+CONTRL:D:3:UN'UCI+1+XAAPI+GOVPIU+7'UNT+3+1'UNZ+1+1'"
  let n = 0
  const pipeline: Pipeline = {
    process: async () => {
      const transmissionId = `ceiling-${++n}`
      const result: TransmissionResult = {
        transmissionId,
        outcome: 'accepted',
        carrier,
        interchange: null,
        messages: [],
        errors: [],
        warnings: [],
        stripped: [],
        ack: { kind: 'contrl', body: contrl, contentType: 'application/edifact', extension: 'contrl' },
        json: { transmissionId, outcome: 'accepted', interchange: null, messages: [], errors: [], warnings: [], ack: contrl },
        refusal: null,
        retryAfterSeconds: null
      }
      return result
    }
  }
  const body = paxlstOfSize(opts.sizeKb * 1024)
  const conn = await connect(url, { noDelay: true })
  const ch = await conn.createConfirmChannel()
  const bridge = createAmqpBridge({
    config: configFrom({}),
    agreements,
    pipeline,
    metrics: createMetrics({ defaults: false }),
    logger: createLogger('warn')
  })
  try {
    await ch.assertQueue(q.queue, { durable: true })
    await ch.assertQueue(q.replyQueue, { durable: true })
    let replies = 0
    await ch.consume(q.replyQueue, m => { if (m !== null) replies++ }, { noAck: true })
    await bridge.start()
    const started = process.hrtime.bigint()
    for (let i = 0; i < opts.messages; i++) {
      if (!ch.sendToQueue(q.queue, body, { persistent: true, messageId: `c-${i}` })) await new Promise(resolve => ch.once('drain', resolve))
      if (i % 500 === 499) await ch.waitForConfirms()
    }
    await ch.waitForConfirms()
    await waitFor(() => replies >= opts.messages, 600_000, 'every reply')
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    return {
      messagesPerSecond: opts.messages / seconds,
      seconds,
      messages: opts.messages,
      bytesPerMessage: body.length,
      target: 'none',
      prefetch
    }
  } finally {
    await bridge.stop().catch(() => {})
    agreements.close()
    for (const name of [q.queue, q.replyQueue]) await ch.deleteQueue(name).catch(() => {})
    await conn.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

// `node dist/bench/amqp-bridge.js [messages] [sizeKb] [amqp|directory|ceiling]` runs it alone.
if (import.meta.filename === process.argv[1]) {
  const [messages = '2000', sizeKb = '2', target = 'amqp'] = process.argv.slice(2)
  const o = { messages: Number(messages), sizeKb: Number(sizeKb) }
  const r =
    target === 'ceiling' ? await benchBridgeCeiling(o) : await benchBridge({ ...o, target: target === 'directory' ? 'directory' : 'amqp' })
  process.stdout.write(`${JSON.stringify(r)}\n`)
}
