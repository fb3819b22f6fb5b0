import t from 'tap'
import { addFigures, emptyQuality, partSeries, seriesComplete, share } from '../../src/onboarding/quality.js'

const p = (
  key: string,
  sequence: number | null,
  final: boolean | null
): { key: string, sequence: number | null, final: boolean | null } => ({ key, sequence, final })

t.test('series completeness (docs/onboarding.md "Certification": message series)', async t => {
  t.ok(seriesComplete([p('a', null, null)]), 'no S010: a single complete message')
  t.ok(seriesComplete([p('a', 1, true)]), '01:F')
  t.ok(seriesComplete([p('a', 1, null)]), '01 alone, no C/F')
  t.notOk(seriesComplete([p('a', 1, false)]), '01:C alone waits for more')
  t.ok(seriesComplete([p('a', 2, false), p('a', 1, false), p('a', 3, true)]), 'out of order but whole')
  t.notOk(seriesComplete([p('a', 1, false), p('a', 3, true)]), 'a gap')
  t.notOk(seriesComplete([p('a', 1, false), p('a', 2, false)]), 'no final part')
  t.notOk(seriesComplete([p('a', 10, true)]), 'only the last of ten')
})

t.test('partSeries groups by key', async t => {
  t.same(partSeries([p('x', 1, false), p('x', 2, true), p('y', 1, false), p('z', null, null)]), { total: 3, complete: 2, incomplete: 1 })
  t.same(partSeries([]), { total: 0, complete: 0, incomplete: 0 })
})

t.test('share and addFigures', async t => {
  t.equal(share(39, 40), '97.5% (39 of 40)')
  t.equal(share(1, 3), '33.3% (1 of 3)')
  t.equal(share(0, 0), '–')
  const a = emptyQuality()
  addFigures(a, { ...emptyQuality(), travellers: 2, gender: 1 })
  addFigures(a, { ...emptyQuality(), travellers: 3, gender: 3, pnrs: 1 })
  t.match(a, { travellers: 5, gender: 4, pnrs: 1, messages: 0 })
})
