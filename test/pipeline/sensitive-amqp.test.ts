/**
 * The sensitive-data filter against the real broker (docs/sensitive-data.md): over HTTPS, the PIU
 * queue receives the filtered copy with `x-sensitive-filtered` and `x-sensitive-list`, the
 * quarantine queue the filtered copy of a rejected push, and a carrier without the filter the
 * interchange byte for byte. Own queue names per test (test/helpers/piu-queue.ts).
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { buildGateway, exampleAgreement } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { amqpForward, piuBroker } from '../helpers/piu-queue.js'
import { parseInterchange } from '../../src/edifact/index.js'
import { filterSensitive } from '../../src/messages/pnrgov/sensitive.js'
import { SENSITIVE_LIST_VERSION } from '../../src/messages/pnrgov/sensitive-codes.js'

const FIXTURE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'pnrgov-sensitive-13.edi'))
const FILTER = { sensitiveData: { filter: true, ssrCodes: ['XTRA'], freeText: 'drop' } }
const REMOVED = ['MOML', 'KSML', 'WCHR', 'VGML', 'XTRA', 'BLND', 'WHEELCHAIR', 'INSULIN', 'DIABETIC', 'FAITH', 'EXAMPLE.COM']
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const filtered = (bytes: Buffer): Buffer => filterSensitive(parseInterchange(bytes), { ssrCodes: ['XTRA'], freeText: 'drop' })!.body

t.test('the PIU queue gets the filtered copy and the count', async t => {
  const piu = await piuBroker(t)
  const { gateway, logs } = await buildGateway(t, { agreements: [exampleAgreement(FILTER)], config: { forward: amqpForward(piu.names) } })
  const r = await call(gateway.httpsPort()!, { body: FIXTURE })
  t.equal(r.status, 200)
  t.equal(r.headers['x-outcome'], 'accepted')
  const got = await piu.drain(piu.names.queue)
  t.equal(got.length, 1)
  const body = got[0].content
  t.same(body, filtered(FIXTURE))
  for (const v of REMOVED) t.notOk(body.toString('latin1').includes(v), `${v} not published`)
  t.same(parseInterchange(body).errors, [], 're-parses clean')
  const h = got[0].properties.headers ?? {}
  t.equal(String(h['x-sensitive-filtered']), '10')
  t.equal(String(h['x-sensitive-list']), SENSITIVE_LIST_VERSION)
  t.equal(String(h['x-content-sha256']), sha256(body))
  for (const v of REMOVED) t.notOk(logs.text().includes(v), `${v} in no log line`)

  const again = await call(gateway.httpsPort()!, { body: FIXTURE })
  t.equal(again.headers['x-outcome'], 'duplicate', 'an identical resend is still a duplicate')
  t.same(await piu.drain(piu.names.queue), [], 'and not published again')
})

t.test('the quarantine queue gets the filtered copy of a rejected push', async t => {
  const piu = await piuBroker(t)
  const { gateway } = await buildGateway(t, { agreements: [exampleAgreement(FILTER)], config: { forward: amqpForward(piu.names) } })
  const bad = Buffer.from(FIXTURE.toString('latin1').replace("UNT+28+1'", "UNT+40+1'"), 'latin1')
  const r = await call(gateway.httpsPort()!, { body: bad })
  t.equal(r.status, 422)
  const q = await piu.drain(piu.names.quarantineQueue)
  t.equal(q.length, 1)
  t.same(q[0].content, filtered(bad))
  for (const v of REMOVED) t.notOk(q[0].content.toString('latin1').includes(v), `${v} not quarantined`)
  const h = q[0].properties.headers ?? {}
  t.equal(String(h['x-sensitive-filtered']), '10')
  t.equal(String(h['x-content-sha256']), sha256(q[0].content))
  t.same(await piu.drain(piu.names.queue), [])
})

t.test('a carrier without the filter: published byte for byte', async t => {
  const piu = await piuBroker(t)
  const { gateway } = await buildGateway(t, { config: { forward: amqpForward(piu.names) } })
  const r = await call(gateway.httpsPort()!, { body: FIXTURE })
  t.equal(r.status, 200)
  const got = await piu.drain(piu.names.queue)
  t.equal(got.length, 1)
  t.same(got[0].content, parseInterchange(FIXTURE).body)
  t.notOk('x-sensitive-filtered' in (got[0].properties.headers ?? {}))
})
