// TLS of the carrier listener (docs/security.md "TLS (carrier listener)"): 1.2 minimum, 1.3 preferred, ECDSA and RSA server
// certificates side by side, session resumption, and handshake failures that are counted, logged
// once per peer and never crash anything.
import t from 'tap'
import { connect as netConnect } from 'node:net'
import { Agent, request } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { join } from 'node:path'
import { copyFileSync, writeFileSync } from 'node:fs'
import { buildGateway, CERTS, clientTls, tmpDir } from '../../helpers/gateway.js'
import { call } from '../../helpers/https-client.js'
import { agentCall, interchange, metricValue, tlsConnect, waitFor } from './fixtures.js'

const FAILURES = 'carrier_gateway_tls_handshake_failures_total'
const bothCerts = {
  https: {
    cert: [
      { key: join(CERTS, 'server.key'), cert: join(CERTS, 'server.crt') },
      { key: join(CERTS, 'server-rsa.key'), cert: join(CERTS, 'server-rsa.crt') }
    ]
  }
}

t.test('TLS 1.3 is preferred and TLS 1.2 works; both carry a full request', async t => {
  const { gateway } = await buildGateway(t)
  const port = gateway.httpsPort()!
  const dflt = await tlsConnect(port)
  t.equal(dflt.getProtocol(), 'TLSv1.3', 'a modern client gets TLS 1.3')
  dflt.destroy()
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    const agent = new Agent({ ...clientTls(), servername: 'localhost', minVersion: version, maxVersion: version })
    t.teardown(() => agent.destroy())
    const res = await agentCall(agent, port, { body: interchange() })
    t.equal(res.status, 200, `${version}: accepted`)
    t.equal(res.socket.getProtocol(), version)
  }
  const tls12 = await tlsConnect(port, { maxVersion: 'TLSv1.2' })
  t.match(tls12.getCipher().name, /^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM|CHACHA20-POLY1305)/, 'forward-secret AEAD suites only')
  tls12.destroy()
})

t.test('TLS 1.1 and below are refused by the server, counted and logged', async t => {
  const { gateway, logs } = await buildGateway(t)
  const port = gateway.httpsPort()!
  // SECLEVEL=0 lets this client offer TLS 1.1 at all, so the refusal is the server's.
  await t.rejects(tlsConnect(port, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }))
  await waitFor('the failure counted', async () => await metricValue(gateway, FAILURES) >= 1)
  t.equal(await metricValue(gateway, FAILURES, { reason: 'unsupported_protocol' }), 1, 'reason: unsupported protocol')
  t.match(logs.records().filter(r => r.msg === 'TLS handshake failed'), [{ level: 40, peer: /127\.0\.0\.1/, reason: 'unsupported_protocol' }])
  t.equal((await call(port, { body: interchange() })).status, 200, 'the listener carries on')
})

t.test('ECDSA and RSA server certificates are both offered (https.cert as a list)', async t => {
  const { gateway } = await buildGateway(t, { config: bothCerts })
  const port = gateway.httpsPort()!
  const cases = [
    { what: 'TLS 1.2 ECDSA suite', opts: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }, type: 'ec' },
    { what: 'TLS 1.2 RSA suite', opts: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }, type: 'rsa' },
    { what: 'TLS 1.3 ECDSA signature', opts: { sigalgs: 'ecdsa_secp256r1_sha256' }, type: 'ec' },
    { what: 'TLS 1.3 RSA-PSS signature', opts: { sigalgs: 'rsa_pss_rsae_sha256:rsa_pss_pss_sha256' }, type: 'rsa' }
  ] as const
  for (const c of cases) {
    const s = await tlsConnect(port, c.opts)
    t.equal(s.getPeerX509Certificate()?.publicKey.asymmetricKeyType, c.type, `${c.what}: ${c.type} certificate`)
    t.ok(s.authorized, 'the server certificate verifies against the CA')
    s.destroy()
  }
})

t.test('session resumption: a reconnecting carrier resumes (TLS 1.2 and 1.3) and is still identified', async t => {
  const { gateway } = await buildGateway(t)
  const port = gateway.httpsPort()!
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    // keepAlive off: every request is a new TCP connection; the agent offers its cached session.
    const agent = new Agent({ ...clientTls(), servername: 'localhost', keepAlive: false, maxVersion: version, minVersion: version })
    t.teardown(() => agent.destroy())
    const first = await agentCall(agent, port, { body: interchange() })
    t.equal(first.status, 200)
    t.notOk(first.sessionReused, `${version}: the first connection is a full handshake`)
    const second = await agentCall(agent, port, { body: interchange() })
    t.not(second.socket, first.socket, 'a new connection')
    t.ok(second.sessionReused, `${version}: the second connection resumes the session`)
    t.equal(second.status, 200)
    t.equal((await gateway.ledger.get(String(second.headers['x-transmission-id'])))?.carrier, 'XA', 'identified from the resumed session')
  }
})

t.test('a TLS reload ends resumption of older sessions (a CRL change is never skipped)', async t => {
  const { gateway } = await buildGateway(t)
  const port = gateway.httpsPort()!
  const agent = new Agent({ ...clientTls(), servername: 'localhost', keepAlive: false })
  t.teardown(() => agent.destroy())
  await agentCall(agent, port, { body: interchange() })
  t.ok((await agentCall(agent, port, { body: interchange() })).sessionReused, 'resumed before the reload')
  t.same(gateway.reload().problems, [])
  const after = await agentCall(agent, port, { body: interchange() })
  t.equal(after.status, 200)
  t.notOk(after.sessionReused, 'a full handshake after the reload')
})

t.test('handshake failures: counted every time, logged once per peer, never a crash', async t => {
  const { gateway, logs } = await buildGateway(t)
  const port = gateway.httpsPort()!
  const logged = (): number => logs.records().filter(r => r.msg === 'TLS handshake failed').length

  for (let i = 0; i < 3; i++) {
    await t.rejects(tlsConnect(port, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }))
  }
  // Plain HTTP, and a record of no TLS content type, to the TLS port.
  for (const junk of [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), Buffer.from('\x99\x03\x03\x00\x08garbage!', 'latin1')]) {
    await new Promise<void>(resolve => {
      const s = netConnect(port, '127.0.0.1', () => s.write(junk))
      s.resume() // read (and drop) the server's alert so the end of the stream is seen
      s.on('error', () => resolve())
      s.on('close', () => resolve())
    })
  }
  // A client that hangs up mid-handshake.
  await new Promise<void>(resolve => {
    const s = netConnect(port, '127.0.0.1', () => { s.write(Buffer.from([0x16, 0x03, 0x01])); s.destroy(); resolve() })
  })
  await waitFor('six failures counted', async () => await metricValue(gateway, FAILURES) >= 6)
  t.equal(await metricValue(gateway, FAILURES, { reason: 'unsupported_protocol' }), 3)
  t.equal(await metricValue(gateway, FAILURES, { reason: 'econnreset' }), 1, 'the hang-up')
  t.equal(logged(), 1, 'one log record for the peer, not one per failure')
  t.equal((await call(port, { body: interchange() })).status, 200, 'the listener still serves carriers')
  t.equal(gateway.channels.find(c => c.name === 'https')?.healthy(), true)
})

t.test('server key rotation: new files in place take effect on reload', async t => {
  const dir = tmpDir(t)
  const key = join(dir, 'server.key')
  const cert = join(dir, 'server.crt')
  copyFileSync(join(CERTS, 'server.key'), key)
  copyFileSync(join(CERTS, 'server.crt'), cert)
  const { gateway } = await buildGateway(t, { config: { https: { key, cert } } })
  const port = gateway.httpsPort()!
  const before = await tlsConnect(port)
  t.equal(before.getPeerX509Certificate()?.publicKey.asymmetricKeyType, 'ec')

  copyFileSync(join(CERTS, 'server-rsa.key'), key)
  copyFileSync(join(CERTS, 'server-rsa.crt'), cert)
  t.same(gateway.reload().problems, [])
  const after = await tlsConnect(port)
  t.equal(after.getPeerX509Certificate()?.publicKey.asymmetricKeyType, 'rsa', 'new connections get the new certificate')
  after.destroy()
  before.destroy()

  writeFileSync(key, 'not a key')
  t.match(gateway.reload().problems, [/TLS reload failed/], 'a broken key is reported')
  const still = await tlsConnect(port)
  t.equal(still.getPeerX509Certificate()?.publicKey.asymmetricKeyType, 'rsa', 'and the last good context stays in effect')
  still.destroy()
})

t.test('a request in flight during a reload finishes; its connection then closes, so the next one handshakes anew', async t => {
  const { gateway } = await buildGateway(t)
  const port = gateway.httpsPort()!
  const agent = new Agent({ ...clientTls(), servername: 'localhost', keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  const warm = await agentCall(agent, port, { path: '/v1/openapi.json' })
  t.equal(warm.status, 200)

  const body = interchange()
  const seen = new Promise<void>(resolve => gateway.https!.app.server.once('request', () => resolve()))
  const first = new Promise<{ status: number, connection: string | undefined, socket: TLSSocket }>((resolve, reject) => {
    const headers = { 'content-type': 'application/edifact', 'content-length': String(body.length) }
    const req = request({ host: '127.0.0.1', port, agent, method: 'POST', path: '/v1/transmissions', headers }, res => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, socket: res.socket as TLSSocket }))
    })
    req.on('error', reject)
    req.write(body.subarray(0, 100))
    seen.then(() => {
      t.same(gateway.reload().problems, [], 'reloaded while the request is in flight')
      req.end(body.subarray(100))
    })
  })
  const res = await first
  t.equal(res.status, 200, 'the request in flight is served')
  t.equal(res.socket, warm.socket, 'on the connection from before the reload')
  t.equal(res.connection, 'close', 'and that connection is closed after the reply')
  const next = await agentCall(agent, port, { path: '/v1/openapi.json' })
  t.not(next.socket, warm.socket, 'the next request comes on a new connection')
  t.notOk(next.sessionReused, 'with a full handshake under the new TLS context')
})
