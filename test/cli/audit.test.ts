// Who the audit log records (docs/cli.md "Who the audit log records"): `--by NAME`, else $USER,
// else the OS account (services and containers run without $USER), else the uid; never "unknown".
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { buildGateway, exampleAgreement, testConfig, tmpDir, writeAgreements } from '../helpers/gateway.js'
import { paxlst } from '../helpers/edi.js'
import { officerName } from '../../src/cli/officer.js'
import { runCli } from '../helpers/cli.js'

const OS_USER = userInfo().username

function auditLines (file: string): Array<Record<string, string>> {
  return readFileSync(file, 'utf8').trim().split('\n').map(l => JSON.parse(l) as Record<string, string>)
}

t.test('set-stage with USER unset records the OS account; --by wins; never unknown', async t => {
  const dir = tmpDir(t)
  const carriers = join(dir, 'config', 'carriers')
  writeAgreements(carriers, [exampleAgreement({ stage: 'testing' })])
  const config = join(dir, 'config', 'gateway.yaml')
  writeFileSync(config, stringify(testConfig(join(dir, 'var'), carriers)))
  // The environment of a service: no USER, no LOGNAME.
  const env = {}
  const r = await runCli(['carriers', 'set-stage', 'XA', 'live', '--reason', 'certified', '--config', config], env)
  t.equal(r.code, 0, r.stderr)
  await runCli(['carriers', 'set-stage', 'XA', 'suspended', '--reason', 'host retired', '--by', ' alice ', '--config', config], env)
  await runCli(['carriers', 'set-stage', 'XA', 'live', '--reason', 'back', '--config', config], { USER: '' })
  const audit = auditLines(join(dir, 'config', 'audit.log'))
  t.match(audit, [{ by: OS_USER, to: 'live' }, { by: 'alice', to: 'suspended' }, { by: OS_USER, to: 'live' }])
  t.notOk(audit.some(a => a.by === 'unknown'))
  t.match((await runCli(['carriers', 'show', 'XA', '--config', config])).stdout, new RegExp(`${OS_USER} {2}testing -> live: certified`))

  const empty = await runCli(['carriers', 'set-stage', 'XA', 'testing', '--reason', 'x', '--by', '  ', '--config', config], env)
  t.equal(empty.code, 2, 'an empty --by is a usage error')
  t.match(empty.stderr, '--by NAME needs a name')
  t.equal(auditLines(join(dir, 'config', 'audit.log')).length, 3, 'and nothing was recorded')
})

t.test('quarantine release with USER unset: the OS account in the audit log, the ledger and the headers', async t => {
  const { gateway, dir, carriersDir } = await buildGateway(t, { agreements: [exampleAgreement({ stage: 'testing' })] })
  const config = join(dir, 'gateway.yaml')
  writeFileSync(config, stringify(testConfig(dir, carriersDir)))
  const r = await gateway.pipeline.process({
    channel: 'https',
    bytes: paxlst({ badCount: [0] }),
    candidates: [gateway.agreements.current().byCode('XA')!],
    receivedAt: new Date()
  })
  t.equal(r.outcome, 'rejected')
  const rel = await runCli(['quarantine', 'release', r.transmissionId, '--reason', 'count only', '--config', config], {})
  t.equal(rel.code, 0, rel.stderr)
  t.match(rel.stdout, ` by ${OS_USER};`)
  t.match(auditLines(join(dir, 'audit.log')), [{ action: 'quarantine-release', by: OS_USER, transmissionId: r.transmissionId }])
  t.match(await gateway.ledger.get(r.transmissionId), { releasedBy: OS_USER })
  const props = JSON.parse(readFileSync(join(gateway.config.forward.directory.path, 'test', `${r.transmissionId}.json`), 'utf8')) as {
    headers: Record<string, unknown>
  }
  t.equal(props.headers['x-released-by'], OS_USER)
})

t.test('the order: --by, $USER, $LOGNAME, the OS account', async t => {
  t.equal(officerName('bob', { USER: 'carol' }), 'bob')
  t.equal(officerName(undefined, { USER: 'carol', LOGNAME: 'dave' }), 'carol')
  t.equal(officerName(undefined, { LOGNAME: 'dave' }), 'dave')
  t.equal(officerName(undefined, { USER: ' ' }), OS_USER)
  t.equal(officerName(undefined, {}), OS_USER)
  t.throws(() => officerName('two\nlines', {}), /one line/)
})
