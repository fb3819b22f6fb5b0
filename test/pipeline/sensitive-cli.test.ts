/**
 * `inspect` and `certify` show what the sensitive-data filter would remove (docs/sensitive-data.md
 * "Seeing what is removed"): by message, segment position and listed code on the officer's
 * terminal, the count only in the HTML report, nothing for a carrier without the filter, and
 * never a remark's text.
 */
import t from 'tap'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { exampleAgreement, tmpDir } from '../helpers/gateway.js'
import { runCli } from '../helpers/cli.js'
import type { ConformanceReport } from '../../src/onboarding/report.js'

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'pnrgov-sensitive-13.edi')
/** Remark texts of the fixture: the reports name positions and codes, never these. */
const REMARKS = ['WHEELCHAIR', 'INSULIN', 'DIABETIC', 'FAITH', 'EXAMPLE.COM', 'ESCORT']

function setup (t: { teardown: (fn: () => unknown) => void }, filter: boolean): string {
  const dir = tmpDir(t)
  mkdirSync(join(dir, 'carriers'))
  const agreement = exampleAgreement(filter ? { sensitiveData: { filter: true, ssrCodes: ['XTRA'] } } : {})
  writeFileSync(join(dir, 'carriers', 'XA.yaml'), stringify(agreement))
  const config = join(dir, 'gateway.yaml')
  const gateway = { identity: { receiverIds: ['GOVPIU'] }, carriers: join(dir, 'carriers'), ledger: { path: join(dir, 'l.db') } }
  writeFileSync(config, stringify(gateway))
  return config
}

t.test('inspect --carrier: positions and codes on the terminal', async t => {
  const config = setup(t, true)
  const r = await runCli(['inspect', FIXTURE, '--carrier', 'XA', '--config', config])
  t.equal(r.code, 0)
  t.match(r.stdout, /sensitive data removed before forwarding \(list [^)]+\): 10\n/)
  t.match(r.stdout, /message 1, segment 8: SSR removed MOML \(religion or beliefs\)/)
  t.match(r.stdout, /message 1, segment 9: IFT removed \(free text\)/)
  t.match(r.stdout, /message 1, segment 14: SSR free text cut \(free text\)/)
  t.match(r.stdout, /message 1, segment 24: SSR removed XTRA \(listed by the agreement\)/)
  t.match(r.stdout, /message 1, segment 27: IFT removed BLND \(health\)/)
  const json = await runCli(['inspect', FIXTURE, '--carrier', 'XA', '--json', '--config', config])
  const sensitive = json.json().sensitive
  t.equal(sensitive.removed, 10)
  t.same(sensitive.removals[0], { message: '1', segment: 8, tag: 'SSR', what: 'segment', code: 'MOML', category: 'religion or beliefs' })
  for (const v of REMARKS) t.notOk(JSON.stringify(sensitive).includes(v), `${v} not in the sensitive report`)
})

t.test('inspect for a carrier without the filter says nothing about it', async t => {
  const config = setup(t, false)
  const r = await runCli(['inspect', FIXTURE, '--carrier', 'XA', '--config', config])
  t.equal(r.code, 0)
  t.notMatch(r.stdout, /sensitive data/)
  t.notOk('sensitive' in (await runCli(['inspect', FIXTURE, '--carrier', 'XA', '--json', '--config', config])).json())
})

t.test('certify: the list in text and JSON, the count only in HTML', async t => {
  const config = setup(t, true)
  const text = await runCli(['certify', 'XA', FIXTURE, '--config', config])
  t.equal(text.code, 0)
  t.match(text.stdout, /sensitive data removed before forwarding \(list [^)]+\): 10\n {4}message 1, segment 8: SSR removed MOML/)
  for (const v of REMARKS) t.notOk(text.stdout.includes(v), `${v} not in the report`)
  const json = await runCli(['certify', 'XA', FIXTURE, '--json', '--config', config])
  const report = json.json() as ConformanceReport
  t.equal(report.files[0].sensitive?.removed, 10)
  t.same(report.files[0].sensitive?.removals.map(x => x.segment), [8, 9, 10, 14, 15, 17, 18, 23, 24, 27])
  const out = join(tmpDir(t), 'report.html')
  const html = await runCli(['certify', 'XA', FIXTURE, '--html', out, '--config', config])
  t.equal(html.code, 0)
  const page = readFileSync(out, 'utf8')
  t.match(page, /Sensitive data removed before forwarding<\/h3><p>10 element\(s\)/)
  t.notOk(page.includes('MOML'), 'no code in the mailed report')
  for (const v of REMARKS) t.notOk(page.includes(v), `${v} not in the HTML`)
})
