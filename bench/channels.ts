/**
 * Part 6 of docs/benchmarks.md: SFTP files/s and AMQP bridge messages/s, measured by the channel owners'
 * modules `bench/sftp.ts` (`benchSftp({ files, sizeKb })`) and `bench/amqp-bridge.ts`
 * (`benchBridge({ messages, sizeKb })`). They are imported when present; otherwise the figure is
 * reported as not available. Their answer may be a number (per second) or an object; the first
 * per-second figure found is reported, and the whole answer is kept in latest.json.
 */
import { figureOf, type Figure } from './stats.js'

export interface ChannelFigure {
  figure: Figure | null
  raw: unknown
  note: string | null
}

/** A Figure from whatever shape the helper returned: a number, a Figure, or a named rate. */
export function figureFrom (raw: unknown, unit: string): Figure | null {
  if (typeof raw === 'number' && Number.isFinite(raw)) return { median: raw, min: raw, max: raw, runs: 1, unit }
  if (raw === null || typeof raw !== 'object') return null
  const o = raw as Record<string, unknown>
  if (typeof o.median === 'number') {
    return {
      median: o.median,
      min: Number(o.min ?? o.median),
      max: Number(o.max ?? o.median),
      runs: Number(o.runs ?? 1),
      unit: typeof o.unit === 'string' ? o.unit : unit
    }
  }
  for (const key of ['figure', 'throughput', 'result']) {
    if (key in o) {
      const f = figureFrom(o[key], unit)
      if (f !== null) return f
    }
  }
  const rate = Object.entries(o).find(([k, v]) => typeof v === 'number' && /per(second|sec|s)$|rate$|PerSecond$/i.test(k))
  return rate === undefined ? null : figureFrom(rate[1], unit)
}

async function importOptional (name: string): Promise<Record<string, unknown> | null> {
  try {
    return await import(`./${name}.js`) as Record<string, unknown>
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(name)) return null
    throw err
  }
}

async function one (module: string, fn: string, args: Record<string, number>, unit: string, runs: number): Promise<ChannelFigure> {
  let mod: Record<string, unknown> | null
  try {
    mod = await importOptional(module)
  } catch (err) {
    return { figure: null, raw: null, note: `bench/${module}.ts failed to load: ${(err as Error).message.slice(0, 160)}` }
  }
  if (mod === null) return { figure: null, raw: null, note: `not available (bench/${module}.ts not present)` }
  const run = mod[fn]
  if (typeof run !== 'function') return { figure: null, raw: null, note: `not available (bench/${module}.ts has no ${fn})` }
  try {
    // Several runs for a median, as every other figure (docs/benchmarks.md "How it measures"), unless a run already gives one.
    const raws: unknown[] = []
    const figures: Figure[] = []
    for (let i = 0; i < runs; i++) {
      const raw: unknown = await (run as (a: Record<string, number>) => Promise<unknown>)(args)
      raws.push(raw)
      const f = figureFrom(raw, unit)
      if (f === null) return { figure: null, raw, note: 'returned no per-second figure' }
      if (f.runs > 1) return { figure: f, raw, note: null }
      figures.push(f)
    }
    return { figure: figureOf(figures.map(f => f.median), figures[0].unit), raw: raws, note: null }
  } catch (err) {
    return { figure: null, raw: null, note: `failed: ${(err as Error).message.slice(0, 160)}` }
  }
}

export async function benchChannels (
  opts: { files?: number, messages?: number, sizeKb?: number, runs?: number } = {}
): Promise<{ sftp: ChannelFigure, bridge: ChannelFigure }> {
  const sizeKb = opts.sizeKb ?? 30
  const runs = opts.runs ?? 3
  const sftp = await one('sftp', 'benchSftp', { files: opts.files ?? 200, sizeKb }, 'files/s', runs)
  const bridge = await one('amqp-bridge', 'benchBridge', { messages: opts.messages ?? 2000, sizeKb }, 'msg/s', runs)
  return { sftp, bridge }
}
