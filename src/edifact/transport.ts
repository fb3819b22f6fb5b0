import type { Stripped } from '../transmission/index.js'
/**
 * Transport cleaning (docs/architecture.md "EnvelopeFacts", docs/testing.md "Fixtures"): carriers'
 * interchanges arrive wrapped in Type B address and originator lines, SOH/STX/ETX framing, SITA
 * trailers, form feeds and e-mail footers, and Type B folds lines every 64 characters even inside
 * values. This module finds where the interchange starts and ends and reports what surrounds it by
 * kind and size only, never its content.
 */

function isBlank (c: number): boolean {
  return c === 0x20 || c === 0x0d || c === 0x0a || c === 0x09
}

function isAlnum (c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}

/** C0 controls other than blanks (SOH, STX, ETX, FF, ...) and DEL. */
function isControl (c: number): boolean {
  return (c < 0x20 && !isBlank(c)) || c === 0x7f
}

/**
 * Index of the interchange start: the first "UNA" followed by UNB within a few bytes, or the first
 * "UNB" followed by a separator, each at the start of the text or after a non-alphanumeric byte
 * (so "XUNB" inside a header line does not count). -1 when there is none.
 */
export function findStart (text: string): number {
  // Both positions are cached so that many "UNA"s without a UNB stay a linear scan.
  let a = text.indexOf('UNA')
  let b = text.indexOf('UNB')
  while (a >= 0 || b >= 0) {
    const isA = a >= 0 && (b < 0 || a < b)
    const at = isA ? a : b
    if (isA) a = text.indexOf('UNA', at + 1)
    else b = text.indexOf('UNB', at + 1)
    if (at > 0 && isAlnum(text.charCodeAt(at - 1))) continue
    if (isA) {
      // UNA is followed by its service characters, never by a letter, digit or blank.
      const next = text.charCodeAt(at + 3)
      if (Number.isNaN(next) || isAlnum(next) || isBlank(next)) continue
      if (text.slice(at + 3, at + 27).includes('UNB')) return at
      continue
    }
    if (at + 3 < text.length && !isAlnum(text.charCodeAt(at + 3))) return at
  }
  return -1
}

function stripControls (line: string): string {
  let out = ''
  for (let i = 0; i < line.length; i++) if (!isControl(line.charCodeAt(i))) out += line[i]
  return out
}

function count (text: string, test: (c: number) => boolean): number {
  let k = 0
  for (let i = 0; i < text.length; i++) if (test(text.charCodeAt(i))) k++
  return k
}

/**
 * What precedes the interchange. Blank bytes alone are line structure, as around terminators, and
 * are not reported. A line starting with "." is a Type B originator line (`.HDQCRA9 130631`).
 */
export function classifyLeading (text: string): Stripped[] {
  const out: Stripped[] = []
  const controls = count(text, isControl)
  if (controls > 0) out.push({ kind: 'control-chars', bytes: controls })
  const other = text.length - controls
  if (other > count(text, isBlank)) {
    const typeB = text.split(/[\r\n]/).some((line) => /^\s*\.[A-Z0-9]{5,}/.test(stripControls(line)))
    out.push({ kind: typeB ? 'typeb-header' : 'leading-text', bytes: other })
  }
  return out
}

/** What follows the interchange: ETX/form feeds as control characters, any text as a trailer. */
export function classifyTrailing (text: string): Stripped[] {
  const out: Stripped[] = []
  const controls = count(text, isControl)
  if (controls > 0) out.push({ kind: 'control-chars', bytes: controls })
  const other = text.length - controls
  if (other > count(text, isBlank)) out.push({ kind: 'trailer', bytes: other })
  return out
}

/**
 * Remove every CR and LF (Type B folding). Builds the result from slices between line breaks, so
 * the cost is one pass and one join.
 */
export function unfold (text: string): string {
  const parts: string[] = []
  let from = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x0d || c === 0x0a) {
      if (i > from) parts.push(text.slice(from, i))
      from = i + 1
    }
  }
  if (from === 0) return text
  parts.push(text.slice(from))
  return parts.join('')
}

/**
 * Walk the folded original to the position matching `unfoldedIndex` in its unfolded form, counting
 * real folds on the way: CR/LF bytes that do not follow a segment terminator (a line break after a
 * terminator is ordinary line structure, not folding).
 */
export function mapUnfolded (original: string, unfoldedIndex: number, terminator: string): { index: number, folds: number } {
  const t = terminator.charCodeAt(0)
  let kept = 0
  let folds = 0
  let prev = -1
  let i = 0
  for (; i < original.length && kept < unfoldedIndex; i++) {
    const c = original.charCodeAt(i)
    if (c === 0x0d || c === 0x0a) {
      if (prev !== t) folds++
      continue
    }
    if (c !== 0x20 && c !== 0x09) prev = c // `' ` then a line break is still a line after a segment
    kept++
  }
  return { index: i, folds }
}

/** Length of `text` without trailing blanks and control characters. */
export function trimEnd (text: string, end: number): number {
  let e = end
  while (e > 0) {
    const c = text.charCodeAt(e - 1)
    if (!isBlank(c) && !isControl(c) && c !== 0x0c) break
    e--
  }
  return e
}

/**
 * Where an interchange whose last segment (UNZ, at `at`) has no terminator ends: at the first line
 * break after the UNZ tag, because UNZ holds no line breaks and what follows is a trailer (`UNZ+1+…`
 * then a note). In Type B mode the break is looked up in the folded original. -1 when none.
 */
export function unterminatedEnd (text: string, at: number, original: string | null): number {
  if (original === null) return nextLineBreak(text, at)
  let o = mapUnfolded(original, at, '\0').index
  while (o < original.length && (original.charCodeAt(o) === 0x0d || original.charCodeAt(o) === 0x0a)) o++
  const br = nextLineBreak(original, o + 3)
  if (br < 0) return -1
  let kept = 0
  for (let i = 0; i < br; i++) if (original.charCodeAt(i) !== 0x0d && original.charCodeAt(i) !== 0x0a) kept++
  return kept
}

/** First CR or LF at or after `from`, or -1. */
function nextLineBreak (text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x0d || c === 0x0a) return i
  }
  return -1
}
