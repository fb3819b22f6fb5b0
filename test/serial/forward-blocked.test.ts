// A broker resource alarm (memory watermark set to 0: RabbitMQ blocks every publishing
// connection, sending connection.blocked): the gateway spools instead of waiting, keeps its
// connection, reports blocked in its metrics, and relays once the alarm clears (unblocked).
// Serial: the alarm is broker-wide. The watermark is restored whatever happens.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { buildGateway } from '../helpers/gateway.js'
import { admin, amqpForward, metricValue, piuBroker, until } from '../helpers/piu-queue.js'
import { carrierAgreements, sendAll, table, tally, transmissions } from '../helpers/carrier-load.js'

const ctl = (...args: string[]): string => execFileSync('rabbitmqctl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })

t.test('memory alarm: blocked → spooled at once, connection kept; unblocked → relayed, zero lost', async t => {
  const watermark = ctl('eval', 'vm_memory_monitor:get_vm_memory_high_watermark().').trim().split('\n').pop() ?? '0.4'
  const restore = (): void => { ctl('set_vm_memory_high_watermark', /^[0-9.]+$/.test(watermark) ? watermark : '0.4') }
  t.teardown(restore)
  const piu = await piuBroker(t)
  const { gateway, logs } = await buildGateway(t, {
    config: { forward: amqpForward(piu.names, { confirmTimeoutMs: 5000, heartbeatSeconds: 5 }) },
    agreements: carrierAgreements()
  })
  const adminPort = gateway.adminPort()!
  const items = transmissions(30)
  const before = await sendAll(() => gateway.httpsPort(), items.slice(0, 5))
  t.equal(before.acked.size, 5)

  ctl('set_vm_memory_high_watermark', '0')
  // The broker blocks a connection when it next publishes: keep sending, as carriers do.
  const record = await sendAll(() => gateway.httpsPort(), items.slice(5, 20), { concurrency: 3 }, before)
  await until(
    async () => metricValue((await admin(adminPort, '/metrics')).text, 'carrier_gateway_forward_target_blocked', { target: 'amqp' }) === 1,
    'blocked reported'
  )
  const metrics = (await admin(adminPort, '/metrics')).text
  t.equal(metricValue(metrics, 'carrier_gateway_forward_target_up', { target: 'amqp' }), 0, 'target_up 0 while blocked')
  t.equal((await admin(adminPort, '/health/ready')).status, 200, 'ready: the spool takes the work')
  await sendAll(() => gateway.httpsPort(), items.slice(20), { concurrency: 3 }, record)
  t.equal(record.acked.size, items.length, 'every carrier acked while the broker was blocked')
  t.ok(gateway.forwarder.spool.stats().files >= 10, `spooled, not waiting (${gateway.forwarder.spool.stats().files} in the spool)`)
  t.ok(logs.text().includes('PIU broker blocked publishing'), 'the alarm is logged')
  t.notOk(logs.text().includes('connection abandoned'), 'the blocked connection was kept, not torn down')

  restore()
  await until(() => gateway.forwarder.target.available() && gateway.forwarder.spool.stats().files === 0, 'unblocked and relayed', 30_000)
  t.equal(metricValue((await admin(adminPort, '/metrics')).text, 'carrier_gateway_forward_target_blocked', { target: 'amqp' }), 0)
  const delivered = await piu.drain(piu.names.queue)
  const result = tally('broker blocked (memory alarm)', items, record, delivered)
  t.comment('\n' + table([result]))
  t.equal(result.lost, 0)
  t.equal(result.delivered, items.length)
  t.equal(
    new Set(delivered.map(m => m.properties.messageId)).size,
    items.length,
    'a publish delivered after the alarm and relayed again keeps its messageId'
  )
})
