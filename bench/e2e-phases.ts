/**
 * The measurements of parts 2–5, one function per phase; bench/e2e.ts runs them in order against
 * the ceilings and the gateway child. Each records its figures in the shared result.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchGateway } from './gateway-setup.js'
import { IDENTITIES, type LoadResult, type LoadSpec } from './load.js'
import { cpuSecondsOf, startChild, type LoadClient } from './procs.js'
import { figureOf } from './stats.js'
import { paxlstOfSize } from './generate.js'
import { fullParseCpuIsolated } from './parse.js'
import { benchLedgerCost } from './ledger-cost.js'
import type { E2eOptions, E2eResult, Outcomes } from './e2e.js'

export interface Ctx {
  /** The options with their defaults; `rate` stays null unless given (then half of saturation is used). */
  o: Required<Omit<E2eOptions, 'log' | 'rate'>> & { rate: number | null }
  fails: Record<string, number>
  result: E2eResult
  log: (line: string) => void
}

export const MB = 1024

/** Runs `fn` `runs` times and collects one number per run. */
export async function repeat (runs: number, fn: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < runs; i++) out.push(await fn(i))
  return out
}

let prefix = 0
/** Interchange references must never repeat within one gateway's life (duplicates, CONTRL 26). */
function refPrefix (): string {
  return (++prefix).toString(36).toUpperCase().padStart(3, '0')
}

/** Sums the outcomes of several runs. */
export function outcomesOf (runs: readonly LoadResult[]): Outcomes {
  const statuses: Record<string, number> = {}
  for (const r of runs) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v
  return { total: runs.reduce((n, r) => n + r.ok + r.failed, 0), failed: runs.reduce((n, r) => n + r.failed, 0), statuses }
}

/** Keeps the run for the record and counts its failures under `key`. */
function record (ctx: Ctx, r: LoadResult, key: string, countFailures = true): void {
  if (countFailures && r.failed > 0) ctx.fails[key] = (ctx.fails[key] ?? 0) + r.failed
  ;(ctx.result.raw[key] ??= []).push(r)
}

function paxlstBody (ctx: Ctx): LoadSpec['body'] {
  return { kind: 'paxlst', bytes: ctx.o.bodyBytes }
}

export async function handshakeRuns (
  ctx: Ctx,
  load: LoadClient,
  port: number,
  resume: boolean,
  key: string
): Promise<{ rates: number[], resumed: number, total: number }> {
  let resumed = 0
  let total = 0
  // A path no route has: the answer (404) comes after the handshake and the certificate check.
  const spec: LoadSpec = {
    port,
    mode: 'connect',
    resume,
    durationMs: ctx.o.handshakeMs,
    warmupMs: Math.min(500, ctx.o.warmupMs),
    concurrency: 8,
    path: '/bench/new-connection',
    refPrefix: 'H'
  }
  const rates = await repeat(ctx.o.runs, async () => {
    const [r] = await load.run(spec)
    record(ctx, r, key)
    resumed += r.resumed
    total += r.ok
    return r.rps
  })
  return { rates, resumed, total }
}

/**
 * Bare Fastify mTLS server: throughput at saturation and new connections, same client; and its CPU
 * per request over the saturation runs (the sum of parts' HTTPS part): CPU seconds of its process
 * over each whole run, warm-up included, divided by every request answered in it.
 */
export async function ceilingHttps (ctx: Ctx, load: LoadClient): Promise<void> {
  const { o, result, log } = ctx
  log('ceiling: bare Fastify mTLS server')
  const bare = startChild('bare-https')
  try {
    const { https: port } = await bare.next<{ https: number }>('ready', 60_000)
    const cpu: number[] = []
    result.ceilingHttps = figureOf(await repeat(o.runs, async () => {
      const cpu0 = cpuSecondsOf(bare.pid)
      const [r] = await load.run({
        port,
        mode: 'closed',
        concurrency: o.concurrency,
        durationMs: o.durationMs,
        warmupMs: o.warmupMs,
        body: paxlstBody(ctx),
        refPrefix: refPrefix()
      })
      const cpu1 = cpuSecondsOf(bare.pid)
      if (cpu0 !== null && cpu1 !== null && r.answered > 0) cpu.push((cpu1 - cpu0) * 1000 / r.answered)
      record(ctx, r, 'bare https')
      return r.rps
    }), 'req/s')
    if (cpu.length > 0) result.parts.https = figureOf(cpu, 'ms CPU')
    log('ceiling: bare server new connections')
    result.handshakes.bareFull = figureOf((await handshakeRuns(ctx, load, port, false, 'bare handshakes')).rates, 'conn/s')
    result.handshakes.bareResumed = figureOf((await handshakeRuns(ctx, load, port, true, 'bare resumed')).rates, 'conn/s')
  } finally {
    await bare.stop()
  }
}

/**
 * A fresh gateway's first transmissions pay for its lazy set-up (JIT, the first validation of each
 * schema, TLS session caches): on a busy machine the first few took over a second each, so that a
 * short first saturation run measured nothing. A few rounds of the saturation load, not measured.
 */
export async function warmUp (ctx: Ctx, g: BenchGateway, load: LoadClient): Promise<void> {
  const { o, log } = ctx
  log('gateway: warm-up (not measured)')
  const [r] = await load.run({
    port: g.httpsPort,
    mode: 'closed',
    concurrency: o.concurrency,
    requests: o.concurrency * 4,
    durationMs: 60_000,
    body: paxlstBody(ctx),
    refPrefix: refPrefix()
  })
  record(ctx, r, 'gateway warm-up', false)
  await g.settle()
  await g.purge()
}

/** Gateway throughput with `concurrency` requests in flight, its CPU use and peak RSS. */
export async function saturation (ctx: Ctx, g: BenchGateway, load: LoadClient): Promise<void> {
  const { o, result, log } = ctx
  log('gateway: saturation')
  g.resetPeak()
  const cores: number[] = []
  const perTx: number[] = []
  result.saturation = figureOf(await repeat(o.runs, async () => {
    const wall0 = performance.now()
    const cpu0 = g.cpuSeconds()
    const [r] = await load.run({
      port: g.httpsPort,
      mode: 'closed',
      concurrency: o.concurrency,
      durationMs: o.durationMs,
      warmupMs: o.warmupMs,
      body: paxlstBody(ctx),
      refPrefix: refPrefix()
    })
    await g.settle()
    const cpu1 = g.cpuSeconds()
    if (cpu0 !== null && cpu1 !== null) {
      // Over the whole run (warm-up included): the share of the machine the gateway took.
      cores.push((cpu1 - cpu0) / ((performance.now() - wall0) / 1000))
      const total = r.ok + Math.round(r.rps * o.warmupMs / 1000)
      if (total > 0) perTx.push((cpu1 - cpu0) * 1000 / total)
    }
    record(ctx, r, 'gateway saturation')
    await g.purge()
    return r.rps
  }), 'req/s')
  if (cores.length > 0) result.cpu = { saturationCores: figureOf(cores, 'cores'), msPerTransmission: figureOf(perTx, 'ms CPU') }
  result.memory.saturationPeakMb = (g.memory()?.peakKb ?? NaN) / MB
}

/**
 * The fixed offered load: the `rate` option when given, else half of the saturation median just
 * measured (rounded, at least 1/s), so that the latency is the gateway's with headroom on this machine.
 */
export function offeredRate (ctx: Ctx): NonNullable<E2eResult['offeredRate']> {
  if (ctx.o.rate !== null) return { perSecond: ctx.o.rate, basis: 'option' }
  const sat = ctx.result.saturation?.median
  if (sat === undefined || !(sat > 0)) throw new Error('no saturation figure to take half of (pass a rate)')
  return { perSecond: Math.max(1, Math.round(sat / 2)), basis: 'half of saturation' }
}

/** Latency at a fixed offered load (open loop), and what the gateway achieved of it. */
export async function fixedRate (ctx: Ctx, g: BenchGateway, load: LoadClient): Promise<void> {
  const { o, result, log } = ctx
  const offered = result.offeredRate = offeredRate(ctx)
  log(`gateway: fixed offered load ${offered.perSecond}/s (${offered.basis === 'option' ? 'as given' : 'half of saturation'})`)
  g.resetPeak()
  const fixed: LoadResult[] = []
  for (let i = 0; i < o.runs; i++) {
    const [r] = await load.run({
      port: g.httpsPort,
      mode: 'open',
      rate: offered.perSecond,
      durationMs: o.durationMs,
      warmupMs: o.warmupMs,
      body: paxlstBody(ctx),
      refPrefix: refPrefix()
    })
    record(ctx, r, 'gateway fixed rate')
    fixed.push(r)
    await g.settle()
    await g.purge()
  }
  result.memory.fixedRatePeakMb = (g.memory()?.peakKb ?? NaN) / MB
  const all = outcomesOf(fixed)
  result.fixedRate = {
    failed: all.failed,
    offered: all.total,
    statuses: all.statuses,
    achieved: figureOf(fixed.map(r => r.rps), 'req/s'),
    p50: figureOf(fixed.map(r => r.latencyMs.p50), 'ms'),
    p99: figureOf(fixed.map(r => r.latencyMs.p99), 'ms')
  }
}

export async function handshakes (ctx: Ctx, g: BenchGateway, load: LoadClient): Promise<void> {
  ctx.log('gateway: new connections')
  const full = await handshakeRuns(ctx, load, g.httpsPort, false, 'gateway handshakes')
  const resumed = await handshakeRuns(ctx, load, g.httpsPort, true, 'gateway resumed')
  const h = ctx.result.handshakes
  h.gatewayFull = figureOf(full.rates, 'conn/s')
  h.gatewayResumed = figureOf(resumed.rates, 'conn/s')
  h.resumedShare = resumed.total > 0 ? resumed.resumed / resumed.total : null
}

/**
 * Sum of parts: CPU per body of parse + map + validate of the saturation runs' body (bench/parse.ts
 * `fullParse`), in a fresh process so that nothing this process ran before is paid for in it.
 */
export async function parsePart (ctx: Ctx): Promise<void> {
  const { o, result, log } = ctx
  log('sum of parts: parse + map + validate CPU per body')
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-parts-'))
  try {
    const file = join(dir, 'body.edi')
    writeFileSync(file, paxlstOfSize(o.bodyBytes))
    const ms = await fullParseCpuIsolated(file, { runs: o.runs, runMs: o.partRunMs, warmupMs: Math.min(300, o.partRunMs) })
    result.parts.parse = figureOf(ms, 'ms CPU')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Sum of parts: the ledger's writes for one accepted transmission, SQLite and PostgreSQL (bench/ledger-cost.ts). */
export async function ledgerPart (ctx: Ctx): Promise<void> {
  const { o, result, log } = ctx
  log(`sum of parts: ledger writes, ${o.ledgerTransmissions} transmissions per store, ${o.ledgerConcurrency} in flight`)
  const cost = await benchLedgerCost({
    body: paxlstOfSize(o.bodyBytes),
    transmissions: o.ledgerTransmissions,
    runs: o.runs,
    concurrency: o.ledgerConcurrency,
    warmup: Math.min(100, Math.ceil(o.ledgerTransmissions / 10)),
    pgUrl: o.pgUrl
  })
  result.parts.sqlite = cost.sqlite.figure
  result.parts.postgres = cost.postgres.figure
  result.parts.postgresNote = cost.postgres.note
}

const bigIds = [IDENTITIES[1]]
const smallIds = [IDENTITIES[0], IDENTITIES[2]]

/** Peak RSS of the gateway while it processes one large interchange at a time. */
export async function bigMemory (ctx: Ctx, g: BenchGateway, bigLoad: LoadClient): Promise<void> {
  const { o, result, log } = ctx
  log(`gateway: one ${(o.bigBytes / 1e6).toFixed(0)} MB interchange at a time (peak RSS)`)
  const peaks = await repeat(o.runs, async () => {
    await g.purge()
    g.resetPeak()
    const [r] = await bigLoad.run({
      port: g.httpsPort,
      mode: 'closed',
      concurrency: 1,
      requests: 1,
      durationMs: 120_000,
      body: { kind: 'pnrgov', bytes: o.bigBytes },
      identities: bigIds,
      refPrefix: refPrefix()
    })
    record(ctx, r, 'gateway large interchange')
    // The body as sent (the generator's PNRGOV comes within a PNR of the size asked for).
    if (r.ok > 0) result.memory.bigBodyBytes = r.bytes / r.ok
    await g.settle()
    return (g.memory()?.peakKb ?? NaN) / MB
  })
  result.memory.bigPeakMb = figureOf(peaks, 'MB')
}

/** p99 of small transmissions at a fixed rate, alone and beside large interchanges. */
export async function fairness (ctx: Ctx, g: BenchGateway, load: LoadClient, bigLoad: LoadClient): Promise<void> {
  const { o, result, log } = ctx
  log('gateway: fairness (small transmissions alone, then beside large ones)')
  const small: LoadSpec['body'] = { kind: 'paxlst-pax', passengers: o.smallPassengers }
  const alone: number[] = []
  const beside: number[] = []
  const bigRates: number[] = []
  const besideRuns: LoadResult[] = []
  const bigRuns: LoadResult[] = []
  for (let i = 0; i < o.runs; i++) {
    const [a] = await load.run({
      port: g.httpsPort,
      mode: 'open',
      rate: o.smallRate,
      durationMs: o.durationMs,
      warmupMs: Math.min(1000, o.warmupMs),
      body: small,
      identities: smallIds,
      refPrefix: refPrefix()
    })
    record(ctx, a, 'fairness alone')
    await g.settle()
    alone.push(a.latencyMs.p99)
    // The large ones start first (the small ones' warm-up) so that the small ones are measured
    // while they run, and come from a second generator process so that sending 20 MB bodies does
    // not delay the small ones' client.
    const [[s], [b]] = await Promise.all([
      load.run({
        port: g.httpsPort,
        mode: 'open',
        rate: o.smallRate,
        durationMs: o.durationMs,
        warmupMs: o.besideWarmupMs,
        body: small,
        identities: smallIds,
        refPrefix: refPrefix()
      }),
      bigLoad.run({
        port: g.httpsPort,
        mode: 'closed',
        concurrency: 2,
        durationMs: o.durationMs + o.besideWarmupMs,
        body: { kind: 'pnrgov', bytes: o.bigBytes },
        identities: bigIds,
        refPrefix: refPrefix()
      })
    ])
    record(ctx, s, 'fairness beside')
    record(ctx, b, 'fairness large', false)
    besideRuns.push(s)
    bigRuns.push(b)
    beside.push(s.latencyMs.p99)
    bigRates.push(b.rps)
    await g.settle()
    await g.purge()
  }
  result.fairness = {
    alone: figureOf(alone, 'ms'),
    beside: figureOf(beside, 'ms'),
    bigPerSecond: figureOf(bigRates, 'req/s'),
    besideOutcomes: outcomesOf(besideRuns),
    bigOutcomes: outcomesOf(bigRuns)
  }
}
