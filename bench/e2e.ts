/**
 * Parts 2 to 5 of docs/benchmarks.md, in one run on one machine: the ceilings (a bare Fastify mTLS server,
 * a bare amqplib confirm publisher), the other parts of a transmission's CPU (parse + map + validate,
 * the ledger's writes), then the gateway in its own process forwarding to RabbitMQ: throughput and
 * CPU at saturation, latency at half of that, new connections per second with and without TLS
 * session resumption, fairness beside 20 MB interchanges, and peak RSS.
 */
import { benchPublish, type PublishResult } from './amqp-ceiling.js'
import { pgUrl } from './ledger-cost.js'
import { startBenchGateway, type BenchGateway } from './gateway-setup.js'
import type { LoadResult } from './load.js'
import { startLoad } from './procs.js'
import { figureOf, type Figure } from './stats.js'
import { paxlstOfSize } from './generate.js'
import {
  MB, bigMemory, ceilingHttps, fairness, fixedRate, handshakes, ledgerPart, parsePart, repeat, saturation, warmUp, type Ctx
} from './e2e-phases.js'

/** How the requests of a set of runs ended: HTTP status (0: no answer) → count. */
export interface Outcomes { total: number, failed: number, statuses: Record<string, number> }

export interface E2eOptions {
  /** Measured runs per figure (median reported). @default 3 */
  runs?: number
  /** Measured time per throughput run. @default 6000 */
  durationMs?: number
  /** Load before each measured run. @default 1500 */
  warmupMs?: number
  /** In-flight requests at saturation. @default 32 */
  concurrency?: number
  /**
   * Fixed offered load (requests/s), overriding the default: half of the saturation median
   * measured just before, rounded (docs/benchmarks.md "How it measures").
   */
  rate?: number
  /** Size of the PAXLST bodies. @default 30000 */
  bodyBytes?: number
  /** Measured time per new-connection run. @default 3000 */
  handshakeMs?: number
  /** Size of the large interchanges (fairness, memory). @default 20000000 */
  bigBytes?: number
  /** Passengers in the small transmissions of the fairness runs. @default 5 */
  smallPassengers?: number
  /** Offered load of small transmissions in the fairness runs. @default 50 */
  smallRate?: number
  /** Large interchanges run alone this long before the small ones are measured. @default 2000 */
  besideWarmupMs?: number
  /** Sum of parts: measured time per run of the parse + map + validate CPU figure. @default 1000 */
  partRunMs?: number
  /** Sum of parts: transmissions written per ledger store, over all runs. @default 2000 */
  ledgerTransmissions?: number
  /** Sum of parts: transmissions in flight while the ledger figure is measured (1: one at a time). @default `concurrency` */
  ledgerConcurrency?: number
  /** Sum of parts: PostgreSQL for the ledger figure. @default PG_URL or postgres://postgres@127.0.0.1:5432/test */
  pgUrl?: string
  /** Log progress lines. */
  log?: (line: string) => void
}

/** Every figure of parts 2–5; null where it could not be measured (with the reason in `notes`). */
export interface E2eResult {
  ceilingHttps: Figure | null
  ceilingPublish: Figure | null
  saturation: Figure | null
  /** The fixed offered load and where it comes from; null when it could not be decided (no saturation figure). */
  offeredRate: { perSecond: number, basis: 'half of saturation' | 'option' } | null
  fixedRate: { achieved: Figure, p50: Figure, p99: Figure, failed: number, offered: number, statuses: Record<string, number> } | null
  handshakes: {
    gatewayFull: Figure | null
    gatewayResumed: Figure | null
    bareFull: Figure | null
    bareResumed: Figure | null
    resumedShare: number | null
  }
  fairness: { alone: Figure, beside: Figure, bigPerSecond: Figure, besideOutcomes: Outcomes, bigOutcomes: Outcomes } | null
  memory: {
    idleMb: number | null
    bigPeakMb: Figure | null
    /** Size in bytes of the large interchange the peak was measured with, as sent. */
    bigBodyBytes: number | null
    saturationPeakMb: number | null
    fixedRatePeakMb: number | null
  }
  /** Gateway CPU at saturation: cores busy, and CPU milliseconds per accepted transmission. */
  cpu: { saturationCores: Figure | null, msPerTransmission: Figure | null }
  /**
   * The sum of parts: CPU milliseconds per transmission of each part measured alone, with the same
   * body. `https`: the bare Fastify ceiling process per request answered; `parse`: parse + map +
   * validate; `publish`: the bare confirm publisher (client side) per message confirmed; `sqlite`,
   * `postgres`: the ledger's calls for one accepted transmission (bench/ledger-cost.ts, client side).
   */
  parts: {
    https: Figure | null
    parse: Figure | null
    publish: Figure | null
    sqlite: Figure | null
    postgres: Figure | null
    /** Why the PostgreSQL figure is null (unreachable, failed). */
    postgresNote: string | null
  }
  gatewayCounters: Record<string, number>
  /** Each load run as measured (statuses, failures, latency percentiles), for the record. */
  raw: Record<string, LoadResult[]>
  failures: Record<string, number>
  notes: string[]
}

export async function benchEndToEnd (opts: E2eOptions = {}): Promise<E2eResult> {
  const o: Ctx['o'] = {
    runs: opts.runs ?? 3,
    durationMs: opts.durationMs ?? 6000,
    warmupMs: opts.warmupMs ?? 1500,
    concurrency: opts.concurrency ?? 32,
    rate: opts.rate ?? null,
    bodyBytes: opts.bodyBytes ?? 30000,
    handshakeMs: opts.handshakeMs ?? 3000,
    bigBytes: opts.bigBytes ?? 20_000_000,
    smallPassengers: opts.smallPassengers ?? 5,
    smallRate: opts.smallRate ?? 50,
    besideWarmupMs: opts.besideWarmupMs ?? 2000,
    partRunMs: opts.partRunMs ?? 1000,
    ledgerTransmissions: opts.ledgerTransmissions ?? 2000,
    ledgerConcurrency: opts.ledgerConcurrency ?? opts.concurrency ?? 32,
    pgUrl: opts.pgUrl ?? pgUrl
  }
  const log = opts.log ?? (() => {})
  const fails: Record<string, number> = {}
  const notes: string[] = []
  const result: E2eResult = {
    ceilingHttps: null,
    ceilingPublish: null,
    saturation: null,
    offeredRate: null,
    fixedRate: null,
    handshakes: { gatewayFull: null, gatewayResumed: null, bareFull: null, bareResumed: null, resumedShare: null },
    fairness: null,
    memory: { idleMb: null, bigPeakMb: null, bigBodyBytes: null, saturationPeakMb: null, fixedRatePeakMb: null },
    cpu: { saturationCores: null, msPerTransmission: null },
    parts: { https: null, parse: null, publish: null, sqlite: null, postgres: null, postgresNote: null },
    gatewayCounters: {},
    raw: {},
    failures: fails,
    notes
  }
  const ctx: Ctx = { o, fails, result, log }
  // A phase that fails (a broker restarted by another suite, a child that died) is reported in
  // `notes` and the others still run: a partial table is more use than none.
  const phase = async (name: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn()
    } catch (err) {
      notes.push(`${name}: ${(err as Error).message.split('\n')[0].slice(0, 200)}`)
      log(`${name} failed: ${(err as Error).message.split('\n')[0]}`)
    }
  }
  const [load, bigLoad] = await Promise.all([startLoad(), startLoad()])
  try {
    await phase('ceiling: bare Fastify', async () => await ceilingHttps(ctx, load))
    await phase('ceiling: bare publisher', async () => {
      log('ceiling: bare amqplib confirm publisher')
      const payload = paxlstOfSize(o.bodyBytes)
      const cpu: number[] = []
      result.ceilingPublish = figureOf(await repeat(o.runs, async () => {
        // The broker is shared with other suites that may restart it or raise an alarm: one retry.
        let run: PublishResult
        try {
          run = await benchPublish({ body: payload, durationMs: o.durationMs, warmupMs: o.warmupMs })
        } catch (err) {
          notes.push(`bare publisher run retried after: ${(err as Error).message.split('\n')[0]}`)
          await new Promise(resolve => setTimeout(resolve, 2000))
          run = await benchPublish({ body: payload, durationMs: o.durationMs, warmupMs: o.warmupMs })
        }
        if (run.cpuMsPerMessage !== null) cpu.push(run.cpuMsPerMessage)
        return run.rate
      }), 'msg/s')
      if (cpu.length > 0) result.parts.publish = figureOf(cpu, 'ms CPU')
    })
    // Measured while no gateway runs, so that they have the machine as the ceilings had it.
    await phase('sum of parts: parse + map + validate', async () => await parsePart(ctx))
    await phase('sum of parts: ledger', async () => await ledgerPart(ctx))
    log('gateway: starting (child process, RabbitMQ target)')
    let g: BenchGateway
    try {
      g = await startBenchGateway()
    } catch (err) {
      notes.push(`gateway could not start: ${(err as Error).message}`)
      return result
    }
    try {
      result.memory.idleMb = (g.memory()?.rssKb ?? NaN) / MB
      await phase('gateway warm-up', async () => await warmUp(ctx, g, load))
      await phase('gateway saturation', async () => await saturation(ctx, g, load))
      await phase('gateway fixed rate', async () => await fixedRate(ctx, g, load))
      await phase('gateway new connections', async () => await handshakes(ctx, g, load))
      await phase('gateway large interchange memory', async () => await bigMemory(ctx, g, bigLoad))
      await phase('gateway fairness', async () => await fairness(ctx, g, load, bigLoad))
      const counters = await g.metrics().catch(() => ({}))
      for (const [k, v] of Object.entries(counters)) if (/_(forwarded|transmissions|spool_files|rejected|tls_failures)/.test(k)) result.gatewayCounters[k] = v
    } finally {
      await g.close()
    }
  } finally {
    await Promise.all([load.stop(), bigLoad.stop()])
  }
  return result
}
