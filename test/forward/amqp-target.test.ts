// The AMQP target against the real broker (throwaway topology): topology and bindings declared on
// connect, publishes resolved only by their confirm, the window of unconfirmed publishes bounded,
// a message the broker cannot route counted as a failure (and the topology repaired), and a broker
// that is unreachable or silent never hanging the start or the close.
import t from 'tap'
import { createServer, type Socket } from 'node:net'
import { createAmqpTarget, type AmqpTargetOptions } from '../../src/forward/amqp.js'
import type { ForwardItem, ForwardTarget } from '../../src/forward/types.js'
import { createMetrics, type Metrics } from '../../src/metrics/index.js'
import { createLogger } from '../../src/logger.js'
import { isGatewayError } from '../../src/errors.js'
import { newTransmissionId } from '../../src/intake/transmission.js'
import type { TeardownHost } from '../helpers/gateway.js'
import { amqpUrl, piuBroker, until, type PiuTopology } from '../helpers/piu-queue.js'

function options (names: PiuTopology, over: Partial<AmqpTargetOptions> = {}): AmqpTargetOptions {
  const base = { url: amqpUrl, queueType: 'quorum', quarantineRetentionHours: 72, confirmWindow: 100, confirmTimeoutMs: 3000 } as const
  const timing = { heartbeatSeconds: 5, reconnectMinMs: 50, reconnectMaxMs: 300, connectTimeoutMs: 1000 }
  return { ...base, ...names, ...timing, ...over }
}

async function target (t: TeardownHost, o: AmqpTargetOptions, metrics: Metrics = createMetrics()): Promise<ForwardTarget> {
  const tg = createAmqpTarget(o, metrics, createLogger('silent'))
  t.teardown(async () => { await tg.close() })
  await tg.start()
  return tg
}

function item (routingKey: string, n = 0): ForwardItem {
  return {
    transmissionId: newTransmissionId(),
    destination: 'production',
    routingKey,
    body: Buffer.from(`interchange ${n}`),
    headers: { 'x-carrier': 'XA', 'x-n': String(n) },
    timestamp: new Date()
  }
}

t.test('topology: exchange, quorum queues and bindings declared on connect; each routing key lands as docs/channels.md says', async t => {
  const piu = await piuBroker(t)
  const tg = await target(t, options(piu.names))
  t.ok(tg.available())
  // Re-asserting with the same arguments succeeds only if the gateway declared them so.
  for (const q of [piu.names.queue, piu.names.testQueue]) {
    await piu.channel.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } })
  }
  for (const key of ['paxlst.XA', 'pnrgov.XB', 'test.paxlst.XA', 'quarantine.pnrgov.XA']) await tg.publish(item(key))
  t.same((await piu.drain(piu.names.queue)).map(m => m.fields.routingKey), ['paxlst.XA', 'pnrgov.XB'])
  t.same((await piu.drain(piu.names.testQueue)).map(m => m.fields.routingKey), ['test.paxlst.XA'])
  const [q] = await piu.drain(piu.names.quarantineQueue)
  t.equal(q.fields.routingKey, 'quarantine.pnrgov.XA')
})

t.test('many publishes in flight at once, never more than the window; each resolved by its confirm, in order', async t => {
  const piu = await piuBroker(t)
  const metrics = createMetrics()
  let most = 0
  const set = metrics.forwardInFlight.set.bind(metrics.forwardInFlight)
  metrics.forwardInFlight.set = ((v: number) => { most = Math.max(most, v); set(v) }) as typeof metrics.forwardInFlight.set
  const tg = await target(t, options(piu.names, { confirmWindow: 4 }), metrics)
  const items = Array.from({ length: 60 }, (_, i) => item('paxlst.XA', i))
  await Promise.all(items.map(async i => await tg.publish(i)))
  t.equal(most, 4, 'the window filled and was never exceeded')
  const got = await piu.drain(piu.names.queue)
  t.same(got.map(m => m.properties.messageId), items.map(i => i.transmissionId), 'all delivered, in publish order')
  t.ok(
    got.every(
      m => m.properties.deliveryMode === 2 && m.properties.contentType === 'application/edifact' && m.properties.appId === 'carrier-gateway'
    )
  )
})

t.test('a queue deleted under the gateway: the publish fails (never counted delivered), the topology is declared again', async t => {
  const piu = await piuBroker(t)
  const tg = await target(t, options(piu.names))
  await tg.publish(item('paxlst.XA', 1))
  await piu.deleteQueue(piu.names.queue)
  const err = await tg.publish(item('paxlst.XA', 2)).then(() => null, (e: unknown) => e)
  t.ok(isGatewayError(err) && err.id === 'GW_ERR_FORWARD_UNAVAILABLE', 'unroutable: rejected, so the forwarder spools it')
  await until(() => tg.available(), 'reconnected')
  const again = item('paxlst.XA', 3)
  await tg.publish(again)
  const got = await piu.drain(piu.names.queue)
  t.same(got.map(m => m.properties.messageId), [again.transmissionId], 'the queue exists again and takes publishes')
})

t.test('broker unreachable: start resolves, unavailable, target_up 0, publish refused at once', async t => {
  const piu = await piuBroker(t)
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>(resolve => s.close(() => resolve()))
  const metrics = createMetrics()
  const tg = await target(t, options(piu.names, { url: `amqp://guest:guest@127.0.0.1:${port}` }), metrics)
  t.notOk(tg.available())
  t.equal((await metrics.targetUp.get()).values[0].value, 0)
  const err = await tg.publish(item('paxlst.XA')).then(() => null, (e: unknown) => e)
  t.ok(isGatewayError(err) && err.id === 'GW_ERR_FORWARD_UNAVAILABLE')
})

t.test('a broker that accepts TCP and never answers: the start gives up at the connect deadline, the close returns', async t => {
  const piu = await piuBroker(t)
  const held: Socket[] = []
  const silent = createServer(sock => { held.push(sock) })
  await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { for (const s of held) s.destroy(); await new Promise<void>(resolve => silent.close(() => resolve())) })
  const port = (silent.address() as { port: number }).port
  const tg = await target(t, options(piu.names, { url: `amqp://guest:guest@127.0.0.1:${port}`, connectTimeoutMs: 200, reconnectMinMs: 10_000 }))
  t.notOk(tg.available(), 'start resolved without a connection')
  await tg.close()
  t.pass('closed')
})
