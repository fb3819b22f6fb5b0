import t from 'tap'
import { tokenize, defaultSeparators, type Separators } from '../../src/edifact/index.js'
import { scanSegments } from '../../src/edifact/tokenizer.js'

const A = defaultSeparators('UNOA') as Separators

t.test('splits segments, elements and components, indices from 1 and byte offsets', async (t) => {
  const segs = tokenize("UNB+UNOA:4+S+R+250114:0630+1'UNH+1+PAXLST:D:05B:UN:IATA'UNZ+1+1'", A)
  t.same(segs.map((s) => s.tag), ['UNB', 'UNH', 'UNZ'])
  t.same(segs.map((s) => s.index), [1, 2, 3])
  t.same(segs.map((s) => s.offset), [0, 29, 56])
  t.same(segs[0].elements, [['UNOA', '4'], ['S'], ['R'], ['250114', '0630'], ['1']])
  t.same(segs[1].elements[1], ['PAXLST', 'D', '05B', 'UN', 'IATA'])
})

t.test('skips a leading UNA, which is not a segment; offsets stay body offsets', async (t) => {
  const segs = tokenize("UNA:+.? 'UNB+UNOA:4'UNZ+0+1'", A)
  t.equal(segs[0].tag, 'UNB')
  t.equal(segs[0].offset, 9)
})

t.test('release character works on every service character, itself included', async (t) => {
  const [seg] = tokenize("NAD+O?'NEIL?+X?:Y??Z'", A)
  t.same(seg.elements, [["O'NEIL+X:Y?Z"]])
  const rel: Separators = { ...A, release: '\\', repetition: '*' }
  const [lts] = tokenize("LTS+\\*1A/E\\*'", rel)
  t.same(lts.elements, [['*1A/E*']])
})

t.test('a terminator after an odd number of releases is data, after an even number it ends the segment', async (t) => {
  t.same(tokenize("FTX+A???'B'", A)[0].elements, [["A?'B"]])
  t.same(tokenize("FTX+A??'B'", A).map((s) => s.tag), ['FTX', 'B'])
})

t.test('no release character: ? is ordinary data', async (t) => {
  const segs = tokenize("FTX+WHAT?'", { ...A, release: null })
  t.same(segs[0].elements, [['WHAT?']])
})

t.test('the repetition separator is never split on (PAXLST/PNRGOV do not repeat elements)', async (t) => {
  const [seg] = tokenize("UNB+UNOA:4+APIS*ABE+X'", { ...A, repetition: '*' })
  t.same(seg.elements[1], ['APIS*ABE'])
})

t.test('whitespace and line breaks around terminators and before tags are layout', async (t) => {
  const segs = tokenize(" UNB+UNOA:4\r\n' \r\n BGM+745'\r\n\r\n  UNG +PAXLST'", A)
  t.same(segs.map((s) => s.tag), ['UNB', 'BGM', 'UNG'])
  t.same(segs[0].elements, [['UNOA', '4']])
  t.same(segs[2].elements, [['PAXLST']])
})

t.test('a line break inside a value stays in the value (only Type B unfolding removes it)', async (t) => {
  const [seg] = tokenize("CNT+42:4\r\n7'", A)
  t.same(seg.elements, [['42', '4\r\n7']])
})

t.test('empty elements and components are kept positionally', async (t) => {
  const [seg] = tokenize("NAD+FL+++SMITH::JOHN+'", A)
  t.same(seg.elements, [['FL'], [''], [''], ['SMITH', '', 'JOHN'], ['']])
})

t.test('non-default separators and level-B control characters', async (t) => {
  const star: Separators = { component: ':', element: '*', decimal: '.', release: '?', repetition: null, segment: '$' }
  t.same(tokenize('UNH*1*PAXLST:D:02B$\r\nBGM*745$', star).map((s) => s.elements), [[['1'], ['PAXLST', 'D', '02B']], [['745']]])
  const b = defaultSeparators('UNOB') as Separators
  t.same(tokenize('UNB\x1dUNOB\x1f4\x1dS\x1cUNZ\x1d0\x1c', b).map((s) => s.elements), [[['UNOB', '4'], ['S']], [['0']]])
})

t.test('missing final terminator is reported through `terminated`', async (t) => {
  const r = scanSegments("UNZ+1+1'UNZ+1+2", A)
  t.equal(r.segments.length, 2)
  t.equal(r.terminated, false)
  t.same(r.segments[1].elements, [['1'], ['2']])
})

t.test('maxSegments stops the scan with GW_ERR_EDIFACT_TOO_MANY_SEGMENTS', async (t) => {
  const r = scanSegments("A+1'B+2'C+3'D+4'", A, { maxSegments: 2 })
  t.equal(r.segments.length, 2)
  t.equal(r.truncated, true)
  t.equal(r.errors[0].id, 'GW_ERR_EDIFACT_TOO_MANY_SEGMENTS')
  t.equal(r.errors[0].code, 18)
})

t.test('maxValueLength truncates and reports position (code 39), once per segment', async (t) => {
  const r = scanSegments(`FTX+A:${'X'.repeat(100)}+${'Y'.repeat(100)}'`, A, { maxValueLength: 10 })
  t.same(r.segments[0].elements, [['A', 'X'.repeat(10)], ['Y'.repeat(10)]])
  t.equal(r.errors.length, 1)
  t.match(r.errors[0], { id: 'GW_ERR_EDIFACT_TOO_LONG', code: 39, segment: 1, tag: 'FTX', element: 1, component: 2 })
  t.notMatch(r.errors[0].text, /X/)
})

t.test('too long with release characters keeps memory bounded', async (t) => {
  const r = scanSegments(`FTX+${'??'.repeat(5000)}'`, A, { maxValueLength: 8 })
  t.equal(r.segments[0].elements[0][0], '????????')
})

t.test('too many constituents are dropped and reported once (code 16)', async (t) => {
  const r = scanSegments(`FTX+${':'.repeat(50)}+${'+'.repeat(50)}'`, A, { maxConstituents: 5 })
  t.equal(r.segments[0].elements.length, 5)
  t.equal(r.segments[0].elements[0].length, 5)
  t.same(r.errors.map((e) => e.code), [16])
})

t.test('dangling release at end of data is an error (22); release before ordinary char a warning', async (t) => {
  const r = scanSegments('FTX+A?', A)
  t.equal(r.errors[0].code, 22)
  const w = scanSegments("FTX+A?B'", A)
  t.same(w.segments[0].elements, [['AB']])
  t.equal(w.warnings[0].code, 22)
})

t.test('junk tags are not echoed in findings', async (t) => {
  const r = scanSegments(`smith jones+${'X'.repeat(20)}'`, A, { maxValueLength: 5 })
  t.equal(r.errors[0].tag, null)
})

t.test('accepts a Buffer and decodes latin1 so offsets are byte offsets', async (t) => {
  const segs = tokenize(Buffer.from([0x4e, 0x41, 0x44, 0x2b, 0xc3, 0xa9, 0x27, 0x42, 0x47, 0x4d, 0x27]), A)
  t.equal(segs[0].elements[0][0], '\u00c3\u00a9')
  t.equal(segs[1].offset, 7)
})
