/**
 * The general reading rules the external samples led to (docs/conformance.md): a valid UNA is
 * judged by how UNB ends, not by what follows it; a line break may be the declared terminator;
 * text outside segments is set aside and reported, never glued to the next segment; UNG's
 * mandatory elements depend on the syntax version.
 */
import t from 'tap'
import { parseInterchange, tokenize, type Interchange } from '../../src/edifact/index.js'
import { readServiceAdvice, unbEndsWith } from '../../src/edifact/una.js'
import { scanSegments } from '../../src/edifact/tokenizer.js'

const parse = (text: string, options = {}): Interchange => parseInterchange(Buffer.from(text, 'latin1'), options)
const codes = (ix: Interchange, which: 'errors' | 'warnings' = 'errors'): string[] =>
  ix[which].map(f => `${f.code}@${f.tag ?? '-'}${f.element === null ? '' : `:${f.element}`}`).sort()

const SEP = { component: ':', element: '+', decimal: '.', release: '?', repetition: null, segment: "'" }

t.test('a valid UNA stands when UNB ends in its terminator, whatever text follows UNB', async t => {
  const text = "UNA:+.? 'UNB+UNOC:3+S+R+260820:1816+REF1'\n/* note */\nUNH+1+PNRGOV:11:1:IA'UNT+2+1'UNZ+1+REF1'"
  for (const unaRepair of [false, true]) {
    const a = readServiceAdvice(text, 0, { unaRepair })
    t.same([a?.errors, a?.warnings, a?.repaired, a?.separators.segment], [[], [], false, "'"], `unaRepair ${String(unaRepair)}`)
  }
  t.equal(parse(text, { unaRepair: true }).unb?.reference, 'REF1', 'the reference never takes the terminator')
})

t.test('unbEndsWith: the first unreleased terminator before the next envelope tag', async t => {
  t.equal(unbEndsWith("UNB+UNOA:4+S+R+1'UNH+1'", 0, '+', '?', "'"), true)
  t.equal(unbEndsWith("UNB+UNOA:4+S?'X+R+1#UNH+1#", 0, '+', '?', "'"), false, 'a released terminator is data')
  t.equal(unbEndsWith("UNB+UNOA:4+S+R+1'", 0, '+', '?', '#'), null, 'no evidence either way')
  t.equal(unbEndsWith('UNB+UNOA:4+S+R+1\nUNG+PAXLST+X\n', 0, '+', '?', '\n'), true, 'a line break that ends UNB')
  t.equal(unbEndsWith("UNB+UNOA:4+S+R+1'\nUNG+PAXLST+X'", 0, '+', '?', '\n'), false, "`'` then a line break: the break is layout")
})

t.test('a line break declared as terminator: read as one, with the agreement\'s choice of finding', async t => {
  const text = 'UNA:+.?*\nUNB+UNOA:4+S+R+250814:0738+9\nUNH+1+PAXLST:D:05B:UN:IATA\nBGM+745\nUNT+3+1\nUNZ+1+9\n'
  for (const typeB of [false, true]) {
    const ix = parse(text, { typeB })
    t.equal(ix.separators?.segment, '\n', `typeB ${String(typeB)}: the line feed terminates`)
    t.same(ix.messages.map(m => m.segments.map(s => s.tag).join(' ')), ['UNH BGM UNT'])
    t.same(codes(ix), [])
    t.same(codes(ix, 'warnings'), ['20@UNA:6'], 'warned by default')
    t.same(ix.stripped, [], 'no folding removed: the line feeds are the terminators')
  }
  t.same(codes(parse(text, { syntax: { lineBreakTerminator: 'reject' } })), ['20@UNA:6'])
  t.same(codes(parse(text, { syntax: { lineBreakTerminator: 'ignore' } }), 'warnings'), [])
  const crlf = parse(text.replace(/\n/g, '\r\n'))
  t.same(crlf.messages.map(m => m.segments.map(s => s.elements[0]?.[0] ?? '').join(' ')), ['1 745 3'],
    'CR before the terminating LF is no data')
})

t.test('a line break after a five-character UNA is still layout (code 20)', async t => {
  const text = "UNA:+.?*\nUNB+UNOA:4+S+R+250814:0738+9'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+9'"
  const a = readServiceAdvice(text, 0)
  t.match(a?.errors, [{ code: 20, element: 6 }])
  t.equal(a?.separators.segment, "'", 'read with what ends UNB')
  t.equal(readServiceAdvice(text, 0, { unaRepair: true })?.una, "UNA:+.?*'")
})

t.test('text in front of a tag is set aside, the segment keeps its tag', async t => {
  const body = "UNB+UNOA:4+S+R+1+9'/* between */\nUNH+1+X'junk UNT+2+1'UNZ+1+9'"
  const r = scanSegments(body, SEP)
  t.same(r.segments.map(s => s.tag), ['UNB', 'UNH', 'UNT', 'UNZ'])
  t.same(r.outside.map(o => [o.before, o.bytes]), [[2, 14], [3, 5]], 'where (the segment after it) and how long, never what')
  t.same(tokenize("UNB+A'*/UNH+1'", SEP).map(s => s.tag), ['UNB', 'UNH'], 'after punctuation too (Type B unfolding removed the break)')
  t.same(tokenize("UNB+A'13278'DTM+36'", SEP).map(s => s.tag), ['UNB', '13278', 'DTM'], 'a run without a tag stays a (bad) segment')
  t.same(tokenize("UNB+A'xABC+1'", SEP).map(s => s.tag), ['UNB', 'xABC'], 'a tag glued to a word is none')
})

t.test('text outside segments: code 33 placed by what follows, or the agreement\'s choice', async t => {
  const text = "UNA:+.? 'UNB+UNOA:4+S+R+250101:0000+9'\n-- a --\nUNG+PAXLST+S+R+250101:0000+G1+UN+D:05B'" +
    "-- b -- UNH+1+PAXLST:D:05B:UN:IATA'-- c -- BGM+745'UNT+3+1'UNE+1+G1'UNZ+1+9'"
  const ix = parse(text)
  t.same(ix.messages.map(m => m.segments.map(s => s.tag).join(' ')), ['UNH BGM UNT'])
  t.match(ix.errors.filter(f => f.code === 33), [
    { level: 'interchange', group: null, segment: 2, tag: null },
    { level: 'group', group: 'G1', segment: 3 },
    { level: 'message', message: '1', segment: 2 }
  ])
  t.same(codes(parse(text, { syntax: { outsideText: 'warn' } }), 'warnings'), ['33@-', '33@-', '33@-'])
  t.same(codes(parse(text, { syntax: { outsideText: 'ignore' } })), [])
})

t.test('UNG: under syntax 1–3 every element up to S008 is mandatory, under 4 only 0048', async t => {
  const ung = "UNG+PAXLST+S+R+250101:0000+G1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'UNE+1+G1'UNZ+1+9'"
  t.same(codes(parse(`UNB+UNOA:3+S+R+250101:0000+9'${ung}`)), ['13@UNG:6', '13@UNG:7'])
  t.same(codes(parse(`UNB+UNOA:4+S+R+250101:0000+9'${ung}`)), [])
})
