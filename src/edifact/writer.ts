/**
 * EDIFACT writer (ISO 9735): builds `UNA` + `UNB` … `UNZ` text for the acknowledgements the
 * gateway sends. Envelope counts (UNT, UNE, UNZ) are computed here, never by the caller, so a
 * generated interchange always passes the receiving side's control-count checks.
 *
 * Values are given unescaped; every service character inside a value is preceded by the release
 * character (ISO 9735-1 §7.2). Trailing empty components and elements are dropped, because ISO
 * 9735 forbids trailing separators (a reader reports them as 0085 code 45).
 */
import type { Separators } from './types.js'

/** Level A defaults as the PAXLST guide sends them: `UNA:+.? '` (no repetition separator). */
export const DEFAULT_SEPARATORS: Readonly<Separators> = Object.freeze({
  component: ':',
  element: '+',
  decimal: '.',
  release: '?',
  repetition: null,
  segment: "'"
})

/** PADIS (PNRGOV, ACKRES) service string: `UNA:+.?*'`, `*` declared as repetition separator. */
export const IATA_SEPARATORS: Readonly<Separators> = Object.freeze({
  component: ':',
  element: '+',
  decimal: '.',
  release: '?',
  repetition: '*',
  segment: "'"
})

/** A component value; null, undefined and '' are all "empty". */
export type Component = string | null | undefined
/** A simple data element (string) or a composite (list of components). */
export type ElementValue = Component | readonly Component[]

export interface SegmentSpec {
  /** Three upper-case letters. */
  tag: string
  elements?: readonly ElementValue[]
}

export interface MessageSpec {
  /** UNH/UNT 0062. */
  reference: string
  /** S009 components, e.g. `['CONTRL', 'D', '3', 'UN']`. */
  identifier: readonly Component[]
  /** UNH 0068. */
  commonAccessReference?: string | null
  /** UNH S010 (0070 sequence : 0073 first/last). */
  transfer?: readonly Component[] | null
  /** The segments between UNH and UNT. */
  segments: readonly SegmentSpec[]
}

export interface GroupSpec {
  /** UNG 0038 message group identification, e.g. `CONTRL`. */
  type: string
  /** S006 application sender. */
  sender?: ElementValue
  /** S007 application recipient. */
  recipient?: ElementValue
  /** UNG/UNE 0048. */
  reference: string
  /** 0051 controlling agency. */
  agency?: string | null
  /** S008 message version, e.g. `['D', '3']`. */
  version?: readonly Component[] | null
  messages: readonly MessageSpec[]
}

export interface InterchangeSpec {
  /** @default DEFAULT_SEPARATORS (`UNA:+.? '`) */
  separators?: Readonly<Separators>
  /** Write the UNA service string advice. @default true */
  una?: boolean
  /** UNB S001 components. @default ['UNOA', '4'] */
  syntax?: readonly Component[]
  /** UNB S002 (id, qualifier, routing). */
  sender: ElementValue
  /** UNB S003 (id, qualifier, routing). */
  recipient: ElementValue
  /** UNB S004: a Date (written as UTC `YYMMDD:HHMM`) or explicit date and time strings. */
  preparedAt: Date | { date: string, time: string }
  /** UNB/UNZ 0020, an..14. */
  reference: string
  /** S005 recipient reference/password. */
  recipientReference?: ElementValue
  /** 0026 application reference. */
  applicationReference?: string | null
  /** 0029 processing priority. */
  priority?: string | null
  /** 0031 = 1 when true. */
  ackRequest?: boolean
  /** 0032 interchange agreement id. */
  agreementId?: string | null
  /** 0035 = 1 when true. */
  test?: boolean
  /** Bare messages; not together with `groups` (ISO 9735: never mixed, CONTRL 30). */
  messages?: readonly MessageSpec[]
  groups?: readonly GroupSpec[]
  /** One segment per line (a newline after each terminator). @default false */
  newline?: boolean
}

const regexCache = new Map<string, RegExp>()

/** The characters that must be released inside a value under these separators. */
function serviceCharacters (separators: Readonly<Separators>): string {
  let chars = separators.component + separators.element + separators.segment
  if (separators.release !== null && separators.release !== ' ') chars += separators.release
  // The repetition separator is a service character only when UNA declares one (syntax 4).
  if (separators.repetition !== null && separators.repetition !== ' ') chars += separators.repetition
  return chars
}

function releasePattern (chars: string): RegExp {
  let re = regexCache.get(chars)
  if (re === undefined) {
    re = new RegExp('[' + chars.replace(/[\\\]^-]/g, '\\$&') + ']', 'g')
    regexCache.set(chars, re)
  }
  return re
}

/**
 * Releases every service character in `value` (component, element and segment separators, the
 * release character itself and a declared repetition separator). Throws a RangeError when the
 * value needs escaping but the separators declare no release character: such a value cannot be
 * written faithfully.
 */
export function escapeValue (value: string, separators: Readonly<Separators> = DEFAULT_SEPARATORS): string {
  const re = releasePattern(serviceCharacters(separators))
  re.lastIndex = 0
  if (!re.test(value)) return value
  const release = separators.release
  if (release === null || release === ' ') {
    throw new RangeError('value holds a service character and no release character is declared')
  }
  re.lastIndex = 0
  return value.replace(re, m => release + m)
}

function isEmpty (c: Component): boolean {
  return c === null || c === undefined || c === ''
}

function writeElement (element: ElementValue, separators: Readonly<Separators>): string {
  if (typeof element === 'string') return escapeValue(element, separators)
  if (element === null || element === undefined) return ''
  let end = element.length
  while (end > 0 && isEmpty(element[end - 1])) end--
  const parts: string[] = new Array(end)
  for (let i = 0; i < end; i++) {
    const c = element[i]
    parts[i] = isEmpty(c) ? '' : escapeValue(c as string, separators)
  }
  return parts.join(separators.component)
}

/** One segment without its terminator; trailing empty elements and components are dropped. */
export function writeSegment (segment: SegmentSpec, separators: Readonly<Separators> = DEFAULT_SEPARATORS): string {
  if (!/^[A-Z][A-Z0-9]{2}$/.test(segment.tag)) throw new RangeError('segment tag must be three upper-case characters')
  const written = (segment.elements ?? []).map(e => writeElement(e, separators))
  let end = written.length
  while (end > 0 && written[end - 1] === '') end--
  if (end === 0) return segment.tag
  return segment.tag + separators.element + written.slice(0, end).join(separators.element)
}

/** The UNA service string advice, e.g. `UNA:+.? '` (a space marks "none" at positions 4 and 5). */
export function serviceStringAdvice (separators: Readonly<Separators> = DEFAULT_SEPARATORS): string {
  return 'UNA' + separators.component + separators.element + separators.decimal +
    (separators.release ?? ' ') + (separators.repetition ?? ' ') + separators.segment
}

function pad2 (n: number): string {
  return n < 10 ? '0' + String(n) : String(n)
}

/** UNB S004 from a Date, in UTC: `YYMMDD` and `HHMM` (the form every API/PNR guide example uses). */
export function unbDateTime (date: Date): { date: string, time: string } {
  return {
    date: pad2(date.getUTCFullYear() % 100) + pad2(date.getUTCMonth() + 1) + pad2(date.getUTCDate()),
    time: pad2(date.getUTCHours()) + pad2(date.getUTCMinutes())
  }
}

function checkReference (ref: string, what: string, max: number): void {
  if (ref === '' || ref.length > max) throw new RangeError(`${what} must be 1 to ${max} characters`)
}

function pushMessage (out: SegmentSpec[], m: MessageSpec): void {
  checkReference(m.reference, 'message reference (0062)', 14)
  out.push({ tag: 'UNH', elements: [m.reference, m.identifier, m.commonAccessReference, m.transfer] })
  for (const s of m.segments) out.push(s)
  // UNT 0074 counts the message's segments from UNH to UNT inclusive.
  out.push({ tag: 'UNT', elements: [String(m.segments.length + 2), m.reference] })
}

/** Builds a complete interchange; counts and trailer references are computed, never supplied. */
export function writeInterchange (spec: InterchangeSpec): string {
  const separators = spec.separators ?? DEFAULT_SEPARATORS
  const messages = spec.messages ?? []
  const groups = spec.groups ?? []
  if (messages.length > 0 && groups.length > 0) throw new RangeError('an interchange holds either groups or messages, not both')
  checkReference(spec.reference, 'interchange reference (0020)', 14)
  const at = spec.preparedAt instanceof Date ? unbDateTime(spec.preparedAt) : spec.preparedAt

  const segs: SegmentSpec[] = [{
    tag: 'UNB',
    elements: [
      spec.syntax ?? ['UNOA', '4'], spec.sender, spec.recipient, [at.date, at.time], spec.reference,
      spec.recipientReference, spec.applicationReference, spec.priority,
      spec.ackRequest === true ? '1' : null, spec.agreementId, spec.test === true ? '1' : null
    ]
  }]
  if (groups.length > 0) {
    for (const g of groups) {
      checkReference(g.reference, 'group reference (0048)', 14)
      segs.push({ tag: 'UNG', elements: [g.type, g.sender, g.recipient, [at.date, at.time], g.reference, g.agency, g.version] })
      for (const m of g.messages) pushMessage(segs, m)
      segs.push({ tag: 'UNE', elements: [String(g.messages.length), g.reference] })
    }
  } else {
    for (const m of messages) pushMessage(segs, m)
  }
  // UNZ 0036 counts groups when groups are used, otherwise messages.
  segs.push({ tag: 'UNZ', elements: [String(groups.length > 0 ? groups.length : messages.length), spec.reference] })

  const terminator = separators.segment + (spec.newline === true ? '\n' : '')
  const lines = segs.map(s => writeSegment(s, separators))
  if (spec.una !== false) lines.unshift(serviceStringAdvice(separators).slice(0, -1))
  return lines.join(terminator) + terminator
}

const LEVEL_A = /^[A-Z0-9 .,\-()/='+:?!"%&*;<>]*$/
const LEVEL_B = /^[A-Za-z0-9 .,\-()/='+:?!"%&*;<>]*$/
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

export type SyntaxLevel = 'UNOA' | 'UNOB' | 'UNOC' | 'UNOY'

/**
 * The lowest syntax level that can carry the given values (ISO 9735-1 Annex A): UNOA (level A),
 * UNOB (level A plus lower case), UNOC (ISO 8859-1) while every character is printable ASCII, else
 * UNOY. Acks travel as UTF-8 text, so UNOC is chosen only where Latin-1 and UTF-8 bytes coincide.
 */
export function syntaxLevelFor (values: Iterable<string>): SyntaxLevel {
  let level: SyntaxLevel = 'UNOA'
  for (const v of values) {
    if (LEVEL_A.test(v)) continue
    if (LEVEL_B.test(v)) { if (level === 'UNOA') level = 'UNOB'; continue }
    if (!PRINTABLE_ASCII.test(v)) return 'UNOY'
    level = 'UNOC'
  }
  return level
}
