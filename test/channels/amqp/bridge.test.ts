// The AMQP bridge end to end against the real broker: a gateway (directory target) consuming a
// carrier's throwaway queue; what the carrier sees (replies, correlation ids, what is left on its
// queue) and what the PIU sees (files in the outbox, quarantine).
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildGateway } from '../../helpers/gateway.js'
import {
  amqpAgreement,
  amqpUrl,
  carrierSide,
  ediFiles,
  header,
  newReference,
  outbox,
  paxlst,
  PASSENGER_VALUES,
  quarantineDir,
  queueNames,
  until
} from './fixtures.js'

t.test('accepted: CONTRL reply correlated to the messageId, delivery acked, one copy forwarded', async t => {
  const carrier = await carrierSide(t)
  const { gateway, dir, logs } = await buildGateway(t, { agreements: [amqpAgreement(carrier.q)] })
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'carrier-msg-1' })
  const [reply] = await carrier.waitForReplies(1)
  t.equal(reply.properties.correlationId, 'carrier-msg-1', 'correlationId = incoming messageId')
  t.equal(reply.properties.contentType, 'application/edifact')
  t.equal(reply.properties.deliveryMode, 2, 'persistent')
  t.match(reply.content.toString('latin1'), /^UNA:\+\.\? 'UNB\+UNOA:4\+GOVPIU\+XAAPI\+/, 'CONTRL from the gateway to the carrier sender')
  t.match(reply.content.toString('latin1'), /UNH\+[^']+\+CONTRL:D:3:UN'/)
  t.match(reply.content.toString('latin1'), /UCI\+[^']+\+XAAPI\+GOVPIU\+7'/, 'UCI action 7: accepted')
  t.match(header(reply, 'x-outcome'), /^accepted/)
  t.equal(header(reply, 'x-transmission-id'), reply.properties.messageId, 'messageId = transmission id')
  t.equal(header(reply, 'x-carrier'), 'XA')
  await until(async () => await carrier.ready() === 0, 'queue drained')
  t.equal(ediFiles(outbox(dir)).length, 1, 'forwarded once')
  const m = await gateway.metrics.bridgeDeliveries.get()
  t.same(m.values.find(v => v.labels.action === 'acked')?.value, 1, 'acked metric')
  for (const v of PASSENGER_VALUES) t.notOk(logs.text().includes(v), 'no passenger value in the logs')
})

t.test('correlationId falls back to the incoming correlationId; replyTo naming another queue is ignored', async t => {
  const carrier = await carrierSide(t)
  const other = await carrierSide(t, queueNames('test.bridge.other'))
  await buildGateway(t, { agreements: [amqpAgreement(carrier.q)] })
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: undefined, correlationId: 'corr-7', replyTo: other.q.queue })
  const [reply] = await carrier.waitForReplies(1)
  t.equal(reply.properties.correlationId, 'corr-7')
  t.equal(await other.ready(), 0, 'nothing sent to the queue replyTo named')
  // replyTo equal to the agreed reply queue is honoured (same queue).
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'm2', replyTo: carrier.q.replyQueue })
  const second = (await carrier.waitForReplies(2))[1]
  t.equal(second.properties.correlationId, 'm2')
})

t.test('rejected: negative CONTRL, quarantined, delivery acked (not requeued)', async t => {
  const carrier = await carrierSide(t)
  const { dir } = await buildGateway(t, { agreements: [amqpAgreement(carrier.q)] })
  await carrier.publish(paxlst({ reference: newReference(), badCount: true }), { messageId: 'bad-1' })
  const [reply] = await carrier.waitForReplies(1)
  t.equal(reply.properties.correlationId, 'bad-1')
  t.equal(header(reply, 'x-outcome'), 'rejected')
  t.match(reply.content.toString('latin1'), /UCM\+PAX001\+PAXLST:D:05B:UN:IATA\+4\+29/, 'UCM rejects the message: code 29 (segment count)')
  await until(async () => await carrier.ready() === 0, 'queue drained')
  t.equal(ediFiles(outbox(dir)).length, 0, 'nothing forwarded')
  await until(() => ediFiles(quarantineDir(dir)).length === 1, 'quarantine copy')
})

t.test('sender not in the agreement: rejected with CONTRL 23 (the carrier is the one whose queue it is)', async t => {
  const carrier = await carrierSide(t)
  await buildGateway(t, { agreements: [amqpAgreement(carrier.q)] })
  await carrier.publish(paxlst({ reference: newReference(), sender: 'OTHERAPI' }), { messageId: 'spoof-1' })
  const [reply] = await carrier.waitForReplies(1)
  t.equal(header(reply, 'x-outcome'), 'rejected')
  t.match(reply.content.toString('latin1'), /UCI\+[^']+\+OTHERAPI\+GOVPIU\+4\+23/)
})

t.test('duplicate: the resend is answered with the first ack and not forwarded again', async t => {
  const carrier = await carrierSide(t)
  const { dir } = await buildGateway(t, { agreements: [amqpAgreement(carrier.q)] })
  const bytes = paxlst({ reference: newReference() })
  await carrier.publish(bytes, { messageId: 'first' })
  await carrier.waitForReplies(1)
  await carrier.publish(bytes, { messageId: 'again' })
  const [first, second] = await carrier.waitForReplies(2)
  t.equal(second.properties.correlationId, 'again')
  t.equal(header(second, 'x-outcome'), 'duplicate')
  t.equal(second.content.toString('latin1'), first.content.toString('latin1'), 'the ack sent the first time')
  await until(async () => await carrier.ready() === 0, 'queue drained')
  t.equal(ediFiles(outbox(dir)).length, 1, 'forwarded once')
})

t.test('no readable envelope: JSON refusal reply, acked', async t => {
  const carrier = await carrierSide(t)
  await buildGateway(t, { agreements: [amqpAgreement(carrier.q)] })
  await carrier.publish(Buffer.from('this is not EDIFACT'), { messageId: 'junk' })
  const [reply] = await carrier.waitForReplies(1)
  t.equal(reply.properties.contentType, 'application/json')
  t.equal(reply.properties.correlationId, 'junk')
  t.equal(header(reply, 'x-refusal'), 'GW_ERR_EDIFACT_NO_INTERCHANGE')
  const json = JSON.parse(reply.content.toString('utf8')) as { outcome: string }
  t.equal(json.outcome, 'rejected')
  await until(async () => await carrier.ready() === 0, 'queue drained')
})

t.test('JSON ack per agreement; no ack due: acked without a reply', async t => {
  const jsonQ = await carrierSide(t)
  const noneQ = await carrierSide(t)
  const { dir } = await buildGateway(t, {
    agreements: [
      amqpAgreement(jsonQ.q, { messages: { PAXLST: { versions: ['D05B'], ack: 'json' } } }),
      amqpAgreement(noneQ.q, { code: 'XB', senderIds: ['XBAPI'], messages: { PAXLST: { versions: ['D05B'], ack: 'none' } } })
    ]
  })
  await jsonQ.publish(paxlst({ reference: newReference() }), { messageId: 'j1' })
  const [reply] = await jsonQ.waitForReplies(1)
  t.equal(reply.properties.contentType, 'application/json')
  const json = JSON.parse(reply.content.toString('utf8')) as { transmissionId: string, outcome: string }
  t.equal(json.transmissionId, reply.properties.messageId)
  t.match(json.outcome, /^accepted/)
  await noneQ.publish(paxlst({ reference: newReference(), sender: 'XBAPI' }), { messageId: 'n1' })
  await until(() => ediFiles(outbox(dir)).length === 2, 'both forwarded')
  await until(async () => await noneQ.ready() === 0, 'XB queue drained')
  t.equal(noneQ.replies.length, 0, 'no reply when the agreement asks for none')
})

t.test('a broker URL from env: is resolved; messages without a messageId are still bridged', async t => {
  const carrier = await carrierSide(t)
  const name = `BRIDGE_TEST_URL_${randomUUID().slice(0, 6).toUpperCase()}`
  process.env[name] = amqpUrl
  t.teardown(() => { Reflect.deleteProperty(process.env, name) })
  await buildGateway(t, { agreements: [amqpAgreement(carrier.q, {}, { url: `env:${name}` })] })
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: undefined })
  const [reply] = await carrier.waitForReplies(1)
  t.equal(reply.properties.correlationId, undefined, 'nothing to correlate with')
  t.match(header(reply, 'x-outcome'), /^accepted/)
})
