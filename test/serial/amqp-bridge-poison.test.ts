// Poison messages: a delivery that takes the gateway down every time (here: processing hangs and
// the connection is lost, as a crash would) is redelivered until it exceeds the agreement's
// maxRedeliveries, then copied to `<queue>.dlq` with an `x-reason` header and acked, so it stops
// blocking the carrier's queue. Classic queues: counted in memory per messageId. Quorum queues:
// the broker's x-delivery-count is used too, so a fresh gateway process still knows. Serial: it
// cuts connections.
import t from 'tap'
import type { Message } from 'amqplib'
import { buildGateway } from '../helpers/gateway.js'
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import type { Pipeline, TransmissionInput, TransmissionResult } from '../../src/pipeline/types.js'
import {
  amqpAgreement,
  carrierSide,
  gaugeValue,
  header,
  newReference,
  ownBridge,
  paxlst,
  queueNames,
  until,
  type CarrierSide
} from '../channels/amqp/fixtures.js'

/** The real pipeline, except that the message `poison` never finishes processing (until released). */
function hangingOn (inner: Pipeline, t: { teardown: (fn: () => void) => void }): Pipeline & { hung: number, release: () => void } {
  const waiters: Array<() => void> = []
  const p = {
    hung: 0,
    release () { for (const w of waiters.splice(0)) w() },
    async process (input: TransmissionInput): Promise<TransmissionResult> {
      if (input.sourceRef !== 'poison') return await inner.process(input)
      p.hung++
      await new Promise<void>(resolve => waiters.push(resolve))
      throw new Error('processing crashed')
    }
  }
  t.teardown(() => p.release())
  return p
}

async function dlqMessages (carrier: CarrierSide): Promise<Message[]> {
  const out: Message[] = []
  for (;;) {
    const m = await carrier.ch.get(`${carrier.q.queue}.dlq`, { noAck: true })
    if (m === false) return out
    out.push(m)
  }
}

async function cutWhenHung (proxy: TcpProxy, pipeline: { hung: number }, times: number): Promise<void> {
  for (let i = 1; i <= times; i++) {
    await until(() => pipeline.hung === i, `delivery ${i} in processing`)
    proxy.cut()
  }
}

t.test('classic queue: more than maxRedeliveries → <queue>.dlq with x-reason, acked; other messages unaffected', async t => {
  const carrier = await carrierSide(t)
  const proxy = await startProxy('127.0.0.1', 5672)
  t.teardown(() => proxy.close())
  const built = await buildGateway(t, { agreements: [amqpAgreement(carrier.q, {}, { url: `amqp://guest:guest@127.0.0.1:${proxy.port}`, maxRedeliveries: 1 })] })
  const pipeline = hangingOn(built.gateway.pipeline, t)
  await ownBridge(t, built, { pipeline })
  const body = paxlst({ reference: newReference() })
  await carrier.publish(body, { messageId: 'poison', correlationId: 'c-poison', headers: { 'x-carrier-trace': 'abc' } })
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'fine' })
  // Delivery 1 and its first redelivery hang; the connection drops each time.
  await cutWhenHung(proxy, pipeline, 2)
  await until(async () => await carrier.ready(`${carrier.q.queue}.dlq`).catch(() => 0) === 1, 'dead-lettered')
  t.equal(pipeline.hung, 2, 'the third delivery never reached the pipeline')
  const all = await dlqMessages(carrier)
  t.equal(all.length, 1, 'only the poison message: one merely in flight during the cuts is not blamed')
  const [dead] = all
  t.equal(dead.content.toString('latin1'), body.toString('latin1'), 'the message as the carrier sent it')
  t.equal(dead.properties.messageId, 'poison')
  t.equal(dead.properties.correlationId, 'c-poison')
  t.match(header(dead, 'x-reason'), /redelivered 2 times.*allows 1/)
  t.equal(header(dead, 'x-carrier'), 'XA')
  t.equal(header(dead, 'x-original-queue'), carrier.q.queue)
  t.equal(header(dead, 'x-carrier-trace'), 'abc', "the carrier's own headers kept")
  await until(async () => await carrier.ready() === 0, 'carrier queue drained')
  await until(() => carrier.replies.some(r => r.properties.correlationId === 'fine'), 'the other message answered')
  t.notOk(carrier.replies.some(r => r.properties.correlationId === 'poison'), 'no reply for the poison message')
  t.equal(await gaugeValue(built.gateway.metrics.bridgeDeliveries, { carrier: 'XA', action: 'dead_lettered' }), 1)
  t.ok(built.logs.records().some(r => r.msg === 'poison message moved to the dead-letter queue' && r.messageId === 'poison'))
  pipeline.release()
})

t.test('an existing <queue>.dlq is used as the carrier declared it (checked, not redeclared)', async t => {
  const carrier = await carrierSide(t)
  // Declared by the carrier with its own arguments; a redeclare with other arguments would fail.
  await carrier.ch.assertQueue(`${carrier.q.queue}.dlq`, { durable: true, arguments: { 'x-max-length': 100 } })
  const proxy = await startProxy('127.0.0.1', 5672)
  t.teardown(() => proxy.close())
  const built = await buildGateway(t, { agreements: [amqpAgreement(carrier.q, {}, { url: `amqp://guest:guest@127.0.0.1:${proxy.port}`, maxRedeliveries: 0 })] })
  const pipeline = hangingOn(built.gateway.pipeline, t)
  await ownBridge(t, built, { pipeline })
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'poison' })
  await cutWhenHung(proxy, pipeline, 1)
  await until(async () => await carrier.ready(`${carrier.q.queue}.dlq`) === 1, 'dead-lettered')
  const [dead] = await dlqMessages(carrier)
  t.match(header(dead, 'x-reason'), /redelivered 1 times.*allows 0/)
  pipeline.release()
})

t.test('quorum queue: x-delivery-count counts across gateway restarts', async t => {
  const carrier = await carrierSide(t, queueNames('test.bridge.quorum'), { queueType: 'quorum' })
  const proxy = await startProxy('127.0.0.1', 5672)
  t.teardown(() => proxy.close())
  const built = await buildGateway(t, { agreements: [amqpAgreement(carrier.q, {}, { url: `amqp://guest:guest@127.0.0.1:${proxy.port}`, maxRedeliveries: 1 })] })
  const first = hangingOn(built.gateway.pipeline, t)
  const bridgeA = await ownBridge(t, built, { pipeline: first, options: { shutdownTimeoutMs: 200 } })
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'poison' })
  await cutWhenHung(proxy, first, 1)
  await until(() => first.hung === 2, 'redelivered once')
  // This gateway goes away with the delivery unsettled; a fresh one (no memory of it) takes over.
  await bridgeA.stop()
  first.release()
  const second = hangingOn(built.gateway.pipeline, t)
  await ownBridge(t, built, { pipeline: second })
  await until(async () => await carrier.ready(`${carrier.q.queue}.dlq`).catch(() => 0) === 1, 'dead-lettered by the fresh bridge')
  t.equal(second.hung, 0, 'the fresh bridge dead-lettered it from the broker count, without processing it')
  const [dead] = await dlqMessages(carrier)
  t.match(header(dead, 'x-reason'), /redelivered 2 times/)
  second.release()
})
