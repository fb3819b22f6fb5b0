/**
 * Character repertoire checks per syntax level (ISO 9735-1 Annex A). Values are latin1
 * strings of the received bytes, so one char is one byte; UNOY/UNOW are checked as UTF-8 sequences.
 * Findings name the position (segment, element, component) and never the offending value. Most
 * segments are clean: those whose character classes, noted by the tokenizer (classes.ts), all lie
 * inside the repertoire are passed without materialising their values; only the others are
 * checked value by value.
 */
import type { Segment, Separators } from './types.js'
import { because, safeTag } from './tokenizer.js'
import { finding } from '../transmission/index.js'
import { TapeSegment } from './tape.js'
import { classesWithin } from './classes.js'
import type { Place } from './envelope.js'
import type { Finding } from '../transmission/index.js'

type Table = Uint8Array

function table (ranges: Array<[number, number]>, chars = ''): Table {
  const t = new Uint8Array(256)
  for (const [a, b] of ranges) for (let c = a; c <= b; c++) t[c] = 1
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1
  return t
}

// Level A: upper case, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < >
const LEVEL_A_CHARS = ' .,-()/=\'+:?!"%&*;<>'
const UNOA = table([[0x41, 0x5a], [0x30, 0x39]], LEVEL_A_CHARS)
// Level B adds lower case (ISO 646 basic set subset); PADIS IATA/IATB and Sirena SIRE read like it.
const UNOB = table([[0x41, 0x5a], [0x61, 0x7a], [0x30, 0x39]], LEVEL_A_CHARS)
// ISO 8859-x: the graphic characters of the G0 and G1 halves (C0/C1 controls excluded).
const LATIN = table([[0x20, 0x7e], [0xa0, 0xff]])
// UNOX (ISO 2022 code extension) also carries ESC sequences.
const LATIN_ESC = table([[0x20, 0x7e], [0xa0, 0xff]], '\x1b')

const TABLES: Record<string, Table> = { UNOA, UNOB, IATA: UNOB, IATB: UNOB, SIRE: UNOB, UNOX: LATIN_ESC }
for (const id of ['UNOC', 'UNOD', 'UNOE', 'UNOF', 'UNOG', 'UNOH', 'UNOI', 'UNOJ', 'UNOK']) TABLES[id] = LATIN
const UTF8_IDS = new Set(['UNOY', 'UNOW'])
// Valid as a one-byte UTF-8 sequence (isValidUtf8Text): printable ASCII.
const PRINTABLE_ASCII = table([[0x20, 0x7e]])

/** Index of the first char outside the table, or -1. Declared service characters are always allowed (they may be released). */
function firstInvalid (value: string, t: Table): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c > 0xff || t[c] === 0) return i
  }
  return -1
}

/** Valid UTF-8 without C0/C1 controls: sequences checked per RFC 3629 (no overlongs, no surrogates). */
export function isValidUtf8Text (value: string): boolean {
  const n = value.length
  for (let i = 0; i < n;) {
    const c = value.charCodeAt(i)
    if (c < 0x80) {
      if (c < 0x20 || c === 0x7f) return false
      i++
      continue
    }
    let need: number
    let min: number
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1
      min = 0x80
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2
      min = 0x800
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3
      min = 0x10000
    } else return false
    if (i + need >= n) return false
    let cp = c & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const b = value.charCodeAt(i + k)
      if ((b & 0xc0) !== 0x80) return false
      cp = (cp << 6) | (b & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0)) return false
    i += need + 1
  }
  return true
}

export interface CharsetOptions {
  /** Stop after this many findings; one is enough to reject, the rest only help the carrier. @default 200 */
  maxFindings?: number
}

/**
 * Check every component of every segment against the repertoire of `syntaxId`. Unexpanded test
 * harness macros `$(...)` (Astra fixtures) are reported as such instead of as bad characters.
 * Unknown syntax identifiers are not checked here: the envelope reports them (code 2).
 */
export function checkCharset (
  syntaxId: string,
  segments: Segment[],
  separators: Separators,
  locate: (index: number) => Place,
  opts: CharsetOptions = {}
): Finding[] {
  const out: Finding[] = []
  const utf8 = UTF8_IDS.has(syntaxId)
  const known = Object.hasOwn(TABLES, syntaxId) ? TABLES[syntaxId] : undefined
  if (known === undefined && !utf8) return out
  const t = known === undefined ? undefined : withServiceCharacters(known, separators)
  const pass = classesWithin(t ?? PRINTABLE_ASCII)
  const max = opts.maxFindings ?? 200
  for (const seg of segments) {
    if (seg instanceof TapeSegment && (seg.charClasses & ~pass) === 0) continue
    for (let e = 0; e < seg.elements.length; e++) {
      const comps = seg.elements[e]
      for (let c = 0; c < comps.length; c++) {
        const v = comps[c]
        const bad = t !== undefined ? firstInvalid(v, t) >= 0 : !isValidUtf8Text(v)
        const macro = v.includes('$(')
        if (!bad && !macro) continue
        const place = locate(seg.index)
        out.push(finding(macro ? 'GW_ERR_EDIFACT_HARNESS_MACRO' : 'GW_ERR_EDIFACT_CHARSET', {
          level: place.level === 'message' ? 'element' : place.level,
          message: place.message,
          group: place.group,
          segment: place.segment,
          tag: safeTag(seg.tag),
          element: e + 1,
          component: c + 1,
          family: macro ? null : 'characterSet',
          text: macro ? because('GW_ERR_EDIFACT_HARNESS_MACRO', 'macro') : undefined
        }))
        if (out.length >= max) return out
      }
    }
  }
  return out
}

/** The repertoire plus the service characters declared for this interchange: they may occur released inside values. */
function withServiceCharacters (repertoire: Table, separators: Separators): Table {
  const t = repertoire.slice()
  for (const ch of [separators.component, separators.element, separators.release, separators.repetition, separators.segment]) {
    if (ch !== null && ch.charCodeAt(0) < 256) t[ch.charCodeAt(0)] = 1
  }
  return t
}
