// Who may talk to the gateway (docs/security.md "Identity" and "Authorisation"), each
// refusal over real HTTPS with the exact status and catalogue code, and never an input echoed.
import t from 'tap'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { X509Certificate } from 'node:crypto'
import { Agent } from 'node:https'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { buildGateway, exampleAgreement, fingerprintOf, tmpDir, CERTS } from '../../helpers/gateway.js'
import { call } from '../../helpers/https-client.js'
import { addressAllowed } from '../../../src/channels/https/identity.js'
import { EXAMPLE_PASSENGER, agentCall, assertProblem, interchange, keepAliveAgent, metricValue, xbAgreement } from './fixtures.js'

const body = (): Buffer => interchange()

t.test('no client certificate: 401 GW_ERR_INTAKE_NO_CERTIFICATE', async t => {
  const { gateway } = await buildGateway(t)
  const b = body()
  const res = await call(gateway.httpsPort()!, { body: b, cert: null })
  assertProblem(t, res, 401, 'GW_ERR_INTAKE_NO_CERTIFICATE', EXAMPLE_PASSENGER)
  t.equal(await metricValue(gateway, 'carrier_gateway_tls_handshake_failures_total', { reason: 'no_certificate' }), 1)
  t.equal(await gateway.ledger.size(), 0, 'nothing reached the pipeline')
})

t.test('a certificate from another CA: 401 GW_ERR_INTAKE_UNTRUSTED_CERTIFICATE, even when its fingerprint is pinned', async t => {
  // Pinning the rogue fingerprint shows trust is checked first: a pin never replaces the CA.
  const { gateway } = await buildGateway(t, {
    agreements: [exampleAgreement({ channels: { https: { certificates: [fingerprintOf('rogue-client')] } } })]
  })
  const res = await call(gateway.httpsPort()!, { body: body(), cert: 'rogue-client' })
  assertProblem(t, res, 401, 'GW_ERR_INTAKE_UNTRUSTED_CERTIFICATE', EXAMPLE_PASSENGER)
})

t.test('an expired certificate: 401 GW_ERR_INTAKE_EXPIRED_CERTIFICATE, not untrusted', async t => {
  const { gateway } = await buildGateway(t, {
    agreements: [exampleAgreement({ channels: { https: { certificates: [fingerprintOf('expired-client')] } } })]
  })
  const res = await call(gateway.httpsPort()!, { body: body(), cert: 'expired-client' })
  assertProblem(t, res, 401, 'GW_ERR_INTAKE_EXPIRED_CERTIFICATE', EXAMPLE_PASSENGER)
  t.equal(await metricValue(gateway, 'carrier_gateway_tls_handshake_failures_total', { reason: 'cert_has_expired' }), 1)
})

t.test('a trusted certificate no agreement pins: 403 GW_ERR_INTAKE_UNKNOWN_CERTIFICATE', async t => {
  const { gateway } = await buildGateway(t)
  const res = await call(gateway.httpsPort()!, { body: interchange('XBAPI'), cert: 'xb-client' })
  assertProblem(t, res, 403, 'GW_ERR_INTAKE_UNKNOWN_CERTIFICATE', [...EXAMPLE_PASSENGER, 'XBAPI'])
})

t.test('a suspended carrier: 403 GW_ERR_INTAKE_CARRIER_SUSPENDED, on POST and GET', async t => {
  const { gateway } = await buildGateway(t, { agreements: [exampleAgreement({ stage: 'suspended' })] })
  assertProblem(t, await call(gateway.httpsPort()!, { body: body() }), 403, 'GW_ERR_INTAKE_CARRIER_SUSPENDED', EXAMPLE_PASSENGER)
  assertProblem(
    t,
    await call(gateway.httpsPort()!, { path: '/v1/transmissions?reference=XA0000000217' }),
    403,
    'GW_ERR_INTAKE_CARRIER_SUSPENDED',
    ['XA0000000217']
  )
})

t.test('a certificate flagged revoked in the agreement: 403 GW_ERR_INTAKE_REVOKED_CERTIFICATE', async t => {
  const { gateway } = await buildGateway(t, {
    agreements: [
      exampleAgreement({
        channels: { https: { certificates: [{ fingerprint: fingerprintOf('xa-client'), revoked: true }, fingerprintOf('xa-client-2')] } }
      })
    ]
  })
  assertProblem(t, await call(gateway.httpsPort()!, { body: body() }), 403, 'GW_ERR_INTAKE_REVOKED_CERTIFICATE', EXAMPLE_PASSENGER)
  t.equal((await call(gateway.httpsPort()!, { body: body(), cert: 'xa-client-2' })).status, 200, 'the other certificate still works')
})

t.test('a client address outside allowFrom: 403 GW_ERR_INTAKE_ADDRESS_NOT_ALLOWED; inside: accepted', async t => {
  const { gateway } = await buildGateway(t, {
    agreements: [
      exampleAgreement({
        channels: { https: { certificates: [fingerprintOf('xa-client')], allowFrom: ['192.0.2.0/24', '2001:db8::/32'] } }
      }),
      xbAgreement({ channels: { https: { certificates: [fingerprintOf('xb-client')], allowFrom: ['127.0.0.0/8'] } } })
    ]
  })
  assertProblem(t, await call(gateway.httpsPort()!, { body: body() }), 403, 'GW_ERR_INTAKE_ADDRESS_NOT_ALLOWED', [
    ...EXAMPLE_PASSENGER,
    '127.0.0.1'
  ])
  t.equal((await call(gateway.httpsPort()!, { body: interchange('XBAPI'), cert: 'xb-client' })).status, 200, 'XB is allowed from loopback')
})

t.test('addressAllowed: IPv4, IPv4-mapped IPv6, IPv6 and the empty list', async t => {
  t.ok(addressAllowed('10.1.2.3', []), 'no list: everyone')
  t.ok(addressAllowed('10.1.2.3', ['10.0.0.0/8']))
  t.ok(addressAllowed('::ffff:10.1.2.3', ['10.0.0.0/8']))
  t.notOk(addressAllowed('11.1.2.3', ['10.0.0.0/8']))
  t.ok(addressAllowed('2001:db8::7', ['2001:db8::/32']))
  t.notOk(addressAllowed('2001:db9::7', ['2001:db8::/32']))
  t.notOk(addressAllowed('10.1.2.3', ['2001:db8::/32']), 'families never match across')
  t.notOk(addressAllowed(undefined, ['10.0.0.0/8']))
  t.ok(addressAllowed('192.0.2.7', ['192.0.2.7']), 'a bare address is a /32')
})

/** A CRL from the example CA revoking nothing (openssl ca with an empty database). */
function emptyCrl (dir: string): string {
  writeFileSync(join(dir, 'index.txt'), '')
  writeFileSync(join(dir, 'ca.cnf'), [
    '[ ca ]', 'default_ca = x', '[ x ]', `database = ${join(dir, 'index.txt')}`, `certificate = ${join(CERTS, 'ca.crt')}`,
    `private_key = ${join(CERTS, 'ca.key')}`, 'default_md = sha256', 'default_crl_days = 30', ''
  ].join('\n'))
  const out = join(dir, 'empty.crl')
  execFileSync('openssl', ['ca', '-gencrl', '-config', join(dir, 'ca.cnf'), '-out', out], { stdio: 'ignore' })
  return out
}

t.test('https.crl: a certificate revoked by the CRL gets 403 GW_ERR_INTAKE_REVOKED_CERTIFICATE; others pass', async t => {
  const pinned = [fingerprintOf('xa-client'), fingerprintOf('revoked-client')]
  const { gateway } = await buildGateway(t, {
    config: { https: { crl: join(CERTS, 'ca.crl') } },
    agreements: [exampleAgreement({ channels: { https: { certificates: pinned } } })]
  })
  assertProblem(
    t,
    await call(gateway.httpsPort()!, { body: body(), cert: 'revoked-client' }),
    403,
    'GW_ERR_INTAKE_REVOKED_CERTIFICATE',
    EXAMPLE_PASSENGER
  )
  t.equal(await metricValue(gateway, 'carrier_gateway_tls_handshake_failures_total', { reason: 'revoked_crl' }), 1)
  t.equal((await call(gateway.httpsPort()!, { body: body() })).status, 200, 'an unrevoked certificate from the same CA is accepted')
})

t.test('CRL reload: a new CRL takes effect on gateway.reload() without a restart', async t => {
  const dir = tmpDir(t)
  const crl = join(dir, 'current.crl')
  copyFileSync(emptyCrl(dir), crl)
  const pinned = [fingerprintOf('xa-client'), fingerprintOf('revoked-client')]
  const { gateway } = await buildGateway(t, {
    config: { https: { crl } },
    agreements: [exampleAgreement({ channels: { https: { certificates: pinned } } })]
  })
  const port = gateway.httpsPort()!
  t.equal((await call(port, { body: body(), cert: 'revoked-client' })).status, 200, 'not yet revoked')

  copyFileSync(join(CERTS, 'ca.crl'), crl)
  t.same(gateway.reload().problems, [])
  assertProblem(t, await call(port, { body: body(), cert: 'revoked-client' }), 403, 'GW_ERR_INTAKE_REVOKED_CERTIFICATE')
  t.equal((await call(port, { body: body() })).status, 200, 'the rest still works after the reload')

  writeFileSync(crl, 'not a CRL')
  t.match(gateway.reload().problems, [/TLS reload failed/], 'a broken CRL is reported')
  assertProblem(t, await call(port, { body: body(), cert: 'revoked-client' }), 403, 'GW_ERR_INTAKE_REVOKED_CERTIFICATE')
  t.equal((await call(port, { body: body() })).status, 200, 'and the last good TLS context stays in effect')
})

t.test('a service provider: one certificate pinned by XA and XB resolves the carrier by UNB sender', async t => {
  const provider = { https: { certificates: [fingerprintOf('xa-client')] } }
  const { gateway, dir } = await buildGateway(t, {
    agreements: [exampleAgreement({ channels: provider }), xbAgreement({ channels: provider })]
  })
  const port = gateway.httpsPort()!
  const xa = await call(port, { body: interchange('XAAPI'), accept: 'application/json' })
  t.equal(xa.status, 200)
  const xb = await call(port, { body: interchange('XBAPI'), accept: 'application/json' })
  t.equal(xb.status, 200)
  t.equal((await gateway.ledger.get(String(xa.headers['x-transmission-id'])))?.carrier, 'XA')
  t.equal((await gateway.ledger.get(String(xb.headers['x-transmission-id'])))?.carrier, 'XB')
  t.ok(dir !== '')

  const other = await call(port, { body: interchange('ZZAPI') })
  assertProblem(t, other, 403, 'GW_ERR_INTAKE_AMBIGUOUS_PROVIDER', [...EXAMPLE_PASSENGER, 'ZZAPI'])
  t.equal(other.headers['x-outcome'], 'rejected')
})

t.test('a service provider with one carrier suspended: that carrier\'s traffic gets 403, the other\'s is accepted', async t => {
  const provider = { https: { certificates: [fingerprintOf('xa-client')] } }
  const { gateway } = await buildGateway(t, {
    agreements: [exampleAgreement({ channels: provider }), xbAgreement({ channels: provider, stage: 'suspended' })]
  })
  const port = gateway.httpsPort()!
  t.equal((await call(port, { body: interchange('XAAPI') })).status, 200)
  assertProblem(t, await call(port, { body: interchange('XBAPI') }), 403, 'GW_ERR_INTAKE_CARRIER_SUSPENDED', EXAMPLE_PASSENGER)
})

t.test('certificate rotation: two certificates on one agreement both identify the carrier', async t => {
  const { gateway } = await buildGateway(t, {
    agreements: [
      exampleAgreement({
        channels: { https: { certificates: [fingerprintOf('xa-client'), { fingerprint: fingerprintOf('xa-client-2'), label: 'next' }] } }
      })
    ]
  })
  const port = gateway.httpsPort()!
  for (const cert of ['xa-client', 'xa-client-2']) {
    const res = await call(port, { body: body(), cert })
    t.equal(res.status, 200, `${cert} accepted`)
    t.equal((await gateway.ledger.get(String(res.headers['x-transmission-id'])))?.carrier, 'XA')
  }
})

t.test('an agreement reload takes effect on an open keep-alive connection (per-socket cache invalidated)', async t => {
  const { gateway, carriersDir } = await buildGateway(t)
  const port = gateway.httpsPort()!
  const agent = keepAliveAgent()
  t.teardown(() => agent.destroy())
  const first = await agentCall(agent, port, { body: body() })
  t.equal(first.status, 200)
  writeFileSync(join(carriersDir, 'XA.yaml'), `${JSON.stringify(exampleAgreement({ stage: 'suspended' }))}\n`)
  // Agreements only: gateway.reload() also reloads TLS, which closes idle connections on purpose.
  t.same(gateway.agreements.reload(), [])
  const second = await agentCall(agent, port, { body: body() })
  t.equal(second.socket, first.socket, 'the same TLS connection')
  assertProblem(t, second, 403, 'GW_ERR_INTAKE_CARRIER_SUSPENDED')
})

t.test('certificate expiry is surfaced: metric, channel view, and a warning when it is near', async t => {
  // A client certificate from the example CA that ends in 10 days.
  const dir = tmpDir(t)
  const key = join(dir, 'soon.key')
  const csr = join(dir, 'soon.csr')
  const crt = join(dir, 'soon.crt')
  execFileSync(
    'openssl',
    ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=XA soon'],
    { stdio: 'ignore' }
  )
  execFileSync(
    'openssl',
    [
      'x509', '-req', '-in', csr, '-CA', join(CERTS, 'ca.crt'), '-CAkey', join(CERTS, 'ca.key'), '-CAcreateserial', '-CAserial',
      join(dir, 'ca.srl'), '-days', '10', '-out', crt
    ],
    { stdio: 'ignore' }
  )
  const cert = new X509Certificate(readFileSync(crt))
  const { gateway, logs } = await buildGateway(t, {
    agreements: [exampleAgreement({ channels: { https: { certificates: [fingerprintOf('xa-client'), `sha256/${cert.fingerprint256}`] } } })]
  })
  const port = gateway.httpsPort()!

  t.equal((await call(port, { body: body() })).status, 200)
  const agent = new Agent({
    cert: readFileSync(crt),
    key: readFileSync(key),
    ca: readFileSync(join(CERTS, 'ca.crt')),
    servername: 'localhost'
  })
  t.teardown(() => agent.destroy())
  t.equal((await agentCall(agent, port, { body: body() })).status, 200)
  t.equal((await agentCall(agent, port, { body: body() })).status, 200)

  const seen = gateway.https!.certificateExpiries()
  t.equal(seen.get(cert.fingerprint256)?.getTime(), new Date(cert.validTo).getTime())
  const xa = new X509Certificate(readFileSync(join(CERTS, 'xa-client.crt')))
  t.equal(seen.get(xa.fingerprint256)?.getTime(), new Date(xa.validTo).getTime())
  t.equal(
    await metricValue(gateway, 'carrier_gateway_client_certificate_expiry_timestamp_seconds', {
      carrier: 'XA',
      fingerprint: cert.fingerprint256.slice(0, 23)
    }),
    new Date(cert.validTo).getTime() / 1000
  )
  const warnings = logs.records().filter(r => r.msg === 'client certificate expires soon')
  t.equal(warnings.length, 1, 'one warning, for the certificate that ends soon, however often it connects')
  t.match(warnings[0], { carriers: ['XA'], fingerprint: cert.fingerprint256.slice(0, 23), days: 9 })
})
