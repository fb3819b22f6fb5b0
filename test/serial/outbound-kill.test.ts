// Messages to carriers survive a gateway killed mid-delivery (docs/outbound.md "When the PIU's
// message is acknowledged"): the PIU publishes a batch, the gateway (its own process) is SIGKILLed
// while delivering to the carrier's AMQP queue, and a new process on the same ledger finishes. Every
// message reaches the carrier at least once; a PIU redelivery is stored once and counted; a message
// delivered but not yet marked so before the kill may reach the carrier twice, with the same
// messageId (the outbox id), which the test counts.
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { connect } from 'amqplib'
import { createLedger } from '../../src/ledger/index.js'
import { exampleAgreement, testConfig, tmpDir, writeAgreements } from '../helpers/gateway.js'
import { startGatewayChild, writeConfig } from '../helpers/gateway-child.js'
import { amqpForward, amqpUrl, ensureBroker, piuBroker, until } from '../helpers/piu-queue.js'

const N = 150

t.test('SIGKILL mid-delivery: every PIU message reaches the carrier, none is stored twice', async t => {
  await ensureBroker()
  const dir = tmpDir(t)
  const piu = await piuBroker(t)
  const id = randomBytes(4).toString('hex')
  const outbound = {
    exchange: `test.out.${id}`, queue: `test.out.${id}`, deadLetterQueue: `test.out.${id}.dlq`, sweepMs: 50, leaseSeconds: 2
  }
  const carrierQueues = { queue: `test.kill.${id}.out`, replyQueue: `test.kill.${id}.ack`, inboundQueue: `test.kill.${id}.in` }
  const env = `CG_TEST_CARRIER_${id.toUpperCase()}`
  process.env[env] = amqpUrl
  const conn = await connect(amqpUrl)
  conn.on('error', () => {})
  const ch = await conn.createConfirmChannel()
  t.teardown(async () => {
    for (const q of [...Object.values(carrierQueues), outbound.queue, outbound.deadLetterQueue]) await ch.deleteQueue(q).catch(() => {})
    await ch.deleteExchange(outbound.exchange).catch(() => {})
    await conn.close().catch(() => {})
  })
  for (const q of Object.values(carrierQueues)) await ch.assertQueue(q)
  const carriersDir = `${dir}/carriers`
  const agreement = exampleAgreement({
    code: 'XC',
    name: 'Example C',
    senderIds: ['XCAPI'],
    messages: { PNRGOV: { versions: ['13.1'], ack: 'ackres' } },
    channels: { amqp: { url: `env:${env}`, ...carrierQueues } }
  })
  writeAgreements(carriersDir, [agreement])
  const configFile = writeConfig(dir, testConfig(dir, carriersDir, { forward: amqpForward(piu.names), outbound }))

  const first = await startGatewayChild(t, configFile)
  // The PIU's topology exists once the gateway consumes; the test publishes after that.
  await until(async () => await ch.checkQueue(outbound.queue).then(() => true, () => false), 'outbound queue declared', 20_000)
  for (let i = 0; i < N; i++) {
    const form = {
      kind: 'govreq',
      carrier: 'XC',
      flight: { carrier: 'XC', number: String(100 + i), departure: 'ICN', arrival: 'CAN', scheduledDeparture: '2026-12-24T16:20' }
    }
    const props = { persistent: true, contentType: 'application/json', messageId: `piu-${i}` }
    ch.publish(outbound.exchange, 'govreq.XC', Buffer.from(JSON.stringify(form)), props)
  }
  await ch.waitForConfirms()
  await until(async () => (await ch.checkQueue(carrierQueues.inboundQueue)).messageCount >= N / 5, 'deliveries under way', 30_000)
  first.kill('SIGKILL')
  await first.exited

  const second = await startGatewayChild(t, configFile)
  await until(async () => (await ch.checkQueue(outbound.queue)).messageCount === 0, 'the PIU queue drained', 60_000)
  const ledger = await createLedger({ kind: 'sqlite', path: `${dir}/ledger.db` })
  t.teardown(() => ledger.close())
  await until(async () => (await ledger.outbound.list({ state: 'delivered', limit: 1000 })).length === N, 'all delivered', 60_000, 200)
  const rows = await ledger.outbound.list({ limit: 1000 })
  t.equal(rows.length, N, 'each PIU message stored once')
  t.equal(new Set(rows.map(r => r.sourceKey)).size, N)

  const seen = new Map<string, number>()
  for (;;) {
    const m = await ch.get(carrierQueues.inboundQueue, { noAck: true })
    if (m === false) break
    const key = String(m.properties.messageId)
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  t.equal(seen.size, N, 'every message reached the carrier: zero lost')
  const twice = [...seen.values()].filter(n => n > 1).length
  const redelivered = rows.reduce((s, r) => s + r.duplicates, 0)
  t.comment(`delivered to the carrier twice: ${twice}; PIU redeliveries recognised: ${redelivered}`)
  t.ok(twice <= 20, 'at most the messages in flight at the kill reach the carrier twice')
  second.kill('SIGTERM')
  await second.exited
})
