// Duplicates against the real broker (architecture invariant 2): an identical resend is answered
// with the first ack byte for byte and not forwarded again; a changed resend follows the
// agreement; a resend after a `retry` outcome is processed normally. Each case counts the copies
// in the PIU queue.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildGateway, exampleAgreement } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { amqpForward, piuBroker, until } from '../helpers/piu-queue.js'
import { startProxy } from '../helpers/tcp-proxy.js'

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'xa-paxlst.edi'))
const CHANGED = Buffer.from(EXAMPLE.toString('latin1').replace('SPECIMEN:ALEX', 'SPECIMEN:ALEXANDRA'), 'latin1')
const brokerPort = Number(new URL(process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672').port || 5672)

t.test('an identical resend gets the first ack byte for byte and is not forwarded again', async t => {
  const piu = await piuBroker(t)
  const { gateway } = await buildGateway(t, { config: { forward: amqpForward(piu.names) } })
  const first = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(first.status, 200)
  t.equal(first.headers['x-outcome'], 'accepted')
  const again = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(again.status, 200)
  t.equal(again.headers['x-outcome'], 'duplicate')
  t.equal(again.body, first.body, 'the ack sent the first time, byte for byte')
  t.not(again.headers['x-transmission-id'], first.headers['x-transmission-id'], 'the resend has its own transmission id')
  const json = await call(gateway.httpsPort()!, { body: EXAMPLE, accept: 'application/json' })
  t.equal(json.json().outcome, 'duplicate')
  t.equal(json.json().ack, first.body, 'the JSON form carries the same ack text')

  const got = await piu.drain(piu.names.queue)
  t.equal(got.length, 1, 'the queue holds exactly one copy')
  t.equal(got[0].properties.headers?.['x-transmission-id'], first.headers['x-transmission-id'])
  const row = await gateway.ledger.get(String(again.headers['x-transmission-id']))
  t.match(row, { outcome: 'duplicate', duplicateOf: first.headers['x-transmission-id'] })
})

t.test('same reference, different content: rejected with CONTRL 26 by default, quarantined, not forwarded', async t => {
  const piu = await piuBroker(t)
  const { gateway } = await buildGateway(t, { config: { forward: amqpForward(piu.names) } })
  const first = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(first.status, 200)
  const changed = await call(gateway.httpsPort()!, { body: CHANGED })
  t.equal(changed.status, 422)
  t.equal(changed.headers['x-outcome'], 'rejected')
  t.match(changed.body, /UCI\+XA0000000217\+XAAPI\+GOVPIU\+4\+26/, 'CONTRL: interchange rejected, code 26 (duplicate detected)')

  const got = await piu.drain(piu.names.queue)
  t.equal(got.length, 1, 'only the first copy was forwarded')
  t.equal(got[0].properties.headers?.['x-transmission-id'], first.headers['x-transmission-id'])
  const q = await piu.drain(piu.names.quarantineQueue)
  t.equal(q.length, 1, 'the changed resend is held in quarantine for an officer')
  t.equal(q[0].properties.messageId, changed.headers['x-transmission-id'])
  t.match(JSON.parse(String(q[0].properties.headers?.['x-error-report'])), { errors: [{ code: 26 }] })
})

t.test('with changedResend: forward, the changed resend is forwarded as a correction', async t => {
  const piu = await piuBroker(t)
  const { gateway } = await buildGateway(t, {
    config: { forward: amqpForward(piu.names) },
    agreements: [exampleAgreement({ strictness: { changedResend: 'forward' } })]
  })
  const first = await call(gateway.httpsPort()!, { body: EXAMPLE })
  const changed = await call(gateway.httpsPort()!, { body: CHANGED })
  t.equal(first.status, 200)
  t.equal(changed.status, 200)
  t.equal(changed.headers['x-outcome'], 'accepted')
  const got = await piu.drain(piu.names.queue)
  t.equal(got.length, 2, 'both versions forwarded')
  t.same(got.map(m => m.properties.headers?.['x-transmission-id']), [first, changed].map(r => r.headers['x-transmission-id']))
  t.notOk('x-correction' in (got[0].properties.headers ?? {}))
  t.equal(got[1].properties.headers?.['x-correction'], 'true', 'marked as a correction')
  t.ok(got[1].content.toString('latin1').includes('ALEXANDRA'), 'the corrected content')
  const original = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(original.headers['x-outcome'], 'duplicate', 'the first version resent identically is a duplicate')
  t.equal(original.body, first.body, 'with its own first ack')
  t.same(await piu.drain(piu.names.queue), [], 'and not forwarded again')
})

t.test('a resend after a retry outcome (broker unreachable, spool full) is processed normally', async t => {
  const piu = await piuBroker(t)
  // The broker behind a proxy that refuses connections: unreachable for the gateway only.
  const proxy = await startProxy('127.0.0.1', brokerPort)
  t.teardown(() => proxy.close())
  proxy.refuse()
  const { gateway } = await buildGateway(t, {
    config: { forward: amqpForward(piu.names, { url: `amqp://guest:guest@127.0.0.1:${proxy.port}` }), spool: { maxBytes: 64 } }
  })
  t.notOk(gateway.forwarder.target.available(), 'broker unreachable')
  const refused = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(refused.status, 503, 'cannot be made durable: retry')
  t.equal(refused.headers['retry-after'], '30')
  t.equal(refused.headers['x-outcome'], 'retry')
  t.notOk(/UCI/.test(refused.body), 'no acknowledgement of any kind')
  t.match(await gateway.ledger.get(String(refused.headers['x-transmission-id'])), { outcome: 'retry' })
  t.equal(gateway.forwarder.spool.stats().files, 0, 'nothing in the spool')

  proxy.accept()
  await until(() => gateway.forwarder.target.available(), 'gateway reconnected')
  const resend = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(resend.status, 200)
  t.equal(resend.headers['x-outcome'], 'accepted', 'not a duplicate: the first attempt was never acknowledged')
  t.match(resend.body, /UCI\+XA0000000217\+XAAPI\+GOVPIU\+7'/)
  const got = await piu.drain(piu.names.queue)
  t.equal(got.length, 1, 'exactly one copy')
  t.equal(got[0].properties.headers?.['x-transmission-id'], resend.headers['x-transmission-id'])
})
