// The `carrier-gateway` dispatcher: usage, unknown commands, exit codes (docs/cli.md: 0 success,
// 1 the input or check failed, 2 usage error), and the bin entry point run as a real process.
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { usage } from '../../src/cli/main.js'
import { runCli } from '../helpers/cli.js'

const cli = runCli

const COMMANDS = ['start', 'check-config', 'inspect', 'certify', 'carriers', 'certs', 'quarantine', 'send', 'probe', 'piu-responder']

t.test('usage lists every command of docs/cli.md', async t => {
  const text = usage()
  t.match(text, /^usage: carrier-gateway <command> \[options\]/)
  for (const c of COMMANDS) t.match(text, new RegExp(`\\n {2}${c} +\\S`), c)
})

t.test('--help prints the usage on stdout, exit 0', async t => {
  for (const flag of ['--help', '-h', 'help']) {
    const r = await cli([flag])
    t.equal(r.code, 0, flag)
    t.equal(r.stdout.trimEnd(), usage())
    t.equal(r.stderr, '')
  }
})

t.test('no command: usage on stderr, exit 2', async t => {
  const r = await cli([])
  t.equal(r.code, 2)
  t.equal(r.stdout, '')
  t.equal(r.stderr.trimEnd(), usage())
})

t.test('unknown command: named, usage on stderr, exit 2', async t => {
  for (const name of ['frobnicate', 'toString', '__proto__', 'constructor']) {
    const r = await cli([name])
    t.equal(r.code, 2, name)
    t.match(r.stderr, `unknown command '${name}'`)
  }
})

t.test('an unknown option of a command: exit 2 with a hint', async t => {
  const r = await cli(['start', '--port', '1'])
  t.equal(r.code, 2)
  t.match(r.stderr, /^start: unknown option '--port'/)
  t.match(r.stderr, "run 'carrier-gateway start --help' for its usage")
})

t.test('a command that fails (invalid config for start): exit 2 with every problem, nothing started', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-main-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'gateway.yaml')
  writeFileSync(file, 'https:\n  port: 70000\nforward:\n  target: kafka\n')
  const r = await cli(['start', '--config', file])
  t.equal(r.code, 2)
  t.match(r.stderr, /^start: configuration is invalid: /)
  t.match(r.stderr, `${file}: /https/port must be <= 65535`)
  t.match(r.stderr, `${file}: /forward/target must be one of: "directory", "amqp"`)
  const viaEnv = await cli(['start'], { CARRIER_GATEWAY_CONFIG: join(dir, 'absent.yaml') })
  t.equal(viaEnv.code, 2, 'CARRIER_GATEWAY_CONFIG is honoured')
  t.match(viaEnv.stderr, `${join(dir, 'absent.yaml')}: (document) does not exist`)
})

/** Runs src/cli/main.ts as a program with the TypeScript loader tap runs this test under. */
async function program (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const loader = process.execArgv.filter(a => a.includes('@tapjs/typescript'))
  const child = spawn(process.execPath, [...loader, join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts'), ...args], {
    env: { ...process.env, CARRIER_GATEWAY_CONFIG: '' }
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  return { code, stdout, stderr }
}

t.test('the bin runs main, prints and sets the exit code', async t => {
  const r = await program(['check-config', '--config', 'no/such/gateway.yaml'])
  t.equal(r.code, 1, r.stderr)
  t.equal(r.stdout, '')
  t.match(r.stderr, 'no/such/gateway.yaml: (document) does not exist\n1 problem found\n')
})

t.test('importing main does not run it', async t => {
  // This test file imports main.ts: had that started a command, usage would have been printed
  // and process.exitCode set to 2 by now.
  t.not(process.exitCode, 2)
})
