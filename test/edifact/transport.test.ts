import t from 'tap'
import { parseInterchange } from '../../src/edifact/index.js'
import { classifyLeading, classifyTrailing, findStart, mapUnfolded, unfold } from '../../src/edifact/transport.js'

const MINI = "UNB+UNOA:4+S+R+250114:0630+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'UNZ+1+1'"

t.test('findStart: UNA or UNB at a word start, not inside header words', async (t) => {
  t.equal(findStart(MINI), 0)
  t.equal(findStart('QP XUNBX\r\n.ABCDEF 1\r\n' + MINI), 21)
  t.equal(findStart("x UNA:+.? 'UNB+"), 2)
  t.equal(findStart('UNA is a word, UNB+x'), 15)
  t.equal(findStart('nothing here'), -1)
})

t.test('classifyLeading: control chars, Type B header, other text; blanks alone are not reported', async (t) => {
  t.same(classifyLeading('\x01QD ERFFWER\r\n.DSFSDER 271137\r\n\x02'), [
    { kind: 'control-chars', bytes: 2 },
    { kind: 'typeb-header', bytes: 29 }
  ])
  t.same(classifyLeading('some log prefix: '), [{ kind: 'leading-text', bytes: 17 }])
  t.same(classifyLeading(' \r\n'), [])
})

t.test('classifyTrailing: ETX and form feed as control chars, text as trailer', async (t) => {
  t.same(classifyTrailing('\r\n\x03\r\nEmail secured\r\n\x0c'), [{ kind: 'control-chars', bytes: 2 }, { kind: 'trailer', bytes: 19 }])
  t.same(classifyTrailing('\r\n'), [])
})

t.test('unfold removes CR/LF; mapUnfolded counts folds not following a terminator', async (t) => {
  const folded = "CNT+42:4\r\n7'\r\nUNT+2+1' \r\n"
  t.equal(unfold(folded), "CNT+42:47'UNT+2+1' ")
  t.same(mapUnfolded(folded, 10, "'"), { index: 12, folds: 2 })
  t.same(mapUnfolded(folded, 19, "'"), { index: 23, folds: 2 })
})

t.test('Type B wrapper, SOH/STX/ETX and e-mail footer are stripped and reported by kind', async (t) => {
  const input = Buffer.from('\x01QD ABC\r\n.XYZABC 271137\r\n\x02' + MINI + '\r\n\x03\r\nConfidential.\r\n', 'latin1')
  const r = parseInterchange(input)
  t.same(r.errors, [])
  t.equal(r.body.toString('latin1'), MINI)
  t.same(r.stripped, [
    { kind: 'control-chars', bytes: 2 },
    { kind: 'typeb-header', bytes: 24 },
    { kind: 'control-chars', bytes: 1 },
    { kind: 'trailer', bytes: 19 }
  ])
})

t.test('trailing text after UNZ is a trailer', async (t) => {
  const r = parseInterchange(Buffer.from(MINI + '\n13Nov09\n'))
  t.same(r.stripped, [{ kind: 'trailer', bytes: 9 }])
  t.equal(r.segmentCount, 5)
})

t.test('missing terminator after UNZ at EOF: a warning; a note after it is a trailer', async (t) => {
  const bare = MINI.slice(0, -1)
  const r = parseInterchange(Buffer.from(bare))
  t.same(r.errors, [])
  t.match(r.warnings, [{ id: 'GW_ERR_EDIFACT_TERMINATOR_MISSING', code: 13, tag: 'UNZ', level: 'interchange' }])
  t.equal(r.body.toString(), bare)
  const note = parseInterchange(Buffer.from(bare + '\n\nModify above message.\n'))
  t.same(note.errors, [])
  t.same(note.stripped, [{ kind: 'trailer', bytes: 24 }])
  t.equal(note.body.toString(), bare)
  const typeB = parseInterchange(Buffer.from(bare + '\r\nModify above message.\r\n'), { typeB: true })
  t.same(typeB.errors, [])
  t.equal(typeB.body.toString(), bare)
})

t.test('Type B folding: unfolded only with typeB, reported as folding, body rewritten', async (t) => {
  const folded = "UNB+UNOA:4+S+R+250114:0630+1'UNH+1+PAXLST:D:05B:UN:IATA'CNT+42:4\r\n7'U\r\nNT+3+1'UNZ+1+1'"
  const b = parseInterchange(Buffer.from(folded), { typeB: true })
  t.same(b.errors, [])
  t.same(b.messages[0].segments[1].elements, [['42', '47']])
  t.same(b.stripped, [{ kind: 'folding', bytes: 4 }])
  t.equal(b.repaired, true)
  t.equal(b.body.toString(), folded.replace(/\r\n/g, ''))
  const plain = parseInterchange(Buffer.from(folded))
  t.same(plain.messages[0].segments[1].elements, [['42', '4\r\n7']])
  t.ok(plain.errors.some((e) => e.code === 21), 'line break in a value is an invalid character')
  t.equal(plain.repaired, false)
})

t.test('line breaks and spaces after terminators are not folding', async (t) => {
  const r = parseInterchange(Buffer.from(MINI.replace(/'/g, "' \r\n")), { typeB: true })
  t.same(r.errors, [])
  t.same(r.stripped, [])
  t.equal(r.repaired, false)
})

t.test('no interchange at all', async (t) => {
  const r = parseInterchange(Buffer.from('Hello, this is not EDIFACT\r\n'))
  t.match(r.errors, [{ id: 'GW_ERR_EDIFACT_NO_INTERCHANGE' }])
  t.same(r.stripped, [{ kind: 'leading-text', bytes: 28 }])
  t.equal(r.body.length, 0)
  t.equal(r.unb, null)
})
