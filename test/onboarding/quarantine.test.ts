import t from 'tap'
import { existsSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'amqplib'
import { buildGateway, amqpUrl, exampleAgreement } from '../helpers/gateway.js'
import { fixture } from '../fixtures/index.js'
import { createDirectoryQuarantine, errorCodes, validQuarantineId } from '../../src/onboarding/quarantine.js'
import { createAmqpQuarantine } from '../../src/onboarding/quarantine-amqp.js'
import { openForwardTarget, planRelease, releaseTransmission } from '../../src/onboarding/release.js'
import { readAudit } from '../../src/onboarding/stage.js'
import type { Gateway } from '../../src/app.js'

const ZZ = exampleAgreement({ code: 'ZZ', name: 'Zed Air', stage: 'testing', senderIds: ['ZZAIRLINE'] })
const REJECTED = fixture('paxlst-d15b-crew-bad-count.edi') // UNT count wrong: CONTRL 29
const PASSENGER_VALUES = ['CLARK', 'MICHAEL', 'KAANAPALI', 'MB140241', '720907']

async function quarantineOne (gateway: Gateway, receivedAt = new Date()): Promise<string> {
  const r = await gateway.pipeline.process({
    channel: 'https',
    bytes: REJECTED,
    candidates: [gateway.agreements.current().byCode('ZZ')!],
    receivedAt
  })
  if (r.outcome !== 'rejected') throw new Error(`expected rejected, got ${r.outcome}`)
  return r.transmissionId
}

t.test('directory quarantine: list, get, purge; ids checked; never the payload', async t => {
  const { gateway } = await buildGateway(t, { agreements: [ZZ], config: { identity: { receiverIds: ['CUSTOMS'] } } })
  const id = await quarantineOne(gateway)
  const old = await quarantineOne(gateway, new Date(Date.now() - 5 * 3_600_000))
  const store = createDirectoryQuarantine(gateway.config.quarantine.path)
  const list = await store.list()
  t.same(list.map(e => e.id).sort(), [id, old].sort())
  const e = await store.get(id)
  t.match(e, { id, carrier: 'ZZ', channel: 'https', routingKey: 'quarantine.paxlst.ZZ', bytes: REJECTED.length })
  t.same(errorCodes(e!), [29])
  t.equal(e?.report?.errors[0].tag, 'UNT')
  t.equal(e?.headers['x-interchange-ref'], '000000002')
  const shown = JSON.stringify(list)
  for (const v of PASSENGER_VALUES) t.notOk(shown.includes(v), `no ${v} in the entries`)
  t.equal(await store.get('../../etc/passwd'), null)
  t.notOk(validQuarantineId('../x'))
  t.notOk(validQuarantineId('.hidden'))
  t.ok(validQuarantineId(id))

  // A half-written entry (only the body, no report) is listed with its file time and purged.
  writeFileSync(join(gateway.config.quarantine.path, 'orphan.edi'), 'x')
  const past = new Date(Date.now() - 10 * 3_600_000)
  utimesSync(join(gateway.config.quarantine.path, 'orphan.edi'), past, past)
  writeFileSync(join(gateway.config.quarantine.path, 'ignored.json.tmp-1-abc'), '{')
  t.match(await store.get('orphan'), { id: 'orphan', carrier: null, report: null, bytes: 1 })
  t.equal((await store.list()).length, 3, 'temporary names are not entries')
  t.equal(await store.purge(new Date(Date.now() - 3_600_000)), 2, 'the 5-hour-old entry and the orphan')
  t.same((await store.list()).map(x => x.id), [id])
})

t.test('release from the directory quarantine: test destination for a testing carrier, ledger and audit', async t => {
  const { gateway, dir } = await buildGateway(t, { agreements: [ZZ], config: { identity: { receiverIds: ['CUSTOMS'] } } })
  const id = await quarantineOne(gateway)
  const store = createDirectoryQuarantine(gateway.config.quarantine.path)
  const target = await openForwardTarget(gateway.config, {})
  t.teardown(async () => { await target.close() })
  const now = new Date('2030-01-01T00:00:00Z')
  const r = await releaseTransmission(
    {
      config: gateway.config,
      store,
      target,
      ledger: gateway.ledger,
      agreements: gateway.agreements.current().all,
      auditLog: join(dir, 'audit.log'),
      now
    },
    id,
    'count error only; data complete',
    'alice'
  )
  t.same(r, { released: true, destination: 'test', routingKey: 'test.paxlst.ZZ', ledger: 'updated' })
  const outbox = join(gateway.config.forward.directory.path, 'test')
  t.same(readFileSync(join(outbox, `${id}.edi`)), REJECTED, 'the body exactly as quarantined')
  const props = JSON.parse(readFileSync(join(outbox, `${id}.json`), 'utf8')) as { routingKey: string, headers: Record<string, string> }
  t.equal(props.routingKey, 'test.paxlst.ZZ')
  t.match(props.headers, {
    'x-carrier': 'ZZ',
    'x-test': 'true',
    'x-released': 'true',
    'x-released-by': 'alice',
    'x-released-at': now.toISOString(),
    'x-validation': 'warnings',
    'x-message-type': 'PAXLST',
    'x-flight': 'ZZ123'
  })
  t.notOk(existsSync(join(gateway.config.quarantine.path, `${id}.edi`)))
  t.notOk(existsSync(join(gateway.config.quarantine.path, `${id}.json`)))
  t.match(await gateway.ledger.get(id), { releasedAt: now.toISOString(), releasedBy: 'alice', outcome: 'rejected' })
  t.match(await readAudit(join(dir, 'audit.log')), [
    {
      action: 'quarantine-release',
      by: 'alice',
      carrier: 'ZZ',
      transmissionId: id,
      destination: 'test',
      reason: 'count error only; data complete'
    }
  ])
  t.same(
    await releaseTransmission(
      { config: gateway.config, store, target, ledger: null, agreements: [], auditLog: join(dir, 'audit.log') },
      id,
      'again',
      'bob'
    ),
    { released: false, why: `no quarantined transmission ${id}` }
  )
})

t.test('release: production for a live carrier unless the UNB test indicator is set; no agreement: stays', async t => {
  const { gateway, dir } = await buildGateway(t, {
    agreements: [{ ...ZZ, stage: 'live' }],
    config: { identity: { receiverIds: ['CUSTOMS'] } }
  })
  const id = await quarantineOne(gateway)
  const store = createDirectoryQuarantine(gateway.config.quarantine.path)
  const live = gateway.agreements.current().byCode('ZZ')!
  const entry = (await store.get(id))!
  t.equal(planRelease(gateway.config, live, entry, REJECTED, 'a', new Date()).destination, 'production')
  const testFlag = Buffer.from(REJECTED.toString('latin1').replace("+000000002'", "+000000002++++++1'"), 'latin1')
  t.match(planRelease(gateway.config, live, entry, testFlag, 'a', new Date()), { destination: 'test', routingKey: 'test.paxlst.ZZ' })
  const target = await openForwardTarget(gateway.config, {})
  t.teardown(async () => { await target.close() })
  await t.rejects(releaseTransmission({ config: gateway.config, store, target, ledger: null, agreements: [], auditLog: join(dir, 'audit.log') }, id, 'r', 'a'), /no agreement for carrier ZZ/)
  t.ok(existsSync(join(gateway.config.quarantine.path, `${id}.edi`)), 'still in quarantine')
  const r = await releaseTransmission(
    { config: gateway.config, store, target, ledger: null, agreements: [live], auditLog: join(dir, 'audit.log') },
    id,
    'r',
    'a'
  )
  t.match(r, { released: true, destination: 'production', routingKey: 'paxlst.ZZ', ledger: 'no ledger' })
  t.ok(readdirSync(gateway.config.forward.directory.path).includes(`${id}.edi`))
})

t.test('AMQP quarantine queue: peek keeps messages, release publishes and acks, purge', async t => {
  // Secrets are never inline in a config (env:NAME): the broker URL comes from the environment.
  process.env.CG_ONBOARDING_AMQP_URL = amqpUrl
  const suffix = Math.random().toString(36).slice(2, 8)
  const names = {
    exchange: `piu-q-${suffix}`,
    queue: `piu.inbound.${suffix}`,
    testQueue: `piu.test.${suffix}`,
    quarantineQueue: `piu.quarantine.${suffix}`
  }
  const { gateway, dir } = await buildGateway(t, {
    agreements: [ZZ],
    config: {
      identity: { receiverIds: ['CUSTOMS'] },
      forward: { target: 'amqp', amqp: { url: 'env:CG_ONBOARDING_AMQP_URL', queueType: 'classic', ...names } }
    }
  })
  t.teardown(async () => {
    const c = await connect(amqpUrl)
    const ch = await c.createChannel()
    for (const q of [names.queue, names.testQueue, names.quarantineQueue]) await ch.deleteQueue(q)
    await ch.deleteExchange(names.exchange)
    await c.close()
  })
  const a = await quarantineOne(gateway)
  const b = await quarantineOne(gateway, new Date(Date.now() - 5 * 3_600_000))
  const store = await createAmqpQuarantine({ url: amqpUrl, queue: names.quarantineQueue })
  t.teardown(async () => { await store.close() })
  t.same((await store.list()).map(e => e.id).sort(), [a, b].sort())
  t.same((await store.list()).map(e => e.id).sort(), [a, b].sort(), 'a peek leaves the messages in the queue')
  const e = await store.get(a)
  t.match(e, { id: a, carrier: 'ZZ', channel: 'https', routingKey: 'quarantine.paxlst.ZZ' })
  t.same(errorCodes(e!), [29])
  t.notOk('x-error-report' in (e?.headers ?? {}), 'the report is shown as report, not as a header')

  const target = await openForwardTarget(gateway.config, process.env)
  t.teardown(async () => { await target.close() })
  const r = await releaseTransmission(
    {
      config: gateway.config,
      store,
      target,
      ledger: gateway.ledger,
      agreements: gateway.agreements.current().all,
      auditLog: join(dir, 'audit.log')
    },
    a,
    'usable',
    'alice'
  )
  t.same(r, { released: true, destination: 'test', routingKey: 'test.paxlst.ZZ', ledger: 'updated' })
  const c = await connect(amqpUrl)
  t.teardown(async () => { await c.close() })
  const ch = await c.createChannel()
  const got = await ch.get(names.testQueue, { noAck: true })
  t.ok(got !== false, 'released into the test queue')
  if (got !== false) {
    t.same(got.content, REJECTED)
    t.equal(got.properties.headers?.['x-transmission-id'], a)
    t.equal(got.properties.headers?.['x-released-by'], 'alice')
  }
  t.same((await store.list()).map(x => x.id), [b], 'acked out of quarantine')
  t.equal(await store.purge(new Date(Date.now() - 3_600_000)), 1)
  t.same(await store.list(), [])
  await t.rejects(createAmqpQuarantine({ url: amqpUrl, queue: `missing.${suffix}` }), 'a missing queue is an error, never created')
})
