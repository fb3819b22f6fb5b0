// A PIU decision after the deadline (docs/interactive.md "Late decisions", docs/outbound.md): the
// carrier got the agreement's timeout answer in time; the decision that comes later reaches it as an
// unsolicited CUSRES update (BGM 132) mirroring the request, through the messages to carriers, and
// the carrier's CUSRES 312 answers it. The PIU side is the reference responder as its own process.
import t from 'tap'
import { parseInterchange } from '../../src/edifact/index.js'
import { readCusres } from '../../src/messages/index.js'
import { buildGateway, exampleAgreement, metricValue, testConfig } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { amqpForward, piuBroker, until } from '../helpers/piu-queue.js'
import { writeConfig } from '../helpers/gateway-child.js'
import { iapiRequest, RULES, TRAVELLERS } from '../helpers/iapi.js'
import { startResponder } from '../interactive/responder.js'

const DEADLINE_MS = 1000

t.test('a late decision goes to the carrier as a BGM 132 update, and its 312 answers it', async t => {
  const piu = await piuBroker(t)
  const iapiQueue = `${piu.names.queue}.iapi`
  t.teardown(async () => { await piu.channel.deleteQueue(iapiQueue).catch(() => {}) })
  const forward = amqpForward(piu.names)
  ;(forward.amqp as Record<string, unknown>).iapiQueue = iapiQueue
  const agreement = exampleAgreement({ interactive: { enabled: true, deadlineMs: DEADLINE_MS, testResponder: RULES } })
  const b = await buildGateway(t, { agreements: [agreement], config: { forward, outbound: { enabled: false, sweepMs: 50 } } })
  const configFile = writeConfig(b.dir, testConfig(b.dir, b.carriersDir, { forward }), 'responder.yaml')
  const slow = await startResponder(t, b.dir, configFile, RULES, ['--delay', String(DEADLINE_MS + 700)])

  const travellers = TRAVELLERS.slice(1, 3)
  const res = await call(b.gateway.httpsPort()!, { path: '/v1/interactive', body: iapiRequest({ travellers }) })
  t.equal(res.status, 504, 'the carrier had its timeout answer in time')

  const fetched = await call(b.gateway.httpsPort()!, { path: '/v1/messages?wait=10' })
  t.equal(fetched.status, 200)
  const messages = fetched.json().messages as Array<{ id: string, kind: string, body: string }>
  t.equal(messages.length, 1, 'one update')
  const ix = parseInterchange(Buffer.from(messages[0].body, 'latin1'))
  t.equal(ix.errors.length, 0, 'it reads clean')
  t.equal(ix.unb?.recipient, 'XAAPI', 'addressed to the carrier')
  const update = readCusres(ix)!
  t.equal(update.document, '132', 'an unsolicited update')
  t.equal(update.transactionRef, 'TX0042', 'RFF+TN of the request')
  t.equal(update.reference, 'M1', 'UNH 0062 of the request')
  const decided = update.passengers.map(p => `${p.passengerRef ?? '-'}:${p.decision ?? '-'}`)
  t.same(decided, ['P0002:2Z', 'P0003:1Z'], 'the decisions that came late')
  const row = await b.gateway.ledger.outbound.get(messages[0].id)
  t.equal(row?.origin, 'late-decision')
  t.equal(row?.flight, 'XA339')
  t.equal(row?.flightDate, '2026-12-24')
  const received = { carrier: 'XA', kind: 'cusres', origin: 'late-decision' }
  t.equal(await metricValue(b.gateway, 'carrier_gateway_outbound_received_total', received), 1)
  await slow.stop()

  // The carrier acknowledges the update with a CUSRES 312 on the batch path.
  const reply = Buffer.from(messages[0].body.replace("BGM+132'", "BGM+312'").replace(/UNB\+UNOA:4\+GOVPIU\+XAAPI/, 'UNB+UNOA:4+XAAPI+GOVPIU'), 'latin1')
  const sent = await call(b.gateway.httpsPort()!, { body: reply, accept: 'application/json' })
  t.equal(sent.status, 200, sent.body)
  await until(async () => (await b.gateway.ledger.outbound.get(messages[0].id))?.state === 'answered', 'the update is answered')
  for (const p of travellers) t.notOk(b.logs.text().includes(p.surname), 'no passenger value in the log')
})
