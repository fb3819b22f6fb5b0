// forward.amqp.urls: the AMQP target connects to any live node of the list and fails over when its node is
// lost (docs/configuration.md, docs/operations.md "The PIU broker connection"). Two TCP proxies in front of the
// real broker stand for two cluster nodes, so a node can be refused or cut for real; a third URL points at a
// port where nothing listens. The confirm channel and its bounded window are the same on every node.
import t from 'tap'
import { createServer } from 'node:net'
import { createAmqpTarget, type AmqpTargetOptions } from '../../src/forward/amqp.js'
import type { ForwardItem, ForwardTarget } from '../../src/forward/types.js'
import { createMetrics } from '../../src/metrics/index.js'
import { createLogger } from '../../src/logger.js'
import { newTransmissionId } from '../../src/intake/transmission.js'
import { configFrom } from '../../src/config/index.js'
import { buildGateway, type TeardownHost } from '../helpers/gateway.js'
import { amqpForward, amqpUrl, piuBroker, until, type PiuTopology } from '../helpers/piu-queue.js'
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { paxlst } from '../helpers/edi.js'

const broker = new URL(amqpUrl)
const viaProxy = (p: TcpProxy): string => `amqp://${broker.username}:${broker.password}@127.0.0.1:${p.port}`

async function proxy (t: TeardownHost): Promise<TcpProxy> {
  const p = await startProxy(broker.hostname, Number(broker.port || 5672))
  t.teardown(async () => { await p.close() })
  return p
}

/** A loopback port with nothing listening. */
async function deadPort (): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>(resolve => s.close(() => resolve()))
  return port
}

function options (names: PiuTopology, urls: string[]): AmqpTargetOptions {
  return {
    url: 'amqp://unused.invalid',
    urls,
    ...names,
    queueType: 'quorum',
    quarantineRetentionHours: 72,
    confirmWindow: 50,
    confirmTimeoutMs: 3000,
    heartbeatSeconds: 1,
    reconnectMinMs: 50,
    reconnectMaxMs: 300,
    connectTimeoutMs: 1000
  }
}

async function target (t: TeardownHost, o: AmqpTargetOptions): Promise<ForwardTarget> {
  const tg = createAmqpTarget(o, createMetrics({ defaults: false }), createLogger('silent'))
  t.teardown(async () => { await tg.close() })
  await tg.start()
  return tg
}

const item = (n: number): ForwardItem => ({
  transmissionId: newTransmissionId(),
  destination: 'production',
  routingKey: 'paxlst.XA',
  body: Buffer.from(`interchange ${n}`),
  headers: { 'x-n': String(n) },
  timestamp: new Date()
})

t.test('the first live node of the list is used; dead ones before it are skipped', async t => {
  const piu = await piuBroker(t)
  const a = await proxy(t)
  const tg = await target(t, options(piu.names, [`amqp://guest:guest@127.0.0.1:${await deadPort()}`, viaProxy(a)]))
  t.ok(tg.available(), 'connected at start, through the second URL')
  t.equal(a.connections(), 1)
  await tg.publish(item(1))
  t.same((await piu.drain(piu.names.queue)).map(m => m.content.toString()), ['interchange 1'])
})

t.test('a lost node: the target reconnects to the next one and publishes with confirms there', async t => {
  const piu = await piuBroker(t)
  const a = await proxy(t)
  const b = await proxy(t)
  const tg = await target(t, options(piu.names, [viaProxy(a), viaProxy(b)]))
  t.equal(a.connections(), 1, 'on node A')
  t.equal(b.connections(), 0)
  // Node A goes down: its connection is cut and it takes no new one.
  a.refuse()
  a.cut()
  await until(() => b.connections() === 1 && tg.available(), 'reconnected to node B')
  const items = Array.from({ length: 20 }, (_, n) => item(n))
  await Promise.all(items.map(async i => { await tg.publish(i) }))
  // A back, B lost: over to A again.
  a.accept()
  b.refuse()
  b.cut()
  await until(() => a.connections() === 1 && tg.available(), 'back on node A')
  await tg.publish(item(99))
  const got = (await piu.drain(piu.names.queue)).map(m => m.content.toString())
  t.same(got, [...items.map((_, n) => `interchange ${n}`), 'interchange 99'], 'every confirmed publish delivered, in order')
})

t.test('all nodes down: unavailable (the gateway spools), then any node back takes over', async t => {
  const piu = await piuBroker(t)
  const a = await proxy(t)
  const b = await proxy(t)
  a.refuse()
  b.refuse()
  const tg = await target(t, options(piu.names, [viaProxy(a), viaProxy(b)]))
  t.notOk(tg.available(), 'no node answers')
  b.accept()
  await until(() => tg.available(), 'node B back')
  t.equal(b.connections(), 1)
  await tg.publish(item(7))
  t.equal((await piu.drain(piu.names.queue)).length, 1)
})

t.test('config: forward.amqp.urls is a list of secret references, empty by default', async t => {
  t.same(configFrom({}).forward.amqp.urls, [])
  t.throws(() => configFrom({ forward: { amqp: { urls: ['amqp://guest:guest@h:5672'] } } }), /secret reference/, 'never inline credentials')
  const piu = await piuBroker(t)
  const a = await proxy(t)
  const forward = amqpForward(piu.names, { url: viaProxy(a) }) as { amqp: { url: string } }
  const dead = amqpForward(piu.names, { url: `amqp://guest:guest@127.0.0.1:${await deadPort()}` }) as { amqp: { url: string } }
  // the gateway itself: urls wins over url
  const { gateway } = await buildGateway(t, {
    config: { forward: { ...forward, amqp: { ...forward.amqp, url: dead.amqp.url, urls: [dead.amqp.url, forward.amqp.url] } } }
  })
  await until(() => gateway.forwarder.target.available(), 'gateway connected through the node list')
  t.equal(a.connections() >= 1, true)
  const r = await gateway.pipeline.process({
    channel: 'https', bytes: paxlst(), candidates: [gateway.agreements.current().byCode('XA')!], receivedAt: new Date()
  })
  t.equal(r.outcome, 'accepted')
  t.equal((await piu.drain(piu.names.queue)).length, 1)
})
