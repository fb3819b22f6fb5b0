// Refusals that say what to change (docs/errors.md): a 415 names the media types the route takes
// (RFC 9110 §15.5.16 `Accept`), and an expired client certificate is told apart from an untrusted one.
import t from 'tap'
import { buildGateway, exampleAgreement, fingerprintOf } from '../../helpers/gateway.js'
import { call } from '../../helpers/https-client.js'
import { metricValue } from './fixtures.js'
import { paxlst } from '../../helpers/edi.js'

const ACCEPTED = ['application/edifact', 'text/plain', 'application/octet-stream']

t.test('415 names the accepted media types in the Accept header and the problem body', async t => {
  const { gateway } = await buildGateway(t)
  const res = await call(gateway.httpsPort()!, { body: '{"surname":"QUIXOTEVA"}', contentType: 'application/json' })
  t.equal(res.status, 415)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/)
  t.equal(res.headers.accept, ACCEPTED.join(', '))
  const body = res.json() as Record<string, unknown>
  t.match(body, { code: 'GW_ERR_INTAKE_MEDIA_TYPE', status: 415, title: 'unsupported media type' })
  t.same(body.accept, ACCEPTED)
  t.equal(body.detail, `send the body as ${ACCEPTED.join(', ')}`)
  t.notOk(res.body.includes('QUIXOTEVA'), 'the input is not echoed')
  for (const type of ACCEPTED) {
    const res = await call(gateway.httpsPort()!, { body: paxlst({ reference: `R${type.length}` }), contentType: type })
    t.equal(res.status, 200, `${type} is taken`)
  }
})

t.test('an expired client certificate: 401 GW_ERR_INTAKE_EXPIRED_CERTIFICATE, not "untrusted"', async t => {
  const { gateway } = await buildGateway(t, {
    agreements: [exampleAgreement({ channels: { https: { certificates: [fingerprintOf('expired-client')] } } })]
  })
  const res = await call(gateway.httpsPort()!, { body: paxlst(), cert: 'expired-client' })
  t.equal(res.status, 401)
  const body = res.json() as Record<string, unknown>
  t.match(body, { code: 'GW_ERR_INTAKE_EXPIRED_CERTIFICATE', status: 401, title: /has expired/ })
  t.notMatch(String(body.title), /trusted/)
  t.equal(await metricValue(gateway, 'carrier_gateway_tls_handshake_failures_total', { reason: 'cert_has_expired' }), 1)
  const rogue = await call(gateway.httpsPort()!, { body: paxlst(), cert: 'rogue-client' })
  t.match(rogue.json(), { code: 'GW_ERR_INTAKE_UNTRUSTED_CERTIFICATE' }, 'another CA is still untrusted')
})
