import t from 'tap'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { connect } from 'amqplib'
import { amqpUrl, buildGateway, exampleAgreement, testConfig } from '../helpers/gateway.js'
import { fixture } from '../fixtures/index.js'
import type { Gateway } from '../../src/app.js'
import { runCli, type CliRun } from '../helpers/cli.js'

const ZZ = exampleAgreement({ code: 'ZZ', name: 'Zed Air', stage: 'testing', senderIds: ['ZZAIRLINE'] })
const REJECTED = fixture('paxlst-d15b-crew-bad-count.edi') // UNT count wrong: CONTRL 29
const PASSENGER_VALUES = ['CLARK', 'MICHAEL', 'KAANAPALI', 'LAHAINA', 'MB140241', '720907', 'USD090746']

const cli = async (args: string[], env: NodeJS.ProcessEnv = { USER: 'officer1' }): Promise<CliRun> => await runCli(args, env)

async function reject (gateway: Gateway, receivedAt = new Date()): Promise<string> {
  const r = await gateway.pipeline.process({
    channel: 'https',
    bytes: REJECTED,
    candidates: [gateway.agreements.current().byCode('ZZ')!],
    receivedAt
  })
  if (r.outcome !== 'rejected') throw new Error(`expected rejected, got ${r.outcome}`)
  return r.transmissionId
}

t.test('directory quarantine: list, show, release to test with ledger and audit, purge', async t => {
  const extra = { identity: { receiverIds: ['CUSTOMS'] } }
  const { gateway, dir, carriersDir } = await buildGateway(t, { agreements: [ZZ], config: extra })
  const config = join(dir, 'gateway.yaml')
  writeFileSync(config, stringify(testConfig(dir, carriersDir, extra)))
  t.match((await cli(['quarantine', 'list', '--config', config])).stdout, /quarantine is empty/)
  const id = await reject(gateway)
  const old = await reject(gateway, new Date(Date.now() - 100 * 3_600_000))

  const list = await cli(['quarantine', 'list', '--config', config])
  t.equal(list.code, 0)
  t.match(list.stdout, /^ID +CARRIER +RECEIVED +ERRORS$/m)
  t.match(list.stdout, new RegExp(`^${id} +ZZ +\\S+ +29$`, 'm'))
  const show = await cli(['quarantine', 'show', id, '--config', config])
  t.equal(show.code, 0)
  t.match(show.stdout, /carrier {6}ZZ/)
  t.match(show.stdout, /x-interchange-ref: 000000002/)
  t.match(show.stdout, /errors \(1\)\n {2}\[29\] message PAX001, segment 19 \(UNT\), element 1: UNT segment count does not match — control count does not match/)
  const json = JSON.parse((await cli(['quarantine', 'show', id, '--json', '--config', config])).stdout) as {
    errorCodes: number[]
    report: { errors: unknown[] }
  }
  t.same(json.errorCodes, [29])
  for (const v of PASSENGER_VALUES) t.notOk(list.stdout.includes(v) || show.stdout.includes(v), `no ${v}`)

  t.equal((await cli(['quarantine', 'release', id, '--config', config])).code, 2, '--reason is required')
  t.equal((await cli(['quarantine', 'show', '../etc', '--config', config])).code, 2)
  t.equal((await cli(['quarantine', 'show', 'nope', '--config', config])).code, 2)
  const rel = await cli(['quarantine', 'release', id, '--reason', 'count only; data complete', '--config', config])
  t.equal(rel.code, 0, rel.stderr)
  t.match(rel.stdout, new RegExp(`released ${id} to test \\(test\\.paxlst\\.ZZ\\) by officer1; ledger row updated`))
  t.same(readFileSync(join(gateway.config.forward.directory.path, 'test', `${id}.edi`)), REJECTED)
  t.notOk(existsSync(join(gateway.config.quarantine.path, `${id}.edi`)), 'gone from quarantine')
  t.match(await gateway.ledger.get(id), { releasedBy: 'officer1' })
  const audit = readFileSync(join(dir, 'audit.log'), 'utf8').trim().split('\n').map(l => JSON.parse(l) as Record<string, string>)
  t.match(audit, [
    {
      action: 'quarantine-release',
      by: 'officer1',
      carrier: 'ZZ',
      transmissionId: id,
      destination: 'test',
      reason: 'count only; data complete'
    }
  ])
  t.match(
    (await cli(['carriers', 'show', 'ZZ', '--config', config])).stdout,
    new RegExp(`officer1 {2}released ${id} from quarantine to test: count only`)
  )
  t.equal((await cli(['quarantine', 'release', id, '--reason', 'twice', '--config', config])).code, 2, 'already released')

  const purged = await cli(['quarantine', 'purge', '--config', config])
  t.match(purged.stdout, /purged 1 quarantined transmission older than 72 hours/, 'default retention (72 h) takes the 100-hour-old one')
  t.equal((await cli(['quarantine', 'purge', '--older-than-hours', 'x', '--config', config])).code, 2)
  t.notOk(existsSync(join(gateway.config.quarantine.path, `${old}.json`)))
  await reject(gateway)
  t.match((await cli(['quarantine', 'purge', '--older-than-hours', '0', '--config', config])).stdout, /purged 1 /)
  t.match((await cli(['quarantine', 'list', '--config', config])).stdout, /quarantine is empty/)
})

t.test('AMQP quarantine: list and show peek, release publishes to the test queue and acks', async t => {
  process.env.CG_CLI_QUARANTINE_AMQP_URL = amqpUrl
  const suffix = Math.random().toString(36).slice(2, 8)
  const names = {
    exchange: `piu-cq-${suffix}`,
    queue: `piu.inbound.${suffix}`,
    testQueue: `piu.test.${suffix}`,
    quarantineQueue: `piu.quarantine.${suffix}`
  }
  const extra = {
    identity: { receiverIds: ['CUSTOMS'] },
    forward: { target: 'amqp', amqp: { url: 'env:CG_CLI_QUARANTINE_AMQP_URL', queueType: 'classic', ...names } }
  }
  const { gateway, dir, carriersDir } = await buildGateway(t, { agreements: [ZZ], config: extra })
  t.teardown(async () => {
    const c = await connect(amqpUrl)
    const ch = await c.createChannel()
    for (const q of [names.queue, names.testQueue, names.quarantineQueue]) await ch.deleteQueue(q)
    await ch.deleteExchange(names.exchange)
    await c.close()
  })
  const config = join(dir, 'gateway.yaml')
  writeFileSync(config, stringify(testConfig(dir, carriersDir, extra)))
  const env = { USER: 'officer2', CG_CLI_QUARANTINE_AMQP_URL: amqpUrl }
  const id = await reject(gateway)
  const list = await cli(['quarantine', 'list', '--config', config], env)
  t.equal(list.code, 0, list.stderr)
  t.match(list.stdout, new RegExp(`^${id} +ZZ +\\S+ +29$`, 'm'))
  t.match((await cli(['quarantine', 'show', id, '--config', config], env)).stdout, /\[29\] message PAX001, segment 19 \(UNT\)/)
  t.match((await cli(['quarantine', 'list', '--config', config], env)).stdout, new RegExp(id), 'still there after the peeks')
  const rel = await cli(['quarantine', 'release', id, '--reason', 'ok', '--config', config], env)
  t.equal(rel.code, 0, rel.stderr)
  t.match(rel.stdout, /to test \(test\.paxlst\.ZZ\) by officer2/)
  const c = await connect(amqpUrl)
  t.teardown(async () => { await c.close() })
  const ch = await c.createChannel()
  const got = await ch.get(names.testQueue, { noAck: true })
  t.ok(got !== false && got.properties.headers?.['x-transmission-id'] === id, 'in the test queue')
  t.match((await cli(['quarantine', 'list', '--config', config], env)).stdout, /quarantine is empty/)
  const noBroker = await cli(['quarantine', 'list', '--config', config], { CG_CLI_QUARANTINE_AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' })
  t.equal(noBroker.code, 3)
  t.match(noBroker.stderr, /cannot open the quarantine/)
})
