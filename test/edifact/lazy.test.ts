// Segments materialised on demand (tokenizer tape) read exactly as eagerly built ones would, and the
// character-set check's whole-segment pass gives exactly the findings of its value-by-value check.
import t, { type Test } from 'tap'
import {
  componentOf,
  elementCountOf,
  elementOf,
  defaultSeparators,
  tokenize,
  type Segment,
  type Separators
} from '../../src/edifact/index.js'
import { scanSegments } from '../../src/edifact/tokenizer.js'
import { TapeSegment } from '../../src/edifact/tape.js'
import { checkCharset } from '../../src/edifact/charset.js'
import { CLASS_OF, CONTROL, DOLLAR, LEVEL_A, LOWER_CASE, classesWithin } from '../../src/edifact/classes.js'
import type { Place } from '../../src/edifact/envelope.js'

const A = defaultSeparators('UNOA') as Separators
const plain = (s: Segment): Segment => ({ tag: s.tag, elements: s.elements, index: s.index, offset: s.offset })
const TEXT = "UNB+UNOA:4+S+R+250114:0630+1'NAD+FL+++O?'NEIL::JOHN?++'FTX+A??B:+C:D:E'CNT+42:4\r\n'UNZ+1+1'"

/** Every component of every element through the single-value readers, for comparison with `elements`. */
function readOneByOne (t: Test, s: Segment): string[][] {
  const out: string[][] = []
  for (let e = 0; e < elementCountOf(s); e++) {
    const el: string[] = []
    for (let c = 0; componentOf(s, e, c) !== undefined; c++) el.push(componentOf(s, e, c) as string)
    out.push(el)
    t.same(elementOf(s, e), el, `element ${e + 1} of ${s.tag}`)
  }
  return out
}

t.test('tokenizer segments are lazy: index, offset and tag at once, elements read once and kept', async (t) => {
  const segs = tokenize(TEXT, A)
  t.ok(segs.every((s) => s instanceof TapeSegment))
  t.same(segs.map((s) => [s.tag, s.index, s.offset]), [['UNB', 1, 0], ['NAD', 2, 29], ['FTX', 3, 55], ['CNT', 4, 71], ['UNZ', 5, 82]])
  t.same(segs[1].elements, [['FL'], [''], [''], ["O'NEIL", '', 'JOHN+'], ['']])
  t.equal(segs[1].elements, segs[1].elements, 'the same array on every read')
  t.same(segs[3].elements, [['42', '4']], 'line break before the terminator trimmed')
})

t.test('single values and elements read without materialising equal `elements`', async (t) => {
  for (const s of tokenize(TEXT, A)) {
    const lazy = readOneByOne(t, s) // before `elements` is read
    t.same(lazy, s.elements, s.tag)
    t.same(readOneByOne(t, s), s.elements, `${s.tag} after materialising`)
    t.same(readOneByOne(t, plain(s)), s.elements, `${s.tag} as a plain segment`)
  }
  const [nad] = tokenize("NAD+FL+X'", A)
  t.equal(componentOf(nad, 2, 0), undefined, 'absent element')
  t.equal(componentOf(nad, 0, 1), undefined, 'absent component')
  t.equal(elementOf(nad, 5), undefined)
})

t.test('elementOf gives a copy: changing it leaves the segment as it was', async (t) => {
  for (const s of [tokenize("NAD+FL:X'", A)[0], plain(tokenize("NAD+FL:X'", A)[0])]) {
    const el = elementOf(s, 0) as string[]
    el[0] = 'changed'
    t.same(s.elements[0], ['FL', 'X'])
  }
})

t.test('lazy values keep the length limit, release characters and hostile input bounded', async (t) => {
  const r = scanSegments(`FTX+${'??'.repeat(5000)}+${'X'.repeat(50)}:A?'B'`, A, { maxValueLength: 8 })
  const [s] = r.segments
  t.equal(componentOf(s, 0, 0), '????????')
  t.equal(componentOf(s, 1, 0), 'XXXXXXXX')
  t.equal(componentOf(s, 1, 1), "A'B")
  t.same(s.elements, [['????????'], ['XXXXXXXX', "A'B"]])
})

t.test('character classes: each repertoire holds whole classes; $ and controls never pass', async (t) => {
  t.equal(CLASS_OF[0x41], LEVEL_A)
  t.equal(CLASS_OF[0x27], LEVEL_A)
  t.equal(CLASS_OF[0x61], LOWER_CASE)
  t.equal(CLASS_OF[0x24], DOLLAR)
  t.equal(CLASS_OF[0x85], CONTROL)
  const unoa = new Uint8Array(256)
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/=\'+:?!"%&*;<>') unoa[c.charCodeAt(0)] = 1
  t.equal(classesWithin(unoa), LEVEL_A)
  t.equal(classesWithin(new Uint8Array(256).fill(1)) & (DOLLAR | CONTROL), CONTROL, 'controls may be declared, $ never passes unchecked')
})

/** Random segments: each seed uses only level-A characters or every class, service characters (released too) and macros. */
function randomText (seed: number): string {
  const clean = ['A', '9', ' ', '?+', "?'", '??', '+', ':']
  const any = [...clean, 'z', '#', '$', '$(', '\xe9', '\x85', '\x1b', '\n', '\x00', '?:', '?a', '~']
  let x = seed
  const next = (n: number): number => { x = (x * 1103515245 + 12345) & 0x7fffffff; return (x >>> 16) % n }
  const pieces = seed % 2 === 0 ? clean : any
  let text = ''
  for (let s = 0; s < 5; s++) {
    text += 'FTX+'
    for (let k = next(12); k > 0; k--) text += pieces[next(pieces.length)]
    text += "'"
  }
  return text
}

t.test('whole-segment pass and value-by-value check give the same findings, for every syntax level', async (t) => {
  const locate = (index: number): Place => ({ level: 'message', message: 'M1', group: null, segment: index })
  const separators: Separators = { ...A, repetition: '*' }
  let passed = 0
  for (let seed = 1; seed <= 300; seed++) {
    const lazy = scanSegments(randomText(seed), separators).segments
    const eager = lazy.map(plain) // plain segments are always checked value by value
    for (const id of ['UNOA', 'UNOB', 'UNOC', 'UNOX', 'UNOY', 'IATA']) {
      const fast = checkCharset(id, lazy, separators, locate)
      t.same(fast, checkCharset(id, eager, separators, locate), `seed ${seed} ${id}`)
      if (fast.length === 0) passed++
    }
  }
  t.ok(passed > 0, 'some inputs are clean, so the pass is exercised both ways')
})

t.test('a string beyond latin1 is scanned as its characters, not their low bytes', async (t) => {
  // U+0127 and U+2019 end in 0x27, the segment terminator; U+0101 ends in a declared separator.
  t.same(tokenize("FTX+\u0127A:B\u2019'X'", A).map((s) => s.elements), [[['\u0127A', 'B\u2019']], []])
  const odd: Separators = { ...A, component: '\x01' }
  t.same(tokenize("FTX+A\u0101B\x01C'", odd)[0].elements, [['A\u0101B', 'C']])
})
