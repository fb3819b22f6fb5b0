// Per-carrier rate limit (@fastify/rate-limit keyed by the carrier the certificate proved):
// over `limits.requestsPerMinute` a carrier gets 429 with Retry-After; other carriers are unaffected.
import t from 'tap'
import { buildGateway, exampleAgreement, fingerprintOf } from '../../helpers/gateway.js'
import { call } from '../../helpers/https-client.js'
import { EXAMPLE_PASSENGER, assertProblem, assertSecurityHeaders, interchange, metricValue, xbAgreement } from './fixtures.js'

t.test('XA over its rate gets 429 with Retry-After; XB keeps going', async t => {
  const { gateway } = await buildGateway(t, {
    agreements: [exampleAgreement({ limits: { requestsPerMinute: 2 } }), xbAgreement({ limits: { requestsPerMinute: 2 } })]
  })
  const port = gateway.httpsPort()!
  t.equal((await call(port, { body: interchange() })).status, 200)
  t.equal((await call(port, { body: interchange() })).status, 200)
  const over = await call(port, { body: interchange() })
  assertProblem(t, over, 429, 'GW_ERR_INTAKE_RATE_LIMITED', EXAMPLE_PASSENGER)
  const retryAfter = Number(over.headers['retry-after'])
  t.ok(
    Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60,
    `Retry-After in seconds (${String(over.headers['retry-after'])})`
  )
  assertSecurityHeaders(t, over, '429')
  t.equal(await metricValue(gateway, 'carrier_gateway_rate_limited_total', { carrier: 'XA' }), 1)
  t.equal(await gateway.ledger.size(), 2, 'the refused request never reached the pipeline')

  // Another connection, another client address would not help XA: the key is the carrier.
  assertProblem(t, await call(port, { path: '/v1/transmissions?reference=X' }), 429, 'GW_ERR_INTAKE_RATE_LIMITED')
  t.equal((await call(port, { body: interchange('XBAPI'), cert: 'xb-client' })).status, 200, 'XB unaffected')
  t.equal((await call(port, { body: interchange('XBAPI'), cert: 'xb-client' })).status, 200, 'XB has its own budget')
})

t.test('two certificates of one carrier share the carrier budget', async t => {
  const { gateway } = await buildGateway(t, {
    agreements: [
      exampleAgreement({
        limits: { requestsPerMinute: 1 },
        channels: { https: { certificates: [fingerprintOf('xa-client'), fingerprintOf('xa-client-2')] } }
      })
    ]
  })
  const port = gateway.httpsPort()!
  t.equal((await call(port, { body: interchange() })).status, 200)
  assertProblem(t, await call(port, { body: interchange(), cert: 'xa-client-2' }), 429, 'GW_ERR_INTAKE_RATE_LIMITED')
})
