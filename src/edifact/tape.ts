/**
 * The tokenizer's record of where values lie (./tokenizer.ts): a tape of two growable Int32Arrays
 * in place of a string per value and an array per element, and the segments read from it, whose
 * values are materialised only when read. Mapping reads a few values of most segments, and values
 * kept on a segment stay alive (and are copied by the garbage collector) as long as the
 * interchange is, so the accessors at the end read one value or element without the rest.
 */
import type { Segment } from './types.js'

/** Component record flags, kept in the top bits of its start: text indices stay below 2^29 (V8's string length limit). */
export const OPENS_ELEMENT = 1 << 29 // the component opens a new data element
export const RELEASED = 1 << 30 // the component contains release characters to remove
const INDEX = (1 << 29) - 1

/** `a` copied into a new array twice as long. */
function doubled (a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2)
  b.set(a)
  return b
}

/** Every latin1 character as a string of its own: one-character values (codes, qualifiers) are the most common. */
const ONE_CHARACTER: readonly string[] = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c))

/** Fields of a segment row on the tape. */
const FROM = 0 // text index of the tag
const CLASSES = 1 // character classes (classes.ts) of the tag and values, service characters apart
const FIRST = 2 // first component record
const LAST = 3 // end of the component records
const ROW = 4

/**
 * Where the segments and components of one scan lie in its text: two growable Int32Arrays ("tape")
 * instead of a string per value and an array per element. Segment `row` owns a run of component
 * records, each the [start, end) of a value in the text, release characters included, flagged when
 * it opens a data element.
 */
export class Tape {
  readonly text: string
  /** Added to a text index to give a segment's offset; the first segment's index. */
  readonly base: number
  readonly firstIndex: number
  private readonly release: number
  private readonly maxValue: number
  /** Per component: start | flags, end. */
  private values: Int32Array
  private count = 0
  /** Per segment: ROW fields. */
  private segments: Int32Array
  private rows = 0
  /**
   * Short values (tags, qualifiers, codes) repeat all over a message: one string each, so that a
   * large interchange allocates (and the GC copies) far fewer objects.
   */
  private readonly short = new Map<number, string>()

  constructor (text: string, release: number, maxValue: number, base: number, firstIndex: number, maxSegments: number) {
    this.text = text
    this.release = release
    this.maxValue = maxValue
    this.base = base
    this.firstIndex = firstIndex
    // Sized for typical traffic (5 bytes or more per value, 24 or more per segment) so that it
    // seldom grows, but no larger than a few MB up front whatever the input claims to hold.
    this.values = new Int32Array(2 * (Math.min(Math.floor(text.length / 5), 1 << 20) + 16))
    this.segments = new Int32Array(ROW * (Math.min(Math.floor(text.length / 24), maxSegments, 1 << 18) + 16))
  }

  /** Starts a segment whose tag begins at `start`; returns its row. */
  openSegment (start: number): number {
    if (ROW * this.rows === this.segments.length) this.segments = doubled(this.segments)
    const r = ROW * this.rows
    this.segments[r + FROM] = start
    this.segments[r + FIRST] = this.count
    return this.rows++
  }

  /** Ends the open segment, whose characters fell in `classes`. */
  closeSegment (classes: number): void {
    const r = ROW * (this.rows - 1)
    this.segments[r + CLASSES] = classes
    this.segments[r + LAST] = this.count
  }

  addComponent (start: number, end: number, flags: number): void {
    if (2 * this.count === this.values.length) this.values = doubled(this.values)
    const k = 2 * this.count++
    this.values[k] = start | flags
    this.values[k + 1] = end
  }

  offsetOf (row: number): number {
    return this.base + this.segments[ROW * row + FROM]
  }

  classesOf (row: number): number {
    return this.segments[ROW * row + CLASSES]
  }

  /** The data elements of segment `row`, as the `Segment.elements` contract describes. */
  elementsOf (row: number): string[][] {
    const out: string[][] = []
    let comps: string[] = []
    for (let k = 2 * this.segments[ROW * row + FIRST], to = 2 * this.segments[ROW * row + LAST]; k < to; k += 2) {
      if ((this.values[k] & OPENS_ELEMENT) !== 0) out.push(comps = [])
      comps.push(this.valueAt(k))
    }
    return out
  }

  /** Number of data elements of segment `row`. */
  elementCount (row: number): number {
    let n = 0
    for (let k = 2 * this.segments[ROW * row + FIRST], to = 2 * this.segments[ROW * row + LAST]; k < to; k += 2) {
      if ((this.values[k] & OPENS_ELEMENT) !== 0) n++
    }
    return n
  }

  /** Component `c` of data element `e` of segment `row` (0-based), or undefined when absent. */
  componentOf (row: number, e: number, c: number): string | undefined {
    const k = this.find(row, e, c)
    return k < 0 ? undefined : this.valueAt(k)
  }

  /** The components of data element `e` of segment `row`, or undefined when absent. */
  elementOf (row: number, e: number): string[] | undefined {
    let k = this.find(row, e, 0)
    if (k < 0) return undefined
    const out = [this.valueAt(k)]
    for (k += 2; k < 2 * this.segments[ROW * row + LAST] && (this.values[k] & OPENS_ELEMENT) === 0; k += 2) out.push(this.valueAt(k))
    return out
  }

  /** The record of component `c` of data element `e` of segment `row`, or -1. */
  private find (row: number, e: number, c: number): number {
    let element = -1
    let comp = 0
    for (let k = 2 * this.segments[ROW * row + FIRST], end = 2 * this.segments[ROW * row + LAST]; k < end; k += 2) {
      if ((this.values[k] & OPENS_ELEMENT) !== 0) {
        if (element === e) return -1
        element++
        comp = 0
      } else {
        comp++
      }
      if (element === e && comp === c) return k
    }
    return -1
  }

  private valueAt (k: number): string {
    const head = this.values[k]
    return this.value(head & INDEX, this.values[k + 1], (head & RELEASED) !== 0)
  }

  /** The value between `start` and `end`, release characters removed, cut at the length limit. */
  value (start: number, end: number, released: boolean): string {
    if (released) return this.unescape(start, end)
    if (end - start > this.maxValue) return this.text.slice(start, start + this.maxValue)
    return end - start > 3 ? this.text.slice(start, end) : this.shared(start, end)
  }

  /**
   * ISO 9735 §8: a release character makes the next character data (itself too). A release
   * character without one (at the end of the data, or before a trimmed line break) is dropped.
   * Stops copying at the length limit, so a hostile value costs no more memory than a long one.
   */
  private unescape (start: number, end: number): string {
    const text = this.text
    let out = ''
    let run = start
    for (let k = start; k < end && out.length < this.maxValue; k++) {
      if (text.charCodeAt(k) !== this.release) continue
      out += text.slice(run, k)
      run = ++k // the released character starts the next run
    }
    if (out.length < this.maxValue) out += text.slice(run, end)
    return out.length > this.maxValue ? out.slice(0, this.maxValue) : out
  }

  private shared (from: number, to: number): string {
    const text = this.text
    if (to - from === 1) {
      const c = text.charCodeAt(from)
      return c < 256 ? ONE_CHARACTER[c] : text.slice(from, to)
    }
    let key = to - from
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k)
      if (c > 0xff) return text.slice(from, to) // only latin1 keys are unambiguous
      key = key * 256 + c
    }
    let v = this.short.get(key)
    if (v === undefined) this.short.set(key, v = text.slice(from, to))
    return v
  }
}

/**
 * A segment of a scan: the tag is read at once, the values on the first read of `elements` (then
 * kept); index and offset come from the tape. Objects stay small because a large interchange has
 * hundreds of thousands of them, all alive as long as the interchange is.
 */
export class TapeSegment implements Segment {
  readonly tag: string
  readonly #tape: Tape
  readonly #row: number
  #elements: string[][] | null = null

  constructor (tape: Tape, row: number, tag: string) {
    this.tag = tag
    this.#tape = tape
    this.#row = row
  }

  get index (): number {
    return this.#tape.firstIndex + this.#row
  }

  get offset (): number {
    return this.#tape.offsetOf(this.#row)
  }

  get elements (): string[][] {
    this.#elements ??= this.#tape.elementsOf(this.#row)
    return this.#elements
  }

  /** `elements.length`, without materialising the values when `elements` was not read yet. */
  get elementCount (): number {
    return this.#elements !== null ? this.#elements.length : this.#tape.elementCount(this.#row)
  }

  /** `elements[e]` (a copy), without materialising the other elements when `elements` was not read yet. */
  element (e: number): string[] | undefined {
    if (this.#elements !== null) return this.#elements[e]?.slice()
    return this.#tape.elementOf(this.#row, e)
  }

  /** `elements[e][c]`, without materialising the other values when `elements` was not read yet. */
  component (e: number, c: number): string | undefined {
    return this.#elements !== null ? this.#elements[e]?.[c] : this.#tape.componentOf(this.#row, e, c)
  }

  /**
   * The character classes (classes.ts) of the tag and values, released characters included: lets a
   * check of all values pass a clean segment without materialising them.
   */
  get charClasses (): number {
    return this.#tape.classesOf(this.#row)
  }
}

/*
 * Reading a segment without materialising all of it: mapping reads a few values of most segments,
 * and values kept on a segment stay alive (and are copied by the garbage collector) until the
 * interchange is dropped. Any Segment is accepted; only the tokenizer's are read lazily.
 */

/** `seg.elements.length`. */
export function elementCountOf (seg: Segment): number {
  return seg instanceof TapeSegment ? seg.elementCount : seg.elements.length
}

/** `seg.elements[e]`, as a copy the caller may keep or change; undefined when absent. */
export function elementOf (seg: Segment, e: number): string[] | undefined {
  return seg instanceof TapeSegment ? seg.element(e) : seg.elements[e]?.slice()
}

/** `seg.elements[e]?.[c]`: component `c` of data element `e` (both 0-based), or undefined. */
export function componentOf (seg: Segment, e: number, c: number): string | undefined {
  return seg instanceof TapeSegment ? seg.component(e, c) : seg.elements[e]?.[c]
}
