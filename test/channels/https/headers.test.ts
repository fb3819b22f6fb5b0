// Security headers on every reply (helmet, errors included) and refusals that never carry a stack
// trace, an internal path or an input value (docs/security.md "Headers and errors").
import t from 'tap'
import { connect as netConnect } from 'node:net'
import { buildGateway, exampleAgreement } from '../../helpers/gateway.js'
import { call, type Response } from '../../helpers/https-client.js'
import { EXAMPLE_PASSENGER, assertNoEcho, assertProblem, assertSecurityHeaders, interchange, tlsConnect } from './fixtures.js'

t.test('every reply carries the security headers: success, ack, refusals of every kind', async t => {
  const { gateway } = await buildGateway(t, { config: { limits: { maxMessageBytes: 4096 } }, agreements: [exampleAgreement()] })
  const port = gateway.httpsPort()!
  const cases: Array<[string, Promise<Response>, number]> = [
    ['200 ack', call(port, { body: interchange() }), 200],
    ['200 JSON', call(port, { body: interchange(), accept: 'application/json' }), 200],
    ['200 openapi', call(port, { path: '/v1/openapi.json' }), 200],
    ['401 no certificate', call(port, { body: interchange(), cert: null }), 401],
    ['401 untrusted', call(port, { body: interchange(), cert: 'rogue-client' }), 401],
    ['403 unknown', call(port, { body: interchange(), cert: 'xb-client' }), 403],
    ['404 no route', call(port, { path: '/etc/passwd' }), 404],
    ['400 garbage', call(port, { body: 'garbage' }), 400],
    ['413 too large', call(port, { body: Buffer.alloc(8192, 0x41) }), 413],
    ['415 media type', call(port, { body: '<x/>', contentType: 'application/xml' }), 415],
    ['422 rejected', call(port, { body: interchange('ZZAPI') }), 422]
  ]
  for (const [what, pending, status] of cases) {
    const res = await pending
    t.equal(res.status, status, what)
    assertSecurityHeaders(t, res, what)
    t.notOk(res.headers['x-powered-by'], `${what}: no X-Powered-By`)
  }
})

t.test('the openapi document is served to carriers only', async t => {
  const { gateway } = await buildGateway(t)
  assertProblem(t, await call(gateway.httpsPort()!, { path: '/v1/openapi.json', cert: null }), 401, 'GW_ERR_INTAKE_NO_CERTIFICATE')
  const doc = (await call(gateway.httpsPort()!, { path: '/v1/openapi.json' })).json()
  t.equal(doc.openapi, '3.1.0')
  t.ok(doc.paths['/v1/transmissions'] !== undefined)
})

t.test('refusals from a store failure name the catalogue entry only: no message, path or stack', async t => {
  const { gateway } = await buildGateway(t)
  const port = gateway.httpsPort()!
  const id = String((await call(port, { body: interchange() })).headers['x-transmission-id'])
  await gateway.ledger.close()
  const res = await call(port, { path: `/v1/transmissions/${id}` })
  assertProblem(t, res, 503, 'GW_ERR_LEDGER_UNAVAILABLE', ['sqlite', 'ledger.db', 'closed'])
  t.equal(res.headers['retry-after'], '30')
  const post = await call(port, { body: interchange() })
  t.equal(post.status, 503, 'a transmission gets retry, never a false ack')
  assertNoEcho(t, post.body, [...EXAMPLE_PASSENGER, 'sqlite', 'ledger.db'])
})

t.test('malformed HTTP gets a problem+json 400 with the security headers and no echo', async t => {
  const { gateway } = await buildGateway(t)
  const socket = await tlsConnect(gateway.httpsPort()!)
  const chunks: Buffer[] = []
  socket.on('data', (d: Buffer) => chunks.push(d))
  await new Promise<void>(resolve => {
    socket.once('close', () => resolve())
    socket.write([
      'POST /v1/transmissions HTTP/1.1',
      'Host: localhost',
      'X-Pax: SMUGGLEDPAX\x01',
      'Transfer-Encoding: chunked',
      'Content-Length: 5',
      '',
      ''
    ].join('\r\n'))
  })
  const text = Buffer.concat(chunks).toString('utf8')
  t.match(text, /^HTTP\/1\.1 400 /)
  t.match(text, /content-type: application\/problem\+json/i)
  t.match(text, /strict-transport-security: max-age=/i)
  t.match(text, /"code":"GW_ERR_INTAKE_BAD_REQUEST"/)
  assertNoEcho(t, text, ['SMUGGLEDPAX'])
})

t.test('headers over the size limit: 431 problem+json', async t => {
  const { gateway } = await buildGateway(t)
  const socket = await tlsConnect(gateway.httpsPort()!)
  const chunks: Buffer[] = []
  socket.on('data', (d: Buffer) => chunks.push(d))
  socket.on('error', () => {})
  await new Promise<void>(resolve => {
    socket.once('close', () => resolve())
    socket.write(`GET /v1/transmissions?reference=A HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'P'.repeat(20_000)}\r\n\r\n`)
  })
  const text = Buffer.concat(chunks).toString('utf8')
  t.match(text, /^HTTP\/1\.1 431 /)
  t.match(text, /"code":"GW_ERR_INTAKE_HEADERS_TOO_LARGE"/)
  t.notOk(text.includes('PPPPPPPP'), 'no echo')
})

t.test('plain HTTP on the TLS port is refused without a reply in clear text', async t => {
  const { gateway } = await buildGateway(t)
  const text = await new Promise<string>(resolve => {
    const chunks: Buffer[] = []
    const s = netConnect(gateway.httpsPort()!, '127.0.0.1', () => s.write('GET /v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n'))
    s.on('data', (d: Buffer) => chunks.push(d))
    s.on('error', () => {})
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
  })
  t.notMatch(text, /openapi|HTTP\/1\.1 200/, 'nothing served')
})
