/**
 * Segment tokenizer (ISO 9735-1 §7–8): splits an interchange body into segments, data elements and
 * components, removing release characters. It scans character codes of a latin1 ("binary")
 * decoding so that string indices equal byte offsets; UTF-8 or 8-bit bytes appear as single chars
 * and are judged later by the character-set checks. Values are sliced between separators; strings
 * are only concatenated when a release character occurs (domain §1.2: never `split`).
 */
import { ERRORS, type ErrorId } from '../errors.js'
import type { Finding, FindingLevel, Segment, Separators } from './types.js'

/** Options of the tokenizer; every limit keeps memory bounded for hostile input. */
export interface TokenizeOptions {
  /** Stop (with GW_ERR_EDIFACT_TOO_MANY_SEGMENTS) after this many segments. @default 200000 */
  maxSegments?: number
  /** Longer values are truncated (GW_ERR_EDIFACT_TOO_LONG). @default 512 */
  maxValueLength?: number
  /** Data elements per segment and components per element beyond this are dropped (code 16). @default 999 */
  maxConstituents?: number
  /** Index given to the first segment (UNB = 1). @default 1 */
  startIndex?: number
  /** Added to every offset, e.g. the length of a UNA that precedes the text. @default 0 */
  baseOffset?: number
  /** Stop after the first UNZ segment, leaving what follows to the transport layer. @default false */
  stopAfterUnz?: boolean
}

export interface TokenizeResult {
  segments: Segment[]
  errors: Finding[]
  warnings: Finding[]
  /** Index just after the last consumed character (after UNZ's terminator when stopAfterUnz). */
  end: number
  /** False when the text ended inside a segment (no final terminator). */
  terminated: boolean
  /** True when maxSegments stopped the scan. */
  truncated: boolean
}

export const DEFAULT_MAX_SEGMENTS = 200000
export const DEFAULT_MAX_VALUE_LENGTH = 512
const DEFAULT_MAX_CONSTITUENTS = 999
/** Per-segment findings stop here: enough to reject and guide the carrier, bounded in memory. */
const MAX_FINDINGS = 1000

/** Fixed explanations that may follow a catalogue text; findings never carry input values. */
export const REASONS = Object.freeze({
  danglingRelease: 'release character at the end of the data',
  releaseOrdinary: 'release character before a character that is not a service character',
  terminatorMismatch: 'the segment terminator disagrees with the one ending UNB',
  tooShort: 'the service string advice has fewer than six characters',
  invalidChar: 'a service character is a letter, digit, control or duplicate',
  elementMismatch: 'the data element separator disagrees with the one following UNB',
  defaultsMismatch: 'the separator following UNB is not the default of the syntax identifier',
  version: 'syntax version not supported',
  macro: 'unexpanded harness macro',
  internal: 'the engine could not read the interchange'
})

/** Shape every finding the same way: catalogue code and text, no value from the input. */
export function finding (id: ErrorId, at: Partial<Omit<Finding, 'id' | 'code' | 'text'>> & { reason?: keyof typeof REASONS } = {}): Finding {
  const def = ERRORS[id]
  const { reason, ...pos } = at
  return {
    id,
    code: def.contrl ?? 18,
    level: 'element' as FindingLevel,
    message: null,
    group: null,
    segment: null,
    tag: null,
    element: null,
    component: null,
    family: null,
    ...pos,
    text: reason === undefined ? def.text : `${def.text}: ${REASONS[reason]}`
  }
}

/** A segment tag is reported only when it looks like one; a mangled "tag" may be passenger data. */
export function safeTag (tag: string): string | null {
  return /^[A-Z][A-Z0-9]{2}$/.test(tag) ? tag : null
}

const NONE = -1

function code (ch: string | null): number {
  return ch === null || ch.length === 0 ? NONE : ch.charCodeAt(0)
}

/** Space, tab, CR, LF, FF: skipped before a tag and after a terminator (domain §1.4). */
function isBlank (c: number): boolean {
  return c === 0x20 || c === 0x0d || c === 0x0a || c === 0x09 || c === 0x0c
}

/**
 * Tokenize `text` from `start` (the first tag, normally UNB). Never throws; problems become findings
 * positioned by interchange index (UNB = 1); the envelope later re-positions them inside messages.
 */
export function scanSegments (text: string, separators: Separators, opts: TokenizeOptions = {}, start = 0): TokenizeResult {
  const maxSegments = opts.maxSegments ?? DEFAULT_MAX_SEGMENTS
  const maxValue = opts.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH
  const maxParts = opts.maxConstituents ?? DEFAULT_MAX_CONSTITUENTS
  const firstIndex = opts.startIndex ?? 1
  const base = opts.baseOffset ?? 0
  const C = code(separators.component)
  const E = code(separators.element)
  const R = code(separators.release)
  const S = code(separators.segment)
  const P = code(separators.repetition)
  // Service characters are never skipped as blanks, even when one is a space or a line feed.
  const blank = (c: number): boolean => isBlank(c) && c !== C && c !== E && c !== S && c !== R
  const special = new Uint8Array(256)
  for (const k of [C, E, S, R]) if (k >= 0 && k < 256) special[k] = 1
  const segments: Segment[] = []
  const errors: Finding[] = []
  const warnings: Finding[] = []
  const n = text.length
  let i = start
  let terminated = true
  let truncated = false
  // Per-segment state lives in plain locals: closures per segment would cost more than the scan.
  let index = 0
  let segStart = 0
  let tag: string | null = null
  let elements: string[][] = []
  let comps: string[] = []
  let vs = 0 // start of the current unreleased run of the value
  let pending: string | null = null // the value so far when a release character split it
  let reported = 0 // per segment bits: 1 too long, 2 constituents dropped, 4 release warned, 8 drop reported
  let open = false
  const cache = new Map<number, string>()
  const shared = (from: number, to: number): string => {
    let key = to - from
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k)
      if (c > 0xff) return text.slice(from, to) // only latin1 keys are unambiguous
      key = key * 256 + c
    }
    let v = cache.get(key)
    if (v === undefined) cache.set(key, v = text.slice(from, to))
    return v
  }
  const where = (): Partial<Finding> => ({ segment: index, tag: tag === null ? null : safeTag(tag), element: tag === null ? null : elements.length + 1 })

  for (;;) {
    if (!open) {
      while (i < n && blank(text.charCodeAt(i))) i++
      if (i >= n) break
      index = firstIndex + segments.length
      if (segments.length >= maxSegments) {
        errors.push(finding('GW_ERR_EDIFACT_TOO_MANY_SEGMENTS', { level: 'interchange', segment: index }))
        truncated = true
        break
      }
      segStart = vs = i
      tag = null
      elements = []
      comps = []
      pending = null
      reported = 0
      open = true
    }
    let c = -1
    while (i < n) {
      c = text.charCodeAt(i)
      if (special[c] === 1) break
      i++
    }
    const eof = i >= n
    if (!eof && c === R) {
      // ISO 9735 §8: the release character makes the next character (any service char, itself too) data.
      if (pending === null || pending.length <= maxValue) pending = (pending ?? '') + text.slice(vs, i)
      i++
      if (i >= n) {
        errors.push(finding('GW_ERR_EDIFACT_SERVICE_CHARACTER', { ...where(), reason: 'danglingRelease' }))
        vs = n
        continue
      }
      const r = text.charCodeAt(i)
      if ((reported & 4) === 0 && r !== C && r !== E && r !== S && r !== R && r !== P) {
        reported |= 4
        if (warnings.length < MAX_FINDINGS) warnings.push(finding('GW_ERR_EDIFACT_SERVICE_CHARACTER', { ...where(), reason: 'releaseOrdinary' }))
      }
      vs = i++ // the released character starts the next run
      continue
    }
    let end = i
    // CR/LF directly before a terminator is line structure, not data (domain §1.4).
    if (!eof && c === S) while (end > vs && (text.charCodeAt(end - 1) === 0x0a || text.charCodeAt(end - 1) === 0x0d)) end--
    // Short values (tags, qualifiers, codes) repeat all over a message: share one string each, so
    // a large interchange allocates (and the GC copies) far fewer objects.
    let value = pending !== null
      ? pending + text.slice(vs, end)
      : end - vs > 3
        ? text.slice(vs, end)
        : shared(vs, end)
    pending = null
    if (value.length > maxValue) {
      value = value.slice(0, maxValue)
      if ((reported & 1) === 0) {
        reported |= 1
        if (errors.length < MAX_FINDINGS) errors.push(finding('GW_ERR_EDIFACT_TOO_LONG', { ...where(), component: tag === null ? null : comps.length + 1 }))
      }
    }
    if (comps.length < maxParts) comps.push(value)
    else reported |= 2
    if (eof || c !== C) {
      // Blanks before the separator (`UNG *PAXLST`) are layout, as before the tag; extra tag
      // components (v4 nesting indicators) are not used by API/PNR messages.
      if (tag === null) tag = comps[0].trimEnd()
      else if (elements.length < maxParts) elements.push(comps)
      else reported |= 2
      comps = []
    }
    if ((reported & 10) === 2) {
      reported |= 8
      if (errors.length < MAX_FINDINGS) errors.push(finding('GW_ERR_EDIFACT_TOO_MANY_CONSTITUENTS', { segment: index, tag: safeTag(tag ?? '') }))
    }
    if (eof) {
      terminated = false
      segments.push({ tag: tag ?? '', elements, index, offset: base + segStart })
      i = n
      break
    }
    vs = ++i
    if (c === S) {
      open = false
      segments.push({ tag: tag ?? '', elements, index, offset: base + segStart })
      if (opts.stopAfterUnz === true && tag === 'UNZ') break
    }
  }
  return { segments, errors, warnings, end: i, terminated, truncated }
}

/**
 * Tokenize an interchange body (as in `Interchange.body`) or any segment text. A leading UNA is
 * skipped because it is not a segment; indices count from the first segment (UNB = 1).
 */
export function tokenize (body: Buffer | string, separators: Separators, opts: TokenizeOptions = {}): Segment[] {
  const text = typeof body === 'string' ? body : body.toString('latin1')
  let start = 0
  if (text.startsWith('UNA')) {
    const unb = text.slice(3, 27).indexOf('UNB')
    start = unb >= 0 ? unb + 3 : Math.min(9, text.length)
  }
  return scanSegments(text, separators, opts, start).segments
}
