// `carrier-gateway inspect`, run in-process through main(): the --json report shape of
// docs/cli.md, the human report, exit codes, stripped transport material, and the project's
// fixtures (test/fixtures) including the harness-macro one reported as unparseable. The same on
// the real samples: test/conformance/inspect-samples.test.ts.
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { parseInterchange } from '../../src/edifact/index.js'
import { segmentLines } from '../../src/cli/report.js'
import { runCli } from '../helpers/cli.js'
import { fixturePath } from '../fixtures/index.js'
import { buildCusres, iapiRequestOf } from '../../src/messages/index.js'
import { iapiRequest, TRAVELLERS } from '../helpers/iapi.js'

const sample = (f: string): string => fixturePath(f)
const EXAMPLE = 'examples/xa-paxlst.edi'

const cli = runCli

const dir = mkdtempSync(join(tmpdir(), 'cg-inspect-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
// Some fixtures are addressed to other PIUs; this config answers to their recipient ids so that the
// report shows their own defects rather than CONTRL 7 on every one.
const SAMPLE_CONFIG = join(dir, 'samples.yaml')
writeFileSync(
  SAMPLE_CONFIG,
  stringify({ identity: { receiverIds: ['GOVPIU', 'CUSTOMS', 'PIUPNR', 'JMAPIS', 'NIAC'] }, carriers: 'config/carriers' })
)
const inspect = async (...args: string[]): ReturnType<typeof cli> => await cli(['inspect', '--config', SAMPLE_CONFIG, ...args])

t.test('--json for the example with --carrier XA: the docs/cli.md report', async t => {
  const r = await cli(['inspect', EXAMPLE, '--carrier', 'XA', '--json', '--config', 'config/gateway.yaml'])
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stderr, '', 'nothing on stderr (passenger data goes only to the stdout that asked)')
  const report = r.json()
  t.match(report, {
    file: EXAMPLE,
    outcome: 'accepted',
    carrier: 'XA',
    transport: { stripped: [] },
    interchange: {
      syntax: 'UNOA:4',
      sender: 'XAAPI',
      recipient: 'GOVPIU',
      reference: 'XA0000000217',
      test: false,
      separators: { component: ':', element: '+', decimal: '.', release: '?', segment: "'" }
    },
    errors: [],
    warnings: [],
    unparseable: null
  })
  t.equal(report.messages.length, 1)
  t.match(report.messages[0], { reference: 'PAX001', type: 'PAXLST', version: 'D:05B', outcome: 'accepted', part: { sequence: null } })
  const model = report.messages[0].model
  t.match(model, {
    documentType: 'passenger-list',
    flight: {
      carrier: 'XA',
      number: '123',
      legs: [{ departure: { airport: 'LHR', scheduled: '2025-01-14T09:15' }, arrival: { airport: 'JFK', scheduled: '2025-01-14T12:30' } }]
    }
  })
  t.equal(model.travellers.length, 1)
  t.match(model.travellers[0], {
    role: 'passenger',
    surname: 'SPECIMEN',
    givenNames: 'ALEX',
    gender: 'M',
    birthDate: '1980-01-01',
    nationality: 'GBR',
    documents: [{ type: 'P', number: 'X0000001', issuingCountry: 'GBR', expiry: '2030-01-01' }]
  })

  // The ack is the CONTRL the gateway would send XA: from us to XAAPI, UCI action 7 (accepted).
  t.type(report.ack, 'string')
  const ack = parseInterchange(Buffer.from(report.ack, 'latin1'))
  t.same(ack.errors, [], 'a well-formed interchange')
  t.match(ack.unb, { sender: 'GOVPIU', recipient: 'XAAPI' })
  t.equal(ack.messages[0].type, 'CONTRL')
  const uci = ack.messages[0].segments.find(s => s.tag === 'UCI')
  t.same(uci?.elements, [['XA0000000217'], ['XAAPI'], ['GOVPIU'], ['7']])
})

t.test('the human report is readable and holds the ack', async t => {
  const r = await cli(['inspect', EXAMPLE, '--carrier', 'XA', '--config', 'config/gateway.yaml'])
  t.equal(r.code, 0)
  const lines = r.stdout.split('\n')
  t.equal(lines[0], `${EXAMPLE}: ACCEPTED`)
  t.match(lines[1], /^ {2}interchange {2}UNOA:4 {2}from XAAPI to GOVPIU {2}ref XA0000000217 {2}prepared 2025-01-14T06:30$/)
  t.match(r.stdout, /\n {2}message PAX001 {2}PAXLST D:05B {2}accepted {2}flight XA123 {2}1 travellers\n/)
  t.match(r.stdout, /\n {2}ack:\n {4}UNA:\+\.\? '\n {4}UNB\+UNOA:4\+GOVPIU\+XAAPI\+/)
  t.match(r.stdout, /\n {4}UCI\+XA0000000217\+XAAPI\+GOVPIU\+7'\n/)
})

t.test('without --carrier: the UNB sender is taken as agreed; the config decides the recipient', async t => {
  const r = await cli(['inspect', EXAMPLE, '--json', '--config', 'config/gateway.yaml'])
  t.equal(r.code, 0)
  t.match(r.json(), { outcome: 'accepted', carrier: null })
  // The shipped config answers to GOVPIU only: a file addressed to CUSTOMS is not ours (CONTRL 7).
  const other = await cli(['inspect', sample('paxlst-d15b-pax.edi'), '--json', '--config', 'config/gateway.yaml'])
  t.equal(other.code, 1, 'exit 1: it would be rejected')
  t.match(other.json(), {
    outcome: 'rejected',
    errors: [{ code: 7, level: 'interchange', segment: 1, tag: 'UNB', element: 3, component: 1 }]
  })
})

t.test('--carrier XA on another carrier\'s file: sender not agreed (CONTRL 23)', async t => {
  const r = await cli(['inspect', sample('paxlst-d15b-pax.edi'), '--carrier', 'XA', '--json', '--config', SAMPLE_CONFIG])
  t.equal(r.code, 1)
  const report = r.json()
  t.equal(report.outcome, 'rejected')
  t.match(report.errors.map((e: any) => [e.code, e.tag, e.element, e.component]), [[23, 'UNB', 2, 1]])
})

t.test('fixtures: facts, outcomes and exit codes', async t => {
  const ex51 = await inspect(sample('paxlst-d15b-pax.edi'), '--json')
  t.equal(ex51.code, 0, 'the D15B list with UNG/UNE on one line is accepted')
  const r51 = ex51.json()
  t.match(r51, {
    outcome: 'accepted',
    interchange: { syntax: 'UNOA:4', sender: 'ZZAIRLINE', recipient: 'CUSTOMS', reference: '000000001' },
    errors: []
  })
  t.match(r51.messages[0], { reference: 'PAX001', version: 'D:15B', model: { flight: { carrier: 'ZZ', number: '123' } } })
  t.equal(r51.messages[0].model.travellers.length, 1)
  t.match(r51.ack, /UCI\+000000001\+ZZAIRLINE\+CUSTOMS\+7'/)

  const pnr = await inspect(sample('pnrgov-11-3pnrs.edi'), '--json')
  t.equal(pnr.code, 0)
  const rp = pnr.json()
  t.match(rp, { outcome: 'accepted', interchange: { syntax: 'IATA:1', sender: 'ZZ', recipient: 'PIUPNR' } })
  t.match(rp.messages[0], { type: 'PNRGOV', version: '11:1', model: { flight: { carrier: 'ZZ' } } })
  t.equal(rp.messages[0].model.pnrs.length, 3)
  t.match(rp.ack, /UNH\+[^']+\+ACKRES:/, 'PNRGOV is answered with ACKRES')

  const star = await inspect(sample('paxlst-una-star-dollar.edi'), '--json')
  t.equal(star.code, 1, 'rejected: wrong UNT count and reference')
  const rs = star.json()
  t.match(rs, { outcome: 'rejected', interchange: { separators: { element: '*', segment: '$' } } })
  t.same(rs.errors.map((e: any) => [e.code, e.level, e.message, e.segment, e.tag, e.element, e.component]), [
    [29, 'message', '2501141300', 19, 'UNT', 1, null],
    [28, 'message', '2501141300', 19, 'UNT', 2, null]
  ])
  t.match(rs.messages[0], { outcome: 'rejected', part: { sequence: 10, final: true } })
  t.match(rs.ack, /UCI\+2501141300\+ZZAIRLINE:ZZ\+JMAPIS:ZZ\+4'/, 'a negative CONTRL')
})

t.test('the report holds the stripped transport material (kind and size, never content)', async t => {
  const r = await inspect(sample('paxlst-soh-stx-hyphen.txt'), '--json')
  t.equal(r.code, 1)
  const report = r.json()
  t.same(report.transport.stripped, [
    { kind: 'control-chars', bytes: 2 },
    { kind: 'typeb-header', bytes: 29 },
    { kind: 'folding', bytes: 12 },
    { kind: 'control-chars', bytes: 1 },
    { kind: 'trailer', bytes: 116 }
  ])
  t.match(report.errors, [{ code: 29, tag: 'UNT', segment: 20, element: 1 }])
  t.match(report.warnings, [{ code: 21, tag: 'COM', segment: 4, element: 2, component: 1 }])
  t.notMatch(r.stdout, /disclaimer|confidential/i, 'the stripped e-mail text is not reproduced')
  const human = await inspect(sample('paxlst-soh-stx-hyphen.txt'))
  t.match(human.stdout, '  stripped     typeb-header (29 bytes)\n')
  t.match(human.stdout, '  stripped     trailer (116 bytes)\n')
  t.match(human.stdout, /\n {2}error {3}29 {2}message ZZMSG0000010, segment 20, UNT, element 1: UNT segment count does not match; expected 20\n/)
})

// Which fixtures carry harness macros, and in how many places (test/fixtures/index.ts).
const MACROS: Array<[string, number]> = [
  ['paxlst-harness-macros.edi', 6]
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
  const macro = (await inspect(sample('paxlst-harness-macros.edi'), '--json')).json()
  t.same(macro.errors.filter((e: any) => e.code === 21).map((e: any) => `${e.segment}/${e.tag}/${e.element}/${e.component}`),
    ['1/UNB/4/1', '1/UNB/5/1', '1/UNH/3/1', '7/DTM/1/2', '9/DTM/1/2', '17/UNZ/2/1'])
  const human = await inspect(sample('paxlst-harness-macros.edi'))
  t.match(human.stdout, /: REJECTED\n.*\n {2}unparseable {2}the file contains unexpanded test-harness macros \(6 places\), CONTRL 21; messages not mapped\n/)
})

t.test('a file without macros is not flagged unparseable', async t => {
  for (const file of ['paxlst-d05b-multileg.edi', 'pnrgov-11-split.edi']) {
    t.equal((await inspect(sample(file), '--json')).json().unparseable, null, file)
  }
})

t.test('bytes without an interchange: unparseable, no ack, exit 1', async t => {
  const f = join(dir, 'garbage.bin')
  writeFileSync(f, Buffer.from([0x00, 0xff, 0x41, 0x42, 0x0a, 0x27]))
  const r = await inspect(f, '--json')
  t.equal(r.code, 1)
  t.match(r.json(), {
    outcome: 'rejected',
    interchange: null,
    messages: [],
    ack: null,
    unparseable: { id: 'GW_ERR_EDIFACT_NO_INTERCHANGE' }
  })
  const human = await inspect(f)
  t.match(human.stdout, 'interchange  none readable')
  t.match(human.stdout, 'ack: none due')
})

t.test('several files: a JSON list, exit 1 when any would be rejected', async t => {
  const r = await inspect(EXAMPLE, sample('paxlst-una-star-dollar.edi'), '--json')
  t.equal(r.code, 1)
  const list = r.json()
  t.ok(Array.isArray(list))
  t.same(list.map((x: any) => x.outcome), ['accepted', 'rejected'])
  const ok = await inspect(EXAMPLE, sample('paxlst-d15b-pax.edi'))
  t.equal(ok.code, 0)
  t.equal(ok.stdout.split('\n\n').length, 2, 'one human report per file')
})

t.test('an unreadable file: named on stderr, the others still reported, exit 2', async t => {
  const missing = join(dir, 'absent.edi')
  const r = await inspect(missing, EXAMPLE, '--json')
  t.equal(r.code, 2)
  t.match(r.stderr, `inspect: ${missing} cannot be read (ENOENT)`)
  t.same(r.json().map((x: any) => x.file), [EXAMPLE])
})

t.test('config and carrier problems', async t => {
  const gone = await cli(['inspect', EXAMPLE, '--config', join(dir, 'absent.yaml')])
  t.equal(gone.code, 2, 'an explicitly named config must exist')
  t.match(gone.stderr, `${join(dir, 'absent.yaml')}: (document) does not exist`)
  const viaEnv = await cli(['inspect', EXAMPLE], { CARRIER_GATEWAY_CONFIG: join(dir, 'absent.yaml') })
  t.equal(viaEnv.code, 2, 'also when named by CARRIER_GATEWAY_CONFIG')

  const carriers = mkdtempSync(join(dir, 'carriers-'))
  writeFileSync(join(carriers, 'XA.yaml'), 'code: XA\nname: Example Air\nstage: live\n')
  const cfg = join(dir, 'broken-carrier.yaml')
  writeFileSync(cfg, stringify({ carriers }))
  const broken = await cli(['inspect', EXAMPLE, '--carrier', 'XA', '--config', cfg])
  t.equal(broken.code, 2)
  t.match(broken.stderr, `${join(carriers, 'XA.yaml')}: /senderIds is required`)
  t.match(broken.stderr, 'the agreement for XA is invalid')
  t.equal(broken.stdout, '')
})

t.test('usage errors exit 2', async t => {
  const none = await cli(['inspect', '--json'])
  t.equal(none.code, 2)
  t.match(none.stderr, 'inspect: at least one FILE is required')
  t.equal((await cli(['inspect', EXAMPLE, '--verbose'])).code, 2, 'unknown option')
  t.equal((await cli(['inspect', EXAMPLE, '--carrier'])).code, 2, 'option without its value')
  const unknown = await cli(['inspect', EXAMPLE, '--carrier', 'ZZ', '--config', 'config/gateway.yaml'])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, 'no agreement for carrier ZZ in config/carriers')
})

t.test('the ack is shown one segment per line; a released apostrophe stays inside its value', async t => {
  t.same(segmentLines("UNA:+.? 'UNB+UNOA:4+GOVPIU+O?'BRIEN'UCI+R1+X??'UNZ+1+R1'\n"), [
    "UNA:+.? '", "UNB+UNOA:4+GOVPIU+O?'BRIEN'", "UCI+R1+X??'", "UNZ+1+R1'"
  ])
})

t.test('a CUSRES is read for its decisions by position (docs/interactive.md)', async t => {
  const req = iapiRequestOf(parseInterchange(iapiRequest({ travellers: TRAVELLERS })))
  if (!req.ok) throw new Error('the test request does not read as an iAPI request')
  const cusres = buildCusres(req, {
    passengers: [
      { position: 1, decision: '0Z', text: 'OK TO BOARD' },
      { position: 2, decision: '2Z', text: null },
      { position: 3, decision: '1Z', text: 'NO BOARD' }
    ]
  }, { senderId: 'GOVPIU', reference: 'ANS1', now: new Date('2026-12-24T06:10:00Z') })
  const dir = mkdtempSync(join(tmpdir(), 'cg-inspect-cusres-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'answer.edi')
  writeFileSync(file, cusres, 'latin1')
  const report = (await inspect(file, '--json')).json()
  t.match(report.decisions, [{
    document: '962',
    transactionRef: 'TX0042',
    flight: { flightId: 'XA339' },
    passengers: [{ position: 1, decision: '0Z', text: 'OK TO BOARD' }, { position: 2, decision: '2Z' }, { position: 3, decision: '1Z' }]
  }])
  const human = (await inspect(file)).stdout
  t.match(human, /\n {2}decisions {4}message M1 {2}CUSRES 962 \(answer\) {2}TN TX0042 {2}flight XA339\n/)
  t.match(human, /\n {4}passenger 3 \(segment \d+\): 1Z NO BOARD\n/)
  const batch = (await inspect(EXAMPLE, '--json')).json()
  t.same(batch.decisions, [], 'other message types have none')
})
