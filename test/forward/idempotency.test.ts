// The idempotency key (src/forward/idempotency.ts, docs/operations.md "At least once: what the PIU must do"):
// the same interchange carries the same `x-idempotency-key` and AMQP `messageId` under any transmission id:
// a resend after a simulated crash (the original left `received`, taken over by the resend), the spool relay,
// the directory target's .json. A different interchange, or a correction, gets another key.
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { buildGateway, type Built } from '../helpers/gateway.js'
import { paxlst } from '../helpers/edi.js'
import { amqpForward, piuBroker, until } from '../helpers/piu-queue.js'
import { idempotencyKey, messageIdOf } from '../../src/forward/idempotency.js'
import { parseInterchange } from '../../src/edifact/index.js'
import type { TransmissionResult } from '../../src/pipeline/types.js'

async function send (b: Built, bytes: Buffer): Promise<TransmissionResult> {
  const a = b.gateway.agreements.current().byCode('XA')!
  return await b.gateway.pipeline.process({ channel: 'https', bytes, candidates: [a], receivedAt: new Date() })
}

/** Makes an accepted original look like a crash between the broker's confirm and the ledger update. */
async function crashAfterPublish (b: Built, id: string): Promise<void> {
  await b.gateway.ledger.update(id, { status: 'received', acknowledgedAt: null, ackSentAt: null })
  await b.gateway.ledger.update(id, { receivedAt: new Date(Date.now() - 60 * 60_000).toISOString() })
}

/** UNB 0017:0019 as sent, the fourth part of the dedupe key. */
function preparedAtOf (bytes: Buffer): string {
  const unb = parseInterchange(bytes).unb!
  return `${unb.date}:${unb.time}`
}

const sha = 'ab'.repeat(32)
const key = { carrier: 'XA', sender: 'XAAPI', reference: 'REF1', preparedAt: '250114:0630' }

t.test('the key is a function of the dedupe key and the content hash only', async t => {
  t.match(idempotencyKey(key, sha), /^[0-9a-f]{64}$/)
  t.equal(idempotencyKey(key, sha), idempotencyKey({ ...key }, sha.toUpperCase()), 'deterministic')
  const others = [
    idempotencyKey({ ...key, carrier: 'XB' }, sha),
    idempotencyKey({ ...key, sender: 'XAAPJ' }, sha),
    idempotencyKey({ ...key, reference: 'REF2' }, sha),
    idempotencyKey({ ...key, preparedAt: '250114:0631' }, sha),
    idempotencyKey(key, 'cd'.repeat(32)),
    // the join cannot be shifted: sender+reference "XAAPI"+"REF1" vs "XAAP"+"IREF1"
    idempotencyKey({ ...key, sender: 'XAAP', reference: 'IREF1' }, sha)
  ]
  t.equal(new Set([idempotencyKey(key, sha), ...others]).size, others.length + 1, 'each part changes it')
  t.equal(messageIdOf({ transmissionId: 'T1', headers: {} }), 'T1', 'no key (quarantine, a spool file from before): the transmission id')
  t.equal(messageIdOf({ transmissionId: 'T1', headers: { 'x-idempotency-key': 'k' } }), 'k')
})

t.test('directory target: a resend after a crash is a new transmission with the same key and messageId', async t => {
  const b = await buildGateway(t)
  const first = await send(b, paxlst())
  t.equal(first.outcome, 'accepted')
  await crashAfterPublish(b, first.transmissionId)
  const resend = await send(b, paxlst())
  t.equal(resend.outcome, 'accepted', 'the resend takes the abandoned claim over')
  t.not(resend.transmissionId, first.transmissionId, 'a new transmission id')
  const props = (id: string): { messageId: string, headers: Record<string, string> } =>
    JSON.parse(readFileSync(join(b.dir, 'outbox', `${id}.json`), 'utf8')) as { messageId: string, headers: Record<string, string> }
  const a = props(first.transmissionId)
  const c = props(resend.transmissionId)
  t.match(a.headers['x-idempotency-key'], /^[0-9a-f]{64}$/)
  t.equal(c.headers['x-idempotency-key'], a.headers['x-idempotency-key'], 'same x-idempotency-key')
  t.equal(c.messageId, a.messageId, 'same messageId')
  t.equal(a.messageId, a.headers['x-idempotency-key'])
  t.equal(a.headers['x-transmission-id'], first.transmissionId, 'the transmission id is still there for the ledger')
  t.equal(c.headers['x-transmission-id'], resend.transmissionId)
  t.equal(a.headers['x-idempotency-key'], idempotencyKey(
    { carrier: 'XA', sender: a.headers['x-sender'], reference: a.headers['x-interchange-ref'], preparedAt: preparedAtOf(paxlst()) },
    a.headers['x-content-sha256']
  ), 'derived from the headers the PIU receives and the UNB preparation time')
  // another interchange, and a changed one under the same reference, get other keys
  const other = await send(b, paxlst({ reference: 'REF0009' }))
  t.not(props(other.transmissionId).headers['x-idempotency-key'], a.headers['x-idempotency-key'])
  t.equal(readdirSync(join(b.dir, 'outbox')).filter(f => f.endsWith('.edi')).length, 3)
})

t.test('AMQP target and the spool relay: every copy of the interchange has one messageId', async t => {
  const piu = await piuBroker(t)
  const b = await buildGateway(t, { config: { forward: amqpForward(piu.names) } })
  await until(() => b.gateway.forwarder.target.available(), 'broker connected')
  const first = await send(b, paxlst())
  t.equal(first.outcome, 'accepted')
  await crashAfterPublish(b, first.transmissionId)
  const resend = await send(b, paxlst())
  t.equal(resend.outcome, 'accepted')
  await until(async () => await piu.count(piu.names.queue) === 2, 'both delivered')
  const spooled = await piu.drain(piu.names.queue)
  t.equal(spooled.length, 2, 'both copies reached the PIU queue')
  const ids = spooled.map(m => m.properties.messageId as string)
  t.equal(ids[0], ids[1], 'one messageId')
  const header = (name: string): unknown[] => spooled.map(m => (m.properties.headers as Record<string, unknown>)[name])
  t.same(header('x-idempotency-key'), ids)
  t.same(header('x-transmission-id'), [first.transmissionId, resend.transmissionId])

  // the relay: a spooled copy (as written when the broker is down) is published under the key it carries
  const item = {
    transmissionId: 'SPOOLED1',
    destination: 'production' as const,
    routingKey: 'paxlst.XA',
    body: Buffer.from('UNA'),
    headers: { 'x-idempotency-key': ids[0] },
    timestamp: new Date()
  }
  await b.gateway.forwarder.spool.write(item)
  t.equal(await b.gateway.forwarder.drain(), 1, 'relayed')
  await until(async () => await piu.count(piu.names.queue) === 1, 'relayed copy delivered')
  const [relayed] = await piu.drain(piu.names.queue)
  t.equal(relayed.properties.messageId, ids[0], 'the relay publishes under the key it spooled')
})
