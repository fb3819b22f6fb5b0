/**
 * Segment tokenizer (ISO 9735-1 §7–8): splits an interchange body into segments, data elements and
 * components. It scans the bytes and slices values from their latin1 ("binary") decoding, so that
 * string indices equal byte offsets; UTF-8 or 8-bit bytes appear as single chars and are judged
 * later by the character-set checks, for which the scan notes each segment's character classes.
 * The scan does all the lexical work (separators, release characters, limits and their findings)
 * but makes no value strings: it records where each component lies on a tape (tape.ts). A
 * segment's tag is read at once; its values are materialised on demand, when `elements` (or one
 * value, through `componentOf`) is read, by slicing between separators and removing release
 * characters then (ISO 9735-1 §8: a released separator is data, so never `split`). The envelope and the mappers read only some values,
 * and a large interchange no longer keeps a string per value alive for the garbage collector to copy.
 */
import { ERRORS, type ErrorId } from '../errors.js'
import type { Segment, Separators } from './types.js'
import { CLASS_OF, CONTROL, SERVICE } from './classes.js'
import { OPENS_ELEMENT, RELEASED, Tape, TapeSegment } from './tape.js'
import { finding, type Finding, type FindingAt } from '../transmission/index.js'

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
  /** Runs of text that were no segment, each skipped before the segment it preceded (its index). */
  outside: OutsideText[]
}

/** Text between segments that is not one (comments, notes): where and how long, never its content. */
export interface OutsideText { before: number, offset: number, bytes: number }

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
  lineBreakTerminator: 'the segment terminator is a line break, a control character outside the syntax level',
  outsideText: 'text outside any segment',
  version: 'syntax version not supported',
  macro: 'unexpanded harness macro',
  internal: 'the engine could not read the interchange'
})

/** The catalogue text with the engine's reason appended: still a fixed sentence, never input. */
export function because (id: ErrorId, reason: keyof typeof REASONS): string {
  return `${ERRORS[id].text}: ${REASONS[reason]}`
}

/** A segment tag is reported only when it looks like one; a mangled "tag" may be passenger data. */
export function safeTag (tag: string): string | null {
  return /^[A-Z][A-Z0-9]{2}$/.test(tag) ? tag : null
}

const NONE = -1

function code (ch: string | null): number {
  return ch === null || ch.length === 0 ? NONE : ch.charCodeAt(0)
}

/** Space, tab, CR, LF, FF: skipped before a tag and after a terminator (docs/testing.md "Fixtures"). */
function isBlank (c: number): boolean {
  return c === 0x20 || c === 0x0d || c === 0x0a || c === 0x09 || c === 0x0c
}

const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a
const isUpperAlnum = (c: number): boolean => isUpper(c) || (c >= 0x30 && c <= 0x39)
/** Blank or ASCII punctuation: what may precede a tag in running text (bytes ≥ 0x80 may be letters). */
const isBoundary = (c: number): boolean => c < 0x80 && !isUpperAlnum(c) && !(c >= 0x61 && c <= 0x7a)

/** A segment starts with its tag: an upper-case letter, two more letters or digits, then a separator. */
function tagAt (data: Uint8Array, n: number, j: number, E: number, C: number, S: number): boolean {
  return j + 2 < n && isUpper(data[j]) && isUpperAlnum(data[j + 1]) && isUpperAlnum(data[j + 2]) &&
    (j + 3 === n || data[j + 3] === E || data[j + 3] === C || data[j + 3] === S)
}

/**
 * One string per tag for the whole process: every segment starts with one, so building and
 * interning it per segment was a sixth of the scan. Bounded by the tag alphabet (26 × 36 × 36).
 */
const TAGS = new Map<number, string>()

/** The tag at `j`, which `tagAt` accepted (three characters, then a separator). */
function tagOf (data: Uint8Array, j: number): string {
  const key = (data[j] << 16) | (data[j + 1] << 8) | data[j + 2]
  let tag = TAGS.get(key)
  if (tag === undefined) TAGS.set(key, tag = internalized(String.fromCharCode(data[j], data[j + 1], data[j + 2])))
  return tag
}

/**
 * The engine's own copy of `s` (V8 keeps one per distinct property key, shared with the source's
 * literals): comparing a tag with `'NAD'`, as the structure walker and the mappers do for every
 * segment, is then a pointer comparison instead of a comparison of characters.
 */
function internalized (s: string): string {
  return Object.keys({ [s]: 0 })[0]
}

/**
 * Where the segment really starts when the text at `from` is no tag: the first tag after a blank
 * or punctuation before the next terminator (`/* note *\/ UNH+1+…`). ISO 9735-1 §5 allows nothing but segments
 * in an interchange, so such text is reported (docs/conformance.md "Text outside segments")
 * rather than read as part of the next segment, which would lose that segment's tag.
 */
function skipText (data: Uint8Array, n: number, from: number, E: number, C: number, S: number, R: number): number {
  if (tagAt(data, n, from, E, C, S)) return from
  for (let j = from + 1; j < n && data[j] !== S; j++) {
    if (data[j] === R) { j++; continue }
    // After a blank or punctuation: Type B unfolding may have removed the line break (`*\/UNG+…`).
    if (isBoundary(data[j - 1]) && tagAt(data, n, j, E, C, S)) return j
  }
  return from
}

/** The place of a finding in the segment being scanned (interchange index; the envelope re-positions it). */
function where (index: number, tag: string | null, elementCount: number): FindingAt {
  return { level: 'element', segment: index, tag: tag === null ? null : safeTag(tag), element: tag === null ? null : elementCount + 1 }
}

/**
 * The bytes the scan reads, one per character of `text`: its latin1 encoding, which is what a
 * decoded transmission is (reading a typed array is much faster than `charCodeAt`). A character
 * beyond latin1, possible only in a string handed to the tokenizer, is read as a control byte
 * that is no service character: data, as it would be in the text.
 */
function latin1Bytes (text: string, service: number[]): Uint8Array {
  const bytes = Buffer.from(text, 'latin1')
  let standIn = -1
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) <= 0xff) continue
    if (standIn < 0) for (standIn = 1; service.includes(standIn);) standIn++
    bytes[i] = standIn
  }
  return bytes
}

/**
 * Tokenize `text` from `start` (the first tag, normally UNB). Never throws; problems become findings
 * positioned by interchange index (UNB = 1); the envelope later re-positions them inside messages.
 * `bytes` may give the latin1 bytes of `text` when the caller has them, to save encoding it again.
 */
export function scanSegments (
  text: string,
  separators: Separators,
  opts: TokenizeOptions = {},
  start = 0,
  bytes?: Uint8Array
): TokenizeResult {
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
  // One lookup per character: a service character that ends a run of data, or the data's class.
  const kinds = CLASS_OF.slice()
  for (const k of [C, E, S, R]) if (k >= 0 && k < 256) kinds[k] = SERVICE
  const tape = new Tape(text, R, maxValue, base, firstIndex, maxSegments)
  const data = bytes ?? latin1Bytes(text, [C, E, S, R, P])
  const segments: Segment[] = []
  const errors: Finding[] = []
  const warnings: Finding[] = []
  const outside: OutsideText[] = []
  const n = text.length
  let i = start
  let terminated = true
  let truncated = false
  // Per-segment state lives in plain locals that no closure captures: a captured variable lives in a
  // context object, and the scan would read and write it there for every character.
  let index = 0
  let row = 0
  let tag: string | null = null // null while the tag's data element is still open
  let tagText = '' // first component of the tag's data element
  let wellFormedTag: string | null = null // the tag when it is three characters and a separator, as it should be
  let elementCount = 0 // data elements kept so far (at most maxParts)
  let compCount = 0 // components kept so far in the current element (at most maxParts)
  let vs = 0 // start of the current component
  let run = 0 // start of its current unreleased run: line breaks before a terminator are trimmed back to it
  let releases = 0 // release characters in the current component
  let reported = 0 // per segment bits: 1 too long, 2 constituents dropped, 4 release warned, 8 drop reported
  let classes = 0 // character classes seen in the segment, for the character-set check
  let open = false

  for (;;) {
    if (!open) {
      // Service characters are never skipped as blanks, even when one is a space or a line feed.
      while (i < n && isBlank(data[i]) && kinds[data[i]] !== SERVICE) i++
      if (i >= n) break
      index = firstIndex + segments.length
      wellFormedTag = tagAt(data, n, i, E, C, S) ? tagOf(data, i) : null
      if (wellFormedTag === null) {
        const tagStart = skipText(data, n, i, E, C, S, R)
        if (tagStart > i) {
          outside.push({ before: index, offset: base + i, bytes: tagStart - i })
          i = tagStart
          wellFormedTag = tagAt(data, n, i, E, C, S) ? tagOf(data, i) : null
        }
      }
      if (segments.length >= maxSegments) {
        errors.push(finding('GW_ERR_EDIFACT_TOO_MANY_SEGMENTS', { level: 'interchange', segment: index }))
        truncated = true
        break
      }
      vs = run = i
      row = tape.openSegment(i)
      tag = null
      elementCount = compCount = releases = reported = classes = 0
      open = true
    }
    let c = -1
    while (i < n) {
      c = data[i]
      const k = kinds[c]
      if (k === SERVICE) break
      classes |= k
      i++
    }
    const eof = i >= n
    if (!eof && c === R) {
      // ISO 9735 §8: the release character makes the next character (any service char, itself too) data.
      releases++
      i++
      if (i >= n) {
        const why = because('GW_ERR_EDIFACT_SERVICE_CHARACTER', 'danglingRelease')
        errors.push(finding('GW_ERR_EDIFACT_SERVICE_CHARACTER', { ...where(index, tag, elementCount), text: why }))
        run = n
        continue
      }
      const r = text.charCodeAt(i)
      if ((reported & 4) === 0 && r !== C && r !== E && r !== S && r !== R && r !== P) {
        reported |= 4
        if (warnings.length < MAX_FINDINGS) {
          const why = because('GW_ERR_EDIFACT_SERVICE_CHARACTER', 'releaseOrdinary')
          warnings.push(finding('GW_ERR_EDIFACT_SERVICE_CHARACTER', { ...where(index, tag, elementCount), text: why }))
        }
      }
      classes |= r < 256 ? CLASS_OF[r] : CONTROL
      run = i++ // the released character starts the next run
      continue
    }
    let end = i
    // CR/LF directly before a terminator is line structure, not data (docs/testing.md "Fixtures").
    if (!eof && c === S) while (end > run && (data[end - 1] === 0x0a || data[end - 1] === 0x0d)) end--
    // Each release character stands for nothing in the value; the tape keeps them until it is read.
    if (end - vs - releases > maxValue && (reported & 1) === 0) {
      reported |= 1
      if (errors.length < MAX_FINDINGS) {
        const component = tag === null ? null : compCount + 1
        errors.push(finding('GW_ERR_EDIFACT_TOO_LONG', { ...where(index, tag, elementCount), component }))
      }
    }
    if (compCount >= maxParts) reported |= 2
    else {
      if (tag === null) {
        if (compCount === 0) tagText = wellFormedTag ?? tape.value(vs, end, releases > 0)
      } else if (elementCount < maxParts) {
        tape.addComponent(vs, end, (compCount === 0 ? OPENS_ELEMENT : 0) | (releases > 0 ? RELEASED : 0))
      }
      compCount++
    }
    if (eof || c !== C) {
      // Blanks before the separator (`UNG *PAXLST`) are layout, as before the tag; extra tag
      // components (v4 nesting indicators) are not used by API/PNR messages.
      if (tag === null) tag = wellFormedTag ?? tagText.trimEnd()
      else if (elementCount < maxParts) elementCount++
      else reported |= 2
      compCount = 0
    }
    if ((reported & 10) === 2) {
      reported |= 8
      if (errors.length < MAX_FINDINGS) {
        errors.push(finding('GW_ERR_EDIFACT_TOO_MANY_CONSTITUENTS', { level: 'element', segment: index, tag: safeTag(tag ?? '') }))
      }
    }
    if (eof) {
      terminated = false
      tape.closeSegment(classes)
      segments.push(new TapeSegment(tape, row, tag ?? ''))
      i = n
      break
    }
    vs = run = ++i
    releases = 0
    if (c === S) {
      open = false
      tape.closeSegment(classes)
      segments.push(new TapeSegment(tape, row, tag ?? ''))
      if (opts.stopAfterUnz === true && tag === 'UNZ') break
    }
  }
  return { segments, errors, warnings, end: i, terminated, truncated, outside }
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
  return scanSegments(text, separators, opts, start, typeof body === 'string' ? undefined : body).segments
}
