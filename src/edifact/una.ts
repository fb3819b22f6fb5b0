/**
 * Service string advice (ISO 9735-1 §7.1; docs/testing.md "Fixtures" for the variants carriers
 * send): the separators in effect, from UNA or from the defaults of the syntax identifier, with
 * detection (and optional repair) of malformed UNAs.
 */
import type { Separators } from './types.js'
import { because, type REASONS } from './tokenizer.js'
import { finding } from '../transmission/index.js'
import type { Finding } from '../transmission/index.js'

const LEVEL_A: Separators = { component: ':', element: '+', decimal: '.', release: '?', repetition: null, segment: "'" }
// ISO 9735 level B defaults are the information separators IS1/IS3/IS4; no release is needed.
const LEVEL_B: Separators = { component: '\x1f', element: '\x1d', decimal: '.', release: null, repetition: null, segment: '\x1c' }

/**
 * Syntax identifiers (UNB S001/0001) the engine reads, with their default separators. IATA, IATB and
 * SIRE follow the Sirena edilib table [ASTRA]: IATA decimal ',', IATB level-B controls with ',' and
 * '?', SIRE terminator '"' followed by a newline (the newline is skipped like any line break).
 */
const DEFAULTS: Record<string, Separators> = {
  UNOA: LEVEL_A,
  UNOB: LEVEL_B,
  IATA: { ...LEVEL_A, decimal: ',' },
  IATB: { ...LEVEL_B, decimal: ',', release: '?' },
  SIRE: { ...LEVEL_A, decimal: ',', segment: '"' }
}
for (const id of ['UNOC', 'UNOD', 'UNOE', 'UNOF', 'UNOG', 'UNOH', 'UNOI', 'UNOJ', 'UNOK', 'UNOW', 'UNOX', 'UNOY']) DEFAULTS[id] = LEVEL_A

/** Default separators of a syntax identifier, or null when the identifier is not supported. */
export function defaultSeparators (syntaxId: string): Separators | null {
  const d = Object.hasOwn(DEFAULTS, syntaxId) ? DEFAULTS[syntaxId] : undefined
  return d === undefined ? null : { ...d }
}

export function isSupportedSyntax (syntaxId: string): boolean {
  return Object.hasOwn(DEFAULTS, syntaxId)
}

export interface ServiceAdvice {
  separators: Separators
  /** Index of the UNB tag in the text. */
  unbStart: number
  /** The UNA exactly as it must appear in the body: as sent, or rebuilt when repaired; null without UNA. */
  una: string | null
  repaired: boolean
  errors: Finding[]
  warnings: Finding[]
}

function isAlnum (c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}

function isBlank (c: number): boolean {
  return c === 0x20 || c === 0x0d || c === 0x0a || c === 0x09 || c === 0x0c
}

/** Usable as a service character: printable ASCII punctuation, or a level-B information separator. */
function usable (ch: string | undefined): boolean {
  if (ch === undefined || ch.length !== 1) return false
  const c = ch.charCodeAt(0)
  if (c >= 0x1c && c <= 0x1f) return true
  return c > 0x20 && c < 0x7f && !isAlnum(c)
}

/**
 * The character that really ends UNB: the last non-blank character before the next UNG/UNH/UNZ tag
 * followed by the element separator. Null when no such tag follows closely (UNB is at most a few
 * hundred characters), so the check is skipped rather than guessed.
 */
export function inferTerminator (text: string, unb: number, element: string): string | null {
  const limit = Math.min(text.length - 3, unb + 600)
  for (let i = unb + 4; i < limit; i++) {
    if (text.charCodeAt(i) !== 0x55 || text.charCodeAt(i + 1) !== 0x4e) continue
    const t = text.charCodeAt(i + 2)
    if ((t !== 0x47 && t !== 0x48 && t !== 0x5a) || text[i + 3] !== element) continue
    let j = i - 1
    while (j > unb && isBlank(text.charCodeAt(j))) j--
    const ch = text[j]
    if (ch !== element && usable(ch)) return ch
  }
  return null
}

function isLineBreak (ch: string | undefined): boolean {
  return ch === '\n' || ch === '\r'
}

/** An envelope tag (UNG/UNH/UNZ) and its element separator at `i`, not the tail of a longer word. */
function envelopeTagAt (text: string, i: number, element: string): boolean {
  if (text.charCodeAt(i) !== 0x55 || text.charCodeAt(i + 1) !== 0x4e || text[i + 3] !== element) return false
  const t = text.charCodeAt(i + 2)
  return (t === 0x47 || t === 0x48 || t === 0x5a) && !isAlnum(text.charCodeAt(i - 1))
}

/**
 * Whether UNB ends with the declared terminator: its first unreleased occurrence after the UNB tag
 * comes before the next envelope tag (ISO 9735-1 §7: a segment runs to its terminator). Text after
 * the terminator (comments, line breaks) is no evidence against the advice. A line break declared
 * as terminator agrees when the first line break ends UNB: the next line starts the next envelope
 * segment, and UNB does not end in another service-like character (`…'` then LF means the line
 * break is only layout). Null when nothing closely follows UNB: no evidence either way.
 */
export function unbEndsWith (text: string, unb: number, element: string, release: string | null, terminator: string): boolean | null {
  const limit = Math.min(text.length, unb + 600)
  for (let i = unb + 3; i < limit; i++) {
    const ch = text[i]
    if (ch === release) { i++; continue }
    if (ch === terminator) {
      if (!isLineBreak(terminator)) return true
      let j = i
      while (j < text.length && isBlank(text.charCodeAt(j))) j++
      const before = text[i - 1]
      return envelopeTagAt(text, j, element) && !(before !== element && usable(before))
    }
    if (envelopeTagAt(text, i, element)) return false
  }
  return null
}

/** Find the UNB that must follow a UNA: right after its six characters (and blanks), or near it. */
function findUnb (text: string, una: number): { at: number, direct: boolean } | null {
  let i = una + 9
  while (i < text.length && isBlank(text.charCodeAt(i))) i++
  if (text.startsWith('UNB', i)) return { at: i, direct: true }
  const near = text.slice(una + 3, una + 27).indexOf('UNB')
  return near >= 0 ? { at: una + 3 + near, direct: false } : null
}

interface Check { reason: keyof typeof REASONS, position: number | null }

function checkAdvice (raw: string, text: string, unb: { at: number, direct: boolean }): Check | null {
  if (raw.length < 6) return { reason: 'tooShort', position: raw.length + 1 }
  // Positions 4 (release) and 5 (repetition) may be a space: "not used" (ISO 9735-1 §7.1). A line
  // break as terminator (position 6) is checked against UNB below (docs/conformance.md "LF as terminator").
  for (let p = 0; p < 6; p++) {
    const ch = raw[p]
    if ((p === 3 || p === 4) && ch === ' ') continue
    if (p === 5 && isLineBreak(ch)) continue
    if (p === 2 ? ch !== '.' && ch !== ',' : !usable(ch)) return { reason: 'invalidChar', position: p + 1 }
  }
  const delimiters = [raw[0], raw[1], raw[3], raw[4], raw[5]].filter((ch) => ch !== ' ')
  if (new Set(delimiters).size !== delimiters.length) return { reason: 'invalidChar', position: null }
  if (!unb.direct) return { reason: 'tooShort', position: 6 }
  if (text[unb.at + 3] !== raw[1]) return { reason: 'elementMismatch', position: 2 }
  const ends = unbEndsWith(text, unb.at, raw[1], raw[3] === ' ' ? null : raw[3], raw[5])
  // A line break must prove itself: only an advice whose UNB really ends in it declares one.
  if (ends === false || (ends === null && isLineBreak(raw[5]))) {
    return { reason: isLineBreak(raw[5]) ? 'tooShort' : 'terminatorMismatch', position: 6 }
  }
  return null
}

/**
 * Rebuild a malformed advice from what the UNB segment shows: element separator from the character
 * after "UNB", terminator from what ends UNB; the remaining declared characters fill component,
 * decimal (only '.' or ','), release and repetition in order. Seen in PDF-copied PNRGOV examples
 * (`UNA:+\*'`, `UNA:+.\*’`).
 */
function repairAdvice (raw: string, text: string, unbAt: number): Separators {
  const element = usable(text[unbAt + 3]) ? text[unbAt + 3] : '+'
  const term = inferTerminator(text, unbAt, element) ?? "'"
  let chars = [...raw].filter((ch) => ch.charCodeAt(0) < 0x80)
  while (chars.length > 0 && isBlank(chars[chars.length - 1].charCodeAt(0))) chars.pop()
  if (chars[chars.length - 1] === term) chars.pop()
  chars = chars.filter((ch) => ch === ' ' || usable(ch))
  const component = chars[0] !== undefined && chars[0] !== element && chars[0] !== ' ' ? chars[0] : ':'
  let rest = chars.slice(2)
  let decimal = '.'
  if (rest[0] === '.' || rest[0] === ',') { decimal = rest[0]; rest = rest.slice(1) }
  const pick = (ch: string | undefined): string | null =>
    ch === undefined || ch === ' ' || ch === component || ch === element || ch === term ? null : ch
  const release = pick(rest[0])
  const repetition = pick(rest[1])
  return { component, element, decimal, release, repetition: repetition === release ? null : repetition, segment: term }
}

/** Serialise separators as the six UNA characters (space for "not used"). */
export function adviceString (s: Separators): string {
  return 'UNA' + s.component + s.element + s.decimal + (s.release ?? ' ') + (s.repetition ?? ' ') + s.segment
}

/** What an agreement decides about a line break declared as segment terminator (docs/agreements.md `syntax`). */
export type LineBreakTerminator = 'accept' | 'warn' | 'reject'

function fromUna (text: string, start: number, repair: boolean, lineBreak: LineBreakTerminator): ServiceAdvice | null {
  // A few stray bytes may sit between UNA and UNB in a broken advice; never read past UNB.
  const unb = findUnb(text, start)
  if (unb === null) return null
  const raw = text.slice(start + 3, Math.min(unb.at, start + 9))
  const problem = checkAdvice(raw, text, unb)
  if (problem === null) {
    const separators: Separators = {
      component: raw[0],
      element: raw[1],
      decimal: raw[2],
      release: raw[3] === ' ' ? null : raw[3],
      repetition: raw[4] === ' ' ? null : raw[4],
      segment: raw[5]
    }
    const una = text.slice(start, start + 9)
    const advice: ServiceAdvice = { separators, unbStart: unb.at, una, repaired: false, errors: [], warnings: [] }
    // Consistent and unambiguous, but a control character is outside the level A repertoire
    // (ISO 9735-1 Annex A): the agreement decides whether it is said, or rejects it as code 20.
    if (isLineBreak(separators.segment) && lineBreak !== 'accept') {
      const text = because('GW_ERR_EDIFACT_UNA_MALFORMED', 'lineBreakTerminator')
      const f = finding('GW_ERR_EDIFACT_UNA_MALFORMED', { level: 'interchange', tag: 'UNA', element: 6, text })
      if (lineBreak === 'warn') advice.warnings.push(f)
      else advice.errors.push(f)
    }
    return advice
  }
  const separators = repairAdvice(text.slice(start + 3, unb.at), text, unb.at)
  const f = finding('GW_ERR_EDIFACT_UNA_MALFORMED', {
    level: 'interchange',
    tag: 'UNA',
    element: problem.position,
    text: because('GW_ERR_EDIFACT_UNA_MALFORMED', problem.reason)
  })
  // Without repair the inferred separators are still used to read UNB, so that a negative CONTRL
  // can reference the interchange (ISO 9735-4: UCI echoes the subject's UNB 0020, S002 and S003);
  // the error keeps it rejected.
  return repair
    ? { separators, unbStart: unb.at, una: adviceString(separators), repaired: true, errors: [], warnings: [f] }
    : { separators, unbStart: unb.at, una: text.slice(start, unb.at), repaired: false, errors: [f], warnings: [] }
}

function fromDefaults (text: string, unbAt: number): ServiceAdvice {
  const after = text[unbAt + 3]
  let i = unbAt + 4
  while (i < text.length && i < unbAt + 8 && isAlnum(text.charCodeAt(i))) i++
  const syntaxId = text.slice(unbAt + 4, i)
  const declared = defaultSeparators(syntaxId) ?? { ...LEVEL_A }
  const advice: ServiceAdvice = { separators: declared, unbStart: unbAt, una: null, repaired: false, errors: [], warnings: [] }
  if (after === declared.element) return advice
  // A level-A/level-B swap (UNOB written with ':+'') is common and unambiguous: warn and follow it.
  const other = after === LEVEL_A.element ? LEVEL_A : after === LEVEL_B.element ? LEVEL_B : null
  const at = {
    level: 'interchange' as const,
    segment: 1,
    tag: 'UNB',
    element: 1,
    text: because('GW_ERR_EDIFACT_SERVICE_CHARACTER', 'defaultsMismatch')
  }
  if (other !== null) {
    advice.separators = { ...other, decimal: declared.decimal }
    advice.warnings.push(finding('GW_ERR_EDIFACT_SERVICE_CHARACTER', at))
    return advice
  }
  advice.errors.push(finding('GW_ERR_EDIFACT_SERVICE_CHARACTER', at))
  if (usable(after)) {
    advice.separators = { ...declared, element: after, segment: inferTerminator(text, unbAt, after) ?? declared.segment }
  }
  return advice
}

/**
 * Read the service string advice at `start` (which points at "UNA" or "UNB"). Returns null when no
 * UNB follows a UNA: there is then no interchange to identify.
 */
export function readServiceAdvice (
  text: string, start: number, opts: { unaRepair?: boolean, lineBreakTerminator?: LineBreakTerminator } = {}
): ServiceAdvice | null {
  if (text.startsWith('UNA', start)) return fromUna(text, start, opts.unaRepair === true, opts.lineBreakTerminator ?? 'warn')
  return fromDefaults(text, start)
}
