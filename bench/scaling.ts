/**
 * Scaling figures for docs/scaling.md, run by hand (not part of `npm run bench`):
 *
 *   npm run build && node dist/bench/scaling.js            # SCALING_SECONDS=10 SCALING_CONCURRENCY=16
 *
 * 1. One, two and three gateway processes behind the same broker (the default RabbitMQ node, a throwaway
 *    topology) sharing one PostgreSQL ledger (a throwaway schema): each instance gets its own closed-loop
 *    HTTPS load (SCALING_CONCURRENCY requests in flight), all at once; the sum of accepted per second.
 * 2. The ledger's cost per transmission: one instance with SQLite, then with PostgreSQL, the same load.
 *
 * Every figure is what this machine measured: the load generator, the broker, PostgreSQL and the
 * gateways share its cores, so three instances compete with their own load and the broker.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { stringify } from 'yaml'
import pg from 'pg'
import { connect } from 'amqplib'
import { benchAgreements, benchConfig } from './gateway-setup.js'
import { amqpUrl } from './amqp-ceiling.js'
import { startChild, startLoad, type Child } from './procs.js'
import type { LoadResult } from './load.js'

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SECONDS = Number(process.env.SCALING_SECONDS ?? 10)
const CONCURRENCY = Number(process.env.SCALING_CONCURRENCY ?? 16)

interface Run { label: string, instances: number, ledger: 'sqlite' | 'postgres', results: LoadResult[] }

async function run (label: string, instances: number, ledger: 'sqlite' | 'postgres'): Promise<Run> {
  const tag = randomBytes(4).toString('hex')
  const schema = `bench_scaling_${tag}`
  const names = {
    exchange: `bench.scaling.${tag}`,
    queue: `bench.scaling.${tag}.inbound`,
    testQueue: `bench.scaling.${tag}.test`,
    quarantineQueue: `bench.scaling.${tag}.quarantine`,
    iapiQueue: `bench.scaling.${tag}.iapi`
  }
  const root = mkdtempSync(join(tmpdir(), 'cg-scaling-'))
  const children: Child[] = []
  const load = await startLoad()
  try {
    const ports: number[] = []
    for (let i = 0; i < instances; i++) {
      const dir = join(root, `gw${i}`)
      const carriers = join(dir, 'carriers')
      mkdirSync(carriers, { recursive: true })
      for (const a of benchAgreements()) writeFileSync(join(carriers, `${String(a.code)}.yaml`), stringify(a))
      const config = {
        ...benchConfig(dir, names),
        ledger: ledger === 'postgres'
          ? { kind: 'postgres', url: 'env:BENCH_PG_URL', schema }
          : { kind: 'sqlite', path: join(dir, 'ledger.db') },
        log: { level: 'warn' }
      }
      const env = { BENCH_AMQP_URL: amqpUrl, BENCH_PG_URL: PG_URL }
      const child = startChild('gateway-child', { env, logFile: join(dir, 'gateway.log') })
      children.push(child)
      child.proc.send({ type: 'start', config })
      ports.push((await child.next<{ https: number }>('ready', 60_000)).https)
    }
    const results = await load.run(...ports.map((port, i) => ({
      port,
      mode: 'closed' as const,
      durationMs: SECONDS * 1000,
      warmupMs: 2000,
      concurrency: CONCURRENCY,
      body: { kind: 'paxlst-pax' as const, passengers: 20 },
      refPrefix: `S${i}${tag.slice(0, 2)}`.toUpperCase()
    })))
    return { label, instances, ledger, results }
  } finally {
    await load.stop()
    for (const c of children) await c.stop()
    rmSync(root, { recursive: true, force: true })
    const conn = await connect(amqpUrl).catch(() => null)
    if (conn !== null) {
      const ch = await conn.createChannel()
      for (const q of [names.queue, names.testQueue, names.quarantineQueue, names.iapiQueue]) await ch.deleteQueue(q).catch(() => {})
      await ch.deleteExchange(names.exchange).catch(() => {})
      await conn.close().catch(() => {})
    }
    if (ledger === 'postgres') {
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await client.end()
    }
  }
}

function row (r: Run): string {
  const rps = r.results.reduce((s, x) => s + x.rps, 0)
  const ok = r.results.reduce((s, x) => s + x.ok, 0)
  const failed = r.results.reduce((s, x) => s + x.failed, 0)
  const p50 = Math.max(...r.results.map(x => x.latencyMs.p50))
  const p99 = Math.max(...r.results.map(x => x.latencyMs.p99))
  return `| ${r.label} | ${r.instances} | ${r.ledger} | ${rps.toFixed(0)} | ${ok} | ${failed} | ${p50.toFixed(1)} | ${p99.toFixed(1)} |`
}

const runs: Run[] = []
runs.push(await run('one instance, SQLite', 1, 'sqlite'))
runs.push(await run('one instance, PostgreSQL', 1, 'postgres'))
runs.push(await run('two instances, PostgreSQL', 2, 'postgres'))
runs.push(await run('three instances, PostgreSQL', 3, 'postgres'))
console.log(`# scaling: ${cpus().length} cores, ${SECONDS} s per run, ${CONCURRENCY} in flight per instance, PAXLST of 20 passengers`)
console.log('| run | instances | ledger | accepted/s | ok | failed | p50 ms (worst instance) | p99 ms (worst instance) |')
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
for (const r of runs) console.log(row(r))
const [sqlite, postgres] = runs
const perTx = (r: Run): number => 1000 * CONCURRENCY / r.results[0].rps
console.log(`\nmean time per transmission at ${CONCURRENCY} in flight: SQLite ${perTx(sqlite).toFixed(2)} ms, ` +
  `PostgreSQL ${perTx(postgres).toFixed(2)} ms (+${(perTx(postgres) - perTx(sqlite)).toFixed(2)} ms)`)
