/**
 * The agreement's `sensitiveData` block (docs/agreements.md, docs/sensitive-data.md): absent means
 * off, so older files stay valid; each bad value fails the file with the path of the field.
 */
import t from 'tap'
import { validateAgreement } from '../../src/agreements/store.js'
import { exampleAgreement } from '../helpers/gateway.js'

t.test('an agreement without the block: the filter is off, with the defaults filled in', async t => {
  const { agreement, problems } = validateAgreement(exampleAgreement(), 'XA.yaml')
  t.same(problems, [])
  t.same(agreement?.sensitiveData, { filter: false, ssrCodes: [], freeText: 'drop' })
})

t.test('filter on with only `filter: true`: the shipped list, remarks dropped', async t => {
  const { agreement } = validateAgreement(exampleAgreement({ sensitiveData: { filter: true } }), 'XA.yaml')
  t.same(agreement?.sensitiveData, { filter: true, ssrCodes: [], freeText: 'drop' })
})

t.test('bad values name the field', async t => {
  const cases: Array<[unknown, string]> = [
    [{ filter: 'yes' }, '/sensitiveData/filter'],
    [{ filter: true, ssrCodes: ['moml'] }, '/sensitiveData/ssrCodes/0'],
    [{ filter: true, ssrCodes: ['MOMLX'] }, '/sensitiveData/ssrCodes/0'],
    [{ filter: true, freeText: 'maybe' }, '/sensitiveData/freeText'],
    [{ filter: true, codes: ['MOML'] }, '/sensitiveData']
  ]
  for (const [block, path] of cases) {
    const { agreement, problems } = validateAgreement(exampleAgreement({ sensitiveData: block }), 'XA.yaml')
    t.equal(agreement, null, JSON.stringify(block))
    t.ok(problems.some(p => p.path.startsWith(path)), `${JSON.stringify(block)}: ${problems.map(p => `${p.path} ${p.message}`).join('; ')}`)
  }
  const { problems } = validateAgreement(exampleAgreement({ sensitiveData: { filter: true, ssrCodes: ['moml'] } }), 'XA.yaml')
  t.match(problems[0].message, /four-character SSR code in upper case/)
})
