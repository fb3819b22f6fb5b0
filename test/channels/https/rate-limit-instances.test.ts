// The per-carrier rate limit with several instances (docs/scaling.md "Rate limits"): each instance counts in
// memory and allows requestsPerMinute / limits.rateLimitInstances, so N instances behind one load balancer
// together allow the agreed rate and never more. Two real gateways here stand for two instances.
import t from 'tap'
import { buildGateway, exampleAgreement } from '../../helpers/gateway.js'
import { call } from '../../helpers/https-client.js'
import { perInstanceRate } from '../../../src/channels/https/index.js'
import { interchange, metricValue } from './fixtures.js'

t.test('the share: a floor of 1/N, at least one request', async t => {
  t.equal(perInstanceRate(600, 1), 600)
  t.equal(perInstanceRate(600, 3), 200)
  t.equal(perInstanceRate(5, 2), 2, 'rounded down: together never more than agreed')
  t.equal(perInstanceRate(1, 4), 1, 'never zero')
})

t.test('two instances with rateLimitInstances 2 together allow the agreed 4 per minute', async t => {
  const build = async () => await buildGateway(t, {
    config: { limits: { rateLimitInstances: 2 } },
    agreements: [exampleAgreement({ limits: { requestsPerMinute: 4 } })]
  })
  const a = (await build()).gateway
  const b = (await build()).gateway
  const statuses: number[] = []
  for (const g of [a, b, a, b, a, b]) statuses.push((await call(g.httpsPort()!, { body: interchange() })).status)
  t.same(statuses, [200, 200, 200, 200, 429, 429], 'two each, then 429 on both')
  t.equal(await metricValue(a, 'carrier_gateway_rate_limited_total', { carrier: 'XA' }), 1)
  t.equal(await metricValue(b, 'carrier_gateway_rate_limited_total', { carrier: 'XA' }), 1)
})

t.test('the default (one instance) keeps the whole rate on the one instance', async t => {
  const { gateway } = await buildGateway(t, { agreements: [exampleAgreement({ limits: { requestsPerMinute: 3 } })] })
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) statuses.push((await call(gateway.httpsPort()!, { body: interchange() })).status)
  t.same(statuses, [200, 200, 200, 429])
})
