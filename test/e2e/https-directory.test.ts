// End to end on the embedded defaults: HTTPS mutual TLS → pipeline → directory target → CONTRL.
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { buildGateway, exampleAgreement } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { EXAMPLE_HEADERS } from '../helpers/edi.js'
import { parseInterchange } from '../../src/edifact/index.js'

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'xa-paxlst.edi'))

t.test('a clean PAXLST is forwarded to the outbox and answered with a positive CONTRL', async t => {
  const { gateway, dir, logs } = await buildGateway(t)
  const res = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(res.status, 200)
  t.equal(res.headers['x-outcome'], 'accepted')
  t.match(res.headers['content-type'], /application\/edifact/)
  const id = String(res.headers['x-transmission-id'])
  const ack = parseInterchange(Buffer.from(res.body, 'latin1'))
  t.same(ack.errors, [], 'the CONTRL passes our own envelope checks')
  t.equal(ack.messages[0].type, 'CONTRL')
  const uci = ack.messages[0].segments.find(s => s.tag === 'UCI')!
  t.same(uci.elements.map(e => e[0]), ['XA0000000217', 'XAAPI', 'GOVPIU', '7'])

  const outbox = join(dir, 'outbox')
  t.same(readdirSync(outbox).filter(f => !f.startsWith('test')).sort(), [`${id}.edi`, `${id}.json`])
  const body = readFileSync(join(outbox, `${id}.edi`))
  t.equal(body.toString('latin1'), EXAMPLE.toString('latin1').trimEnd(), 'body is the interchange from UNA to the UNZ terminator')
  const props = JSON.parse(readFileSync(join(outbox, `${id}.json`), 'utf8'))
  t.equal(props.headers['x-transmission-id'], id)
  t.equal(props.messageId, props.headers['x-idempotency-key'], 'messageId: the idempotency key')
  t.equal(props.routingKey, 'paxlst.XA')
  t.match(props.headers, { ...EXAMPLE_HEADERS, 'x-content-sha256': createHash('sha256').update(body).digest('hex') })
  t.notOk(logs.text().includes('SPECIMEN') || logs.text().includes('X0000001'), 'no passenger value in any log line')

  const status = await call(gateway.httpsPort()!, { path: `/v1/transmissions/${id}` })
  t.equal(status.status, 200)
  t.match(status.json(), { transmissionId: id, outcome: 'accepted', status: 'acknowledged', interchange: { reference: 'XA0000000217' } })
  t.equal(status.json().ack, res.body, 'the stored ack is the one sent')
  const byRef = await call(gateway.httpsPort()!, { path: '/v1/transmissions?reference=XA0000000217' })
  t.equal(byRef.json().transmissions[0].transmissionId, id)
})

t.test('Accept: application/json gets the JSON ack with the CONTRL text', async t => {
  const { gateway } = await buildGateway(t)
  const res = await call(gateway.httpsPort()!, { body: EXAMPLE, accept: 'application/json' })
  t.equal(res.status, 200)
  const json = res.json()
  t.match(json, {
    outcome: 'accepted',
    interchange: { sender: 'XAAPI', recipient: 'GOVPIU', reference: 'XA0000000217' },
    messages: [{ reference: 'PAX001', type: 'PAXLST', version: 'D:05B', outcome: 'accepted' }],
    errors: [],
    warnings: []
  })
  t.match(json.ack, /^UNA:\+\.\? 'UNB\+UNOA:4\+GOVPIU\+XAAPI/)
})

t.test('a testing-stage carrier is routed to the test destination', async t => {
  const { gateway, dir } = await buildGateway(t, { agreements: [exampleAgreement({ stage: 'testing' })] })
  const res = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(res.status, 200)
  const id = String(res.headers['x-transmission-id'])
  const props = JSON.parse(readFileSync(join(dir, 'outbox', 'test', `${id}.json`), 'utf8'))
  t.equal(props.routingKey, 'test.paxlst.XA')
  t.equal(props.headers['x-test'], 'true')
})

t.test('a UNT count mismatch is rejected with CONTRL 29, quarantined with its report, not forwarded', async t => {
  const { gateway, dir } = await buildGateway(t)
  const bad = Buffer.from(EXAMPLE.toString('latin1').replace("UNT+19+PAX001'", "UNT+18+PAX001'"), 'latin1')
  const res = await call(gateway.httpsPort()!, { body: bad })
  t.equal(res.status, 422)
  t.equal(res.headers['x-outcome'], 'rejected')
  t.match(res.body, /UCI\+XA0000000217\+XAAPI\+GOVPIU\+4'/)
  t.match(res.body, /UCM\+PAX001\+PAXLST:D:05B:UN:IATA\+4\+29/)
  const id = String(res.headers['x-transmission-id'])
  t.same(readdirSync(join(dir, 'outbox')).filter(f => f.endsWith('.edi')), [], 'nothing forwarded')
  const q = JSON.parse(readFileSync(join(dir, 'quarantine', `${id}.json`), 'utf8'))
  t.equal(q.routingKey, 'quarantine.paxlst.XA')
  t.equal(q.report.errors[0].code, 29)
  t.equal(q.report.errors[0].tag, 'UNT')
})
