// End to end with the production target: HTTPS mutual TLS → pipeline → RabbitMQ (publisher
// confirms) on a throwaway topology, read back from the queue: body bytes, properties, headers
// (docs/channels.md "What the PIU receives"). Test traffic goes to the test queue, rejected traffic to the
// quarantine queue with its error report.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { GetMessage } from 'amqplib'
import { buildGateway, exampleAgreement } from '../helpers/gateway.js'
import { fixture } from '../fixtures/index.js'
import { call } from '../helpers/https-client.js'
import { EXAMPLE_HEADERS } from '../helpers/edi.js'
import { amqpForward, piuBroker } from '../helpers/piu-queue.js'
import { parseInterchange } from '../../src/edifact/index.js'

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'xa-paxlst.edi'))
const SAMPLE = fixture('paxlst-d15b-pax.edi')
/** The body the PIU gets: the interchange from UNA/UNB to the UNZ terminator, nothing after it. */
const interchangeOf = (bytes: Buffer): Buffer => bytes.subarray(0, bytes.lastIndexOf(0x27) + 1)
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

function headersOf (m: GetMessage): Record<string, unknown> {
  return m.properties.headers ?? {}
}

t.test('the example PAXLST is published persistent with its properties and headers, after the confirm', async t => {
  const piu = await piuBroker(t)
  const { gateway, logs } = await buildGateway(t, { config: { forward: amqpForward(piu.names) } })
  t.ok(gateway.forwarder.target.available(), 'connected, topology declared')
  const res = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(res.status, 200)
  t.equal(res.headers['x-outcome'], 'accepted')
  const id = String(res.headers['x-transmission-id'])
  t.match(res.body, /UCI\+XA0000000217\+XAAPI\+GOVPIU\+7'/, 'positive CONTRL')

  const got = await piu.drain(piu.names.queue)
  t.equal(got.length, 1, 'exactly one message in the inbound queue')
  const m = got[0]
  const body = interchangeOf(EXAMPLE)
  t.equal(m.content.toString('latin1'), body.toString('latin1'), 'body bytes as received, UNA to UNZ')
  t.equal(m.fields.routingKey, 'paxlst.XA')
  t.equal(m.fields.exchange, piu.names.exchange)
  t.equal(m.properties.headers?.['x-transmission-id'], id, 'x-transmission-id = transmission id (messageId: the idempotency key)')
  t.equal(m.properties.contentType, 'application/edifact')
  t.equal(m.properties.appId, 'carrier-gateway')
  t.equal(m.properties.deliveryMode, 2, 'persistent')
  t.type(m.properties.timestamp, 'number')
  t.ok(Math.abs(Number(m.properties.timestamp) - Date.now() / 1000) < 600, 'timestamp is the receipt time (seconds)')
  t.match(headersOf(m), { ...EXAMPLE_HEADERS, 'x-content-sha256': sha256(body) })
  t.notOk('x-correction' in headersOf(m), 'not a correction')
  t.same(await piu.drain(piu.names.testQueue), [], 'nothing in the test queue')
  t.same(await piu.drain(piu.names.quarantineQueue), [], 'nothing in quarantine')

  const row = await gateway.ledger.get(id)
  t.match(row, { status: 'acknowledged', outcome: 'accepted', destination: 'production' })
  t.ok(row?.forwardedAt, 'forwarded time recorded')
  t.notOk(/SPECIMEN|X0000001/.test(logs.text()), 'no passenger value in any log line')
})

t.test('a D15B list from another carrier (fixture, UNG/UNE, one line) reaches the queue byte for byte', async t => {
  const piu = await piuBroker(t)
  const { gateway } = await buildGateway(t, {
    config: { identity: { receiverIds: ['GOVPIU', 'CUSTOMS'] }, forward: amqpForward(piu.names) },
    agreements: [exampleAgreement({ code: 'ZZ', name: 'Sample Airline', senderIds: ['ZZAIRLINE'] })]
  })
  const res = await call(gateway.httpsPort()!, { body: SAMPLE, accept: 'application/json' })
  t.equal(res.status, 200)
  t.match(res.json(), { outcome: 'accepted', interchange: { sender: 'ZZAIRLINE', recipient: 'CUSTOMS', reference: '000000001' } })
  const ack = parseInterchange(Buffer.from(res.json().ack as string, 'latin1'))
  t.same(ack.errors, [], 'the CONTRL in the JSON ack passes our own envelope checks')

  const [m, ...more] = await piu.drain(piu.names.queue)
  t.same(more, [], 'exactly one message')
  const body = interchangeOf(SAMPLE)
  t.ok(m.content.equals(body), 'body bytes as received')
  t.equal(m.fields.routingKey, 'paxlst.ZZ')
  t.equal(m.properties.headers?.['x-transmission-id'], res.json().transmissionId)
  t.match(headersOf(m), {
    'x-carrier': 'ZZ',
    'x-channel': 'https',
    'x-message-type': 'PAXLST',
    'x-message-version': 'D:15B',
    'x-sender': 'ZZAIRLINE',
    'x-interchange-ref': '000000001',
    'x-flight': 'ZZ123',
    'x-departure': 'ZZA',
    'x-arrival': 'ZZB',
    'x-content-sha256': sha256(body),
    'x-message-count': '1'
  })
})

t.test('test traffic goes to the test queue, never to production', async t => {
  const piu = await piuBroker(t)
  const { gateway } = await buildGateway(t, {
    config: { forward: amqpForward(piu.names) },
    agreements: [exampleAgreement({ stage: 'testing' })]
  })
  const res = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(res.status, 200)
  const got = await piu.drain(piu.names.testQueue)
  t.equal(got.length, 1)
  t.equal(got[0].fields.routingKey, 'test.paxlst.XA')
  t.equal(headersOf(got[0])['x-test'], 'true')
  t.equal(got[0].properties.headers?.['x-transmission-id'], res.headers['x-transmission-id'])
  t.same(await piu.drain(piu.names.queue), [], 'production queue untouched')
})

t.test('a rejected interchange goes to the quarantine queue with its error report, not to production', async t => {
  const piu = await piuBroker(t)
  const { gateway } = await buildGateway(t, { config: { forward: amqpForward(piu.names) } })
  const bad = Buffer.from(EXAMPLE.toString('latin1').replace("UNT+19+PAX001'", "UNT+18+PAX001'"), 'latin1')
  const res = await call(gateway.httpsPort()!, { body: bad })
  t.equal(res.status, 422)
  t.match(res.body, /UCM\+PAX001\+PAXLST:D:05B:UN:IATA\+4\+29/)
  const id = String(res.headers['x-transmission-id'])
  t.same(await piu.drain(piu.names.queue), [], 'nothing forwarded')
  const [q, ...more] = await piu.drain(piu.names.quarantineQueue)
  t.same(more, [])
  t.equal(q.fields.routingKey, 'quarantine.paxlst.XA')
  t.equal(q.properties.messageId, id)
  t.ok(q.content.equals(interchangeOf(bad)), 'the rejected bytes, for the officer')
  const h = headersOf(q)
  t.match(h, { 'x-carrier': 'XA', 'x-channel': 'https', 'x-validation': 'rejected', 'x-interchange-ref': 'XA0000000217' })
  const report = JSON.parse(String(h['x-error-report']))
  t.match(report, { transmissionId: id, carrier: 'XA', errors: [{ code: 29, tag: 'UNT' }] })
  t.notOk(/SPECIMEN|X0000001/.test(String(h['x-error-report'])), 'the report holds codes and positions, no passenger value')
})
