// The admin listener (docs/security.md "Authorisation"): loopback by default; /admin/* needs
// the bearer token when one is configured, and answers loopback peers only when none is; /metrics
// and /health stay open for scrapers and probes.
import t, { type Test } from 'tap'
import { request } from 'node:http'
import { networkInterfaces } from 'node:os'
import { randomBytes } from 'node:crypto'
import { buildGateway } from '../helpers/gateway.js'
import { configFrom } from '../../src/config/index.js'
import { adminAllowed, isLoopback, tokenMatches } from '../../src/admin/index.js'

interface Res { status: number, headers: Record<string, string | string[] | undefined>, body: string }

async function get (port: number, path: string, headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<Res> {
  return await new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers, agent: false }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end()
  })
}

function assertUnauthorized (t: Test, res: Res, what: string): void {
  t.equal(res.status, 401, `${what}: 401`)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  t.match(JSON.parse(res.body), {
    status: 401,
    code: 'GW_ERR_ADMIN_UNAUTHORIZED',
    type: 'urn:carrier-gateway:error:GW_ERR_ADMIN_UNAUTHORIZED'
  })
  t.notOk(res.body.includes('carriers":'), `${what}: no data`)
}

t.test('the admin listener binds loopback by default', async t => {
  t.equal(configFrom({}).admin.host, '127.0.0.1')
  t.equal(configFrom({}).admin.token, null)
  const { gateway } = await buildGateway(t)
  t.equal((gateway.admin!.app.server.address() as { address: string }).address, '127.0.0.1')
})

t.test('with admin.token: /admin/* needs the bearer token; /metrics and /health are open', async t => {
  const name = `CG_TEST_ADMIN_TOKEN_${randomBytes(4).toString('hex').toUpperCase()}`
  const token = randomBytes(24).toString('base64url')
  process.env[name] = token
  t.teardown(() => { delete process.env[name] })
  const { gateway, logs } = await buildGateway(t, { config: { admin: { token: `env:${name}` } } })
  const port = gateway.adminPort()!

  const refusals = [
    ['no token', {}],
    ['wrong token', { authorization: 'Bearer nope' }],
    ['wrong scheme', { authorization: `Basic ${token}` }],
    ['token prefix', { authorization: `Bearer ${token.slice(0, -1)}` }]
  ] as const
  for (const [what, headers] of refusals) {
    const res = await get(port, '/admin/carriers', headers)
    assertUnauthorized(t, res, what)
    t.match(res.headers['www-authenticate'], /^Bearer /)
    t.notOk(res.body.includes(token), 'the token is never echoed')
  }
  // Path tricks reach the same protected routes (or none), never around the check.
  for (const path of ['/%61dmin/carriers', '/admin/transmissions?carrier=XA', '/admin/', '/admin']) {
    const res = await get(port, path)
    t.ok(res.status === 401 || res.status === 404, `${path}: refused (${res.status})`)
    t.notOk(res.body.includes('"carriers"') || res.body.includes('"transmissions"'), `${path}: no data`)
  }
  const ok = await get(port, '/admin/carriers', { authorization: `Bearer ${token}` })
  t.equal(ok.status, 200)
  t.match(JSON.parse(ok.body), { carriers: [{ code: 'XA' }] })
  t.equal((await get(port, '/admin/transmissions?carrier=XA', { authorization: `Bearer ${token}` })).status, 200)

  t.equal((await get(port, '/metrics')).status, 200, '/metrics open')
  t.equal((await get(port, '/health/live')).status, 200, '/health/live open')
  t.ok([200, 503].includes((await get(port, '/health/ready')).status), '/health/ready open')
  t.notOk(logs.text().includes(token), 'the token never reaches a log line')
})

t.test('admin.token naming a missing secret stops the start', async t => {
  await t.rejects(buildGateway(t, { config: { admin: { token: 'env:CG_TEST_ADMIN_TOKEN_NOT_SET_ANYWHERE' } } }), { name: 'GatewayError', message: /secret/ })
})

t.test('without a token, /admin/* answers loopback peers only', async t => {
  t.ok(adminAllowed(null, undefined, '127.0.0.1'))
  t.ok(adminAllowed(null, undefined, '::1'))
  t.ok(adminAllowed(null, undefined, '::ffff:127.0.0.5'))
  t.notOk(adminAllowed(null, undefined, '192.0.2.2'))
  t.notOk(adminAllowed(null, undefined, undefined))
  t.notOk(adminAllowed('s3cret', undefined, '127.0.0.1'), 'with a token, loopback is no excuse')
  t.ok(adminAllowed('s3cret', 'Bearer s3cret', '192.0.2.2'))
  t.ok(isLoopback('127.10.20.30'))
  t.notOk(isLoopback('128.0.0.1'))
  t.notOk(tokenMatches('Bearer ', ''), 'an empty token never matches')

  // Over a real non-loopback interface of this machine, when it has one.
  const external = Object.values(networkInterfaces()).flat().find(i => i !== undefined && i.family === 'IPv4' && !i.internal)?.address
  if (external === undefined) return
  const { gateway } = await buildGateway(t, { config: { admin: { host: '0.0.0.0' } } })
  const port = gateway.adminPort()!
  assertUnauthorized(t, await get(port, '/admin/carriers', {}, external), `from ${external}`)
  t.equal((await get(port, '/metrics', {}, external)).status, 200, '/metrics open to the scraper')
  t.equal((await get(port, '/health/live', {}, external)).status, 200)
  t.equal((await get(port, '/admin/carriers', {}, '127.0.0.1')).status, 200, 'loopback still reads it')
})

t.test('admin errors are problem+json without messages or echo', async t => {
  const { gateway } = await buildGateway(t)
  const port = gateway.adminPort()!
  const bad = await get(port, '/admin/transmissions?limit=SMUGGLEDVALUE')
  t.equal(bad.status, 400)
  t.match(JSON.parse(bad.body), { code: 'GW_ERR_INTAKE_BAD_REQUEST' })
  t.notOk(bad.body.includes('SMUGGLEDVALUE'))
  const missing = await get(port, '/nowhere/PAXNAME')
  t.equal(missing.status, 404)
  t.notOk(missing.body.includes('PAXNAME'))
  t.equal(missing.headers['cache-control'], 'no-store')
})
