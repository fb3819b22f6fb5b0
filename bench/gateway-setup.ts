/**
 * Starts the real gateway in a child process for the end-to-end benchmarks: a temp folder with a
 * carriers folder of agreement YAML files (stage `live`, so traffic goes to production), the
 * example server certificate and CA, forward target RabbitMQ with throwaway exchange and queue
 * names, SQLite ledger, and CONTRL acks for PAXLST. The broker objects are deleted and the folder
 * removed on close.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { get } from 'node:http'
import { stringify } from 'yaml'
import { connect, type Channel, type ChannelModel } from 'amqplib'
import { CERTS } from './paths.js'
import { IDENTITIES, fingerprint } from './load.js'
import { amqpUrl } from './amqp-ceiling.js'
import { cpuSecondsOf, memoryOf, resetPeak, startChild, type Child } from './procs.js'

export interface BenchGateway {
  pid: number
  httpsPort: number
  adminPort: number
  dir: string
  names: { exchange: string, queue: string, testQueue: string, quarantineQueue: string, iapiQueue: string }
  /** Current and peak RSS (kB) of the gateway process. */
  memory: () => { rssKb: number, peakKb: number } | null
  resetPeak: () => boolean
  /** Sum of each `carrier_gateway_*` counter family, keyed `name{labels}`. */
  metrics: () => Promise<Record<string, number>>
  /** CPU seconds the gateway process has used so far. */
  cpuSeconds: () => number | null
  /** Waits until the gateway has no transmission in flight (at most two minutes). */
  settle: () => Promise<void>
  /** Empties the bench queues so the broker does not grow across runs. */
  purge: () => Promise<void>
  close: () => Promise<void>
}

/** One agreement per example client certificate; rate limits out of the way of the load. */
export function benchAgreements (): Array<Record<string, unknown>> {
  return IDENTITIES.map(id => ({
    code: id.carrier,
    name: `Bench carrier ${id.carrier}`,
    stage: 'live',
    senderIds: [id.sender],
    messages: { PAXLST: { versions: ['D05B'], ack: 'contrl' }, PNRGOV: { versions: ['13.1'], ack: 'ackres' } },
    channels: { https: { certificates: [fingerprint(id.cert)] } },
    limits: { requestsPerMinute: 100_000_000 },
    // The interactive bench asks the PIU (the reference responder); batch traffic is not affected.
    interactive: { enabled: true, deadlineMs: 5000 }
  }))
}

/** BENCH_LIMITS (JSON object): limits added for an A/B run, e.g. '{"checkWorkers":1}' (docs/benchmarks.md). */
function benchLimits (): Record<string, unknown> {
  const raw = process.env.BENCH_LIMITS
  if (raw === undefined || raw === '') return {}
  let parsed: unknown
  try { parsed = JSON.parse(raw) } catch { parsed = null }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('BENCH_LIMITS must be a JSON object of limits, e.g. \'{"checkWorkers":1}\'')
  }
  return parsed as Record<string, unknown>
}

export function benchConfig (dir: string, names: BenchGateway['names']): Record<string, unknown> {
  return {
    identity: { receiverIds: ['GOVPIU'], senderId: 'GOVPIU' },
    https: { host: '127.0.0.1', port: 0, key: join(CERTS, 'server.key'), cert: join(CERTS, 'server.crt'), clientCa: join(CERTS, 'ca.crt') },
    admin: { host: '127.0.0.1', port: 0 },
    forward: { target: 'amqp', amqp: { url: 'env:BENCH_AMQP_URL', ...names } },
    spool: { path: join(dir, 'spool') },
    ledger: { kind: 'sqlite', path: join(dir, 'ledger.db') },
    quarantine: { path: join(dir, 'quarantine') },
    carriers: join(dir, 'carriers'),
    // A 20 MB PNRGOV push is ~710 000 segments: over the default 200 000 (see the README "Benchmarks").
    limits: { maxSegments: 1_000_000, ...benchLimits() },
    log: { level: 'info' }
  }
}

function scrape (port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/metrics' }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { text += c })
      res.on('end', () => resolve(text))
    }).on('error', reject)
  })
}

export async function startBenchGateway (): Promise<BenchGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-'))
  const carriers = join(dir, 'carriers')
  mkdirSync(carriers)
  for (const a of benchAgreements()) writeFileSync(join(carriers, `${String(a.code)}.yaml`), stringify(a))
  const tag = randomBytes(4).toString('hex')
  const names = {
    exchange: `bench.piu.${tag}`,
    queue: `bench.piu.inbound.${tag}`,
    testQueue: `bench.piu.test.${tag}`,
    quarantineQueue: `bench.piu.quarantine.${tag}`,
    iapiQueue: `bench.piu.iapi.${tag}`
  }
  const queues = [names.queue, names.testQueue, names.quarantineQueue, names.iapiQueue]
  let child: Child | null = null
  try {
    child = startChild('gateway-child', { env: { BENCH_AMQP_URL: amqpUrl }, logFile: join(dir, 'gateway.log') })
    child.proc.send({ type: 'start', config: benchConfig(dir, names) })
    const ready = await child.next<{ https: number, admin: number }>('ready', 60_000)
    const c = child
    // Housekeeping only (purge, delete): best effort, reconnecting if the broker was restarted
    // meanwhile (other suites on the machine may restart it). A fresh channel per operation,
    // because a failed one (404) closes its channel.
    let conn: ChannelModel | null = null
    const onChannel = async (fn: (ch: Channel) => Promise<unknown>): Promise<void> => {
      try {
        if (conn === null) {
          const fresh = await connect(amqpUrl, { noDelay: true })
          fresh.on('error', () => {})
          fresh.on('close', () => { if (conn === fresh) conn = null })
          conn = fresh
        }
        const ch = await conn.createChannel()
        ch.on('error', () => {})
        try { await fn(ch) } finally { await ch.close().catch(() => {}) }
      } catch { /* housekeeping: the next run still measures; the broker may hold extra messages */ }
    }
    return {
      pid: c.pid,
      httpsPort: ready.https,
      adminPort: ready.admin,
      dir,
      names,
      memory: () => memoryOf(c.pid),
      resetPeak: () => resetPeak(c.pid),
      cpuSeconds: () => cpuSecondsOf(c.pid),
      async settle () {
        // Abandoned requests may still be in the pipeline: the next run must not inherit them.
        const busy = async (): Promise<number> => {
          const line = (await scrape(ready.admin)).split('\n').find(l => l.startsWith('carrier_gateway_transmissions_in_flight '))
          return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
        }
        const deadline = Date.now() + 120_000
        while (await busy() > 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
      },
      async metrics () {
        const out: Record<string, number> = {}
        for (const line of (await scrape(ready.admin)).split('\n')) {
          if (!line.startsWith('carrier_gateway_') || line.includes('_bucket')) continue
          const at = line.lastIndexOf(' ')
          out[line.slice(0, at)] = Number(line.slice(at + 1))
        }
        return out
      },
      async purge () {
        for (const q of queues) await onChannel(async ch => await ch.purgeQueue(q))
      },
      async close () {
        await c.stop()
        for (const q of queues) await onChannel(async ch => await ch.deleteQueue(q))
        await onChannel(async ch => await ch.deleteExchange(names.exchange))
        await (conn as ChannelModel | null)?.close().catch(() => {})
        if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true })
      }
    }
  } catch (err) {
    await child?.stop()
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}
