// The bridge's pure parts: backoff with jitter, the heartbeat URL, the broker host for logs, the
// attempt counter (redelivery counting, retries not held against a message, the memory bound) and
// the reply built from a pipeline result.
import t from 'tap'
import type { ConsumeMessage } from 'amqplib'
import { backoffDelay, brokerHost, withHeartbeat } from '../../../src/channels/amqp/connection.js'
import { createAttemptCounter, deadLetterHeaders, deliveryCountHeader, dlqName, messageKey } from '../../../src/channels/amqp/poison.js'
import { correlationOf, replyFor, replyOptions, replyToIgnored } from '../../../src/channels/amqp/reply.js'
import type { TransmissionResult } from '../../../src/pipeline/types.js'

function msg (
  o: {
    messageId?: string
    correlationId?: string
    replyTo?: string
    redelivered?: boolean
    headers?: Record<string, unknown>
    body?: string
  } = {}
): ConsumeMessage {
  return {
    content: Buffer.from(o.body ?? 'UNA:+.? \'UNB+UNOA:4+XAAPI+GOVPIU+250114:0630+1\''),
    fields: {
      deliveryTag: 1,
      redelivered: o.redelivered ?? false,
      exchange: '',
      routingKey: 'q',
      consumerTag: 'c',
      messageCount: undefined
    } as unknown as ConsumeMessage['fields'],
    properties: {
      messageId: o.messageId,
      correlationId: o.correlationId,
      replyTo: o.replyTo,
      headers: o.headers ?? {}
    } as unknown as ConsumeMessage['properties']
  }
}

t.test('backoff doubles up to the cap, with jitter in [base/2, base]', async t => {
  t.equal(backoffDelay(0, 100, 10_000, () => 0), 50)
  t.equal(backoffDelay(0, 100, 10_000, () => 1), 100)
  t.equal(backoffDelay(3, 100, 10_000, () => 1), 800)
  t.equal(backoffDelay(20, 100, 10_000, () => 1), 10_000, 'capped')
  t.equal(backoffDelay(20, 100, 10_000, () => 0), 5000, 'jitter below the cap')
  t.equal(backoffDelay(1e6, 100, 10_000, () => 0.5), 7500, 'no overflow for a huge attempt count')
})

t.test('heartbeat added to the URL unless set; the host (never credentials) for logs', async t => {
  t.equal(withHeartbeat('amqp://u:p@h:5672/vh', 10), 'amqp://u:p@h:5672/vh?heartbeat=10')
  t.equal(withHeartbeat('amqp://h?frameMax=8192', 5), 'amqp://h?frameMax=8192&heartbeat=5')
  t.equal(withHeartbeat('amqp://h?heartbeat=3', 5), 'amqp://h?heartbeat=3')
  t.equal(brokerHost('amqp://user:secret@broker.example:5671/vh'), 'broker.example:5671')
  t.equal(brokerHost('not a url'), 'unparseable-url')
})

t.test('attempts: first deliveries never count; redeliveries do; retries the gateway chose do not', async t => {
  const c = createAttemptCounter()
  t.equal(c.delivered(msg({ messageId: 'a' })), 0)
  t.equal(c.delivered(msg({ messageId: 'a', redelivered: true })), 1, 'connection lost once')
  t.equal(c.delivered(msg({ messageId: 'a', redelivered: true })), 2)
  c.retried(msg({ messageId: 'a' }))
  t.equal(c.delivered(msg({ messageId: 'a', redelivered: true })), 2, 'the requeue after a retry outcome is not counted')
  c.settled(msg({ messageId: 'a' }))
  t.equal(c.size(), 0)
  t.equal(c.delivered(msg({ messageId: 'b' })), 0)
  t.equal(c.delivered(msg({ messageId: 'b' })), 0, 'a second copy published by the carrier is not a redelivery')
})

t.test('attempts: the quorum x-delivery-count counts where memory has nothing (a restarted gateway)', async t => {
  const c = createAttemptCounter()
  t.equal(c.delivered(msg({ messageId: 'q', redelivered: true, headers: { 'x-delivery-count': 4 } })), 4)
  t.equal(deliveryCountHeader(msg({ headers: { 'x-delivery-count': '2' } })), 2)
  t.equal(deliveryCountHeader(msg({ headers: { 'x-delivery-count': BigInt(3) } })), 3)
  t.equal(deliveryCountHeader(msg({ headers: { 'x-delivery-count': 'x' } })), undefined)
  t.equal(deliveryCountHeader(msg()), undefined)
})

t.test('attempts: keyed by messageId, else by the body hash; bounded memory', async t => {
  t.equal(messageKey(msg({ messageId: 'm' })), 'id:m')
  t.match(messageKey(msg()), /^sha256:[0-9a-f]{64}$/)
  t.equal(messageKey(msg({ body: 'x' })), messageKey(msg({ body: 'x' })))
  const c = createAttemptCounter(3)
  for (const id of ['1', '2', '3', '4']) c.delivered(msg({ messageId: id }))
  t.equal(c.size(), 3, 'the oldest forgotten')
})

t.test('dead-letter naming and headers keep the carrier headers and say why', async t => {
  t.equal(dlqName('xa.piu.out'), 'xa.piu.out.dlq')
  t.same(deadLetterHeaders(msg({ headers: { trace: 't' } }), 'why', 'XA', 'xa.piu.out', 6), {
    trace: 't',
    'x-reason': 'why',
    'x-carrier': 'XA',
    'x-original-queue': 'xa.piu.out',
    'x-redeliveries': 6
  })
})

const base: TransmissionResult = {
  transmissionId: 'tid-1',
  outcome: 'accepted',
  carrier: null,
  interchange: { sender: 'XAAPI', recipient: 'GOVPIU', reference: 'R1' },
  messages: [],
  errors: [],
  warnings: [],
  stripped: [],
  ack: { kind: 'contrl', body: "UNA:+.? 'UNB+UNOA:4+GOVPIU+XAAPI'", contentType: 'application/edifact', extension: 'contrl' },
  json: { transmissionId: 'tid-1', outcome: 'accepted', interchange: null, messages: [], errors: [], warnings: [], ack: null },
  refusal: null,
  retryAfterSeconds: null
}

t.test('reply: the ack due, else the JSON document for a refusal, else none', async t => {
  t.equal(replyFor(base)?.contentType, 'application/edifact')
  t.equal(replyFor({ ...base, ack: null }), null, 'no ack due: no reply')
  const refused = replyFor({ ...base, ack: null, refusal: { status: 400, id: 'GW_ERR_EDIFACT_NO_INTERCHANGE', text: 'x' } })
  t.equal(refused?.contentType, 'application/json')
  t.equal(JSON.parse(String(refused?.body)).transmissionId, 'tid-1')
})

t.test('reply properties: correlation from messageId, else correlationId; persistent; mandatory', async t => {
  const reply = replyFor(base)!
  const o = replyOptions(msg({ messageId: 'm1', correlationId: 'c1' }), base, reply, new Date(1_700_000_000_000))
  t.equal(o.correlationId, 'm1')
  t.equal(o.messageId, 'tid-1')
  t.equal(o.persistent, true)
  t.equal(o.mandatory, true)
  t.equal(o.timestamp, 1_700_000_000)
  t.same(o.headers, { 'x-transmission-id': 'tid-1', 'x-outcome': 'accepted', 'x-ack-kind': 'contrl', 'x-interchange-ref': 'R1' })
  t.equal(correlationOf(msg({ correlationId: 'c1' })), 'c1')
  t.equal(correlationOf(msg({ messageId: '', correlationId: 'c1' })), 'c1')
  t.equal(correlationOf(msg()), undefined)
  t.notOk('correlationId' in replyOptions(msg(), base, reply, new Date()))
})

t.test('replyTo is honoured only when it is the agreed reply queue', async t => {
  t.notOk(replyToIgnored(msg(), 'xa.ack'))
  t.notOk(replyToIgnored(msg({ replyTo: 'xa.ack' }), 'xa.ack'))
  t.ok(replyToIgnored(msg({ replyTo: 'xb.ack' }), 'xa.ack'))
})
