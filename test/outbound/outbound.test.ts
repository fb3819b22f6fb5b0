// Messages from the PIU to carriers end to end (docs/outbound.md), on the real broker: the PIU
// publishes to its outbound exchange, the gateway delivers per the carrier's channel (HTTPS outbox
// fetched with mTLS, the carrier's own AMQP queue, its SFTP server), tracks each message, links the
// carrier's answer, and dead-letters what it cannot send, with a reason and no passenger value.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib'
import { parseInterchange } from '../../src/edifact/index.js'
import { readCusres } from '../../src/messages/index.js'
import { buildGateway, exampleAgreement, fingerprintOf, metricValue, type Built } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { amqpForward, amqpUrl, piuBroker, until } from '../helpers/piu-queue.js'
import { sftpChannelOf, startSftpServer } from '../helpers/sshd.js'

const FLIGHT = { carrier: 'XA', number: '339', departure: 'ICN', arrival: 'CAN', scheduledDeparture: '2026-12-24T16:20' }
/** Passenger values of the forms; none may reach a log line. */
const LOCATORS = ['QZLOC1', 'QZLOC2']
const TEXTS = ['SECONDARY SCREENING QZTEXT']

interface Piu {
  b: Built
  conn: ChannelModel
  ch: Channel
  exchange: string
  queue: string
  dlq: string
  publish: (routingKey: string, body: string | Buffer, contentType?: string, messageId?: string) => void
  drain: (queue: string) => Promise<GetMessage[]>
}

async function gatewayWithOutbound (t: Test, agreements: Array<Record<string, unknown>>): Promise<Piu> {
  const piu = await piuBroker(t)
  const id = randomBytes(4).toString('hex')
  const outbound = {
    exchange: `test.out.${id}`,
    queue: `test.out.${id}`,
    deadLetterQueue: `test.out.${id}.dlq`,
    sweepMs: 50,
    retryMinSeconds: 0.1,
    retryMaxSeconds: 0.5
  }
  const conn = await connect(amqpUrl)
  conn.on('error', () => {})
  const ch = await conn.createChannel()
  ch.on('error', () => {})
  t.teardown(async () => {
    for (const q of [outbound.queue, outbound.deadLetterQueue]) await ch.deleteQueue(q).catch(() => {})
    await ch.deleteExchange(outbound.exchange).catch(() => {})
    await conn.close().catch(() => {})
  })
  const b = await buildGateway(t, { agreements, config: { forward: amqpForward(piu.names), outbound } })
  await until(() => b.gateway.outbound.consuming(), 'the gateway consumes the outbound queue')
  return {
    b,
    conn,
    ch,
    exchange: outbound.exchange,
    queue: outbound.queue,
    dlq: outbound.deadLetterQueue,
    publish: (routingKey, body, contentType = 'application/json', messageId) => {
      ch.publish(outbound.exchange, routingKey, Buffer.isBuffer(body) ? body : Buffer.from(body), {
        persistent: true, contentType, ...(messageId !== undefined ? { messageId } : {})
      })
    },
    drain: async queue => {
      const out: GetMessage[] = []
      for (;;) {
        const m = await ch.get(queue, { noAck: true })
        if (m === false) return out
        out.push(m)
      }
    }
  }
}

const cusresForm = (carrier = 'XA'): Record<string, unknown> => ({
  kind: 'cusres',
  carrier,
  flight: { ...FLIGHT, carrier },
  transactionRef: 'TN20261224A',
  passengers: [
    { passengerRef: 'P2', locator: LOCATORS[0], decision: '1Z', text: TEXTS[0] },
    { passengerRef: 'P3', locator: LOCATORS[1], decision: '0Z' }
  ]
})
const govreqForm = (carrier = 'XB'): Record<string, unknown> => ({
  kind: 'govreq', carrier, flight: { ...FLIGHT, carrier }, reason: 'ad hoc push'
})

function interactiveXa (over: Record<string, unknown> = {}): Record<string, unknown> {
  return exampleAgreement({ interactive: { enabled: true }, ...over })
}
function xb (over: Record<string, unknown> = {}): Record<string, unknown> {
  const channels = { https: { certificates: [fingerprintOf('xb-client')] } }
  return exampleAgreement({ code: 'XB', name: 'Example B', senderIds: ['XBAPI'], channels, ...over })
}

async function fetchMessages (b: Built, cert = 'xa-client', wait = 0): Promise<Array<{ id: string, kind: string, body: string }>> {
  const res = await call(b.gateway.httpsPort()!, { path: `/v1/messages?wait=${wait}`, cert })
  if (res.status !== 200) throw new Error(`GET /v1/messages answered ${res.status}: ${res.body}`)
  return res.json().messages
}

/** A CUSRES 312 the carrier sends back on the batch path, repeating UNH 0062 and RFF+TN of the update. */
function carrierReply (update: string, sender = 'XAAPI'): Buffer {
  const ix = parseInterchange(Buffer.from(update, 'latin1'))
  const r = readCusres(ix)!
  const segs = [
    `UNB+UNOA:4+${sender}+GOVPIU+261203:0900+R${Date.now().toString(36).toUpperCase()}`,
    `UNH+${r.reference}+CUSRES:D:05B:UN:IATA`,
    'BGM+312', `RFF+TN:${r.transactionRef ?? ''}`, 'RFF+AF:XA339', 'DTM+189:2612241620:201', 'LOC+125+ICN', 'LOC+87+CAN',
    'ERP+2', 'RFF+ABO:P2', 'ERC+1Z',
    `UNT+11+${r.reference}`
  ]
  segs.push(`UNZ+1+${segs[0].split('+')[5]}`)
  return Buffer.from(`UNA:+.? '${segs.join("'")}'`, 'latin1')
}

/** A one-PNR PNRGOV push for the flight, the answer a GOVREQ asks for. */
function pnrPush (sender: string, carrier: string, date = '241226'): Buffer {
  const ref = `P${Date.now().toString(36).toUpperCase()}`
  const segs = [
    `UNB+IATA:1+${sender}+GOVPIU+261203:0900+${ref}`,
    `UNH+1+PNRGOV:13:1:IA+${carrier}339/${date}/1620`,
    'MSG+:22', `ORG+${carrier}`, `TVL+${date}:1620+ICN+CAN+${carrier}+339`, 'EQN+1',
    'SRC', `RCI+${carrier}:QZRCI1`, 'TIF+TESTER+QZ:A:1',
    'UNT+9+1', `UNZ+1+${ref}`
  ]
  return Buffer.from(`UNA:+.?*'${segs.join("'")}'`, 'latin1')
}

t.test('HTTPS: each carrier fetches only its own messages, confirms them, and its answers link back', async t => {
  const p = await gatewayWithOutbound(t, [interactiveXa(), xb()])
  const b = p.b
  p.publish('cusres.XA', JSON.stringify(cusresForm()))
  p.publish('govreq.XB', JSON.stringify(govreqForm()))
  await until(async () => (await b.gateway.ledger.outbound.list({ state: 'delivered' })).length === 2, 'both held in the outbox')
  await until(async () => (await p.ch.checkQueue(p.queue)).messageCount === 0, 'the PIU messages are acknowledged')

  const xaMessages = await fetchMessages(b)
  t.equal(xaMessages.length, 1, 'XA sees its one message')
  t.equal(xaMessages[0].kind, 'cusres')
  const update = readCusres(parseInterchange(Buffer.from(xaMessages[0].body, 'latin1')))!
  t.equal(update.document, '132', 'an unsolicited status change')
  t.equal(update.transactionRef, 'TN20261224A')
  t.same(update.passengers.map(x => [x.position, x.passengerRef, x.locator, x.decision]), [
    [1, 'P2', LOCATORS[0], '1Z'], [2, 'P3', LOCATORS[1], '0Z']
  ])
  t.equal(update.flight.flightId, 'XA339')
  t.equal(parseInterchange(Buffer.from(xaMessages[0].body, 'latin1')).errors.length, 0, 'the gateway\'s own reader reads it clean')

  const xbMessages = await fetchMessages(b, 'xb-client')
  t.equal(xbMessages.length, 1)
  t.equal(xbMessages[0].kind, 'govreq')
  t.match(xbMessages[0].body, /UNH\+[A-F0-9]+\+GOVREQ:13:1:IA'MSG\+:22'ORG\+GOVPIU'TVL\+241226:1620\+ICN\+CAN\+XB\+339'/)
  t.notMatch(xbMessages[0].body, /ad hoc/i, 'the reason is not sent')
  // ICN is UTC+9: 16:20 local on the 24th is 07:20 UTC the same day.
  const flight = await b.gateway.ledger.flights.get({ carrier: 'XB', number: '339', date: '2026-12-24' })
  t.same(flight?.expected.map(e => e.reason), ['govreq'], 'the flight view expects the push the GOVREQ asks for')

  // A message stays pending until confirmed; another carrier's id is a 404.
  t.equal((await fetchMessages(b)).length, 1, 'fetched again while unconfirmed')
  const ackOf = async (id: string): Promise<number> =>
    (await call(b.gateway.httpsPort()!, { method: 'POST', path: `/v1/messages/${id}/ack`, cert: 'xa-client', body: '' })).status
  const foreign = { status: await ackOf(xbMessages[0].id) }
  t.equal(foreign.status, 404, 'XA cannot confirm XB\'s message')
  const ack = { status: await ackOf(xaMessages[0].id) }
  t.equal(ack.status, 200)
  t.same(await fetchMessages(b), [], 'nothing pending after the ack')
  const fetched = await b.gateway.ledger.outbound.get(xaMessages[0].id)
  t.equal(fetched?.state, 'fetched')
  t.equal(await b.gateway.ledger.outbound.payload(xaMessages[0].id), null, 'the payload is purged once fetched')

  // The carrier's 312 on the normal path answers the update.
  const reply = await call(b.gateway.httpsPort()!, { body: carrierReply(xaMessages[0].body), accept: 'application/json' })
  t.equal(reply.status, 200, reply.body)
  await until(async () => (await b.gateway.ledger.outbound.get(xaMessages[0].id))?.state === 'answered', 'the update is answered')
  t.equal((await b.gateway.ledger.outbound.get(xaMessages[0].id))?.answeredBy, reply.json().transmissionId)

  // The PNRGOV push for the flight answers the GOVREQ, whether or not it was confirmed.
  const push = await call(b.gateway.httpsPort()!, { body: pnrPush('XBAPI', 'XB'), cert: 'xb-client', accept: 'application/json' })
  t.equal(push.status, 200, push.body)
  await until(async () => (await b.gateway.ledger.outbound.get(xbMessages[0].id))?.state === 'answered', 'the GOVREQ is answered')
  t.equal(await metricValue(b.gateway, 'carrier_gateway_outbound_answered_total', { carrier: 'XB', kind: 'govreq' }), 1)

  for (const v of [...LOCATORS, ...TEXTS, 'ad hoc push']) t.notOk(p.b.logs.text().includes(v), 'no passenger value or free text in the log')
})

t.test('HTTPS long-poll: a waiting fetch returns when a message arrives, and an empty list when the wait ends', async t => {
  const p = await gatewayWithOutbound(t, [interactiveXa()])
  const started = Date.now()
  t.same(await fetchMessages(p.b, 'xa-client', 1), [], 'empty after the wait')
  t.ok(Date.now() - started >= 900, 'it waited')
  const waiting = fetchMessages(p.b, 'xa-client', 20)
  await new Promise(resolve => setTimeout(resolve, 200))
  p.publish('cusres.XA', JSON.stringify(cusresForm()))
  const got = await waiting
  t.equal(got.length, 1)
  t.equal(got[0].kind, 'cusres')
})

/** A CUSRES whose UNT count is wrong: unreadable for the gateway's reader. */
const WRONG_COUNT_CUSRES = "UNA:+.? 'UNB+UNOA:4+GOVPIU+XAAPI+261203:0900+1'UNH+1+CUSRES:D:05B:UN:IATA'BGM+962'UNT+9+1'UNZ+1+1'"

t.test('bad PIU messages are dead-lettered with a reason, nothing is stored, nothing logged of them', async t => {
  const p = await gatewayWithOutbound(t, [interactiveXa(), xb({ stage: 'suspended' })])
  const bad: Array<[string, string, string | undefined]> = [
    ['cusres.XA', '{"kind":"cusres"', 'application/json'],
    ['cusres.XA', JSON.stringify({ ...cusresForm(), passengers: [{ locator: LOCATORS[0], decision: '9Z' }] }), 'application/json'],
    ['cusres.ZZ', JSON.stringify(cusresForm('ZZ')), 'application/json'],
    ['govreq.XA', JSON.stringify(cusresForm()), 'application/json'],
    ['govreq.XB', JSON.stringify(govreqForm()), 'application/json'],
    ['cusres.XA', WRONG_COUNT_CUSRES, 'application/edifact'],
    ['hello', JSON.stringify(cusresForm()), 'application/json']
  ]
  for (const [key, body, type] of bad) p.publish(key, body, type)
  await until(async () => (await p.ch.checkQueue(p.dlq)).messageCount === bad.length, 'every bad message dead-lettered')
  const dead = await p.drain(p.dlq)
  t.same(dead.map(m => m.properties.headers?.['x-reason']), [
    'GW_ERR_OUTBOUND_UNREADABLE', 'GW_ERR_OUTBOUND_FORM_INVALID', 'GW_ERR_OUTBOUND_UNKNOWN_CARRIER', 'GW_ERR_OUTBOUND_CARRIER_MISMATCH',
    'GW_ERR_OUTBOUND_CARRIER_SUSPENDED', 'GW_ERR_OUTBOUND_UNREADABLE', 'GW_ERR_OUTBOUND_UNKNOWN_CARRIER'
  ])
  t.match(String(dead[1].properties.headers?.['x-problems']), /passengers\[0\]\.decision/, 'the problem names the place')
  t.equal(dead[0].content.toString(), bad[0][1], 'the PIU gets its message back as it sent it')
  t.same(await p.b.gateway.ledger.outbound.list({}), [], 'nothing stored')
  t.equal(await metricValue(p.b.gateway, 'carrier_gateway_outbound_refused_total', { reason: 'GW_ERR_OUTBOUND_FORM_INVALID' }), 1)
  for (const v of [...LOCATORS, ...TEXTS]) t.notOk(p.b.logs.text().includes(v), 'no value of a refused message in the log')
})

t.test('a redelivered PIU message is stored and delivered once; a ready-made CUSRES is passed as sent', async t => {
  const p = await gatewayWithOutbound(t, [interactiveXa()])
  p.publish('cusres.XA', JSON.stringify(cusresForm()), 'application/json', 'piu-msg-1')
  p.publish('cusres.XA', JSON.stringify(cusresForm()), 'application/json', 'piu-msg-1')
  const ready = "UNA:+.? 'UNB+UNOA:4+GOVPIU+XAAPI+261203:0900+RDY1++IAPI'UNH+U1+CUSRES:D:05B:UN:IATA'BGM+132'RFF+TN:TN9'" +
    "RFF+AF:XA339'DTM+189:2612241620:201'LOC+125+ICN'LOC+87+CAN'ERP+2'RFF+ABO:P9'ERC+2Z'UNT+11+U1'UNZ+1+RDY1'"
  p.publish('cusres.XA', ready, 'application/edifact', 'piu-msg-2')
  await until(async () => (await p.ch.checkQueue(p.queue)).messageCount === 0, 'all acknowledged')
  await until(async () => (await p.b.gateway.ledger.outbound.list({})).length === 2, 'two stored')
  const rows = await p.b.gateway.ledger.outbound.list({})
  t.equal(rows.find(r => r.sourceKey === 'id:piu-msg-1')?.duplicates, 1, 'the redelivery is counted, not stored')
  const got = await fetchMessages(p.b)
  t.equal(got.length, 2)
  t.ok(got.some(m => m.body === ready), 'the ready-made interchange is delivered byte for byte')
  t.equal(await metricValue(p.b.gateway, 'carrier_gateway_outbound_duplicates_total', { carrier: 'XA' }), 1)
})

t.test('AMQP: delivered to the carrier\'s inbound queue with a confirm, retried while the queue is missing', async t => {
  const id = randomBytes(4).toString('hex')
  const carrierQueues = { queue: `test.carrier.${id}.out`, replyQueue: `test.carrier.${id}.ack`, inboundQueue: `test.carrier.${id}.in` }
  const env = `CG_TEST_CARRIER_${id.toUpperCase()}`
  process.env[env] = amqpUrl
  const conn = await connect(amqpUrl)
  conn.on('error', () => {})
  const ch = await conn.createChannel()
  t.teardown(async () => {
    for (const q of Object.values(carrierQueues)) await ch.deleteQueue(q).catch(() => {})
    await conn.close().catch(() => {})
  })
  await ch.assertQueue(carrierQueues.queue)
  await ch.assertQueue(carrierQueues.replyQueue)
  const xc = exampleAgreement({
    code: 'XC',
    name: 'Example C',
    senderIds: ['XCAPI'],
    messages: { PNRGOV: { versions: ['11.1', '13.1'], ack: 'ackres' } },
    channels: { amqp: { url: `env:${env}`, ...carrierQueues } }
  })
  const p = await gatewayWithOutbound(t, [xc])
  p.publish('govreq.XC', JSON.stringify(govreqForm('XC')))
  await until(async () => (await p.b.gateway.ledger.outbound.list({}))[0]?.attempts > 0, 'a first attempt failed')
  const first = (await p.b.gateway.ledger.outbound.list({}))[0]
  t.equal(first.state, 'queued', 'held while the carrier\'s queue is missing')
  t.equal(first.lastError, 'GW_ERR_OUTBOUND_DELIVERY_FAILED')
  t.equal((await p.ch.checkQueue(p.queue)).messageCount, 0, 'the PIU message is acknowledged: the outbox holds it')
  await ch.assertQueue(carrierQueues.inboundQueue)
  await until(async () => (await p.b.gateway.ledger.outbound.get(first.id))?.state === 'delivered', 'delivered once the queue exists')
  const got = await ch.get(carrierQueues.inboundQueue, { noAck: true })
  t.ok(got !== false)
  if (got === false) return
  t.equal(got.properties.messageId, first.id)
  t.equal(got.properties.type, 'govreq')
  t.match(got.content.toString(), /GOVREQ:13:1:IA/)
  t.equal(await p.b.gateway.ledger.outbound.payload(first.id), null, 'payload purged on delivery')
  t.equal(await ch.get(carrierQueues.inboundQueue), false, 'delivered once')
})

t.test('SFTP: held while the server is down, then written to fromPiuDir by temporary name and rename', async t => {
  const server = await startSftpServer(t, { dirs: ['out', 'out/processing', 'out/done', 'out/rejected', 'in', 'from-piu'] })
  const xd = exampleAgreement({
    code: 'XD',
    name: 'Example D',
    senderIds: ['XDAPI'],
    interactive: { enabled: true },
    channels: { sftp: sftpChannelOf(server, { fromPiuDir: '/from-piu', pollSeconds: 60 }) }
  })
  const p = await gatewayWithOutbound(t, [xd])
  await server.stop()
  p.publish('cusres.XD', JSON.stringify(cusresForm('XD')))
  await until(async () => (await p.b.gateway.ledger.outbound.list({}))[0]?.attempts > 0, 'an attempt failed while sshd is down', 30_000)
  const held = (await p.b.gateway.ledger.outbound.list({}))[0]
  t.equal(held.state, 'queued', 'held while the server is down')
  t.equal((await p.ch.checkQueue(p.queue)).messageCount, 0, 'the PIU message is in the outbox, acknowledged')
  await server.start()
  await until(async () => (await p.b.gateway.ledger.outbound.list({}))[0]?.state === 'delivered', 'delivered', 30_000)
  const row = (await p.b.gateway.ledger.outbound.list({}))[0]
  const files = readdirSync(join(server.root, 'from-piu'))
  t.same(files, [`CUSRES_${row.reference}.edi`], 'one file under its final name, no temporary left')
  const text = readFileSync(join(server.root, 'from-piu', files[0]), 'latin1')
  t.equal(readCusres(parseInterchange(Buffer.from(text, 'latin1')))?.document, '132')
  t.equal(row.deliveredTo, files[0])
})

t.test('operators see the outbox on GET /admin/outbound and on the status page, without a payload', async t => {
  const p = await gatewayWithOutbound(t, [interactiveXa(), xb()])
  p.publish('cusres.XA', JSON.stringify(cusresForm()))
  p.publish('govreq.XB', JSON.stringify(govreqForm()))
  await until(async () => (await p.b.gateway.ledger.outbound.list({ state: 'delivered' })).length === 2, 'both held')
  const port = p.b.gateway.adminPort()!
  const res = await fetch(`http://127.0.0.1:${port}/admin/outbound?carrier=XB`)
  t.equal(res.status, 200)
  const body = await res.json() as { messages: Array<{ carrier: string, kind: string, state: string }> }
  t.same(body.messages.map(m => [m.carrier, m.kind, m.state]), [['XB', 'govreq', 'delivered']], 'only the carrier asked for')
  t.equal((await fetch(`http://127.0.0.1:${port}/admin/outbound?state=lost`)).status, 400, 'a bad filter is refused')
  const page = await (await fetch(`http://127.0.0.1:${port}/admin`)).text()
  t.match(page, /<h2 id="messages-to-carriers">Messages to carriers<\/h2>/)
  t.match(page, /<tr data-carrier="XA"><td>XA<\/td><td class="n" data-field="queued">0<\/td><td class="n" data-field="delivered">1<\/td>/)
  for (const v of [...LOCATORS, ...TEXTS]) t.notOk(page.includes(v) || JSON.stringify(body).includes(v), 'no passenger value shown')
})
