/**
 * Parsing throughput on the largest real sample (when the samples folder is there, bench/paths.ts),
 * a generated 150-passenger PAXLST and a generated 5 MB PNRGOV push, side by side with the machine's ceiling (a bare scan
 * for the segment terminator) and the peer (the `edifact` npm package tokenizing the same bytes).
 *
 * Every contender starts from the same Buffer: the tokenizer and the peer both decode it to a
 * string (latin1) inside the timed call, because that is what they need to work on. The tokenizer
 * does the whole lexical scan (separators, release characters, limits, findings) but materialises
 * values only when a segment's `elements` are read, which 'tokenize' does not do, while the peer
 * makes a string of every value; 'full' pays for every value the envelope, mapping and checks read.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { parseInterchange, tokenize, type Separators } from '../src/edifact/index.js'
import { mapMessage } from '../src/messages/index.js'
import { validateModel } from '../src/validate/schema.js'
import { paxlst, pnrgovOfSize } from './generate.js'
import { SAMPLES, sibling } from './paths.js'
import { check, cpuPerCall, figureOf, ratio, throughput, type Figure, type Row, type ThroughputOptions } from './stats.js'

/** The minimal surface of node-edifact's Parser that the peer benchmark uses (no typings ship). */
interface PeerParser {
  encoding: (level: string) => void
  configure: (c: Record<string, number>) => void
  write: (chunk: string) => void
  end: () => void
  onopensegment: (name: string) => void
  onelement: () => void
  oncomponent: (value: string) => void
}
const require = createRequire(import.meta.url)
const { Parser } = require('edifact') as { Parser: new () => PeerParser }

export interface ParseInput { name: string, bytes: Buffer }

/** The largest file in the samples folder; null when the folder is absent (the figures are optional). */
export function largestSample (dir = SAMPLES): ParseInput | null {
  let best: { file: string, size: number } | null = null
  let files: string[]
  try { files = readdirSync(dir) } catch { return null }
  for (const f of files) {
    if (!/\.(edi|txt)$/.test(f) || f === 'SOURCES.md') continue
    const size = statSync(join(dir, f)).size
    if (best === null || size > best.size) best = { file: f, size }
  }
  return best === null ? null : { name: `sample ${best.file}`, bytes: readFileSync(join(dir, best.file)) }
}

/** Machine ceiling: count segment terminators with Buffer.indexOf, nothing else. */
export function bareScan (bytes: Buffer, terminator: number): number {
  let n = 0
  let i = bytes.indexOf(terminator)
  while (i !== -1) {
    n++
    i = bytes.indexOf(terminator, i + 1)
  }
  return n
}

/** The body after a UNA (the tokenizer skips it too); the peer is told the separators instead. */
function afterUna (text: string): string {
  return text.startsWith('UNA') ? text.slice(9) : text
}

/**
 * node-edifact tokenizing into the same shape as ours (segments of elements of components), as its
 * own Reader does. UNOC so it accepts lower case and Latin-1; separators configured explicitly,
 * because its UNA reader rejects a UNA that declares a repetition separator (`UNA:+.?*'`).
 */
export function peerTokenize (bytes: Buffer, s: Separators): number {
  const parser = new Parser()
  parser.encoding('UNOC')
  parser.configure({
    segmentTerminator: s.segment.charCodeAt(0),
    dataElementSeparator: s.element.charCodeAt(0),
    componentDataSeparator: s.component.charCodeAt(0),
    decimalMark: s.decimal.charCodeAt(0),
    releaseCharacter: (s.release ?? '?').charCodeAt(0)
  })
  const result: Array<{ name: string, elements: string[][] }> = []
  let elements: string[][] = []
  let components: string[] = []
  parser.onopensegment = name => { result.push({ name, elements: elements = [] }) }
  parser.onelement = () => { elements.push(components = []) }
  parser.oncomponent = value => { components.push(value) }
  parser.write(afterUna(bytes.toString('latin1')))
  parser.end()
  return result.length
}

/** Parse, map and validate every message, as the pipeline's assessment does. */
export function fullParse (bytes: Buffer, receivedAt: Date): number {
  const ix = parseInterchange(bytes, { maxSegments: 2_000_000 })
  let findings = ix.errors.length
  for (const m of ix.messages) {
    const r = mapMessage(m, { receivedAt })
    if (r.type === 'PAXLST') findings += validateModel('PAXLST', r.model, m.reference).length
    else if (r.type === 'PNRGOV') findings += validateModel('PNRGOV', r.model, m.reference).length
    findings += r.findings.length
  }
  return findings
}

export interface ParseBenchOptions extends ThroughputOptions {
  /** Measure each contender in a fresh child process. @default false */
  isolate?: boolean
  /** Passengers in the generated PAXLST. @default 150 */
  passengers?: number
  /** Size of the generated PNRGOV push. @default 5_000_000 */
  pnrgovBytes?: number
  /** Include the largest real sample when the samples folder exists. @default true */
  sample?: boolean
  /** Inputs measured first, before the generated ones (the smoke test passes a fixture). */
  inputs?: ParseInput[]
}

export interface ParseResult {
  input: string
  bytes: number
  segments: number
  mbps: Record<'bare' | 'tokenize' | 'parseInterchange' | 'full' | 'peer', Figure | null>
  peerError: string | null
}

const MB = 1_000_000

export const CONTENDERS = ['bare', 'tokenize', 'parseInterchange', 'full', 'peer'] as const
export type Contender = typeof CONTENDERS[number]

/** What the peer is timed on: the bytes, or (when it rejects them) the bytes with C1 bytes replaced. */
export function peerInput (bytes: Buffer, sep: Separators): { bytes: Buffer | null, note: string | null } {
  try {
    peerTokenize(bytes, sep)
    return { bytes, note: null }
  } catch (err) {
    const why = (err as Error).message.replace(/Invalid character .* at/, 'invalid character at').slice(0, 80)
    // node-edifact refuses C1 control bytes (0x80–0x9F) even under UNOC, and real files carry
    // them: time it on the same bytes with those replaced, and say so beside the figure.
    const cleaned = Buffer.from(bytes)
    let replaced = 0
    for (let i = 0; i < cleaned.length; i++) if (cleaned[i] >= 0x80 && cleaned[i] < 0xa0) { cleaned[i] = 0x58; replaced++ }
    try {
      peerTokenize(cleaned, sep)
      return { bytes: cleaned, note: `rejects the file (${why}); timed with ${replaced} C1 byte(s) replaced by X` }
    } catch {
      return { bytes: null, note: `rejects the file (${why})` }
    }
  }
}

/** Measures one contender on one input in this process: MB/s per run, and a note. */
export function measure (contender: Contender, bytes: Buffer, opts: ThroughputOptions = {}): { rates: number[], note: string | null } {
  const sep = parseInterchange(bytes, { maxSegments: 2_000_000 }).separators
  if (sep === null) throw new Error('no interchange')
  const receivedAt = new Date('2025-01-14T06:30:00Z')
  // Bigger inputs take longer per call; keep each run long enough for several calls.
  const o = { ...opts, runMs: Math.max(opts.runMs ?? 400, bytes.length > MB ? 800 : 0) }
  const mbps = (fn: () => unknown, n: number): number[] => throughput(fn, n, o).map(r => r / MB)
  switch (contender) {
    case 'bare': return { rates: mbps(() => bareScan(bytes, sep.segment.charCodeAt(0)), bytes.length), note: null }
    case 'tokenize': return { rates: mbps(() => tokenize(bytes, sep, { maxSegments: 2_000_000 }).length, bytes.length), note: null }
    case 'parseInterchange':
      return { rates: mbps(() => parseInterchange(bytes, { maxSegments: 2_000_000 }).segmentCount, bytes.length), note: null }
    case 'full': return { rates: mbps(() => fullParse(bytes, receivedAt), bytes.length), note: null }
    case 'peer': {
      const input = peerInput(bytes, sep)
      const b = input.bytes
      return { rates: b === null ? [] : mbps(() => peerTokenize(b, sep), b.length), note: input.note }
    }
  }
}

/**
 * Each contender in a fresh process of its own (`isolate`, the default for `npm run bench`), so
 * that none pays for another's garbage or heap growth: measured in one process, the same
 * tokenizer ran at 10 to 80 MB/s depending on what ran before it. The input goes through a file.
 */
export function measureIsolated (contender: Contender, file: string, opts: ThroughputOptions): { rates: number[], note: string | null } {
  const out = execFileSync(process.execPath, [...process.execArgv, sibling('parse-child'), file, contender, JSON.stringify(opts)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20
  })
  return JSON.parse(out) as { rates: number[], note: string | null }
}

/** The parse-child mode that measures CPU per body instead of throughput (bench/e2e.ts "sum of parts"). */
export const FULL_CPU = 'full-cpu'

/**
 * CPU milliseconds per full parse + map + validate of `bytes` (the 'full' contender's work), one
 * value per run, with process.cpuUsage over many calls after the warm-up (stats.ts `cpuPerCall`).
 */
export function fullParseCpu (bytes: Buffer, opts: ThroughputOptions = {}): number[] {
  const receivedAt = new Date('2025-01-14T06:30:00Z')
  return cpuPerCall(() => fullParse(bytes, receivedAt), opts)
}

/**
 * `fullParseCpu` of the file in a fresh process, as `isolate` measures the throughput figures:
 * what the bench process ran before would otherwise be paid for in its garbage collections.
 * Asynchronous, so the bench process keeps serving its children's IPC meanwhile.
 */
export async function fullParseCpuIsolated (file: string, opts: ThroughputOptions): Promise<number[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath, [...process.execArgv, sibling('parse-child'), file, FULL_CPU, JSON.stringify(opts)],
    { encoding: 'utf8', maxBuffer: 1 << 20 }
  )
  return (JSON.parse(stdout) as { msPerCall: number[] }).msPerCall
}

export function benchParseInput (input: ParseInput, opts: ParseBenchOptions = {}): ParseResult {
  const { bytes } = input
  const ix = parseInterchange(bytes, { maxSegments: 2_000_000 })
  if (ix.separators === null) throw new Error(`${input.name}: no interchange`)
  let dir: string | null = null
  try {
    let file = ''
    if (opts.isolate === true) {
      dir = mkdtempSync(join(tmpdir(), 'cg-bench-parse-'))
      file = join(dir, 'input.edi')
      writeFileSync(file, bytes)
    }
    const mbps = {} as ParseResult['mbps']
    let peerError: string | null = null
    for (const c of CONTENDERS) {
      const m = opts.isolate === true ? measureIsolated(c, file, opts) : measure(c, bytes, opts)
      mbps[c] = m.rates.length === 0 ? null : figureOf(m.rates, 'MB/s')
      if (c === 'peer') peerError = m.note
    }
    return { input: input.name, bytes: bytes.length, segments: ix.segmentCount, mbps, peerError }
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true })
  }
}

export function parseInputs (opts: ParseBenchOptions = {}): ParseInput[] {
  const inputs: ParseInput[] = [...(opts.inputs ?? [])]
  if (opts.sample !== false) {
    const s = largestSample()
    if (s !== null) inputs.push(s)
  }
  const pax = opts.passengers ?? 150
  inputs.push({ name: `generated PAXLST ${pax} pax`, bytes: paxlst({ passengers: pax }) })
  const size = opts.pnrgovBytes ?? 5_000_000
  inputs.push({ name: `generated PNRGOV ${(size / MB).toFixed(size < MB ? 2 : 0)} MB`, bytes: pnrgovOfSize(size) })
  return inputs
}

export function benchParse (opts: ParseBenchOptions = {}): { results: ParseResult[], rows: Row[] } {
  const results = parseInputs(opts).map(i => benchParseInput(i, opts))
  return { results, rows: results.flatMap(parseRows) }
}

export function parseRows (r: ParseResult): Row[] {
  const section = `parse: ${r.input} (${(r.bytes / 1000).toFixed(1)} kB, ${r.segments} segments)`
  const m = r.mbps
  const tokBare = ratio(m.tokenize, m.bare)
  const tokPeer = ratio(m.tokenize, m.peer)
  return [
    { section, name: 'bare scan (Buffer.indexOf terminator)', figure: m.bare },
    { section, name: 'tokenizer (tokenize)', figure: m.tokenize, target: check('≥ 100 MB/s', m.tokenize?.median, 100) },
    { section, name: 'parseInterchange (clean+UNA+tokenize+envelope+charset)', figure: m.parseInterchange },
    { section, name: 'full parse + map + validate', figure: m.full, target: check('≥ 60 MB/s', m.full?.median, 60) },
    { section, name: 'peer: edifact npm Parser', figure: m.peer, ...(r.peerError !== null ? { note: r.peerError } : {}) },
    { section, name: 'ratio tokenizer / bare scan', figure: tokBare, target: check('≥ 0.25', tokBare?.median, 0.25) },
    { section, name: 'ratio tokenizer / peer', figure: tokPeer, target: check('≥ 5', tokPeer?.median, 5) }
  ]
}
