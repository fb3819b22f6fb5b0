// Interactive API end to end (docs/interactive.md): a carrier's PAXLST iAPI request over HTTPS
// mTLS, the decision from the agreement's test responder or from a PIU responder running as its own
// process on the real broker, and the CUSRES back, within the deadline whatever the PIU does.
import t, { type Test } from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseInterchange } from '../../src/edifact/index.js'
import { buildCusres, iapiRequestOf, readCusres } from '../../src/messages/index.js'
import { buildGateway, exampleAgreement, fingerprintOf, metricValue, testConfig, type Built } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { amqpForward, piuBroker, type PiuBroker } from '../helpers/piu-queue.js'
import { writeConfig } from '../helpers/gateway-child.js'
import { iapiRequest, RULES, TRAVELLERS } from '../helpers/iapi.js'
import { startResponder } from './responder.js'

const DEADLINE_MS = 1500

function interactiveAgreement (over: Record<string, unknown> = {}): Record<string, unknown> {
  return exampleAgreement({ interactive: { enabled: true, deadlineMs: DEADLINE_MS, testResponder: RULES }, ...over })
}

async function ask (b: Built, body: Buffer, accept?: string, cert?: string): Promise<Awaited<ReturnType<typeof call>>> {
  return await call(b.gateway.httpsPort()!, {
    path: '/v1/interactive',
    body,
    ...(accept !== undefined ? { accept } : {}),
    ...(cert !== undefined ? { cert } : {})
  })
}

/** How many observations a histogram holds for the labels. */
async function observations (b: Built, name: string, labels: Record<string, string>): Promise<number> {
  const data = await b.gateway.metrics.registry.getSingleMetric(name)?.get()
  const values = (data?.values ?? []) as Array<{ metricName?: string, labels: Record<string, unknown>, value: number }>
  const count = values.find(v => v.metricName === `${name}_count` && Object.entries(labels).every(([k, x]) => v.labels[k] === x))
  return count?.value ?? 0
}

function decisionsOf (cusres: string): string[] {
  const reading = readCusres(parseInterchange(Buffer.from(cusres, 'latin1')))
  return reading?.passengers.map(p => `${p.position}:${p.passengerRef ?? '-'}:${p.decision}`) ?? []
}

/** The gateway on a throwaway PIU topology with its own interactive queue, plus the config file a responder reads. */
async function withPiu (
  t: Test, agreement: Record<string, unknown>, more: Array<Record<string, unknown>> = []
): Promise<{ b: Built, piu: PiuBroker, configFile: string, iapiQueue: string }> {
  const piu = await piuBroker(t)
  const iapiQueue = `${piu.names.queue}.iapi`
  t.teardown(async () => { await piu.channel.deleteQueue(iapiQueue).catch(() => {}) })
  const forward = amqpForward(piu.names)
  ;(forward.amqp as Record<string, unknown>).iapiQueue = iapiQueue
  const b = await buildGateway(t, { agreements: [agreement, ...more], config: { forward } })
  const configFile = writeConfig(b.dir, testConfig(b.dir, b.carriersDir, { forward }), 'responder.yaml')
  return { b, piu, configFile, iapiQueue }
}

t.test('testing stage: the test responder decides, one ERP group per passenger in request order', async t => {
  const b = await buildGateway(t, { agreements: [interactiveAgreement({ stage: 'testing' })] })
  const res = await ask(b, iapiRequest({ travellers: TRAVELLERS }))
  t.equal(res.status, 200)
  t.match(String(res.headers['content-type']), /^application\/edifact/)
  t.equal(res.headers['x-outcome'], 'decided')
  t.same(decisionsOf(res.body), ['1:P0001:0Z', '2:P0002:2Z', '3:P0003:1Z'], 'board, advisory, no board by the rules')
  t.match(res.body, /UNB\+UNOA:4\+GOVPIU\+XAAPI\+/, 'sender and recipient swapped')
  t.match(res.body, /BGM\+962'RFF\+TN:TX0042'RFF\+AF:XA339'/)

  const json = (await ask(b, iapiRequest({ travellers: TRAVELLERS.slice(0, 1) }), 'application/json')).json()
  t.match(json, { outcome: 'decided', passengers: [{ position: 1, passengerRef: 'P0001', locator: 'QWE123', decision: '0Z' }] })
  t.match(json.cusres, /ERC\+0Z'/)

  const row = await b.gateway.ledger.get(String(res.headers['x-transmission-id']))
  t.match(row, { outcome: 'accepted', status: 'acknowledged', ackKind: 'cusres' })
  t.same(JSON.parse(row?.interactive ?? '{}').decisions, { '0Z': 1, '1Z': 1, '2Z': 1 }, 'the ledger counts decisions')
  t.equal(await metricValue(b.gateway, 'carrier_gateway_iapi_decisions_total', { carrier: 'XA', decision: '2Z' }), 1)
  for (const p of TRAVELLERS) {
    for (const v of [p.surname, p.doc, p.locator, p.ref]) {
      t.notOk(b.logs.text().includes(v), 'no passenger value in the log')
      t.notOk(JSON.stringify(row).includes(v), 'no passenger value in the ledger row')
    }
  }
})

t.test('the shipped example request (examples/xa-iapi-request.edi) gets the answer docs/interactive.md shows', async t => {
  const b = await buildGateway(t, { agreements: [interactiveAgreement({ stage: 'testing' })] })
  const res = await ask(b, readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'xa-iapi-request.edi')))
  t.equal(res.status, 200)
  t.same(decisionsOf(res.body), ['1:XA0001:0Z', '2:XA0002:1Z'], 'TESTER/ALPHA boards; the TEST1Z* document does not')
})

t.test('a carrier without interactive.enabled is refused, and a request failing the checks gets the negative CONTRL', async t => {
  const off = await buildGateway(t)
  const refused = await ask(off, iapiRequest())
  t.equal(refused.status, 403)
  t.equal(refused.json().code, 'GW_ERR_IAPI_NOT_ENABLED')

  const b = await buildGateway(t, { agreements: [interactiveAgreement({ stage: 'testing' })] })
  const bad = await ask(b, iapiRequest({ badCount: true }))
  t.equal(bad.status, 422)
  t.match(bad.body, /UCI\+[^']+\+XAAPI\+GOVPIU\+4/, 'a negative CONTRL')
  const batch = await call(b.gateway.httpsPort()!, { body: iapiRequest() })
  t.equal(batch.status, 200, 'the same carrier still sends batch traffic on /v1/transmissions')
})

t.test('live: the PIU responder answers through the broker; the test stage never reaches piu.iapi', async t => {
  const tester = interactiveAgreement({
    code: 'XB',
    name: 'Test Air',
    stage: 'testing',
    senderIds: ['XBAPI'],
    channels: { https: { certificates: [fingerprintOf('xb-client')] } }
  })
  const { b, piu, configFile, iapiQueue } = await withPiu(t, interactiveAgreement(), [tester])
  const testStage = await ask(b, iapiRequest({ sender: 'XBAPI', travellers: TRAVELLERS }), undefined, 'xb-client')
  t.equal(testStage.status, 200, 'answered by the agreement test rules with no responder running')
  t.same(decisionsOf(testStage.body), ['1:P0001:0Z', '2:P0002:2Z', '3:P0003:1Z'])
  t.equal(await piu.count(iapiQueue), 0, 'nothing of the test stage reached the interactive queue')

  const responder = await startResponder(t, b.dir, configFile, { default: '0Z', rules: [{ surname: 'MORROW', decision: '1Z' }] })
  const res = await ask(b, iapiRequest({ travellers: TRAVELLERS }))
  t.equal(res.status, 200, res.body)
  t.same(decisionsOf(res.body), ['1:P0001:0Z', '2:P0002:0Z', '3:P0003:1Z'], 'the PIU rules, not the agreement test rules')
  const row = await b.gateway.ledger.get(String(res.headers['x-transmission-id']))
  t.match(JSON.parse(row?.interactive ?? '{}'), { source: 'piu', miss: null, decisions: { '0Z': 2, '1Z': 1 } })
  t.equal(await observations(b, 'carrier_gateway_iapi_piu_latency_seconds', { carrier: 'XA' }), 1, 'the PIU latency is observed')
  for (const p of TRAVELLERS) {
    for (const v of [p.surname, p.doc, p.locator, p.ref]) {
      t.notOk(b.logs.text().includes(v), 'no passenger value in the gateway log on the PIU path')
      t.notOk(responder.output().includes(v), 'nor in the responder output')
    }
  }
})

t.test('a ready-made CUSRES from the PIU is checked and passed through as it came', async t => {
  const { b, configFile } = await withPiu(t, interactiveAgreement())
  await startResponder(t, b.dir, configFile, { default: '1Z', rules: [] }, ['--cusres', 'PIUAUTH'])
  const res = await ask(b, iapiRequest({ travellers: TRAVELLERS.slice(0, 2) }))
  t.equal(res.status, 200)
  t.match(res.body, /UNB\+UNOA:4\+PIUAUTH\+XAAPI\+/, "the PIU's own CUSRES, its sender id and all")
  t.same(decisionsOf(res.body), ['1:P0001:1Z', '2:P0002:1Z'])
  const row = await b.gateway.ledger.get(String(res.headers['x-transmission-id']))
  t.same(JSON.parse(row?.interactive ?? '{}').decisions, { '1Z': 2 }, 'counted like decided JSON')
})

t.test('the deadline holds: slow, stopped and malformed responders all get the timeout answer in time', async t => {
  const { b, configFile, piu, iapiQueue } = await withPiu(t, interactiveAgreement())
  const timed = async (body: Buffer): Promise<{ status: number, ms: number, body: string }> => {
    const started = Date.now()
    const res = await ask(b, body)
    return { status: res.status, ms: Date.now() - started, body: res.body }
  }
  // Bounded by the deadline plus the TLS round trip on a busy 2-core machine: nothing waits for the PIU.
  const bound = DEADLINE_MS + 1000

  const slow = await startResponder(t, b.dir, configFile, RULES, ['--delay', String(DEADLINE_MS + 500)])
  const late = await timed(iapiRequest())
  t.equal(late.status, 504, 'onTimeout: error')
  t.ok(late.ms < bound, `answered in ${late.ms} ms`)
  t.match(late.body, /ERP\+1'ERC\+118'/, 'the error CUSRES')
  await waitForMetric(t, b, 'carrier_gateway_iapi_late_decisions_total', 1)
  await slow.stop()

  const none = await timed(iapiRequest())
  t.equal(none.status, 504, 'no responder at all')
  t.ok(none.ms < bound, `answered in ${none.ms} ms`)
  await piu.channel.purgeQueue(iapiQueue)

  const broken = await startResponder(t, b.dir, configFile, RULES, ['--malformed'])
  const bad = await timed(iapiRequest())
  t.equal(bad.status, 504, 'a decision failing the schema is no decision')
  t.equal(await metricValue(b.gateway, 'carrier_gateway_iapi_deadline_misses_total', { carrier: 'XA', reason: 'invalid' }), 1)
  t.equal(await metricValue(b.gateway, 'carrier_gateway_iapi_deadline_misses_total', { carrier: 'XA', reason: 'timeout' }), 2)
  await broken.stop()
})

t.test('onTimeout: advisory answers 2Z for every passenger; an unreachable broker answers in time too', async t => {
  const agreement = interactiveAgreement({ interactive: { enabled: true, deadlineMs: DEADLINE_MS, onTimeout: 'advisory' } })
  const forward = amqpForward({ exchange: 'x', queue: 'q', testQueue: 'qt', quarantineQueue: 'qq' }, { url: 'amqp://guest:guest@127.0.0.1:1' })
  const b = await buildGateway(t, { agreements: [agreement], config: { forward } })
  const started = Date.now()
  const res = await ask(b, iapiRequest({ travellers: TRAVELLERS.slice(0, 2) }))
  t.equal(res.status, 200)
  t.equal(res.headers['x-outcome'], 'timeout')
  t.same(decisionsOf(res.body), ['1:P0001:2Z', '2:P0002:2Z'])
  t.ok(Date.now() - started < DEADLINE_MS + 1000)
  t.equal(await metricValue(b.gateway, 'carrier_gateway_iapi_deadline_misses_total', { carrier: 'XA', reason: 'broker' }), 1)
  const row = await b.gateway.ledger.get(String(res.headers['x-transmission-id']))
  t.match(row, { outcome: 'accepted_with_warnings' })
})

async function waitForMetric (t: Test, b: Built, name: string, atLeast: number): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (await metricValue(b.gateway, name, { carrier: 'XA' }) >= atLeast) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  t.fail(`${name} never reached ${atLeast}`)
}

t.test("the carrier's CUSRES (BGM 312) on /v1/transmissions is accepted with interactive enabled, forwarded as cusres.XA", async t => {
  // The carrier answering an unsolicited update: its CUSRES from XAAPI to the gateway.
  const asked = iapiRequestOf(parseInterchange(iapiRequest({ sender: 'GOVPIU', travellers: TRAVELLERS.slice(0, 1) })))
  if (!asked.ok) throw new Error('the test request does not read as an iAPI request')
  const answer = buildCusres(asked, { passengers: [{ position: 1, decision: '1Z', text: null }] }, {
    senderId: 'XAAPI', reference: 'ANS312', now: new Date(), document: '312'
  })
  const on = await buildGateway(t, { agreements: [interactiveAgreement()] })
  const res = await call(on.gateway.httpsPort()!, { body: answer })
  t.equal(res.status, 200)
  t.equal(res.headers['x-outcome'], 'accepted')
  t.equal(res.json().ack, null, 'a response message gets no CONTRL of its own')
  const outbox = join(on.dir, 'outbox')
  const props = readdirSync(outbox).filter(f => f.endsWith('.json')).map(f => JSON.parse(readFileSync(join(outbox, f), 'utf8')))
  t.match(props, [{ routingKey: 'cusres.XA' }], 'forwarded to the PIU for its tracking')

  const off = await buildGateway(t)
  const refused = await call(off.gateway.httpsPort()!, { body: answer })
  t.equal(refused.status, 422, 'without interactive API the carrier has no business sending CUSRES')
  t.match(refused.json(), { outcome: 'rejected', errors: [{ code: 17, expected: 'PAXLST | PNRGOV' }] }, 'code 17: type not agreed')
})
