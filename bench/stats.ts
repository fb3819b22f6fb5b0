/**
 * Measurement and reporting helpers shared by every benchmark (docs/benchmarks.md "How it measures"): each figure is the median
 * of several runs after a warm-up, printed with its min and max, and ratios are taken between
 * figures measured in the same run on the same machine.
 */

import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let gcFn: (() => void) | null | undefined
/**
 * A full garbage collection, so that each contender starts from the same clean heap. Without it,
 * whatever ran before (generating a 5 MB push leaves hundreds of MB of garbage) is paid for by the
 * next contender: a tokenizer measured right after the generator ran at a fifth of its speed.
 */
export function collectGarbage (): void {
  if (gcFn === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      gcFn = runInNewContext('gc') as () => void
    } catch {
      gcFn = null
    }
  }
  gcFn?.()
}

/** One measured figure: median of `runs` runs, with the spread. */
export interface Figure {
  median: number
  min: number
  max: number
  runs: number
  unit: string
}

/** A target from the issue: met, missed, or not measurable in this run (null). */
export interface Target {
  text: string
  met: boolean | null
}

export interface Row {
  section: string
  name: string
  figure: Figure | null
  target?: Target
  note?: string
}

export function median (xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Figure from raw run values (already in `unit`). */
export function figureOf (values: readonly number[], unit: string): Figure {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length, unit }
}

/** Percentile (nearest rank) of an unsorted list; NaN when empty. */
export function percentile (xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN
  const s = Float64Array.from(xs).sort()
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))
  return s[rank]
}

export interface ThroughputOptions {
  /** Time spent running the function before measuring (JIT, caches). @default 300 */
  warmupMs?: number
  /** Measured runs; the median is reported. @default 5 */
  runs?: number
  /** Each run repeats the function until this much time has passed (at least once). @default 400 */
  runMs?: number
}

type RunFigure = (calls: number, wallMs: number, cpuMs: number) => number

/** Timed runs of a synchronous function after a warm-up: each run's figure from its calls, wall ms and CPU ms. */
function timedRuns (fn: () => unknown, opts: ThroughputOptions, figure: RunFigure): number[] {
  const warmupMs = opts.warmupMs ?? 300
  const runs = opts.runs ?? 5
  const runMs = opts.runMs ?? 400
  let sink: unknown
  collectGarbage()
  const until = performance.now() + warmupMs
  do sink = fn(); while (performance.now() < until)
  const out: number[] = []
  for (let r = 0; r < runs; r++) {
    let n = 0
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    let t1 = t0
    do {
      sink = fn()
      n++
      t1 = performance.now()
    } while (t1 - t0 < runMs)
    out.push(figure(n, t1 - t0, cpuMsSince(c0)))
  }
  keep(sink)
  return out
}

/**
 * Throughput of a synchronous function in units of `work` per second: `work` is what one call
 * processes (bytes, messages). Returns the per-run rates.
 */
export function throughput (fn: () => unknown, work: number, opts: ThroughputOptions = {}): number[] {
  return timedRuns(fn, opts, (calls, wallMs) => (calls * work) / (wallMs / 1000))
}

/**
 * CPU milliseconds per call of a synchronous function, one value per run: process.cpuUsage (user +
 * system, every thread of this process, the garbage collector's included) over the run, divided
 * by the calls made in it. CPU rather than wall time, so that the figure adds up with the other
 * parts of a transmission (bench/e2e.ts "sum of parts") and other processes on the machine do not inflate it.
 */
export function cpuPerCall (fn: () => unknown, opts: ThroughputOptions = {}): number[] {
  return timedRuns(fn, opts, (calls, _wallMs, cpuMs) => cpuMs / calls)
}

/** CPU milliseconds (user + system) this process has used since `from`, a `process.cpuUsage()` reading. */
export function cpuMsSince (from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from)
  return (d.user + d.system) / 1000
}

let kept: unknown = null
/** Keeps a result reachable so the optimiser cannot drop the work that produced it. */
export function keep (v: unknown): void {
  kept = v
  if (kept === Symbol.for('never')) console.log(kept)
}

export function ratio (a: Figure | null, b: Figure | null): Figure | null {
  if (a === null || b === null || !(b.median > 0)) return null
  // The ratio of medians; min/max pair the extremes (worst: min/max, best: max/min).
  return { median: a.median / b.median, min: a.min / b.max, max: a.max / b.min, runs: Math.min(a.runs, b.runs), unit: '×' }
}

/**
 * Figures measured apart added up (the sum of parts): medians, minima and maxima each summed, so the
 * spread is the widest the parts allow. Null when a part is missing: a partial sum would mislead.
 */
export function sumFigures (parts: ReadonlyArray<Figure | null>, unit: string): Figure | null {
  if (parts.length === 0 || parts.some(p => p === null)) return null
  const fs = parts as Figure[]
  const total = (k: 'median' | 'min' | 'max'): number => fs.reduce((n, f) => n + f[k], 0)
  return { median: total('median'), min: total('min'), max: total('max'), runs: Math.min(...fs.map(f => f.runs)), unit }
}

function fmt (n: number): string {
  if (!Number.isFinite(n)) return '-'
  const a = Math.abs(n)
  if (a >= 1000) return n.toFixed(0)
  if (a >= 100) return n.toFixed(1)
  if (a >= 10) return n.toFixed(2)
  return n.toFixed(3)
}

/** A plain-text table: one line per row, columns aligned. */
export function formatTable (rows: readonly Row[]): string {
  const header = ['section', 'measurement', 'median', 'min', 'max', 'unit', 'target', 'met']
  const lines = rows.map(r => [
    r.section,
    r.name + (r.note !== undefined ? ` (${r.note})` : ''),
    r.figure === null ? 'n/a' : fmt(r.figure.median),
    r.figure === null ? '' : fmt(r.figure.min),
    r.figure === null ? '' : fmt(r.figure.max),
    r.figure?.unit ?? '',
    r.target?.text ?? '',
    r.target === undefined ? '' : r.target.met === null ? 'n/a' : r.target.met ? 'yes' : 'NO'
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map(l => l[i].length)))
  const pad = (cells: string[]): string =>
    cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()
  return [pad(header), widths.map(w => '-'.repeat(w)).join('  '), ...lines.map(pad)].join('\n')
}

/** The same rows as a Markdown table (the README "Benchmarks" table is written from a run's latest.json). */
export function markdownTable (rows: readonly Row[]): string {
  const out = [
    '| section | measurement | median | min | max | unit | target | met |',
    '| --- | --- | ---: | ---: | ---: | --- | --- | --- |'
  ]
  for (const r of rows) {
    const f = r.figure
    const met = r.target === undefined ? '' : r.target.met === null ? 'n/a' : r.target.met ? 'yes' : '**no**'
    const cells = [
      r.section,
      r.name + (r.note !== undefined ? ` (${r.note})` : ''),
      f === null ? 'n/a' : fmt(f.median),
      f === null ? '' : fmt(f.min),
      f === null ? '' : fmt(f.max),
      f?.unit ?? '',
      r.target?.text ?? '',
      met
    ]
    out.push(`| ${cells.map(c => c.replace(/\|/g, '\\|')).join(' | ')} |`)
  }
  return out.join('\n')
}

/** Target check helper: `value >= bound` (or `<=` when `atMost`), null when not measured. */
export function check (text: string, value: number | null | undefined, bound: number, atMost = false): Target {
  if (value === null || value === undefined || !Number.isFinite(value)) return { text, met: null }
  return { text, met: atMost ? value <= bound : value >= bound }
}
