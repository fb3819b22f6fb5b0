/**
 * Interactive API round trip (docs/benchmarks.md "Interactive API"): the gateway in its own
 * process, the reference responder answering every request at once in another, requests from the
 * load generator at fixed offered rates; then the same beside two 20 MB pushes. With an answer at
 * once, the round trip is the gateway-added latency plus one broker round trip: reported as the
 * gateway-added figure, an upper bound.
 */
import { amqpUrl } from './amqp-ceiling.js'
import { benchConfig, startBenchGateway } from './gateway-setup.js'
import type { LoadResult, LoadSpec } from './load.js'
import { startChild, startLoad } from './procs.js'
import { check, figureOf, type Row } from './stats.js'

export interface InteractiveOptions {
  /** Offered requests per second. @default [100, 300] */
  rates?: number[]
  /** Measured time per run. @default 6000 */
  durationMs?: number
  warmupMs?: number
  /** Size of the pushes beside. @default 20000000 */
  bigBytes?: number
  log?: (line: string) => void
}

export interface InteractiveResult {
  alone: Array<{ rate: number, result: LoadResult }>
  beside: { rate: number, result: LoadResult, big: LoadResult } | null
}

const REQUEST: LoadSpec['body'] = { kind: 'iapi', travellers: 2 }

export async function benchInteractive (opts: InteractiveOptions = {}): Promise<{ rows: Row[], result: InteractiveResult }> {
  const rates = opts.rates ?? [100, 300]
  const durationMs = opts.durationMs ?? 6000
  const warmupMs = opts.warmupMs ?? 1500
  const log = opts.log ?? (() => {})
  const g = await startBenchGateway()
  const responder = startChild('responder-child', { env: { BENCH_AMQP_URL: amqpUrl } })
  const load = await startLoad()
  const bigLoad = await startLoad()
  const result: InteractiveResult = { alone: [], beside: null }
  try {
    responder.proc.send({ type: 'start', dir: g.dir, config: benchConfig(g.dir, g.names), rules: { default: '0Z', rules: [] } })
    await responder.next('ready', 30_000)
    const spec = (rate: number, prefix: string): LoadSpec =>
      ({ port: g.httpsPort, mode: 'open', rate, durationMs, warmupMs, path: '/v1/interactive', body: REQUEST, refPrefix: prefix })
    for (const rate of rates) {
      log(`interactive: ${rate}/s alone`)
      const [r] = await load.run(spec(rate, `I${rate}`.slice(0, 4)))
      result.alone.push({ rate, result: r })
      await g.settle()
    }
    const top = rates[rates.length - 1]
    // One push first, not measured: it starts the checking worker that large pushes use (a
    // worker's start-up is not what the run beside them measures).
    const push = { kind: 'pnrgov', bytes: opts.bigBytes ?? 20e6 } as const
    await bigLoad.run({ port: g.httpsPort, mode: 'closed', concurrency: 1, requests: 1, durationMs: 120e3, body: push, refPrefix: 'IWRM' })
    await g.settle()
    log(`interactive: ${top}/s beside two ${(opts.bigBytes ?? 20e6) / 1e6} MB pushes`)
    const [[s], [b]] = await Promise.all([
      load.run(spec(top, 'IBES')),
      bigLoad.run({
        port: g.httpsPort,
        mode: 'closed',
        concurrency: 2,
        durationMs: durationMs + warmupMs,
        body: push,
        refPrefix: 'IBIG'
      })
    ])
    result.beside = { rate: top, result: s, big: b }
    await g.settle()
  } finally {
    await load.stop()
    await bigLoad.stop()
    await responder.stop()
    await g.close()
  }
  return { rows: interactiveRows(result), result }
}

export function interactiveRows (r: InteractiveResult): Row[] {
  const ms = (v: number): ReturnType<typeof figureOf> => figureOf([v], 'ms')
  const rows: Row[] = []
  for (const { rate, result } of r.alone) {
    rows.push({ section: 'interactive', name: `round trip p50 at ${rate}/s`, figure: ms(result.latencyMs.p50) })
    const p99 = result.latencyMs.p99
    rows.push({
      section: 'interactive',
      name: `gateway-added p99 at ${rate}/s`,
      figure: ms(p99),
      ...(rate === 300 ? { target: check('≤ 15 ms', p99, 15, true) } : {}),
      note: `${result.ok} answered, ${result.failed} failed; upper bound: includes the responder's broker round trip`
    })
  }
  const alone = r.alone.find(a => a.rate === r.beside?.rate)
  if (r.beside !== null && alone !== undefined) {
    const ratio = r.beside.result.latencyMs.p99 / Math.max(alone.result.latencyMs.p99, 0.001)
    const name = `p99 beside two 20 MB pushes at ${r.beside.rate}/s`
    rows.push({ section: 'interactive', name, figure: ms(r.beside.result.latencyMs.p99) })
    rows.push({
      section: 'interactive',
      name: 'ratio p99 beside 20 MB pushes / alone',
      figure: figureOf([ratio], '×'),
      target: check('≤ 2×', ratio, 2, true),
      note: `${r.beside.big.ok} large pushes answered meanwhile`
    })
  }
  return rows
}
