import t from 'tap'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import type { ConformanceReport } from '../../src/onboarding/report.js'
import { fixturePath } from '../fixtures/index.js'
import { runCli } from '../helpers/cli.js'
import { iapiRequest, RULES, TRAVELLERS } from '../helpers/iapi.js'

const GOOD = fixturePath('paxlst-d15b-pax.edi')
const BAD = fixturePath('paxlst-d15b-crew-bad-count.edi')
const PNR = fixturePath('pnrgov-11-split.edi')
/** Values from inside the fixtures' segments: none may appear in any report form. */
const PASSENGER_VALUES = [
  'TESTER', 'ALPHA', 'BRAVO', 'X0000001', 'X0000002', '800101', '750505', '1 TEST STREET', 'TESTVILLE', 'ZZ1 1ZZ', 'TEST ROAD',
  '0000 000 0002', 'UNIFORM', 'VICTOR', 'X0000014', '01JAN80'
]

const cli = runCli

function setup (t: { teardown: (fn: () => void) => void }): { dir: string, config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cg-certify-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'carriers'))
  writeFileSync(join(dir, 'carriers', 'ZZ.yaml'), stringify({
    code: 'ZZ',
    name: 'Zed Air',
    stage: 'testing',
    senderIds: ['ZZAIRLINE', 'ZZ'],
    messages: { PAXLST: { versions: ['D15B'], ack: 'contrl' }, PNRGOV: { versions: ['11.1'], ack: 'ackres' } },
    channels: { https: { certificates: [`sha256/${Array(32).fill('AB').join(':')}`] } }
  }))
  const config = join(dir, 'gateway.yaml')
  writeFileSync(
    config,
    stringify({
      identity: { receiverIds: ['CUSTOMS', 'PIUPNR'] },
      carriers: join(dir, 'carriers'),
      ledger: { path: join(dir, 'ledger.db') }
    })
  )
  return { dir, config }
}

t.test('text report; exit 0 when every file would be accepted, 1 when one would be rejected', async t => {
  const { config } = setup(t)
  const ok = await cli(['certify', 'ZZ', GOOD, PNR, '--config', config])
  t.equal(ok.code, 0)
  t.match(ok.stdout, /2 files: 2 accepted, 0 accepted with warnings, 0 rejected: PASSED/)
  t.match(ok.stdout, /ack the carrier would get \(contrl, application\/edifact\):\n {4}UNA:\+\.\? '\n {4}UNB\+UNOA:4\+GOVPIU\+ZZAIRLINE\+/)
  t.match(ok.stdout, /ack the carrier would get \(ackres, application\/edifact\)/)
  t.match(ok.stdout, /with SSR DOCS for every traveller: 50% \(1 of 2\)/)
  const bad = await cli(['certify', 'ZZ', GOOD, BAD, '--config', config])
  t.equal(bad.code, 1)
  t.match(bad.stdout, /NOT PASSED/)
  t.match(bad.stdout, /\[29\] message PAX001, segment 19 \(UNT\), element 1: UNT segment count does not match/)
  t.match(bad.stdout, /UCM\+PAX001\+PAXLST:D:15B:UN:IATA\+4\+29\+UNT'/)
  for (const v of PASSENGER_VALUES) t.notOk(ok.stdout.includes(v) || bad.stdout.includes(v), `no ${v} on the terminal`)
})

t.test('--json: one parseable report with figures, codes and positions', async t => {
  const { config } = setup(t)
  const r = await cli(['certify', 'ZZ', GOOD, BAD, PNR, '--json', '--config', config])
  t.equal(r.code, 1)
  const report = JSON.parse(r.stdout) as ConformanceReport
  t.same(report.summary, { files: 3, accepted: 2, acceptedWithWarnings: 0, rejected: 1, passed: false })
  t.same(
    report.files.map(f => [f.file, f.outcome]),
    [
      ['paxlst-d15b-pax.edi', 'accepted'],
      ['paxlst-d15b-crew-bad-count.edi', 'rejected'],
      ['pnrgov-11-split.edi', 'accepted']
    ]
  )
  t.match(report.files[1].errors, [
    {
      code: 29,
      segment: 19,
      tag: 'UNT',
      element: 1,
      position: 'message PAX001, segment 19 (UNT), element 1',
      meaning: 'control count does not match number of instances received'
    }
  ])
  t.match(report.quality, {
    travellers: 5,
    documentNumber: 4,
    documentExpiry: 4,
    birthDate: 4,
    nationality: 4,
    gender: 4,
    pnrs: 2,
    pnrsWithAllDocs: 1,
    series: { total: 3, complete: 3 }
  })
  for (const v of PASSENGER_VALUES) t.notOk(r.stdout.includes(v), `no ${v} in the JSON`)
})

t.test('--html OUT: a self-contained page with the figures and no passenger value', async t => {
  const { dir, config } = setup(t)
  const out = join(dir, 'report.html')
  const r = await cli(['certify', 'ZZ', GOOD, BAD, PNR, '--html', out, '--config', config])
  t.equal(r.code, 1)
  t.match(r.stdout, /report\.html: conformance report for ZZ, 3 files, 1 rejected: NOT PASSED/)
  const html = readFileSync(out, 'utf8')
  t.match(html, /<title>Conformance report ZZ<\/title>/)
  t.match(html, /<th>travellers<\/th><td class="n">5<\/td>/)
  t.match(html, /<th>with document number<\/th><td class="n">80% \(4 of 5\)<\/td>/)
  t.match(html, /<th>PNRs with SSR DOCS for every traveller<\/th><td class="n">50% \(1 of 2\)<\/td>/)
  t.match(html, /<th>complete \(final part and no gap\)<\/th><td class="n">3<\/td>/)
  t.match(html, /message PAX001, segment 19 \(UNT\), element 1/)
  t.notMatch(html, /<script|<link|\bsrc=|\bhref=|url\(/i, 'no external resource')
  for (const v of PASSENGER_VALUES) t.notOk(html.includes(v), `no ${v} in the HTML`)
})

t.test('usage and input errors', async t => {
  const { dir, config } = setup(t)
  t.equal((await cli(['certify', 'ZZ', '--config', config])).code, 2, 'no file')
  t.equal((await cli(['certify', 'ZZ', GOOD, '--json', '--html', join(dir, 'x.html'), '--config', config])).code, 2, '--json with --html')
  t.equal((await cli(['certify', 'ZZ', GOOD, '--bogus', '--config', config])).code, 2, 'unknown option')
  const unknown = await cli(['certify', 'QQ', GOOD, '--config', config])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /no agreement for carrier QQ/)
  const missing = await cli(['certify', 'ZZ', join(dir, 'nope.edi'), '--config', config])
  t.equal(missing.code, 2)
  t.match(missing.stderr, /nope\.edi cannot be read \(ENOENT\)/)
  const unwritable = await cli(['certify', 'ZZ', GOOD, '--html', join(dir, 'no', 'such', 'dir.html'), '--config', config])
  t.equal(unwritable.code, 3)
  t.match(unwritable.stderr, /dir\.html cannot be written \(ENOENT\)/)
  writeFileSync(join(dir, 'carriers', 'XB.yaml'), 'code: XB\nname: B\n')
  const broken = await cli(['certify', 'XB', GOOD, '--config', config])
  t.equal(broken.code, 2)
  t.match(broken.stderr, /the agreement of XB is invalid:\n.*XB\.yaml: \/stage is required/)
})

t.test('with interactive API enabled, an iAPI request shows the CUSRES the test responder answers', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-certify-iapi-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'carriers'))
  writeFileSync(join(dir, 'carriers', 'XA.yaml'), stringify({
    code: 'XA',
    name: 'Example Air',
    stage: 'testing',
    senderIds: ['XAAPI'],
    messages: { PAXLST: { versions: ['D05B'], ack: 'contrl' } },
    channels: { https: { certificates: [`sha256/${Array(32).fill('AB').join(':')}`] } },
    interactive: { enabled: true, testResponder: RULES }
  }))
  const config = join(dir, 'gateway.yaml')
  writeFileSync(config, stringify({
    identity: { receiverIds: ['GOVPIU'] },
    carriers: join(dir, 'carriers'),
    ledger: { path: join(dir, 'l.db') }
  }))
  const request = join(dir, 'request.edi')
  writeFileSync(request, iapiRequest({ travellers: TRAVELLERS }))
  const json = (await cli(['certify', 'XA', request, '--json', '--config', config])).json()
  t.match(json.files[0].interactive, {
    decisions: [{ position: 1, decision: '0Z' }, { position: 2, decision: '2Z' }, { position: 3, decision: '1Z' }]
  })
  t.match(json.files[0].interactive.cusres, /BGM\+962'RFF\+TN:TX0042'/)
  const text = (await cli(['certify', 'XA', request, '--config', config])).stdout
  t.match(text, /interactive answer in stage testing \(POST \/v1\/interactive; test responder 1: 0Z, 2: 2Z, 3: 1Z\)/)
  t.match(text, /\n {4}ERC\+1Z'\n/)
})
