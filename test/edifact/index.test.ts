import t from 'tap'
import { parseInterchange, tokenize, type Segment, type Separators } from '../../src/edifact/index.js'

import { fixture, fixtureNames } from '../fixtures/index.js'

const FILES = fixtureNames()
const MINI = "UNA:+.? 'UNB+UNOA:4+S+R+250114:0630+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+1'UNZ+1+1'"

t.test('segment offsets point into body, and tokenize(body) reproduces the segments', async (t) => {
  for (const file of FILES) {
    for (const opts of [{}, { typeB: true, unaRepair: true }]) {
      const r = parseInterchange(fixture(file), opts)
      const body = r.body.toString('latin1')
      const segments = r.messages.flatMap((m) => m.segments)
      t.ok(segments.every((s) => body.startsWith(s.tag, s.offset)), `${file} offsets`)
      const again = tokenize(r.body, r.separators as Separators)
      t.equal(again.length, r.segmentCount, `${file} re-tokenized`)
      // Compared as plain objects: deep equality does not see lazily materialised `elements`.
      const plain = (s: Segment): unknown => ({ tag: s.tag, elements: s.elements, index: s.index, offset: s.offset })
      t.same(again.filter((s) => segments.some((m) => m.index === s.index)).map(plain), segments.map(plain), `${file} same segments`)
    }
  }
})

t.test('body is the interchange from UNA to the UNZ terminator, sharing the input when unchanged', async (t) => {
  const input = Buffer.from('\r\n' + MINI + '\r\nfooter')
  const r = parseInterchange(input)
  t.equal(r.body.toString(), MINI)
  t.equal(r.body.buffer, input.buffer)
  t.equal(r.repaired, false)
})

t.test('a repaired UNA is rewritten in the body; without repair the body keeps the bytes sent', async (t) => {
  const bad = Buffer.from("UNA:+.? \xe2\x80\x99UNB+UNOA:4+S+R+250114:0630+1'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+1'", 'latin1')
  const kept = parseInterchange(bad)
  t.match(kept.errors, [{ code: 20 }])
  t.equal(kept.body.subarray(0, 9).toString('latin1'), 'UNA:+.? \xe2')
  const fixed = parseInterchange(bad, { unaRepair: true })
  t.same(fixed.errors, [])
  t.equal(fixed.body.toString('latin1'), "UNA:+.? 'UNB+UNOA:4+S+R+250114:0630+1'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+1'")
  t.equal(fixed.repaired, true)
})

t.test('limits come from options; bad option values fall back to the defaults', async (t) => {
  const long = Buffer.from(MINI.replace('BGM+745', `FTX+${'X'.repeat(600)}`))
  t.match(parseInterchange(long).errors, [{ id: 'GW_ERR_EDIFACT_TOO_LONG' }])
  t.same(parseInterchange(long, { maxValueLength: 1000 }).errors, [])
  t.match(parseInterchange(long, { maxValueLength: -1 }).errors, [{ id: 'GW_ERR_EDIFACT_TOO_LONG' }])
  const r = parseInterchange(Buffer.from(MINI), { maxSegments: 3 })
  t.equal(r.segmentCount, 3)
  t.match(r.errors, [{ id: 'GW_ERR_EDIFACT_TOO_MANY_SEGMENTS', level: 'interchange', segment: 4 }])
  t.notOk(r.errors.some((e) => e.id === 'GW_ERR_EDIFACT_UNZ_MISSING'), 'no UNZ check on a truncated read')
  t.equal(parseInterchange(Buffer.from(MINI), { maxSegments: Number.NaN }).segmentCount, 5)
})

t.test('never throws, even when handed something that is not a Buffer', async (t) => {
  t.doesNotThrow(() => parseInterchange(new Uint8Array([0x55, 0x4e, 0x42]) as unknown as Buffer))
  t.doesNotThrow(() => parseInterchange(Buffer.from(MINI), null as unknown as undefined))
})
