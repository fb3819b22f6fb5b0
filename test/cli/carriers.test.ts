import t from 'tap'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { buildGateway, exampleAgreement, fingerprintOf, tmpDir, testConfig, CERTS } from '../helpers/gateway.js'
import { fixture } from '../fixtures/index.js'
import { waitUntil } from '../helpers/wait.js'
import { runCli, type CliRun } from '../helpers/cli.js'

const cli = async (args: string[], env: NodeJS.ProcessEnv = { USER: 'tester' }): Promise<CliRun> => await runCli(args, env)

/** A config folder: `<dir>/config/gateway.yaml` and `<dir>/config/carriers/`, as in the repository. */
function setup (t: { teardown: (fn: () => unknown) => void }): { dir: string, config: string, carriers: string } {
  const dir = tmpDir(t)
  const carriers = join(dir, 'config', 'carriers')
  mkdirSync(carriers, { recursive: true })
  const config = join(dir, 'config', 'gateway.yaml')
  writeFileSync(config, stringify(testConfig(join(dir, 'var'), carriers)))
  return { dir, config, carriers }
}

t.test('add: commented agreement in stage testing that passes check-config; never overwrites', async t => {
  const { dir, config, carriers } = setup(t)
  const r = await cli([
    'carriers', 'add', 'XA', '--name', 'Example Air', '--paxlst', 'D02B,D05B', '--pnrgov', '13.1', '--sender-id', 'XAAPI', '--cert',
    join(CERTS, 'xa-client.crt'), '--config', config
  ])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /wrote .*XA\.yaml \(stage testing\)/)
  const text = readFileSync(join(carriers, 'XA.yaml'), 'utf8')
  t.match(text, /^stage: testing +# testing \| live \| suspended/m)
  const doc = parse(text) as Record<string, any>
  t.same(doc.messages, { PAXLST: { versions: ['D02B', 'D05B'], ack: 'contrl' }, PNRGOV: { versions: ['13.1'], ack: 'ackres' } })
  t.same(doc.senderIds, ['XAAPI'])
  t.equal(doc.channels.https.certificates[0].fingerprint, fingerprintOf('xa-client'))
  t.match(doc.channels.https.certificates[0].notAfter, /^\d{4}-\d\d-\d\dT/)

  const again = await cli(['carriers', 'add', 'XA', '--name', 'Other', '--fingerprint', fingerprintOf('xb-client'), '--config', config])
  t.equal(again.code, 2)
  t.match(again.stderr, /already exists; not overwritten/)
  t.equal(readFileSync(join(carriers, 'XA.yaml'), 'utf8'), text, 'untouched')

  // The channel secrets are references (check-config resolves them): a key file, an env variable.
  const key = join(dir, 'xs_ed25519')
  writeFileSync(key, 'placeholder key', { mode: 0o600 })
  const sftp = await cli(['carriers', 'add', 'XS', '--name', 'Sierra', '--sftp', '--sftp-key', `file:${key}`, '--config', config])
  t.equal(sftp.code, 0, sftp.stderr)
  t.match(sftp.stdout, /fill in channels\.sftp \(host, username, privateKey, hostKey, folders\), then carrier-gateway probe XS/)
  const amqp = await cli(['carriers', 'add', 'XM', '--name', 'Mike', '--amqp', '--amqp-url', 'env:CG_TEST_XM_URL', '--pnrgov', '11.1,13.1',
    '--config', config])
  t.equal(amqp.code, 0)
  const https = await cli(['carriers', 'add', 'XB', '--name', 'Bravo', '--https', '--fingerprint', fingerprintOf('xb-client').toLowerCase(),
    '--config', config])
  t.equal(https.code, 0)
  const check = await cli(['check-config', '--config', config], { CG_TEST_XM_URL: 'amqp://guest:guest@127.0.0.1:5672' })
  t.equal(check.code, 0, check.stderr)
  t.match(check.stdout, /4 carrier agreements ok/)
  t.match(readFileSync(join(carriers, 'XS.yaml'), 'utf8'), /FILL IN with the carrier/)
  t.match(readFileSync(join(carriers, 'XS.yaml'), 'utf8'), new RegExp(`privateKey: file:${key}`))

  // Default references: the officer is told to provide them, and check-config says so until then.
  const plain = await cli(['carriers', 'add', 'XP', '--name', 'Papa', '--sftp', '--amqp', '--config', config])
  t.equal(plain.code, 0)
  t.match(plain.stdout, /provide channels\.sftp\.privateKey \(file:secrets\/xp_ed25519\)/)
  t.match(plain.stdout, /provide channels\.amqp\.url \(env:XP_AMQP_URL\)/)
  const pending = await cli(['check-config', '--config', config], { CG_TEST_XM_URL: 'amqp://x' })
  t.equal(pending.code, 1)
  t.match(pending.stderr, /XP\.yaml: \/channels\/sftp\/privateKey cannot be resolved/)
  t.equal(
    (await cli(['carriers', 'add', 'XQ', '--name', 'Q', '--sftp', '--sftp-key', '/plain/path', '--config', config])).code,
    2,
    'a key must be a reference'
  )
  t.equal(
    (await cli(['carriers', 'add', 'XQ', '--name', 'Q', '--sftp', '--amqp-url', 'env:X', '--config', config])).code,
    2,
    '--amqp-url needs --amqp'
  )
})

t.test('add: refusals', async t => {
  const { config, carriers } = setup(t)
  const noCert = await cli(['carriers', 'add', 'XA', '--name', 'Example Air', '--config', config])
  t.equal(noCert.code, 2)
  t.match(noCert.stderr, /an https agreement needs at least one client certificate/)
  t.equal((await cli(['carriers', 'add', 'XA', '--config', config])).code, 2, 'no --name')
  t.equal((await cli(['carriers', 'add', 'xa', '--name', 'A', '--sftp', '--config', config])).code, 2, 'lower-case code')
  t.equal(
    (await cli(['carriers', 'add', 'XA', '--name', 'A', '--sftp', '--paxlst', 'D99B', '--config', config])).code,
    2,
    'unknown version'
  )
  t.equal(
    (await cli(['carriers', 'add', 'XA', '--name', 'A', '--fingerprint', 'sha256/AB:CD', '--config', config])).code,
    2,
    'short fingerprint'
  )
  const expired = await cli(['carriers', 'add', 'XA', '--name', 'A', '--cert', join(CERTS, 'expired-client.crt'), '--config', config])
  t.equal(expired.code, 2)
  t.match(expired.stderr, /expired/)
  // A sender id already claimed by an agreement sharing the certificate (a service provider).
  writeFileSync(join(carriers, 'XB.yaml'), stringify(exampleAgreement({ code: 'XB', senderIds: ['XAAPI'] })))
  const clash = await cli([
    'carriers', 'add', 'XA', '--name', 'A', '--sender-id', 'XAAPI', '--fingerprint', fingerprintOf('xa-client'), '--config', config
  ])
  t.equal(clash.code, 2)
  t.match(clash.stderr, /also claimed by XB/)
  t.notOk(existsSync(join(carriers, 'XA.yaml')), 'nothing written')
})

t.test('list, show without a ledger, set-stage with audit and history', async t => {
  const { dir, config, carriers } = setup(t)
  writeFileSync(
    join(carriers, 'XA.yaml'),
    stringify(
      exampleAgreement({
        stage: 'testing',
        channels: {
          https: {
            certificates: [
              { fingerprint: fingerprintOf('xa-client'), notAfter: '2031-01-01T00:00:00Z', label: 'rotation' },
              fingerprintOf('xa-client-2')
            ]
          }
        }
      })
    )
  )
  t.equal((await cli(['carriers', 'add', 'XS', '--name', 'Sierra', '--sftp', '--config', config])).code, 0)
  const list = await cli(['carriers', 'list', '--config', config])
  t.equal(list.code, 0)
  const lines = list.stdout.trim().split('\n')
  t.match(lines[0], /^CODE +NAME +STAGE +CHANNELS +MESSAGES +CERT EXPIRY$/)
  t.match(lines[1], /^XA +Example Air +testing +https +PAXLST D02B\/D05B\/D12B\/D15B, PNRGOV 10\.1\/11\.1\/13\.1 +2031-01-01 \(some unknown\)$/)
  t.match(lines[2], /^XS +Sierra +testing +sftp +PAXLST D05B +–$/)
  t.same(
    (JSON.parse((await cli(['carriers', 'list', '--json', '--config', config])).stdout) as Array<{ code: string }>).map(c => c.code),
    ['XA', 'XS']
  )

  const show = await cli(['carriers', 'show', 'XA', '--config', config])
  t.equal(show.code, 0)
  t.match(show.stdout, /stage {8}testing/)
  t.match(show.stdout, /PAXLST versions D02B, D05B, D12B, D15B; ack contrl/)
  t.match(show.stdout, new RegExp(`${fingerprintOf('xa-client')} {2}expires 2031-01-01T00:00:00Z \\(\\d+ days\\) {2}rotation`))
  t.match(show.stdout, new RegExp(`${fingerprintOf('xa-client-2')} {2}expiry unknown`))
  t.match(show.stdout, /last transmission\n {2}no ledger yet \(.*ledger\.db does not exist\)/)
  t.notOk(existsSync(join(dir, 'var', 'ledger.db')), 'show creates no ledger')

  const before = readFileSync(join(carriers, 'XS.yaml'), 'utf8')
  const set = await cli(['carriers', 'set-stage', 'XS', 'live', '--reason', 'certified: 12 files', '--config', config])
  t.equal(set.code, 0, set.stderr)
  t.match(set.stdout, /XS: stage testing -> live/)
  t.equal(readFileSync(join(carriers, 'XS.yaml'), 'utf8'), before.replace(/^stage: testing {3}/m, 'stage: live      '), 'only the value changed, comments kept')
  await cli(['carriers', 'set-stage', 'XS', 'suspended', '--reason', 'SFTP host retired', '--by', 'alice', '--config', config])
  const audit = readFileSync(join(dir, 'config', 'audit.log'), 'utf8').trim().split('\n').map(l => JSON.parse(l) as Record<string, string>)
  t.match(audit, [
    { by: 'tester', carrier: 'XS', from: 'testing', to: 'live', reason: 'certified: 12 files' },
    { by: 'alice', from: 'live', to: 'suspended', reason: 'SFTP host retired' }
  ])
  t.ok(audit.every(a => !Number.isNaN(Date.parse(a.at))))
  const history = await cli(['carriers', 'show', 'XS', '--config', config])
  t.match(history.stdout, /history \(audit log\)\n {2}\S+ {2}tester {2}testing -> live: certified: 12 files\n {2}\S+ {2}alice {2}live -> suspended: SFTP host retired/)
  t.match((await cli(['carriers', 'set-stage', 'XS', 'suspended', '--reason', 'x', '--config', config])).stdout, /already in stage suspended; nothing changed/)
  t.equal(readFileSync(join(dir, 'config', 'audit.log'), 'utf8').trim().split('\n').length, 2, 'no line for a no-op')

  t.equal((await cli(['carriers', 'set-stage', 'XS', 'live', '--config', config])).code, 2, '--reason is required')
  t.equal((await cli(['carriers', 'set-stage', 'XS', 'paused', '--reason', 'x', '--config', config])).code, 2, 'unknown stage')
  t.equal((await cli(['carriers', 'set-stage', 'QQ', 'live', '--reason', 'x', '--config', config])).code, 2, 'no such carrier')
  t.equal((await cli(['carriers', 'show', 'QQ', '--config', config])).code, 2)
  t.equal((await cli(['carriers', 'frobnicate', '--config', config])).code, 2)
})

t.test('show reads the last transmission per type from the ledger; a running gateway picks up set-stage', async t => {
  const zz = exampleAgreement({ code: 'ZZ', name: 'Zed Air', stage: 'testing', senderIds: ['ZZAIRLINE'] })
  const { gateway, dir, carriersDir } = await buildGateway(t, { agreements: [zz], config: { identity: { receiverIds: ['CUSTOMS'] } } })
  const receivedAt = new Date()
  const r = await gateway.pipeline.process({
    channel: 'https',
    bytes: fixture('paxlst-d15b-pax.edi'),
    candidates: [gateway.agreements.current().byCode('ZZ')!],
    receivedAt
  })
  t.equal(r.outcome, 'accepted')
  const config = join(dir, 'gateway.yaml')
  writeFileSync(config, stringify(testConfig(dir, carriersDir, { identity: { receiverIds: ['CUSTOMS'] } })))
  const show = await cli(['carriers', 'show', 'ZZ', '--config', config])
  t.equal(show.code, 0, show.stderr)
  t.match(show.stdout, new RegExp(`last transmission\\n {2}PAXLST {3}${receivedAt.toISOString().replace(/\./g, '\\.')}`))
  const json = JSON.parse((await cli(['carriers', 'show', 'ZZ', '--json', '--config', config])).stdout) as {
    lastTransmission: Record<string, string>
  }
  t.same(json.lastTransmission, { PAXLST: receivedAt.toISOString() })

  t.equal((await cli(['carriers', 'set-stage', 'ZZ', 'suspended', '--reason', 'test of reload', '--config', config])).code, 0)
  // The gateway's file watcher applies it without a restart (architecture.md "Carrier onboarding").
  await waitUntil(() => gateway.agreements.current().byCode('ZZ')?.stage === 'suspended', 5000, 50)
  t.equal(gateway.agreements.current().byCode('ZZ')?.stage, 'suspended')
})
