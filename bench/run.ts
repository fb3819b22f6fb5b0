/**
 * `npm run bench`: every benchmark of docs/benchmarks.md in one run on this machine, printed as a table and
 * written to bench/results/latest.json. Options: `--only parse,e2e,channels` (default all),
 * `--quick` (short runs, for trying things out; the figures are then noisier), `--out FILE`,
 * `--markdown [--from FILE]` (print a saved run, latest.json by default, as a Markdown table).
 */
import { cpus, loadavg, totalmem } from 'node:os'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchParse } from './parse.js'
import { benchEndToEnd, type E2eOptions } from './e2e.js'
import { benchChannels } from './channels.js'
import { benchInteractive } from './interactive.js'
import { channelRows, e2eRows } from './report.js'
import { formatTable, markdownTable, type Row } from './stats.js'
import { RESULTS } from './paths.js'

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      markdown: { type: 'boolean' },
      from: { type: 'string' }
    }
  })
  if (values.markdown === true) {
    // Print a finished run's table as Markdown (for the README "Benchmarks" section) instead of running.
    const saved = JSON.parse(readFileSync(values.from ?? join(RESULTS, 'latest.json'), 'utf8')) as { rows: Row[] }
    process.stdout.write(markdownTable(saved.rows) + '\n')
    return
  }
  const only = new Set((values.only ?? 'parse,e2e,channels,interactive').split(',').map(s => s.trim()))
  const quick = values.quick === true
  const started = new Date()
  const log = (line: string): void => { process.stderr.write(`[bench ${((Date.now() - started.getTime()) / 1000).toFixed(0)}s] ${line}\n`) }
  const load0 = loadavg()
  const rows: Row[] = []
  const data: Record<string, unknown> = {}

  const notes: string[] = []
  // A section that fails is reported and the others still run: a partial table beats none.
  const section = async (name: string, fn: () => Promise<void>): Promise<void> => {
    if (!only.has(name)) return
    try {
      await fn()
    } catch (err) {
      notes.push(`${name} failed: ${(err as Error).message.split('\n')[0]}`)
      log(`${name} failed: ${(err as Error).stack ?? String(err)}`)
    }
  }
  await section('parse', async () => {
    log('parse: bare scan, tokenizer, parseInterchange, full parse+validate, peer')
    const parse = benchParse(
      quick ? { runs: 3, runMs: 200, warmupMs: 100, isolate: true } : { runs: 5, runMs: 400, warmupMs: 300, isolate: true }
    )
    rows.push(...parse.rows)
    data.parse = parse.results
  })
  const e2eOpts: E2eOptions = quick ? { runs: 2, durationMs: 3000, warmupMs: 1000, handshakeMs: 1500 } : {}
  await section('e2e', async () => {
    const e2e = await benchEndToEnd({ ...e2eOpts, log })
    rows.push(...e2eRows(e2e, { bodyKb: (e2eOpts.bodyBytes ?? 30000) / 1000, bigMb: (e2eOpts.bigBytes ?? 20e6) / 1e6 }))
    notes.push(...e2e.notes)
    for (const [k, v] of Object.entries(e2e.failures)) notes.push(`${k}: ${v} request(s) failed (see data.e2e.raw in the JSON)`)
    const spooled = Object.entries(e2e.gatewayCounters)
      .filter(([k]) => k.includes('forwarded_total') && k.includes('via="spool"'))
      .reduce((n, [, v]) => n + v, 0)
    if (spooled > 0) {
      notes.push(
        `the gateway spooled ${spooled} transmission(s) instead of publishing them at once ` +
          '(broker confirm timeout, alarm or restart during the run)'
      )
    }
    data.e2e = e2e
  })
  await section('channels', async () => {
    log('channels: SFTP and AMQP bridge (helpers\' modules, when present)')
    const ch = await benchChannels(quick ? { files: 50, messages: 500, runs: 1 } : {})
    rows.push(...channelRows(ch))
    data.channels = ch
  })

  await section('interactive', async () => {
    log('interactive: round trip with the reference responder, alone and beside 20 MB pushes')
    const i = await benchInteractive(quick ? { rates: [100, 300], durationMs: 3000, warmupMs: 1000, log } : { log })
    rows.push(...i.rows)
    data.interactive = i.result
  })

  const table = formatTable(rows)
  process.stdout.write(table + '\n')
  const missed = rows.filter(r => r.target?.met === false).map(r => `${r.section} / ${r.name} (${r.target?.text ?? ''})`)
  if (missed.length > 0) process.stdout.write(`\ntargets missed: ${missed.length}\n${missed.map(m => `  - ${m}`).join('\n')}\n`)
  if (notes.length > 0) process.stdout.write(`\nnotes:\n${notes.map(n => `  - ${n}`).join('\n')}\n`)
  const out = values.out ?? join(RESULTS, 'latest.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify({
    startedAt: started.toISOString(),
    seconds: Math.round((Date.now() - started.getTime()) / 1000),
    quick,
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? null,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverageBefore: load0,
      loadAverageAfter: loadavg()
    },
    rows,
    notes,
    data
  }, (_k, v: unknown) => typeof v === 'number' && !Number.isFinite(v) ? null : v, 2) + '\n')
  log(`written ${out}`)
}

main().catch(err => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
