// Help, version and did-you-mean (docs/cli.md "Exit codes and help"): every command and subcommand
// answers --help, -h and `help COMMAND [SUB]` with its usage, options with defaults and an example,
// on stdout with exit 0; a mistyped command, subcommand or option is named with the nearest match.
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SPECS, type CommandSpec } from '../../src/cli/spec.js'
import { editDistance, suggest } from '../../src/cli/help.js'
import { gatewayVersion } from '../../src/config/version.js'
import { tmpDir } from '../helpers/gateway.js'
import { runCli } from '../helpers/cli.js'

const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version

/** Every command and subcommand as typed, with its spec. */
const ALL: Array<[string[], CommandSpec]> = Object.entries(SPECS).flatMap(([name, spec]: [string, CommandSpec]) => [
  [[name], spec] as [string[], CommandSpec],
  ...Object.entries(spec.subcommands ?? {}).map(([sub, s]) => [[name, sub], s] as [string[], CommandSpec])
])

t.test('COMMAND --help: usage, every option with its default or "required", an example; exit 0', async t => {
  for (const [words, spec] of ALL) {
    const r = await runCli([...words, '--help'])
    const what = words.join(' ')
    t.equal(r.code, 0, what)
    t.equal(r.stderr, '', what)
    t.match(r.stdout, `usage: carrier-gateway ${spec.usage[0]}`, what)
    t.match(r.stdout, /\noptions:\n/, what)
    t.match(r.stdout, /\nexamples?:\n {2}carrier-gateway /, what)
    t.match(r.stdout, /\nexit codes: 0 ok; /, what)
    for (const [name, o] of Object.entries(spec.options)) {
      const line = r.stdout.split('\n').find(l => l.startsWith(`  --${name}`))
      t.ok(line, `${what}: --${name} listed`)
      t.match(line ?? '', /\((default: .+|required)\)$/, `${what}: --${name} says its default`)
      if (o.default !== undefined && typeof o.default === 'string') t.match(line ?? '', `default: ${o.default}`)
    }
    t.equal((await runCli([...words, '-h'])).stdout, r.stdout, `${what} -h`)
    t.equal((await runCli(['help', ...words])).stdout, r.stdout, `help ${what}`)
  }
})

t.test('help wins over everything else on the line, and loads nothing', async t => {
  // A missing config, a missing file and a missing --reason do not matter when help is asked for.
  const r = await runCli(['carriers', 'set-stage', 'XA', '--help', '--config', '/no/such.yaml'])
  t.equal(r.code, 0)
  t.match(r.stdout, '--reason TEXT')
  t.match(r.stdout, /--by NAME +who to record in the audit log \(default: \$USER, else the OS account name, else the uid\)/)
  t.match((await runCli(['inspect', '--help'])).stdout, /--carrier CODE +check against this carrier's agreement \(default: /)
  t.match((await runCli(['send', '--help'])).stdout, /--url URL +.*\(default: https:\/\/localhost:8443\)/)
  t.match((await runCli(['certs', 'issue', '--help'])).stdout, /--days N +validity in days \(1 to 3650\) \(default: 730\)/)
  // After `--` it is a positional argument, not a request for help.
  t.not((await runCli(['inspect', '--', '--help'])).code, 0)
})

t.test('carrier-gateway --help and help: the commands, the version hint and the exit-code table', async t => {
  const r = await runCli(['--help'])
  t.equal(r.code, 0)
  for (const name of Object.keys(SPECS)) t.match(r.stdout, new RegExp(`\\n {2}${name} +\\S`))
  t.match(r.stdout, "run 'carrier-gateway <command> --help'")
  t.match(r.stdout, /exit codes: 0 ok; 1 the checked thing failed/)
  t.match(r.stdout, /2 usage error, also an unknown carrier/)
  t.match(r.stdout, /3 runtime failure/)
  t.equal((await runCli(['help'])).stdout, r.stdout)
})

t.test('--version prints the package version', async t => {
  for (const flag of ['--version', '-v', '-V']) {
    const r = await runCli([flag])
    t.equal(r.code, 0)
    t.equal(r.stdout, `carrier-gateway ${VERSION}\n`)
  }
})

t.test('the version is found from a built copy (dist/src/cli) too', async t => {
  const dir = tmpDir(t)
  const cli = join(dir, 'dist', 'src', 'cli')
  mkdirSync(cli, { recursive: true })
  writeFileSync(join(dir, 'dist', 'package.json'), JSON.stringify({ type: 'module' }))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'carrier-gateway', version: '9.8.7' }))
  t.equal(gatewayVersion(cli), '9.8.7', 'a package.json of another name on the way up is skipped')
  t.equal(gatewayVersion(join(import.meta.dirname, '..', '..', 'src', 'cli')), VERSION)
})

t.test('the bin prints the version as a real process', async t => {
  const loader = process.execArgv.filter(a => a.includes('@tapjs/typescript'))
  const child = spawn(process.execPath, [...loader, join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts'), '--version'])
  let stdout = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  t.equal(code, 0)
  t.equal(stdout, `carrier-gateway ${VERSION}\n`)
})

t.test('did you mean: commands, subcommands, options', async t => {
  const cmd = await runCli(['inpsect', 'x.edi'])
  t.equal(cmd.code, 2)
  t.match(cmd.stderr, /^unknown command 'inpsect'; did you mean 'inspect'\?\n/)
  t.match((await runCli(['quarantnie'])).stderr, /did you mean 'quarantine'\?/)
  t.match((await runCli(['check-cofig'])).stderr, /did you mean 'check-config'\?/)
  const far = await runCli(['frobnicate'])
  t.equal(far.code, 2)
  t.match(far.stderr, /^unknown command 'frobnicate'\n/, 'no far-fetched suggestion')

  const opt = await runCli(['inspect', 'examples/xa-paxlst.edi', '--carier', 'XA'])
  t.equal(opt.code, 2)
  t.match(opt.stderr, /^inspect: unknown option '--carier'; did you mean '--carrier'\?\nrun 'carrier-gateway inspect --help' for its usage/)
  t.match((await runCli(['carriers', 'set-stage', 'XA', 'live', '--reson', 'x'])).stderr, /unknown option '--reson'; did you mean '--reason'\?/)
  t.match((await runCli(['send', 'f.edi', '--crt', 'c.pem'])).stderr, /unknown option '--crt'; did you mean '--cert'\?/)
  t.match((await runCli(['--verison'])).stderr, /^unknown option '--verison'; did you mean '--version'\?/)

  const sub = await runCli(['carriers', 'lsit'])
  t.equal(sub.code, 2)
  t.match(sub.stderr, /^carriers: unknown carriers subcommand 'lsit'; did you mean 'list'\?/)
  t.match((await runCli(['quarantine', 'relase', 'X'])).stderr, /did you mean 'release'\?/)
  t.match((await runCli(['certs', 'sho'])).stderr, /did you mean 'show'\?/)
  t.match((await runCli(['help', 'carriers', 'ad'])).stderr, /unknown carriers subcommand 'ad'; did you mean 'add'\?/)
  const none = await runCli(['carriers'])
  t.equal(none.code, 2)
  t.match(none.stderr, /a subcommand is required:\n {2}carrier-gateway carriers list/)
  const helpUnknown = await runCli(['help', 'inpsect'])
  t.equal(helpUnknown.code, 2)
  t.match(helpUnknown.stderr, "did you mean 'inspect'?")
})

t.test('the distance and its threshold', async t => {
  t.equal(editDistance('inpsect', 'inspect'), 1, 'a transposition is one edit')
  t.equal(editDistance('carier', 'carrier'), 1)
  t.equal(editDistance('', 'abc'), 3)
  t.equal(suggest('json', ['json', 'config']), 'json')
  t.equal(suggest('xyz', ['json', 'config']), null)
  t.equal(suggest('quar', ['quarantine', 'probe']), 'quarantine', 'an unambiguous abbreviation')
  t.equal(suggest('c', ['ca', 'cert']), null, 'a single letter suggests nothing')
})
