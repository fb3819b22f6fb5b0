#!/usr/bin/env node
// Runs the tap suite and prints one closing line `N passed, N failed` (docs/testing.md).
//
// Two tiers:
//   self-contained (default, `npm test`): every test/**/*.test.ts outside test/conformance/; it
//     needs nothing outside the repository (fixtures: test/fixtures/);
//   conformance (`--conformance`, `npm run test:conformance`): test/conformance/**/*.test.ts, the
//     facts of the real sample messages in the folders CARRIER_GATEWAY_SAMPLES names. Without any
//     of them it stops at once with one line saying where they come from (exit 2).
// Each tier runs in two phases, and both run even if the first fails:
//   a) the files outside test/serial/, in parallel (--jobs=2, the machine's cores);
//   b) test/serial/**/*.test.ts with --jobs=1: tests that restart or cut the broker, which would
//      break the tests running beside them. Skipped when there are none.
//
// What is counted: the top-level test points of each test file, i.e. each `t.test(...)` and
// each assertion made directly on the file's root `t`. Their own nested assertions are not
// counted separately (a subtest with a failing assertion counts as one failure). A file that
// fails without a failing top-level point (crash, non-zero exit, timeout, bad plan) counts one
// failure of its own, and so does a tap run that exits non-zero with nothing counted as failed.
// SKIP and TODO points are reported as skipped.
//
// Output: on a terminal, tap's own `base` reporter; otherwise (CI, a pipe) one line per test file
// (ok / not ok, counts, seconds) and, at the end, each failure with its TAP diagnostics. TAP_REPORTER
// names a tap reporter to use instead. The raw TAP of the whole run is kept in a file whose path is
// printed (RUN_TESTS_RAW chooses it).
//
// Usage: node scripts/run-tests.mjs [--conformance] [path...] [-- tap options...]
//   paths (files or folders) narrow the set, e.g. `node scripts/run-tests.mjs test/edifact test/messages`;
//   a path under test/conformance/ selects that tier; options after -- go to every tap run.
// Env: RUN_TESTS_DIR (default `test`), TAP_REPORTER, RUN_TESTS_RAW, CARRIER_GATEWAY_SAMPLES.
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(ROOT)
const TEST_DIR = process.env.RUN_TESTS_DIR || 'test'
const SERIAL_DIR = path.join(TEST_DIR, 'serial')
const CONFORMANCE_DIR = path.join(TEST_DIR, 'conformance')
const DEFAULT_SAMPLES = '../shared/samples:../shared/samples-external'

const argv = process.argv.slice(2)
const dash = argv.indexOf('--')
const ownArgs = dash === -1 ? argv : argv.slice(0, dash)
const extraTapArgs = dash === -1 ? [] : argv.slice(dash + 1)
const filters = ownArgs.filter(a => a !== '--conformance').map(p => path.normalize(p).replace(/\/$/, ''))
const isUnder = (file, dir) => file === dir || file.startsWith(dir + path.sep)
const conformance = ownArgs.includes('--conformance') || (filters.length > 0 && filters.every(f => isUnder(f, CONFORMANCE_DIR)))

function listTests (dir) {
  let entries
  try { entries = readdirSync(dir, { recursive: true }) } catch { return [] }
  return entries
    .map(rel => path.join(dir, String(rel)))
    .filter(f => f.endsWith('.test.ts') && !f.split(path.sep).includes('node_modules') && statSync(f).isFile())
    .filter(f => filters.length === 0 || filters.some(p => f === p || f.startsWith(p + path.sep)))
    .sort()
}

const all = listTests(TEST_DIR).filter(f => isUnder(f, CONFORMANCE_DIR) === conformance)
const parallel = all.filter(f => !isUnder(f, SERIAL_DIR))
const serial = all.filter(f => isUnder(f, SERIAL_DIR))
const tier = conformance ? 'conformance' : 'self-contained'

if (conformance) {
  // The samples are public messages the project did not write and does not ship (their SOURCES.md).
  const list = process.env.CARRIER_GATEWAY_SAMPLES?.trim() || DEFAULT_SAMPLES
  const dirs = list.split(':').filter(p => p.trim() !== '').map(p => path.resolve(ROOT, p))
  if (!dirs.some(d => existsSync(d))) {
    console.log(`run-tests: conformance tier: no samples folder at ${dirs.join(' or ')}; ` +
      'it holds the public PAXLST/PNRGOV sample messages ' +
      '(provenance in its SOURCES.md, beside the repository in the shared workspace); set CARRIER_GATEWAY_SAMPLES=dir[:dir...] ' +
      '(relative to the repository root) to point at them, see docs/testing.md')
    process.exit(2)
  }
}

const rawPath = path.resolve(process.env.RUN_TESTS_RAW || path.join(tmpdir(), `carrier-gateway-${tier}-${process.pid}.tap`))
writeFileSync(rawPath, `# run-tests: ${tier} tier, raw TAP\n`)

/**
 * Counts the top-level points of each file in a runner's raw TAP. In it, a file is a subtest at
 * indent 0 (`# Subtest: file`, its points at indent 4, then `ok N - file` at indent 0); YAML
 * diagnostics (`---` … `...`) are skipped whole so that nothing quoted in them is counted.
 */
function countTap (text) {
  const totals = { passed: 0, failed: 0, skipped: 0, failedFiles: [] }
  let fileFailed = 0
  let yamlEnd = null
  for (const line of text.split('\n')) {
    if (yamlEnd !== null) {
      if (line === yamlEnd) yamlEnd = null
      continue
    }
    const yaml = /^( *)---\s*$/.exec(line)
    if (yaml) { yamlEnd = `${yaml[1]}...`; continue }
    const point = /^( *)(not ok|ok)\b(?:\s+\d+)?(?:\s+-)?\s*(.*)$/.exec(line)
    if (!point) continue
    const [, indent, status, rest] = point
    const directive = /#\s*(SKIP|TODO)\b/i.exec(rest)
    if (indent.length === 4) {
      if (directive) totals.skipped++
      else if (status === 'ok') totals.passed++
      else { totals.failed++; fileFailed++ }
    } else if (indent.length === 0) {
      const name = rest.replace(/\s+#\s.*$/, '')
      if (status === 'not ok' && !directive) {
        totals.failedFiles.push(name)
        if (fileFailed === 0) totals.failed++
      }
      fileFailed = 0
    }
  }
  return totals
}

/** The failing points of one file's TAP block with their YAML diagnostics, at most `max` lines. */
function failureLines (block, max = 80) {
  const out = []
  for (let i = 0; i < block.length && out.length < max; i++) {
    const point = /^( *)not ok\b/.exec(block[i])
    if (!point || /#\s*(SKIP|TODO)\b/i.test(block[i])) continue
    out.push(block[i])
    const open = /^( *)---\s*$/.exec(block[i + 1] ?? '')
    if (open === null) continue
    const end = `${open[1]}...`
    for (i++; i < block.length && out.length < max; i++) {
      out.push(block[i])
      if (block[i] === end) break
    }
  }
  if (out.length >= max) out.push(`  … (more in the raw TAP: ${rawPath})`)
  return out
}

/**
 * Follows the raw TAP as it arrives: one line per finished file, and the file's lines kept when
 * it failed. The lines after a file's closing point (its own YAML: exit code, signal) belong to it.
 */
function fileFollower (failures) {
  let pending = ''
  let block = null
  let last = null
  const close = (line) => {
    const m = /^(not ok|ok)\b(?:\s+\d+)?(?:\s+-)?\s*(.*)$/.exec(line)
    const name = m[2].replace(/\s+#\s.*$/, '')
    const c = countTap([...(block ?? []), line].join('\n'))
    const ms = /#\s*time=([\d.]+)(ms|s)\b/.exec(m[2])
    const secs = ms === null ? '' : `  ${(Number(ms[1]) / (ms[2] === 'ms' ? 1000 : 1)).toFixed(1)}s`
    const failed = m[1] === 'not ok' && !/#\s*(SKIP|TODO)\b/i.test(m[2])
    const counts = `${c.passed} passed${c.failed ? `, ${c.failed} failed` : ''}${c.skipped ? `, ${c.skipped} skipped` : ''}`
    console.log(`${failed ? 'not ok' : 'ok    '} ${name}  ${counts}${secs}`)
    last = { name, lines: [...(block ?? []), line] }
    if (failed) failures.push(last)
    block = null
  }
  const feed = (line) => {
    if (/^# Subtest: /.test(line)) { block = [line]; last = null; return }
    if (/^(not ok|ok)\b/.test(line) && block !== null) { close(line); return }
    if (block !== null) block.push(line)
    else if (last !== null) last.lines.push(line)
  }
  return {
    write (chunk) {
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop()
      for (const l of lines) feed(l)
    },
    end () { if (pending !== '') feed(pending); pending = '' }
  }
}

function runTap (label, files, tapArgs, failures) {
  return new Promise(resolve => {
    const reporter = process.env.TAP_REPORTER || (process.stdout.isTTY ? 'base' : 'tap')
    const compact = process.env.TAP_REPORTER === undefined && !process.stdout.isTTY
    const tmp = mkdtempSync(path.join(tmpdir(), 'run-tests-'))
    const rawFile = path.join(tmp, 'raw.tap')
    const args = ['tap', `--reporter=${reporter}`, '--allow-empty-coverage', ...tapArgs, ...extraTapArgs]
    // tap echoes --output-file to stdout when the reporter is `tap`, so the two are never combined.
    if (reporter !== 'tap') args.push(`--output-file=${rawFile}`)
    args.push(...files)
    console.log(`# run-tests: ${tier} phase ${label}: ${files.length} file(s): npx ${args.filter(a => !files.includes(a)).join(' ')}`)
    appendFileSync(rawPath, `# run-tests: phase ${label}\n`)
    const child = spawn('npx', args, { stdio: ['ignore', reporter === 'tap' ? 'pipe' : 'inherit', 'inherit'] })
    const follower = fileFollower(failures)
    let raw = ''
    child.stdout?.on('data', chunk => {
      const text = chunk.toString('utf8')
      raw += text
      appendFileSync(rawPath, text)
      if (compact) follower.write(text)
      else process.stdout.write(chunk)
    })
    child.on('close', (code, signal) => {
      follower.end()
      if (reporter !== 'tap') {
        try { raw = readFileSync(rawFile, 'utf8') } catch { raw = '' }
        appendFileSync(rawPath, raw)
      }
      rmSync(tmp, { recursive: true, force: true })
      resolve({ label, code: code ?? 1, signal, counts: countTap(raw) })
    })
  })
}

const failures = []
const phases = []
if (parallel.length > 0) phases.push(await runTap('a (parallel)', parallel, ['--jobs=2'], failures))
if (serial.length > 0) phases.push(await runTap('b (serial)', serial, ['--jobs=1'], failures))
else if (!conformance) console.log(`# run-tests: phase b (serial): skipped, no test files under ${SERIAL_DIR}/`)

let passed = 0
let failed = 0
let skipped = 0
let exitCode = 0
for (const f of failures) {
  console.log(`\n# FAILED ${f.name}`)
  for (const l of failureLines(f.lines)) console.log(l)
}
for (const { label, code, signal, counts } of phases) {
  passed += counts.passed
  failed += counts.failed
  skipped += counts.skipped
  if (code !== 0) {
    exitCode = 1
    if (counts.failed === 0) {
      failed++
      console.log(`# run-tests: phase ${label}: tap exited ${signal ?? code} with no failing test point ` +
        '(coverage, config or crash): counted as 1 failure')
    }
  }
  for (const f of counts.failedFiles) console.log(`# run-tests: phase ${label}: FAILED ${f}`)
}
if (phases.length === 0) {
  console.log(`# run-tests: no ${tier} *.test.ts files under ${TEST_DIR}/${filters.length ? ` matching ${filters.join(' ')}` : ''}`)
  exitCode = 1
}
if (failed > 0) exitCode = 1
console.log(`# run-tests: raw TAP in ${rawPath}`)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(exitCode)
