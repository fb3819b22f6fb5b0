// Broker unreachable from the start (a proxy the test controls refuses every connection): the
// carriers get positive acks from the spool, the ledger says `spooled`, readiness stays green
// (the spool can take writes) while the target metric says down; when the broker is reachable the
// relay drains the spool — exactly one copy of each transmission in the queue, the spool empty,
// the ledger `acknowledged`.
import t from 'tap'
import { buildGateway } from '../helpers/gateway.js'
import { startProxy } from '../helpers/tcp-proxy.js'
import { admin, amqpForward, metricValue, piuBroker, until } from '../helpers/piu-queue.js'
import { carrierAgreements, sendAll, table, tally, transmissions } from '../helpers/carrier-load.js'

const brokerPort = Number(new URL(process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672').port || 5672)
// N ≥ 500 transmissions per scenario (docs/operations.md "Testing the faults"); FAULT_N overrides it for a longer or shorter run.
const N = Number(process.env.FAULT_N ?? 500)

t.test('broker down at start: acked from the spool, drained once it is back, one copy each', async t => {
  const piu = await piuBroker(t)
  const proxy = await startProxy('127.0.0.1', brokerPort)
  t.teardown(() => proxy.close())
  proxy.refuse()
  const { gateway } = await buildGateway(t, {
    config: { forward: amqpForward(piu.names, { url: `amqp://guest:guest@127.0.0.1:${proxy.port}` }) },
    agreements: carrierAgreements()
  })
  const adminPort = gateway.adminPort()!
  t.notOk(gateway.forwarder.target.available(), 'the gateway started without its broker')
  const ready = await admin(adminPort, '/health/ready')
  t.equal(ready.status, 200, 'ready: the spool can take writes')
  t.match(JSON.parse(ready.text).checks, { forward: true, targetConnected: false })
  t.equal(
    metricValue((await admin(adminPort, '/metrics')).text, 'carrier_gateway_forward_target_up', { target: 'amqp' }),
    0,
    'target_up 0 while degraded'
  )

  const items = transmissions(N)
  const record = await sendAll(() => gateway.httpsPort(), items, { concurrency: 12 })
  t.equal(record.acked.size, N, 'every carrier got its positive ack')
  const ids = [...record.attempts.values()].map(a => a[0].id!)
  const rows = await Promise.all(ids.map(async id => await gateway.ledger.get(id)))
  t.ok(rows.every(r => r?.status === 'spooled' && r.outcome === 'accepted'), 'ledger: every one spooled')
  t.equal(gateway.forwarder.spool.stats().files, N, 'one spool file per transmission')
  t.equal(metricValue((await admin(adminPort, '/metrics')).text, 'carrier_gateway_spool_files'), N, 'spool_files metric')
  t.equal(await piu.count(piu.names.queue), 0, 'nothing reached the broker yet')

  proxy.accept()
  await until(() => gateway.forwarder.spool.stats().files === 0, 'spool drained')
  const delivered = await piu.drain(piu.names.queue)
  const result = tally('broker down at start', items, record, delivered)
  t.comment('\n' + table([result]))
  t.equal(delivered.length, N, 'exactly N messages in the queue')
  t.equal(result.lost, 0, 'zero lost')
  t.equal(result.duplicates, 0, 'no duplicate publish in a clean drain')
  t.same(new Set(delivered.map(m => m.properties.headers?.['x-transmission-id'])), new Set(ids), 'x-transmission-id of each')
  // Drained in arrival order: transmission ids sort by receipt.
  const order = delivered.map(m => String(m.properties.headers?.['x-transmission-id']))
  t.same(order, [...order].sort(), 'relayed in arrival order')
  await until(
    async () => (await Promise.all(ids.map(async id => (await gateway.ledger.get(id))?.status))).every(s => s === 'acknowledged'),
    'ledger updated after relay'
  )
  t.equal(
    metricValue((await admin(adminPort, '/metrics')).text, 'carrier_gateway_forward_target_up', { target: 'amqp' }),
    1,
    'target_up 1 again'
  )
  t.equal(metricValue((await admin(adminPort, '/metrics')).text, 'carrier_gateway_spool_files'), 0)
})
