/**
 * One segment as it stands in the interchange text: where its elements and components lie, release
 * characters included (ISO 9735-1 clause 8: a released service character is data). The
 * sensitive-data filter (./sensitive.ts) edits the forwarded copy at these places so that every
 * byte it does not remove stays exactly as the carrier sent it, and reads values from here rather
 * than from the tokenizer, whose values are cut at `limits.maxValueLength`.
 */
import type { Separators } from '../../edifact/types.js'

/** [start, end) of one component in the text. */
export type Range = readonly [number, number]

export interface RawSegment {
  /** Index of the tag's first character. */
  start: number
  /** Index of the segment terminator (the text length when there is none). */
  terminator: number
  /** elements[i][j]: data element i after the tag, component j. */
  elements: Range[][]
}

/** Reads the segment whose tag starts at `start`, up to its (unreleased) terminator. */
export function readRawSegment (text: string, start: number, sep: Separators): RawSegment {
  const term = sep.segment
  const release = sep.release
  const elements: Range[][] = []
  let i = start
  while (i < text.length && text[i] !== sep.element && text[i] !== term) i++
  let element: Range[] | null = null
  let from = i + 1
  for (; i < text.length; i++) {
    const c = text[i]
    if (c === release) { i++; continue }
    if (c !== sep.element && c !== sep.component && c !== term) continue
    if (element !== null) element.push([from, i])
    if (c === term) break
    if (c === sep.element) { element = []; elements.push(element) }
    from = i + 1
  }
  if (i >= text.length && element !== null && from <= text.length) element.push([from, text.length])
  return { start, terminator: Math.min(i, text.length), elements }
}

/** A component's value: release characters removed, as the tokenizer gives it. */
export function valueOf (text: string, r: Range | undefined, sep: Separators): string {
  if (r === undefined) return ''
  const raw = text.slice(r[0], r[1])
  if (sep.release === null || !raw.includes(sep.release)) return raw
  let out = ''
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === sep.release && i + 1 < raw.length) i++
    out += raw[i]
  }
  return out
}

/** The words of a free text (letters and digits between anything else), upper-cased. */
export function wordsOf (value: string): string[] {
  return value.toUpperCase().split(/[^A-Z0-9]+/).filter(w => w !== '')
}
