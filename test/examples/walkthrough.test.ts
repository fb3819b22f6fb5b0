// The onboarding walkthrough (docs/onboarding.md) against examples/: every `$ carrier-gateway ...`
// line of the doc is run in order, in-process, with examples/gateway.yaml copied to a temp folder
// (var/walkthrough/ becomes that folder, the ports are 0), and its output is compared with the
// output block the doc shows under it, after the parts that vary from run to run are masked (times,
// dates, fingerprints, serials, generated references, transmission ids; the doc says which ones).
// A `…` line in the doc stands for any lines. So the doc, the example files and the CLI cannot drift
// apart silently. Then each example file's outcome, codes and ack are checked on their own.
import t from 'tap'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse, stringify } from 'yaml'
import { createGateway, type Gateway } from '../../src/app.js'
import { loadConfig } from '../../src/config/index.js'
import { createLogger } from '../../src/logger.js'
import { runCli, type CliRun } from '../helpers/cli.js'
import { LogSink, tmpDir } from '../helpers/gateway.js'

const ROOT = resolve(import.meta.dirname, '..', '..')
const DOC = join(ROOT, 'docs', 'onboarding.md')
const EXAMPLES = join(ROOT, 'examples')
const ZZ_DIR = join(EXAMPLES, 'zz')
const WALK = 'var/walkthrough'
/** Values inside the example files: certify and quarantine never print them (README guarantee 4). */
const PASSENGER_VALUES = ['TESTER', 'ALPHA', 'BRAVO', 'CHARLIE', 'X0000001', 'X0000002', '800101', '01JAN80']

/** Each example file: the outcome `inspect --carrier ZZ` gives, its exit code, codes and a key ack segment. */
const OUTCOMES: Record<string, { code: number, outcome: string, errors: number[], warnings: number[], ack: string }> = {
  'paxlst-passengers.edi': { code: 0, outcome: 'ACCEPTED', errors: [], warnings: [], ack: "UCI+ZZ0000000101+ZZAIRLINE+GOVPIU+7'" },
  'paxlst-passengers-bad.edi': {
    code: 1, outcome: 'REJECTED', errors: [29], warnings: [13], ack: "UCM+PAX001+PAXLST:D:15B:UN:IATA+4+29+UNT'"
  },
  'paxlst-crew.edi': { code: 0, outcome: 'ACCEPTED', errors: [], warnings: [], ack: "UCI+ZZ0000000102+ZZAIRLINE+GOVPIU+7'" },
  'paxlst-part1.edi': { code: 0, outcome: 'ACCEPTED', errors: [], warnings: [], ack: "UCI+ZZ0000000103+ZZAIRLINE+GOVPIU+7'" },
  'paxlst-part2.edi': { code: 0, outcome: 'ACCEPTED', errors: [], warnings: [], ack: "UCI+ZZ0000000104+ZZAIRLINE+GOVPIU+7'" },
  'pnrgov.edi': { code: 0, outcome: 'ACCEPTED', errors: [], warnings: [], ack: "RFF+TN:ZZ0000000201'\nRFF+ACW:1'\nUNT+5+1'" },
  'pnrgov-bad.edi': {
    code: 1, outcome: 'REJECTED', errors: [29, 13, 14], warnings: [], ack: "RFF+TN:ZZ0000000202'\nERC+29'\nRFF+ACW:1'\nERC+13'"
  }
}

/** What varies from run to run, masked the same way in the doc and in the output. */
function mask (text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>')
    .replace(/\b\d{4}-\d\d-\d\d\b/g, '<date>')
    .replace(/sha256\/[0-9A-F]{2}(:[0-9A-F]{2}){31}/g, '<fingerprint>')
    .replace(/^(serial +)[0-9A-F]+$/gm, '$1<serial>')
    .replace(/\bCR-\d{8}-[0-9a-f]{8}\b/g, '<report id>')
    .replace(/\b0mx[0-9a-z]+-\d{3}-[0-9a-f]{12}\b/g, '<transmission id>')
    // The gateway's own UNB date/time and interchange reference on the acks it builds.
    .replace(/^(\s*UNB\+[^+]+\+GOVPIU\+ZZAIRLINE\+)\d{6}:\d{4}\+[0-9A-Z]+/gm, '$1<date:time>+<ack ref>')
    .replace(/^(\s*UNZ\+1\+)0MX[0-9A-Z]+'/gm, "$1<ack ref>'")
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The doc's output block as a pattern: each line literal, a line holding only `…` any lines. */
function pattern (block: string): RegExp {
  const lines = block.replace(/\n$/, '').split('\n').map(l => /^\s*…$/.test(l) ? '(?:[^\\n]*\\n)*?' : `${escape(l)}\\n`)
  return new RegExp(`^${lines.join('')}$`)
}

interface Step { command: string, output: string }

/** Every `$ carrier-gateway` line of the doc's fenced blocks with the output shown under it. */
function docSteps (doc: string): Step[] {
  const steps: Step[] = []
  for (const block of doc.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)) {
    const lines = block[1].replace(/\\\n\s*/g, '').split('\n')
    let current: Step | null = null
    for (const line of lines) {
      if (line.startsWith('$ ')) {
        current = line.startsWith('$ carrier-gateway ') ? { command: line.slice('$ carrier-gateway '.length), output: '' } : null
        if (current !== null) steps.push(current)
      } else if (current !== null) {
        current.output += `${line}\n`
      }
    }
  }
  return steps.map(s => ({ ...s, output: `${s.output.trimEnd()}\n` }))
}

/** A shell-like split: spaces separate, double quotes group, `examples/zz/*.edi` expands (C order, as sh). */
function argv (command: string): string[] {
  const words = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map(m => m[1] ?? m[2])
  const glob = (): string[] => readdirSync(ZZ_DIR).filter(f => f.endsWith('.edi')).sort().map(f => `examples/zz/${f}`)
  return words.flatMap(w => w === 'examples/zz/*.edi' ? glob() : [w])
}

t.test('the walkthrough in docs/onboarding.md, step by step, prints what the doc shows', async t => {
  const dir = tmpDir(t, 'cg-walkthrough-')
  const walk = join(dir, 'walkthrough')
  // examples/gateway.yaml with var/walkthrough/ moved to the temp folder and the ports made free.
  const shipped = readFileSync(join(EXAMPLES, 'gateway.yaml'), 'utf8')
  const paths = [...shipped.matchAll(/\bvar\/[\w/.-]+/g)].map(m => m[0])
  t.ok(paths.length > 0 && paths.every(p => p.startsWith(`${WALK}/`)),
    'everything the walkthrough writes is under var/walkthrough/ (git ignores var/)')
  const doc = parse(shipped.replaceAll(WALK, walk).replace(/\bcerts-example\//g, `${ROOT}/certs-example/`)) as Record<string, any>
  doc.https = { ...doc.https, host: '127.0.0.1', port: 0 }
  doc.admin = { ...doc.admin, port: 0 }
  doc.log = { level: 'warn' }
  const config = join(dir, 'gateway.yaml')
  writeFileSync(config, stringify(doc))
  mkdirSync(join(walk, 'carriers'), { recursive: true }) // the walkthrough's `mkdir -p var/walkthrough/carriers`

  const env = { CARRIER_GATEWAY_CONFIG: config, USER: 'jdoe' }
  let gateway: Gateway | null = null
  const logs = new LogSink()
  t.teardown(async () => { await gateway?.close() })
  const text = readFileSync(DOC, 'utf8')
  t.match(text, /export CARRIER_GATEWAY_CONFIG=examples\/gateway\.yaml/, 'the doc sets the walkthrough config once')
  const steps = docSteps(text)
  t.ok(steps.length >= 15, `the doc shows the walkthrough's commands (${steps.length})`)

  let quarantined: string | null = null
  const runs: Array<{ command: string, run: CliRun }> = []
  for (const step of steps) {
    let command = step.command.replaceAll(WALK, walk)
    if (command.startsWith('send ')) {
      // Step 4 needs the running gateway (`npm start` in the doc): start it once, in-process.
      if (gateway === null) {
        const cfg = loadConfig(config)
        gateway = await createGateway({ config: cfg, logger: createLogger(cfg.log.level, logs) })
        await gateway.start()
      }
      command = command.replace('https://localhost:8443', `https://localhost:${gateway.httpsPort() ?? 0}`)
    }
    if (quarantined !== null) command = command.replace(/\b0mx[0-9a-z]+-\d{3}-[0-9a-f]{12}\b/, quarantined)
    const run = await runCli(argv(command), env)
    runs.push({ command: step.command, run })
    const id = /^HTTP 422 {2}outcome rejected {2}transmission (\S+)$/m.exec(run.stdout)
    if (id !== null) quarantined = id[1]
    const shown = `${(run.stdout + run.stderr).trimEnd()}\n`.replaceAll(config, 'examples/gateway.yaml').replaceAll(walk, WALK)
    t.match(mask(shown), pattern(mask(step.output)), `$ carrier-gateway ${step.command}`)
  }

  // Exit codes (docs/cli.md "Exit codes and help"): 1 for a certify that does not pass and a send
  // the gateway rejects, 0 for every other step.
  for (const { command, run } of runs) {
    const fails = command.startsWith('certify ') || (command.startsWith('send ') && command.includes('-bad.edi'))
    t.equal(run.code, fails ? 1 : 0, `exit code of ${command}`)
    if (/^(certify|quarantine) /.test(command)) {
      for (const v of PASSENGER_VALUES) t.notOk(run.stdout.includes(v), `no ${v} printed by ${command.split(' ').slice(0, 2).join(' ')}`)
    }
  }
  const sent = runs.filter(r => r.command.startsWith('send '))
  t.ok(sent.some(r => /outcome accepted/.test(r.run.stdout)) && sent.some(r => /outcome rejected/.test(r.run.stdout)), 'a good and a bad file sent')
  t.ok(runs.some(r => r.command.startsWith('quarantine release ')) && runs.some(r => r.command.startsWith('carriers set-stage ZZ live ')),
    'the walkthrough releases from quarantine and goes live')
  const agreement = readFileSync(join(walk, 'carriers', 'ZZ.yaml'), 'utf8')
  t.match(agreement, /^stage: live /m, 'ZZ ends in stage live')
  // "The written file, after step 5": every line the doc shows (not the elided ones) is in it.
  const written = /The written file, after step 5:\n\n```yaml\n([\s\S]*?)```/.exec(text)
  t.ok(written, 'the doc shows the written agreement')
  for (const line of (written?.[1] ?? '').split('\n').filter(l => l !== '' && !l.includes('…'))) {
    t.ok(agreement.split('\n').includes(line), `the agreement has the line the doc shows: ${line.trim()}`)
  }
  t.match(readFileSync(join(walk, 'audit.log'), 'utf8'), /"action":"quarantine-release".*\n.*"action":"set-stage"/, 'both recorded in the audit log')
  for (const v of PASSENGER_VALUES) t.notOk(logs.text().includes(v), `no ${v} in the gateway log`)
})

t.test('each example file: outcome, exit code, CONTRL/ACKRES codes against the ZZ agreement of the walkthrough', async t => {
  const dir = tmpDir(t, 'cg-examples-')
  const carriers = join(dir, 'carriers')
  const config = join(dir, 'gateway.yaml')
  const shipped = parse(readFileSync(join(EXAMPLES, 'gateway.yaml'), 'utf8')) as Record<string, any>
  writeFileSync(config, stringify({ identity: shipped.identity, carriers, ledger: { path: join(dir, 'ledger.db') } }))
  mkdirSync(carriers)
  // The agreement of step 2, pinned to a made-up fingerprint: inspect and certify need no certificate.
  const add = await runCli(['carriers', 'add', 'ZZ', '--name', 'Zed Air', '--paxlst', 'D15B', '--pnrgov', '13.1',
    '--sender-id', 'ZZAIRLINE', '--fingerprint', `sha256/${Array(32).fill('AB').join(':')}`, '--config', config])
  t.equal(add.code, 0, add.stderr)

  const files = readdirSync(ZZ_DIR).sort()
  t.same(files, Object.keys(OUTCOMES).sort(), 'every file in examples/zz/ has its expected outcome here')
  const readme = readFileSync(join(EXAMPLES, 'README.md'), 'utf8')
  for (const f of files) t.match(readme, `\`${f}\``, `examples/README.md describes ${f}`)
  t.match(readme, /iAPI/, 'the README keeps the place of the interactive (iAPI) request')

  for (const f of files) {
    const want = OUTCOMES[f]
    const r = await runCli(['inspect', join(ZZ_DIR, f), '--carrier', 'ZZ', '--config', config])
    t.equal(r.code, want.code, `${f}: inspect exit code`)
    t.match(r.stdout, new RegExp(`^${escape(join(ZZ_DIR, f))}: ${want.outcome}$`, 'm'), `${f}: ${want.outcome}`)
    t.ok(r.stdout.includes(want.ack.split('\n').map(s => `    ${s}`).join('\n')), `${f}: the ack has ${want.ack.replace(/\n/g, ' ')}`)
  }

  const r = await runCli(['certify', 'ZZ', ...files.map(f => join(ZZ_DIR, f)), '--json', '--config', config])
  t.equal(r.code, 1)
  const report = r.json() as {
    summary: Record<string, unknown>
    quality: { travellers: number, documentNumber: number, pnrs: number, series: Record<string, number> }
    files: Array<{ file: string, outcome: string, errors: Array<{ code: number }>, warnings: Array<{ code: number }> }>
  }
  t.match(report.summary, { files: 7, accepted: 5, acceptedWithWarnings: 0, rejected: 2, passed: false })
  for (const file of report.files) {
    const want = OUTCOMES[file.file]
    t.equal(file.outcome, want.code === 0 ? 'accepted' : 'rejected', `${file.file}: certify outcome`)
    t.same(file.errors.map(e => e.code), want.errors, `${file.file}: error codes`)
    t.same(file.warnings.map(e => e.code), want.warnings, `${file.file}: warning codes`)
  }
  // The pair is one manifest in two parts (UNH 0068 ZZ100260301FRA, S010 01:C and 02:F): 6 series, all complete.
  t.match(report.quality, { travellers: 12, documentNumber: 11, pnrs: 4, series: { total: 6, complete: 6, incomplete: 0 } })
  const crew = readFileSync(join(ZZ_DIR, 'paxlst-crew.edi'), 'latin1')
  t.match(crew, /^BGM\+250'$/m, 'the crew list is BGM 1001 = 250 (PAXLST guide: crew list)')
  t.match(crew, /^CNT\+41:2'$/m, 'crew count CNT 6069 = 41')
})
