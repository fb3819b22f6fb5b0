// The bridge following the agreements and surviving trouble that is not a cut connection: a
// suspended carrier pauses (its messages stay on its queue), carriers added/removed by a reload,
// a carrier whose broker is down or whose queue is missing never affects another, and a retry
// outcome (PIU queue and spool unavailable) requeues without counting towards the DLQ.
import t from 'tap'
import { rmSync, writeFileSync, mkdirSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { buildGateway, writeAgreements } from '../../helpers/gateway.js'
import {
  amqpAgreement,
  carrierSide,
  ediFiles,
  gaugeValue,
  header,
  newReference,
  outbox,
  ownBridge,
  paxlst,
  queueNames,
  until
} from './fixtures.js'

t.test('suspended: consumer cancelled, messages stay on the queue; resumed when live again', async t => {
  const carrier = await carrierSide(t)
  const built = await buildGateway(t, { agreements: [amqpAgreement(carrier.q)] })
  const { gateway, carriersDir } = built
  await carrier.publish(paxlst({ reference: newReference() }))
  await carrier.waitForReplies(1)

  writeAgreements(carriersDir, [amqpAgreement(carrier.q, { stage: 'suspended' })])
  t.same(gateway.reload().problems, [])
  await until(async () => await carrier.consumers() === 0, 'consumer cancelled')
  t.equal(await gaugeValue(gateway.metrics.bridgeConnected, { carrier: 'XA' }), 0, 'consumer down while suspended')
  for (let i = 0; i < 3; i++) await carrier.publish(paxlst({ reference: newReference() }))
  // No consumer on the queue: the broker cannot hand the messages to anyone.
  t.equal(await carrier.ready(), 3, 'messages stay on the carrier queue')
  t.equal(carrier.replies.length, 1)

  writeAgreements(carriersDir, [amqpAgreement(carrier.q, { stage: 'live' })])
  t.same(gateway.reload().problems, [])
  await carrier.waitForReplies(4)
  await until(async () => await carrier.ready() === 0, 'queue drained after resume')
  t.equal(await gaugeValue(gateway.metrics.bridgeConnected, { carrier: 'XA' }), 1)
  t.equal(ediFiles(outbox(built.dir)).length, 4)
})

t.test('a suspended carrier at start never consumes', async t => {
  const carrier = await carrierSide(t)
  await carrier.publish(paxlst({ reference: newReference() }))
  const built = await buildGateway(t, { agreements: [amqpAgreement(carrier.q, { stage: 'suspended' })] })
  const bridge = await ownBridge(t, built)
  await until(() => bridge.carrierState('XA') === 'paused', 'paused')
  t.equal(await carrier.consumers(), 0)
  t.equal(await carrier.ready(), 1)
  await until(async () => await gaugeValue(built.gateway.metrics.bridgeQueueReady, { carrier: 'XA' }) === 1, 'lag metric: 1 message ready')
  t.pass('lag reported while paused')
})

t.test('reload: a carrier added starts, one removed stops, changed settings restart its bridge', async t => {
  const xa = await carrierSide(t)
  const xb = await carrierSide(t)
  const built = await buildGateway(t, { agreements: [amqpAgreement(xa.q)] })
  const { gateway, carriersDir } = built
  const xbAgreement = amqpAgreement(xb.q, { code: 'XB', senderIds: ['XBAPI'] })
  writeAgreements(carriersDir, [amqpAgreement(xa.q), xbAgreement])
  t.same(gateway.reload().problems, [])
  await xb.publish(paxlst({ reference: newReference(), sender: 'XBAPI' }), { messageId: 'xb-1' })
  const [reply] = await xb.waitForReplies(1)
  t.equal(reply.properties.correlationId, 'xb-1')
  t.equal(header(reply, 'x-carrier'), 'XB')

  // XA's prefetch changes: its bridge is restarted with the new value and keeps working.
  writeAgreements(carriersDir, [amqpAgreement(xa.q, {}, { prefetch: 3 }), xbAgreement])
  t.same(gateway.reload().problems, [])
  await xa.publish(paxlst({ reference: newReference() }))
  await xa.waitForReplies(1)

  unlinkSync(join(carriersDir, 'XB.yaml'))
  t.same(gateway.reload().problems, [])
  await until(async () => await xb.consumers() === 0, 'XB consumer gone')
  await xb.publish(paxlst({ reference: newReference(), sender: 'XBAPI' }))
  t.equal(await xb.ready(), 1, 'a removed carrier is not consumed')
})

t.test('one carrier broker unreachable: the other carrier is bridged normally', async t => {
  const xb = await carrierSide(t)
  const dead = queueNames()
  const built = await buildGateway(t, {
    agreements: [
      amqpAgreement(dead, {}, { url: 'amqp://guest:guest@127.0.0.1:1' }),
      amqpAgreement(xb.q, { code: 'XB', senderIds: ['XBAPI'] })
    ]
  })
  await xb.publish(paxlst({ reference: newReference(), sender: 'XBAPI' }), { messageId: 'ok' })
  const [reply] = await xb.waitForReplies(1)
  t.equal(reply.properties.correlationId, 'ok')
  t.equal(await gaugeValue(built.gateway.metrics.bridgeConnected, { carrier: 'XA' }), 0, 'XA down')
  t.equal(await gaugeValue(built.gateway.metrics.bridgeConnected, { carrier: 'XB' }), 1, 'XB consuming')
  t.ok(built.gateway.channels.find(c => c.name === 'amqp')?.healthy(), 'the channel stays healthy')
  t.ok(built.logs.records().some(r => r.carrier === 'XA' && r.msg === 'carrier broker unreachable; retrying'), 'XA failure logged under XA')
  t.notOk(built.logs.text().includes('guest:guest'), 'the broker URL (credentials) is never logged')
})

t.test('missing carrier queue: reported with its name, retried, consumed once the carrier declares it', async t => {
  const q = queueNames()
  const carrier = await carrierSide(t, q, { declare: false })
  const built = await buildGateway(t, { agreements: [amqpAgreement(q)] })
  const bridge = await ownBridge(t, built)
  const missing = 'carrier queue does not exist on the carrier broker; the carrier must declare it (retrying)'
  await until(
    () => built.logs.records().filter(r => r.queue === q.queue && r.msg === missing).length >= 2,
    'missing queue reported and retried'
  )
  t.not(bridge.carrierState('XA'), 'consuming')
  await carrier.ch.assertQueue(q.queue, { durable: false })
  const absent = 'carrier queue does not exist'
  await until(
    () => built.logs.records().some(r => r.queue === q.replyQueue && typeof r.msg === 'string' && r.msg.startsWith(absent)),
    'reply queue reported too'
  )
  await carrier.ch.assertQueue(q.replyQueue, { durable: false })
  await until(() => bridge.carrierState('XA') === 'consuming', 'consuming after the queues appeared')
  const got: string[] = []
  await carrier.ch.consume(q.replyQueue, m => { if (m !== null) got.push(String(m.properties.correlationId)) }, { noAck: true })
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'late' })
  await until(() => got.includes('late'), 'reply')
  t.pass('bridged after the carrier declared its queues')
})

t.test('retry outcome (PIU target and spool unavailable): requeued, not dead-lettered, accepted once durable again', async t => {
  const carrier = await carrierSide(t)
  const built = await buildGateway(t, {
    agreements: [amqpAgreement(carrier.q, {}, { maxRedeliveries: 0 })],
    config: { spool: { maxBytes: 0 } }
  })
  const bridge = await ownBridge(t, built)
  t.equal(bridge.carrierState('XA'), 'consuming')
  // The directory target's folder replaced by a file: writes fail; the spool (0 bytes) is full.
  const box = outbox(built.dir)
  rmSync(box, { recursive: true, force: true })
  writeFileSync(box, '')
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'held' })
  await until(async () => {
    const { values } = await built.gateway.metrics.bridgeDeliveries.get()
    return (values.find(v => v.labels.action === 'requeued')?.value ?? 0) >= 3
  }, 'requeued several times')
  t.equal(carrier.replies.length, 0, 'no reply while not durable')
  rmSync(box, { force: true })
  mkdirSync(box)
  const [reply] = await carrier.waitForReplies(1)
  t.equal(reply.properties.correlationId, 'held')
  t.match(header(reply, 'x-outcome'), /^accepted/, 'accepted, although redelivered more than maxRedeliveries (0) times')
  t.equal(ediFiles(box).length, 1)
  t.equal(await carrier.ready(`${carrier.q.queue}.dlq`).catch(() => -1), -1, 'no DLQ was even created')
})

t.test('reply queue deleted by the carrier: nothing acked without its reply; resumed once it is declared again', async t => {
  const carrier = await carrierSide(t)
  const built = await buildGateway(t, { agreements: [amqpAgreement(carrier.q)] })
  const bridge = await ownBridge(t, built)
  await carrier.ch.deleteQueue(carrier.q.replyQueue)
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'orphan' })
  await until(
    () => built.logs.records().some(r => r.msg === 'carrier reply queue does not exist; consuming stops until it is declared again'),
    'missing reply queue noticed'
  )
  await until(async () => await carrier.ready() === 1, 'the delivery went back to the carrier queue')
  t.not(bridge.carrierState('XA'), 'consuming')
  const got: string[] = []
  await carrier.ch.assertQueue(carrier.q.replyQueue, { durable: false })
  await carrier.ch.consume(
    carrier.q.replyQueue,
    m => {
      if (m !== null) got.push(`${String(m.properties.correlationId)}:${String(header(m, 'x-outcome'))}`)
    },
    { noAck: true }
  )
  await until(() => got.length === 1, 'the reply, once the queue exists again')
  t.same(got, ['orphan:duplicate'], 'forwarded the first time; the redelivery is answered with the same ack')
  t.equal(ediFiles(outbox(built.dir)).length, 1, 'forwarded once')
})
