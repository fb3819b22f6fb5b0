#!/usr/bin/env node
// Runs the tap suite in two phases and prints one closing line `N passed, N failed`:
//   a) every test/**/*.test.ts outside test/serial/, in parallel (--jobs=2, the machine's cores);
//   b) test/serial/**/*.test.ts with --jobs=1: tests that restart or cut the broker, which would
//      break the tests running beside them. Skipped when there are none.
// Both phases run even if the first fails, so that one run reports everything.
//
// What is counted: the top-level test points of each test file, i.e. each `t.test(...)` and
// each assertion made directly on the file's root `t`. Their own nested assertions are not
// counted separately (a subtest with a failing assertion counts as one failure). A file that
// fails without a failing top-level point (crash, non-zero exit, timeout, bad plan) counts one
// failure of its own, and so does a tap run that exits non-zero with nothing counted as failed.
// SKIP and TODO points are reported as skipped.
//
// tap's output is shown as it runs: with its own default reporter (base on a terminal, raw TAP
// otherwise; TAP_REPORTER overrides). The counts come from the raw TAP: read from the stream when
// the reporter is `tap`, else from --output-file (tap echoes --output-file to stdout when the
// reporter is `tap`, so the two are never combined).
//
// Usage: node scripts/run-tests.mjs [path...] [-- tap options...]
//   paths (files or folders) narrow the set; options after -- go to both tap runs.
// Env: RUN_TESTS_DIR (default `test`), TAP_REPORTER.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(ROOT)
const TEST_DIR = process.env.RUN_TESTS_DIR || 'test'
const SERIAL_DIR = path.join(TEST_DIR, 'serial')

const argv = process.argv.slice(2)
const dash = argv.indexOf('--')
const filters = (dash === -1 ? argv : argv.slice(0, dash)).map(p => path.normalize(p).replace(/\/$/, ''))
const extraTapArgs = dash === -1 ? [] : argv.slice(dash + 1)

function listTests (dir) {
  let entries
  try { entries = readdirSync(dir, { recursive: true }) } catch { return [] }
  return entries
    .map(rel => path.join(dir, String(rel)))
    .filter(f => f.endsWith('.test.ts') && !f.split(path.sep).includes('node_modules') && statSync(f).isFile())
    .filter(f => filters.length === 0 || filters.some(p => f === p || f.startsWith(p + path.sep)))
    .sort()
}

const isUnder = (file, dir) => file.startsWith(dir + path.sep)
const all = listTests(TEST_DIR)
const parallel = all.filter(f => !isUnder(f, SERIAL_DIR))
const serial = all.filter(f => isUnder(f, SERIAL_DIR))

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

function runTap (label, files, tapArgs) {
  return new Promise(resolve => {
    const reporter = process.env.TAP_REPORTER || (process.stdout.isTTY ? 'base' : 'tap')
    const tmp = mkdtempSync(path.join(tmpdir(), 'run-tests-'))
    const rawFile = path.join(tmp, 'raw.tap')
    const args = ['tap', `--reporter=${reporter}`, '--allow-empty-coverage', ...tapArgs, ...extraTapArgs]
    if (reporter !== 'tap') args.push(`--output-file=${rawFile}`)
    args.push(...files)
    console.log(`\n# run-tests: phase ${label}: ${files.length} file(s): npx ${args.filter(a => !files.includes(a)).join(' ')}\n`)
    const child = spawn('npx', args, { stdio: ['ignore', reporter === 'tap' ? 'pipe' : 'inherit', 'inherit'] })
    let raw = ''
    child.stdout?.on('data', chunk => { process.stdout.write(chunk); raw += chunk })
    child.on('close', (code, signal) => {
      if (reporter !== 'tap') { try { raw = readFileSync(rawFile, 'utf8') } catch { raw = '' } }
      rmSync(tmp, { recursive: true, force: true })
      resolve({ label, code: code ?? 1, signal, counts: countTap(raw) })
    })
  })
}

const phases = []
if (parallel.length > 0) phases.push(await runTap('a (parallel)', parallel, ['--jobs=2']))
if (serial.length > 0) phases.push(await runTap('b (serial)', serial, ['--jobs=1']))
else console.log(`\n# run-tests: phase b (serial): skipped, no test files under ${SERIAL_DIR}/`)

let passed = 0
let failed = 0
let skipped = 0
let exitCode = 0
for (const { label, code, signal, counts } of phases) {
  passed += counts.passed
  failed += counts.failed
  skipped += counts.skipped
  if (code !== 0) {
    exitCode = 1
    if (counts.failed === 0) {
      failed++
      console.log(`# run-tests: phase ${label}: tap exited ${signal ?? code} with no failing test point (coverage, config or crash): counted as 1 failure`)
    }
  }
  for (const f of counts.failedFiles) console.log(`# run-tests: phase ${label}: FAILED ${f}`)
}
if (phases.length === 0) {
  console.log(`# run-tests: no *.test.ts files under ${TEST_DIR}/${filters.length ? ` matching ${filters.join(' ')}` : ''}`)
  exitCode = 1
}
if (failed > 0) exitCode = 1
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(exitCode)
