import t from 'tap'
import { parseInterchange, defaultSeparators, type Separators, type Segment } from '../../src/edifact/index.js'
import { checkCharset, isValidUtf8Text } from '../../src/edifact/charset.js'
import type { Place } from '../../src/edifact/envelope.js'

const A = defaultSeparators('UNOA') as Separators
const anywhere = (index: number): Place => ({ level: 'message', message: 'M1', group: null, segment: index })
const seg = (tag: string, ...elements: string[][]): Segment => ({ tag, elements, index: 2, offset: 0 })

t.test('UNOA: upper case, digits, space and the listed punctuation only', async (t) => {
  t.same(checkCharset('UNOA', [seg('FTX', ['A-Z 0.9,()/=\'+:?!"%&*;<>'])], A, anywhere), [])
  const f = checkCharset('UNOA', [seg('NAD', ['FL'], [''], [''], ['Smith', 'JOHN'])], A, anywhere)
  t.equal(f.length, 1)
  t.match(f[0], {
    id: 'GW_ERR_EDIFACT_CHARSET',
    code: 21,
    family: 'characterSet',
    level: 'element',
    message: 'M1',
    segment: 2,
    tag: 'NAD',
    element: 4,
    component: 1
  })
  t.notMatch(f[0].text, /Smith/)
  t.equal(checkCharset('UNOA', [seg('FTX', ['A@B'])], A, anywhere).length, 1)
  t.equal(checkCharset('UNOA', [seg('FTX', ['NOV\x87K'])], A, anywhere).length, 1, 'stray 8-bit byte')
})

t.test('declared service characters may appear (released) in values', async (t) => {
  const dollar: Separators = { ...A, element: '*', segment: '$' }
  t.same(checkCharset('UNOA', [seg('FTX', ['US$ 5'])], dollar, anywhere), [])
  t.equal(checkCharset('UNOA', [seg('FTX', ['US$ 5'])], A, anywhere).length, 1)
})

t.test('UNOB and the PADIS/Sirena identifiers add lower case', async (t) => {
  for (const id of ['UNOB', 'IATA', 'IATB', 'SIRE']) {
    t.same(checkCharset(id, [seg('FTX', ['Mixed case'])], A, anywhere), [], id)
    t.equal(checkCharset(id, [seg('FTX', ['caf\xe9'])], A, anywhere).length, 1, id)
  }
})

t.test('UNOC..UNOK: ISO 8859 graphic characters, no C0/C1 controls', async (t) => {
  t.same(checkCharset('UNOC', [seg('FTX', ['M\xdcLLER caf\xe9 ~'])], A, anywhere), [])
  t.equal(checkCharset('UNOC', [seg('FTX', ['NOV\x87K'])], A, anywhere).length, 1)
  t.equal(checkCharset('UNOC', [seg('FTX', ['A\nB'])], A, anywhere).length, 1)
})

t.test('UNOY: valid UTF-8 only', async (t) => {
  const utf8 = Buffer.from('Müller Ωμέγα 東京 😀').toString('latin1')
  t.same(checkCharset('UNOY', [seg('FTX', [utf8])], A, anywhere), [])
  t.equal(checkCharset('UNOY', [seg('FTX', ['M\xfcller'])], A, anywhere).length, 1)
  t.equal(isValidUtf8Text('\xc0\xaf'), false, 'overlong')
  t.equal(isValidUtf8Text('\xed\xa0\x80'), false, 'surrogate')
  t.equal(isValidUtf8Text('\xe2\x80'), false, 'truncated')
  t.equal(isValidUtf8Text('\xf4\x90\x80\x80'), false, 'beyond U+10FFFF')
  t.equal(isValidUtf8Text('\xc2\x85'), false, 'C1 control')
})

t.test('harness macros are reported as such, precisely, not as bad characters', async (t) => {
  const f = checkCharset('SIRE', [seg('DTM', ['189', '$(yymmdd)1420', '201'])], A, anywhere)
  t.equal(f.length, 1)
  t.match(f[0], { id: 'GW_ERR_EDIFACT_HARNESS_MACRO', code: 21, element: 1, component: 2, family: null })
})

t.test('unknown syntax identifiers are left to the envelope (code 2)', async (t) => {
  t.same(checkCharset('ABCD', [seg('FTX', ['anything'])], A, anywhere), [])
})

t.test('findings are capped', async (t) => {
  const many = Array.from({ length: 50 }, () => seg('FTX', ['a']))
  t.equal(checkCharset('UNOA', many, A, anywhere, { maxFindings: 10 }).length, 10)
})

t.test('end to end: lower case under UNOA in a message, positioned in the message', async (t) => {
  const r = parseInterchange(Buffer.from("UNB+UNOA:4+S+R+250114:0630+1'UNH+1+PAXLST:D:05B:UN:IATA'NAD+FL+++Doe'UNT+3+1'UNZ+1+1'"))
  t.match(r.errors, [{ code: 21, message: '1', segment: 2, tag: 'NAD', element: 4, component: 1, level: 'element' }])
  t.equal(r.errors.length, 1)
})

t.test('end to end: UNB value outside UNOA is an interchange-level finding', async (t) => {
  const r = parseInterchange(Buffer.from("UNB+UNOA:4+APIS_TK+R+250114:0630+1'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+1'"))
  t.match(r.errors, [{ code: 21, level: 'interchange', segment: 1, tag: 'UNB', element: 2, component: 1 }])
})
