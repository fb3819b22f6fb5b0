/**
 * The EDIFACT syntax engine: bytes in, `Interchange` out (ISO 9735-1 UNA … UNZ; findings carry the ISO 9735-4 0085 codes).
 * `parseInterchange` never throws: whatever the bytes, the result says what was found and what is
 * wrong with it, positioned as CONTRL needs and without any value from the input in its texts.
 */
import type { Interchange, Segment, Separators } from './types.js'
import { DEFAULT_MAX_SEGMENTS, DEFAULT_MAX_VALUE_LENGTH, because, scanSegments } from './tokenizer.js'
import { finding } from '../transmission/index.js'
import { readServiceAdvice, type LineBreakTerminator } from './una.js'
import type { OutsideText } from './tokenizer.js'
import type { EnvelopeResult } from './envelope.js'
import { classifyLeading, classifyTrailing, findStart, mapUnfolded, trimEnd, unfold, unterminatedEnd } from './transport.js'
import { readEnvelope } from './envelope.js'
import { checkCharset } from './charset.js'
import type { Finding, Stripped } from '../transmission/index.js'

export type { GroupFacts, Interchange, MessageEnvelope, Segment, Separators, UnbFacts } from './types.js'
export { tokenize, REASONS, type TokenizeOptions } from './tokenizer.js'
export { componentOf, elementCountOf, elementOf } from './tape.js'
export { adviceString, defaultSeparators } from './una.js'
export { preparedAt } from './envelope.js'

/** How to read one transmission; set per channel and carrier agreement. */
export interface ParseOptions {
  /** Remove CR/LF everywhere inside the interchange: Type B line folding (docs/agreements.md `typeB`). @default false */
  typeB?: boolean
  /** Repair a malformed UNA from what the UNB segment shows, with a warning instead of error 20. @default false */
  unaRepair?: boolean
  /** At most this many segments are read (GW_ERR_EDIFACT_TOO_MANY_SEGMENTS beyond). @default 200000 */
  maxSegments?: number
  /** Values longer than this are truncated and reported (GW_ERR_EDIFACT_TOO_LONG). @default 512 */
  maxValueLength?: number
  /** The agreement's choices where real traffic departs from ISO 9735 (docs/conformance.md). */
  syntax?: SyntaxPolicy
}

/** What to do with a departure: reject it (an error), accept it with a warning, or accept it silently. */
export type Departure = 'reject' | 'warn' | 'ignore'

/** docs/agreements.md `syntax`; the defaults are the ones below. */
export interface SyntaxPolicy {
  /** Text between segments that is no segment (ISO 9735 code 33). @default 'reject' */
  outsideText?: Departure
  /** A line break declared by UNA as segment terminator (code 20). @default 'warn' */
  lineBreakTerminator?: Departure
}

/** The line-break choice in the words of the service-advice reader. */
function lineBreakChoice (d: Departure | undefined): LineBreakTerminator {
  return d === 'ignore' ? 'accept' : d ?? 'warn'
}

const isLineBreak = (ch: string): boolean => ch === '\n' || ch === '\r'

/**
 * Findings for text outside segments, placed by the segment that follows it: before UNG, UNZ or a
 * bare message's UNH it is outside any group (interchange level), before a grouped UNH or a UNE it
 * is in the group, and between two segments of a message it is in that message.
 */
function outsideFindings (runs: OutsideText[], segments: Segment[], env: EnvelopeResult, first: number): Finding[] {
  const text = because('GW_ERR_EDIFACT_OUTSIDE_MESSAGE', 'outsideText')
  return runs.map((run) => {
    const next = segments[run.before - first]
    const place = env.locate(run.before)
    const tag = next?.tag ?? null
    if (place.level === 'message' && tag !== 'UNH') {
      const where = { level: 'message' as const, message: place.message, group: place.group, segment: place.segment, text }
      return finding('GW_ERR_EDIFACT_OUTSIDE_MESSAGE', where)
    }
    const group = tag === 'UNG' || tag === 'UNZ' ? null : place.group
    return finding('GW_ERR_EDIFACT_OUTSIDE_MESSAGE', { level: group === null ? 'interchange' : 'group', group, segment: run.before, text })
  })
}

function empty (): Interchange {
  return {
    body: Buffer.alloc(0),
    repaired: false,
    stripped: [],
    separators: null,
    unb: null,
    groups: [],
    messages: [],
    segmentCount: 0,
    errors: [],
    warnings: []
  }
}

/** Positive integer option or its default: a bad option must not turn into an unbounded parse. */
function limit (value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback
}

function read (bytes: Buffer, options: ParseOptions): Interchange {
  const result = empty()
  const raw = bytes.toString('latin1')
  const start = findStart(raw)
  if (start < 0) {
    result.stripped = classifyTrailing(raw).map((s): Stripped => s.kind === 'trailer' ? { kind: 'leading-text', bytes: s.bytes } : s)
    result.errors.push(finding('GW_ERR_EDIFACT_NO_INTERCHANGE', { level: 'interchange' }))
    return result
  }
  const stripped: Stripped[] = classifyLeading(raw.slice(0, start))
  const region = raw.slice(start)
  const adviceOptions = { unaRepair: options.unaRepair === true, lineBreakTerminator: lineBreakChoice(options.syntax?.lineBreakTerminator) }
  // A UNA that declares a line break as terminator (and UNB ends in it) is read before any
  // unfolding: there, line breaks are the terminators, and Type B folding cannot be told from them.
  const asSent = region.startsWith('UNA') ? readServiceAdvice(region, 0, adviceOptions) : null
  const lineTerminated = asSent !== null && isLineBreak(asSent.separators.segment)
  const typeB = options.typeB === true && !lineTerminated
  const text = typeB ? unfold(region) : region
  const advice = typeB || asSent === null ? readServiceAdvice(text, 0, adviceOptions) : asSent
  if (advice === null) {
    result.stripped = stripped
    result.errors.push(finding('GW_ERR_EDIFACT_NO_INTERCHANGE', { level: 'interchange' }))
    return result
  }
  const separators: Separators = advice.separators
  const prefix = advice.repaired && advice.una !== null ? advice.una : text.slice(0, advice.unbStart)
  const tokenOptions = {
    maxSegments: limit(options.maxSegments, DEFAULT_MAX_SEGMENTS),
    maxValueLength: limit(options.maxValueLength, DEFAULT_MAX_VALUE_LENGTH),
    baseOffset: prefix.length - advice.unbStart
  }
  // Unless unfolded, the text is the decoding of the bytes from `start`: the scan reads those.
  const scanned = typeB ? undefined : bytes.subarray(start)
  const tok = scanSegments(text, separators, { ...tokenOptions, stopAfterUnz: true }, advice.unbStart, scanned)
  const segments: Segment[] = tok.segments
  const warnings: Finding[] = [...advice.warnings, ...tok.warnings]
  let end = tok.end
  const last = segments[segments.length - 1]
  if (!tok.terminated && last !== undefined) {
    // EOF inside the last segment. A UNZ has no line breaks, so one ends it and what follows is a
    // trailer (`UNZ+1+…` then a note); otherwise the segment runs to the last non-blank byte.
    const at = last.offset - tokenOptions.baseOffset
    const br = last.tag === 'UNZ' ? unterminatedEnd(text, at, typeB ? region : null) : -1
    end = br >= 0 ? br : trimEnd(text, text.length)
    const again = scanSegments(text.slice(0, end), separators, { ...tokenOptions, startIndex: last.index }, at)
    if (again.segments.length === 1) segments[segments.length - 1] = again.segments[0]
    if (last.tag === 'UNZ') {
      warnings.push(finding('GW_ERR_EDIFACT_TERMINATOR_MISSING', { level: 'interchange', segment: last.index, tag: 'UNZ' }))
    }
  }
  const mapped = typeB ? mapUnfolded(region, end, separators.segment) : { index: end, folds: 0 }
  if (mapped.folds > 0) stripped.push({ kind: 'folding', bytes: mapped.folds })
  stripped.push(...classifyTrailing(raw.slice(start + mapped.index)))

  const env = readEnvelope(segments, !tok.truncated)
  // Tokenizer findings carry interchange indices; CONTRL wants positions inside the message.
  for (const f of [...tok.errors, ...tok.warnings]) {
    if (f.level !== 'element' || f.segment === null) continue
    const place = env.locate(f.segment)
    Object.assign(f, {
      message: place.message,
      group: place.group,
      segment: place.segment,
      level: place.level === 'message' ? 'element' : place.level
    })
  }
  const charset = env.unb === null ? [] : checkCharset(env.unb.syntaxId, segments, separators, env.locate)
  const outsideMode = options.syntax?.outsideText ?? 'reject'
  const outside = outsideMode === 'ignore' ? [] : outsideFindings(tok.outside, segments, env, segments[0]?.index ?? 1)

  result.body = !typeB && !advice.repaired
    ? bytes.subarray(start, start + end)
    : Buffer.from(prefix + text.slice(advice.unbStart, end), 'latin1')
  result.repaired = advice.repaired || (typeB && mapped.folds > 0)
  result.stripped = stripped
  result.separators = separators
  result.unb = env.unb
  result.groups = env.groups
  result.messages = env.messages
  result.segmentCount = segments.length
  result.errors = [...advice.errors, ...tok.errors, ...env.errors, ...charset, ...(outsideMode === 'reject' ? outside : [])]
  result.warnings = [...warnings, ...env.warnings, ...(outsideMode === 'warn' ? outside : [])]
  return result
}

/**
 * Read one interchange from the bytes a carrier sent. Never throws: an engine defect is reported
 * as an unreadable interchange (REASONS.internal) rather than crashing the intake.
 */
export function parseInterchange (bytes: Buffer, options: ParseOptions = {}): Interchange {
  try {
    return read(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes as unknown as Uint8Array), options ?? {})
  } catch {
    const result = empty()
    const text = because('GW_ERR_EDIFACT_UNB_UNREADABLE', 'internal')
    result.errors.push(finding('GW_ERR_EDIFACT_UNB_UNREADABLE', { level: 'interchange', text }))
    return result
  }
}
