// Hostile and malformed bodies (README "Guarantees" 5, docs/security.md "Limits"): each gets its exact
// refusal, never echoes the input, and leaves nothing forwarded.
import t from 'tap'
import { readdirSync, existsSync, readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { buildGateway, exampleAgreement } from '../../helpers/gateway.js'
import { call } from '../../helpers/https-client.js'
import { EXAMPLE_PASSENGER, assertNoEcho, assertProblem, interchange, rawPost, xbAgreement } from './fixtures.js'

function forwarded (dir: string): string[] {
  const out = join(dir, 'outbox')
  return existsSync(out) ? readdirSync(out).filter(f => f.endsWith('.edi')) : []
}

t.test('an empty body: 400 GW_ERR_INTAKE_EMPTY_BODY (with and without Content-Length)', async t => {
  const { gateway, dir } = await buildGateway(t)
  assertProblem(t, await call(gateway.httpsPort()!, { body: Buffer.alloc(0) }), 400, 'GW_ERR_INTAKE_EMPTY_BODY')
  assertProblem(
    t,
    await call(gateway.httpsPort()!, { method: 'POST', headers: { 'content-type': 'application/edifact' } }),
    400,
    'GW_ERR_INTAKE_EMPTY_BODY'
  )
  t.same(forwarded(dir), [])
})

t.test('garbage bytes from a known carrier: 400 problem+json with where reading stopped, quarantined, nothing forwarded', async t => {
  const { gateway, dir } = await buildGateway(t)
  // Random bytes plus passenger-looking text without an envelope: no echo of either.
  const secret = 'GARBAGEPAXNAME'
  const garbage = Buffer.concat([randomBytes(512), Buffer.from(`NAD+FL+++${secret}:JO'DOC+P+Z9999999'`, 'latin1')])
  const res = await call(gateway.httpsPort()!, { body: garbage })
  assertProblem(t, res, 400, 'GW_ERR_EDIFACT_NO_INTERCHANGE', [secret, 'Z9999999'])
  const problem = res.json()
  t.equal(problem.transmissionId, res.headers['x-transmission-id'], 'the problem names our transmission id')
  t.equal(res.headers['x-outcome'], 'rejected')
  t.match(problem.errors, [{ id: 'GW_ERR_EDIFACT_NO_INTERCHANGE', code: Number }], 'the public findings: codes and positions')
  t.same(forwarded(dir), [])
  const report = JSON.parse(readFileSync(join(dir, 'quarantine', `${problem.transmissionId}.json`), 'utf8'))
  t.notOk(JSON.stringify(report).includes(secret), 'the quarantine report (not its payload) holds no value')
  t.equal((await gateway.ledger.get(problem.transmissionId))?.outcome, 'rejected')
})

t.test('a wrong content type: 415 GW_ERR_INTAKE_MEDIA_TYPE (XML PNRGOV, JSON, form, none)', async t => {
  const { gateway, dir } = await buildGateway(t)
  const port = gateway.httpsPort()!
  const xml = '<PNRGOV><Surname>XMLPAXNAME</Surname></PNRGOV>'
  assertProblem(t, await call(port, { body: xml, contentType: 'application/xml' }), 415, 'GW_ERR_INTAKE_MEDIA_TYPE', ['XMLPAXNAME'])
  assertProblem(
    t,
    await call(port, { body: '{"surname":"JSONPAXNAME"}', contentType: 'application/json' }),
    415,
    'GW_ERR_INTAKE_MEDIA_TYPE',
    ['JSONPAXNAME']
  )
  assertProblem(t, await call(port, { body: 'a=b', contentType: 'application/x-www-form-urlencoded' }), 415, 'GW_ERR_INTAKE_MEDIA_TYPE')
  const none = await rawPost(port, interchange(), {})
  t.equal(none.status, 415, 'no content type at all')
  t.same(forwarded(dir), [])
  t.equal(
    (await call(port, { body: interchange(), contentType: 'text/plain; charset=iso-8859-1' })).status,
    200,
    'text/plain with a charset is fine'
  )
  t.equal((await call(port, { body: interchange(), contentType: 'application/octet-stream' })).status, 200, 'octet-stream is fine')
})

t.test('over the global limit: 413 GW_ERR_INTAKE_TOO_LARGE', async t => {
  const { gateway, dir } = await buildGateway(t, { config: { limits: { maxMessageBytes: 2048 } } })
  const big = Buffer.concat([interchange(), Buffer.alloc(4096, 0x20)])
  assertProblem(t, await call(gateway.httpsPort()!, { body: big }), 413, 'GW_ERR_INTAKE_TOO_LARGE', EXAMPLE_PASSENGER)
  t.same(forwarded(dir), [])
  t.equal((await call(gateway.httpsPort()!, { body: interchange() })).status, 200, 'under the limit still works')
})

t.test("over the carrier's own limit: 413 for that carrier only, by Content-Length and when chunked", async t => {
  const { gateway, dir } = await buildGateway(t, { agreements: [exampleAgreement({ limits: { maxMessageBytes: 300 } }), xbAgreement()] })
  const port = gateway.httpsPort()!
  const body = interchange()
  t.ok(body.length > 300, 'the example is larger than XA allows')
  assertProblem(t, await call(port, { body }), 413, 'GW_ERR_INTAKE_TOO_LARGE', EXAMPLE_PASSENGER)
  // No Content-Length: the body streams in chunks and is checked once read.
  assertProblem(t, await rawPost(port, body, { 'content-type': 'application/edifact' }), 413, 'GW_ERR_INTAKE_TOO_LARGE', EXAMPLE_PASSENGER)
  t.same(forwarded(dir), [])
  t.equal((await call(port, { body: interchange('XBAPI'), cert: 'xb-client' })).status, 200, 'XB has the global limit')
})

t.test('a UNB sender that is not the carrier\'s: 422 with CONTRL 23 and UCI action 4, nothing forwarded', async t => {
  const { gateway, dir } = await buildGateway(t)
  const res = await call(gateway.httpsPort()!, { body: interchange('XBAPI', 'XA0000000999') })
  t.equal(res.status, 422)
  t.equal(res.headers['x-outcome'], 'rejected')
  t.match(res.headers['content-type'], /application\/edifact/)
  t.match(res.body, /UCI\+XA0000000999\+XBAPI\+GOVPIU\+4\+23/, 'CONTRL: interchange rejected, code 23')
  assertNoEcho(t, res.body, EXAMPLE_PASSENGER)
  t.same(forwarded(dir), [])
  const json = await call(gateway.httpsPort()!, { body: interchange('XBAPI'), accept: 'application/json' })
  t.equal(json.status, 422)
  t.match(json.json(), { outcome: 'rejected', errors: [{ code: 23, id: 'GW_ERR_EDIFACT_SENDER_UNKNOWN' }] })
  assertNoEcho(t, json.body, EXAMPLE_PASSENGER)
})

t.test('limits.maxSegments: an interchange beyond it is rejected with code 18 and answered, not hung', async t => {
  const { gateway, dir } = await buildGateway(t, { config: { limits: { maxSegments: 10 } } })
  const res = await call(gateway.httpsPort()!, { body: interchange(), accept: 'application/json' })
  t.equal(res.status, 422)
  t.equal(res.headers['x-outcome'], 'rejected')
  t.match(res.json(), {
    outcome: 'rejected',
    errors: [{ id: 'GW_ERR_EDIFACT_TOO_MANY_SEGMENTS', code: 18, level: 'interchange', segment: 11 }]
  })
  t.match(res.json().ack, /UCI\+\w+\+XAAPI\+GOVPIU\+4\+18'/, 'the CONTRL rejects the interchange with code 18')
  assertNoEcho(t, res.body, EXAMPLE_PASSENGER)
  t.same(forwarded(dir), [])
})

t.test('limits.maxSegments default (200000): a flood of 400000 empty segments stops at the limit and is answered', async t => {
  const { gateway } = await buildGateway(t)
  const text = interchange().toString('latin1')
  const flood = Buffer.from(text.slice(0, text.indexOf('BGM')) + "A'".repeat(400_000), 'latin1')
  const res = await call(gateway.httpsPort()!, { body: flood, accept: 'application/json' })
  t.equal(res.status, 422)
  t.match(res.json(), { outcome: 'rejected', errors: [{ id: 'GW_ERR_EDIFACT_TOO_MANY_SEGMENTS', code: 18, segment: 200001 }] })
})

t.test('limits.maxValueLength: an over-long value is reported (code 39) without echoing it', async t => {
  const { gateway } = await buildGateway(t, { config: { limits: { maxValueLength: 40 } } })
  const long = 'LONGPAXNAME'.repeat(10)
  const body = Buffer.from(interchange().toString('latin1').replace('SPECIMEN', long), 'latin1')
  const res = await call(gateway.httpsPort()!, { body, accept: 'application/json' })
  t.match(res.body, /"code":39/, 'data element too long')
  t.match(res.body, /GW_ERR_EDIFACT_TOO_LONG/)
  assertNoEcho(t, res.body, [long.slice(0, 20), 'LONGPAXNAME', ...EXAMPLE_PASSENGER.filter(v => v !== 'SPECIMEN')])
})
