// `carrier-gateway inspect` on the real samples (conformance tier, docs/testing.md): the facts,
// outcomes and exit codes of named samples, the stripped transport material, and the harness-macro
// fixtures reported as unparseable. The same behaviours on the project's own fixtures are in
// test/cli/inspect.test.ts.
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { runCli } from '../helpers/cli.js'
import { samplePath } from './samples.js'

const sample = (f: string): string => samplePath(f)
const EXAMPLE = 'examples/xa-paxlst.edi'

const cli = runCli

const dir = mkdtempSync(join(tmpdir(), 'cg-inspect-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
// The samples are addressed to other PIUs; this config answers to their recipient ids so that the
// report shows their own defects rather than CONTRL 7 on every one.
const SAMPLE_CONFIG = join(dir, 'samples.yaml')
writeFileSync(
  SAMPLE_CONFIG,
  stringify({ identity: { receiverIds: ['GOVPIU', 'CUSTOMS', 'AUCBPS', 'ABCAPIS', 'JMAPIS'] }, carriers: 'config/carriers' })
)
const inspect = async (...args: string[]): ReturnType<typeof cli> => await cli(['inspect', '--config', SAMPLE_CONFIG, ...args])

t.test('without --carrier: the UNB sender is taken as agreed; the config decides the recipient', async t => {
  const r = await cli(['inspect', EXAMPLE, '--json', '--config', 'config/gateway.yaml'])
  t.equal(r.code, 0)
  t.match(r.json(), { outcome: 'accepted', carrier: null })
  // The shipped config answers to GOVPIU only: a sample addressed to CUSTOMS is not ours (CONTRL 7).
  const other = await cli(['inspect', sample('paxlst-wcoig-ex5-1-single-sector-pax.edi'), '--json', '--config', 'config/gateway.yaml'])
  t.equal(other.code, 1, 'exit 1: it would be rejected')
  t.match(other.json(), {
    outcome: 'rejected',
    errors: [{ code: 7, level: 'interchange', segment: 1, tag: 'UNB', element: 3, component: 1 }]
  })
})

t.test('real samples: facts, outcomes and exit codes', async t => {
  const ex51 = await inspect(sample('paxlst-wcoig-ex5-1-single-sector-pax.edi'), '--json')
  t.equal(ex51.code, 0, 'WCO guide example 5.1 is accepted')
  const r51 = ex51.json()
  t.match(r51, {
    outcome: 'accepted',
    interchange: { syntax: 'UNOA:4', sender: 'ZZAIRLINE', recipient: 'CUSTOMS', reference: '000000001' },
    errors: []
  })
  t.match(r51.messages[0], { reference: 'PAX001', version: 'D:15B', model: { flight: { carrier: 'ZZ', number: '123' } } })
  t.equal(r51.messages[0].model.travellers.length, 1)
  t.match(r51.ack, /UCI\+000000001\+ZZAIRLINE\+CUSTOMS\+7'/)

  const pnr = await inspect(sample('pnrgov-gtas-tz-aucbps-3pnrs.edi'), '--json')
  t.equal(pnr.code, 0)
  const rp = pnr.json()
  t.match(rp, { outcome: 'accepted', interchange: { syntax: 'IATA:1', sender: 'TZ', recipient: 'AUCBPS' } })
  t.match(rp.messages[0], { type: 'PNRGOV', version: '11:1', model: { flight: { carrier: 'TZ' } } })
  t.equal(rp.messages[0].model.pnrs.length, 3)
  t.match(rp.ack, /UNH\+[^']+\+ACKRES:/, 'PNRGOV is answered with ACKRES')

  const star = await inspect(sample('paxlst-gtas-una-star-dollar.edi'), '--json')
  t.equal(star.code, 1, 'rejected: wrong UNT count and reference')
  const rs = star.json()
  t.match(rs, { outcome: 'rejected', interchange: { separators: { element: '*', segment: '$' } } })
  t.same(rs.errors.map((e: any) => [e.code, e.level, e.message, e.segment, e.tag, e.element, e.component]), [
    [29, 'message', '1402111800', 111, 'UNT', 1, null],
    [28, 'message', '1402111800', 111, 'UNT', 2, null]
  ])
  t.match(rs.messages[0], { outcome: 'rejected', part: { sequence: 10, final: true } })
  t.match(rs.ack, /UCI\+1402111800\+SDT:ZZ\+JMAPIS:ZZ\+4'/, 'a negative CONTRL')
})

t.test('the report holds the stripped transport material (kind and size, never content)', async t => {
  const r = await inspect(sample('paxlst-ediclean-D.txt'), '--json')
  t.equal(r.code, 1)
  const report = r.json()
  t.same(report.transport.stripped, [
    { kind: 'control-chars', bytes: 2 },
    { kind: 'typeb-header', bytes: 29 },
    { kind: 'control-chars', bytes: 1 },
    { kind: 'trailer', bytes: 1354 }
  ])
  t.match(report.errors, [{ code: 29, tag: 'UNT', segment: 25, element: 1 }])
  t.match(report.warnings, [{ code: 21, tag: 'COM', segment: 4, element: 3, component: 1 }])
  t.notMatch(r.stdout, /disclaimer|confidential/i, 'the stripped e-mail text is not reproduced')
  const human = await inspect(sample('paxlst-ediclean-D.txt'))
  t.match(human.stdout, '  stripped     typeb-header (29 bytes)\n')
  t.match(human.stdout, '  stripped     trailer (1354 bytes)\n')
  t.match(human.stdout, /\n {2}error {3}29 {2}message EJFNE3423433423, segment 25, UNT, element 1: UNT segment count does not match; expected 25\n/)
})

// Which samples carry harness macros: test/conformance/edifact-samples.test.ts (`macros`) and SOURCES.md.
const MACROS: Array<[string, number]> = [
  ['paxlst-astra-iapi-request-sire.edi', 9],
  ['cusres-astra-iapi-ok-to-board-sire.edi', 11],
  ['cusres-astra-iapi-no-board-sire.edi', 10],
  ['cusres-astra-iapi-unsolicited-132-sire.edi', 7],
  ['cusres-astra-iapi-312-carrier-reply-sire.edi', 3]
]

t.test('harness-macro fixtures are reported as unparseable, precisely', async t => {
  for (const [file, places] of MACROS) {
    const r = await inspect(sample(file), '--json')
    t.equal(r.code, 1, `${file}: exit 1`)
    const report = r.json()
    t.equal(report.outcome, 'rejected')
    t.same(
      report.unparseable,
      { id: 'GW_ERR_EDIFACT_HARNESS_MACRO', code: 21, text: 'the file contains unexpanded test-harness macros', places },
      file
    )
    const macros = report.errors.filter((e: any) => e.id === 'GW_ERR_EDIFACT_HARNESS_MACRO')
    t.equal(macros.length, places, `${file}: every macro listed`)
    t.ok(
      macros.every((e: any) => e.code === 21 && e.segment !== null && e.tag !== null && e.element !== null),
      `${file}: each with its position`
    )
    t.ok(report.messages.every((m: any) => m.model === null), `${file}: nothing mapped`)
  }
  const astra = (await inspect(sample('paxlst-astra-iapi-request-sire.edi'), '--json')).json()
  t.same(astra.errors.filter((e: any) => e.code === 21).map((e: any) => `${e.segment}/${e.tag}/${e.element}/${e.component}`),
    ['1/UNB/5/1', '1/UNH/3/1', '8/DTM/1/2', '10/DTM/1/2', '19/RFF/1/2', '22/DTM/1/2', '32/RFF/1/2', '35/DTM/1/2', '42/UNZ/2/1'])
  const human = await inspect(sample('paxlst-astra-iapi-request-sire.edi'))
  t.match(human.stdout, /: REJECTED\n.*\n {2}unparseable {2}the file contains unexpanded test-harness macros \(9 places\), CONTRL 21; messages not mapped\n/)
})

t.test('a sample without macros is not flagged unparseable', async t => {
  for (const file of ['paxlst-gtas-multileg-d05b.edi', 'pnrgov-gtas-am-mxpnrgov.edi']) {
    t.equal((await inspect(sample(file), '--json')).json().unparseable, null, file)
  }
})

t.test('several files: a JSON list, exit 1 when any would be rejected', async t => {
  const r = await inspect(EXAMPLE, sample('paxlst-gtas-una-star-dollar.edi'), '--json')
  t.equal(r.code, 1)
  const list = r.json()
  t.ok(Array.isArray(list))
  t.same(list.map((x: any) => x.outcome), ['accepted', 'rejected'])
  const ok = await inspect(EXAMPLE, sample('paxlst-wcoig-ex5-1-single-sector-pax.edi'))
  t.equal(ok.code, 0)
  t.equal(ok.stdout.split('\n\n').length, 2, 'one human report per file')
})
