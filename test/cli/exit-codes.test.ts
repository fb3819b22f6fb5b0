// One exit-code table for every command (docs/cli.md "Exit codes and help"): 0 ok, 1 the checked
// thing failed, 2 usage error (also an unknown carrier, a missing file, an invalid config),
// 3 runtime failure. Each command's codes, and `start` naming an unreadable file by config field.
import t from 'tap'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { CERTS, exampleAgreement, testConfig, tmpDir, writeAgreements } from '../helpers/gateway.js'
import { paxlst } from '../helpers/edi.js'
import { runCli } from '../helpers/cli.js'

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'xa-paxlst.edi')
const TLS = ['--cert', join(CERTS, 'xa-client.crt'), '--key', join(CERTS, 'xa-client.key'), '--ca', join(CERTS, 'ca.crt')]

function setup (
  t: { teardown: (fn: () => unknown) => void },
  extra: Record<string, unknown> = {}
): { dir: string, config: string, carriers: string } {
  const dir = tmpDir(t)
  const carriers = join(dir, 'config', 'carriers')
  writeAgreements(carriers, [exampleAgreement({ stage: 'testing' })])
  const config = join(dir, 'config', 'gateway.yaml')
  writeFileSync(config, stringify(testConfig(join(dir, 'var'), carriers, extra)))
  return { dir, config, carriers }
}

/** A loopback port nothing listens on. */
async function deadPort (): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as AddressInfo).port
  await new Promise(resolve => s.close(resolve))
  return port
}

t.test('an unknown carrier is a usage error (2) for every command that takes one', async t => {
  const { config } = setup(t)
  for (const args of [
    ['inspect', EXAMPLE, '--carrier', 'QQ'],
    ['carriers', 'show', 'QQ'],
    ['carriers', 'set-stage', 'QQ', 'live', '--reason', 'x'],
    ['certify', 'QQ', EXAMPLE],
    ['probe', 'QQ']
  ]) {
    const r = await runCli([...args, '--config', config], { USER: 'tester' })
    t.equal(r.code, 2, args.join(' '))
    t.match(r.stderr, /QQ/, `${args.join(' ')}: names the carrier`)
  }
})

t.test('a missing file or config is a usage error (2)', async t => {
  const { dir, config } = setup(t)
  const absent = join(dir, 'absent.edi')
  for (const args of [
    ['inspect', absent],
    ['certify', 'XA', absent],
    ['send', absent, ...TLS],
    ['send', EXAMPLE, '--cert', join(dir, 'no.crt'), '--key', join(CERTS, 'xa-client.key'), '--ca', join(CERTS, 'ca.crt')],
    ['certs', 'show', join(dir, 'no.crt')],
    ['carriers', 'add', 'XQ', '--name', 'Q', '--cert', join(dir, 'no.crt')]
  ]) {
    const r = await runCli([...args, '--config', config])
    t.equal(r.code, 2, args.join(' '))
    t.match(r.stderr, /cannot be read/, args.join(' '))
  }
  for (const cmd of [['inspect', EXAMPLE], ['carriers', 'list'], ['quarantine', 'list'], ['certify', 'XA', EXAMPLE], ['start']]) {
    const r = await runCli([...cmd, '--config', join(dir, 'absent.yaml')])
    t.equal(r.code, 2, `${cmd[0]} with a config that does not exist`)
    t.match(r.stderr, 'absent.yaml: (document) does not exist')
  }
  t.equal((await runCli(['check-config', '--config', join(dir, 'absent.yaml')])).code, 1, 'for check-config it is the checked thing')
})

t.test('the checked thing failed: 1', async t => {
  const { dir, config, carriers } = setup(t)
  const rejected = join(dir, 'rejected.edi')
  writeFileSync(rejected, paxlst({ sender: 'XBAPI' }))
  t.equal((await runCli(['inspect', rejected, '--carrier', 'XA', '--config', config])).code, 1, 'inspect: rejected')
  t.equal((await runCli(['certify', 'XA', rejected, '--config', config])).code, 1, 'certify: not passed')
  t.equal((await runCli(['certs', 'show', join(CERTS, 'expired-client.crt'), '--config', config])).code, 1, 'certs show: expired')
  writeFileSync(join(carriers, 'XB.yaml'), 'code: XB\n')
  t.equal((await runCli(['check-config', '--config', config])).code, 1, 'check-config: problems')
  t.equal(
    (await runCli(['inspect', EXAMPLE, '--carrier', 'XB', '--config', config])).code,
    2,
    'an invalid agreement for the carrier asked for: 2'
  )
})

t.test('ok: 0', async t => {
  const { config } = setup(t)
  t.equal((await runCli(['inspect', EXAMPLE, '--carrier', 'XA', '--config', config])).code, 0)
  t.equal((await runCli(['certify', 'XA', EXAMPLE, '--config', config])).code, 0)
  t.equal((await runCli(['check-config', '--config', config])).code, 0)
  t.equal((await runCli(['carriers', 'list', '--config', config])).code, 0)
  t.equal((await runCli(['quarantine', 'list', '--config', config])).code, 0)
})

t.test('runtime failures: 3', async t => {
  const { dir, config, carriers } = setup(t)
  const port = await deadPort()
  const refused = await runCli(['send', EXAMPLE, '--url', `https://127.0.0.1:${port}`, ...TLS])
  t.equal(refused.code, 3, 'send: nothing listening')
  t.match(refused.stderr, /^send: no answer from https:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED/)

  const amqp = setup(t, { forward: { target: 'amqp', amqp: { url: 'env:CG_TEST_DEAD_URL' } } })
  const noBroker = await runCli(['quarantine', 'list', '--config', amqp.config], { CG_TEST_DEAD_URL: `amqp://guest:guest@127.0.0.1:${port}` })
  t.equal(noBroker.code, 3, 'quarantine: broker unreachable')
  t.match(noBroker.stderr, /cannot open the quarantine/)
  const unset = setup(t, { forward: { target: 'amqp', amqp: { url: 'env:CG_TEST_UNSET_URL' } } })
  t.equal((await runCli(['quarantine', 'list', '--config', unset.config])).code, 2,
    'a broker URL variable that is not set is the config\'s problem: 2')

  t.equal(
    (await runCli(['certify', 'XA', EXAMPLE, '--html', join(dir, 'no', 'such', 'r.html'), '--config', config])).code,
    3,
    'certify: OUT cannot be written'
  )

  // The audit log cannot be written (a folder in its place): the stage change is undone.
  mkdirSync(join(dir, 'config', 'audit.log'))
  const audit = await runCli(['carriers', 'set-stage', 'XA', 'live', '--reason', 'x', '--config', config], { USER: 'tester' })
  t.equal(audit.code, 3)
  t.match(audit.stderr, /the stage was not changed/)
  t.match(readFileSync(join(carriers, 'XA.yaml'), 'utf8'), /^stage: testing$/m)
})

t.test('probe: a failed check is 1, an unconfigured channel 2', async t => {
  const port = await deadPort()
  const { config } = setup(t)
  writeAgreements(join(config, '..', 'carriers'), [
    exampleAgreement({
      code: 'XM',
      senderIds: ['XMAPI'],
      channels: { amqp: { url: 'env:CG_TEST_XM_URL', queue: 'xm.out', replyQueue: 'xm.ack' } }
    })
  ])
  const r = await runCli(['probe', 'XM', '--config', config], { CG_TEST_XM_URL: `amqp://guest:guest@127.0.0.1:${port}` })
  t.equal(r.code, 1, 'broker unreachable is what the probe reports')
  t.match(r.stdout, /amqp: FAILED/)
  t.equal((await runCli(['probe', 'XA', '--config', config])).code, 2, 'XA has no SFTP or AMQP channel')
  t.equal((await runCli(['probe', 'XM', '--channel', 'sftp', '--config', config])).code, 2)
})

t.test('quarantine: an unknown transmission is 2', async t => {
  const { config } = setup(t)
  t.equal((await runCli(['quarantine', 'show', '01J9Z6Q3V0A7M2X4K8R5T1C6DE', '--config', config])).code, 2)
  t.equal(
    (await runCli(['quarantine', 'release', '01J9Z6Q3V0A7M2X4K8R5T1C6DE', '--reason', 'x', '--config', config], { USER: 'tester' })).code,
    2
  )
  t.equal((await runCli(['quarantine', 'list', '--reason', 'x', '--config', config])).code, 2, 'an option of another subcommand')
})

t.test('start: an unreadable file named in the config is one line with the field and the path, exit 2', async t => {
  const { dir, config } = setup(t, { https: { key: join(tmpDir(t), 'server.key') } })
  const r = await runCli(['start', '--config', config])
  t.equal(r.code, 2)
  const lines = r.stderr.trimEnd().split('\n')
  t.equal(lines.length, 1, 'one line')
  t.match(lines[0], new RegExp(`^start: configuration is invalid: ${config}: /https/key names .*server\\.key, which cannot be read$`))
  t.notMatch(r.stderr, /ENOENT|\n {4}at /, 'no errno soup, no stack trace')

  const noCa = setup(t, { https: { clientCa: join(dir, 'missing-ca.crt') } })
  t.match((await runCli(['start', '--config', noCa.config])).stderr, '/https/clientCa names ')

  const broken = setup(t)
  writeFileSync(join(broken.carriers, 'XB.yaml'), 'code: XB\n')
  const agreement = await runCli(['start', '--config', broken.config])
  t.equal(agreement.code, 2, 'an invalid agreement file: 2')
  t.match(agreement.stderr, /^start: carrier agreement is invalid: .*XB\.yaml: /)

  const invalid = join(dir, 'invalid.yaml')
  writeFileSync(invalid, 'https:\n  port: 70000\n')
  t.equal((await runCli(['start', '--config', invalid])).code, 2, 'an invalid config: 2')
  t.equal((await runCli(['start', 'extra'])).code, 2, 'a stray argument')
})

t.test('piu-responder: an unreadable or wrong rules file is a usage error (2), an unreachable broker a runtime one (3)', async t => {
  const port = await deadPort()
  const { dir, config } = setup(t, { forward: { target: 'amqp', amqp: { url: `env:CG_TEST_DEAD_BROKER_${port}` } } })
  const env = { [`CG_TEST_DEAD_BROKER_${port}`]: `amqp://guest:guest@127.0.0.1:${port}` }
  t.equal((await runCli(['piu-responder', '--rules', join(dir, 'absent.yaml'), '--config', config], env)).code, 2)
  const wrong = join(dir, 'wrong.yaml')
  writeFileSync(wrong, stringify({ default: 'YES', rules: [] }))
  const bad = await runCli(['piu-responder', '--rules', wrong, '--config', config], env)
  t.equal(bad.code, 2)
  t.match(bad.stderr, /not a rules file/)
  const rules = join(dir, 'rules.yaml')
  writeFileSync(rules, stringify({ default: '0Z', rules: [] }))
  const down = await runCli(['piu-responder', '--rules', rules, '--config', config], env)
  t.equal(down.code, 3)
  t.match(down.stderr, /the PIU broker cannot be reached/)
})
