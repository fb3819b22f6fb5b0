// Connection-level abuse (docs/security.md "Limits"): headers dripped slowly are cut off by
// https.headersTimeoutMs, a silent TCP connection by the same deadline on the handshake, and
// https.maxConnections bounds simultaneous connections. Hang guards only, no timed assertions.
import t from 'tap'
import { connect as netConnect } from 'node:net'
import { buildGateway } from '../../helpers/gateway.js'
import { call } from '../../helpers/https-client.js'
import { interchange, metricValue, tlsConnect, waitFor } from './fixtures.js'

t.test('headers dripped slowly are cut off with 408 problem+json by headersTimeoutMs', async t => {
  const { gateway } = await buildGateway(t, { config: { https: { headersTimeoutMs: 1000, requestTimeoutMs: 60_000 } } })
  const socket = await tlsConnect(gateway.httpsPort()!)
  const received: Buffer[] = []
  socket.on('data', (d: Buffer) => received.push(d))
  const state = { open: true }
  const closed = new Promise<void>(resolve => socket.once('close', () => { state.open = false; resolve() }))
  socket.write('POST /v1/transmissions HTTP/1.1\r\nHost: localhost\r\n')
  // One header line every 100 ms, for ever (each one well inside any idle timeout): only the
  // whole-headers deadline can end this. Give up after 30 s (the hang guard).
  let drips = 0
  while (state.open && drips < 300) {
    await new Promise(resolve => setTimeout(resolve, 100))
    if (state.open) socket.write(`X-Drip-${drips++}: a\r\n`)
  }
  await closed
  t.ok(drips < 300, `the server closed the connection (after ${drips} header lines)`)
  const text = Buffer.concat(received).toString('utf8')
  t.match(text, /^HTTP\/1\.1 408 /, '408 Request Timeout')
  t.match(text, /content-type: application\/problem\+json/i)
  t.match(text, /x-content-type-options: nosniff/i, 'security headers below Fastify too')
  t.match(text, /"code":"GW_ERR_INTAKE_TIMEOUT"/)
  t.equal((await call(gateway.httpsPort()!, { body: interchange() })).status, 200, 'carriers are served meanwhile and after')
})

t.test('a TCP connection that never starts the TLS handshake is closed by the same deadline', async t => {
  const { gateway } = await buildGateway(t, { config: { https: { headersTimeoutMs: 1000 } } })
  await new Promise<void>((resolve, reject) => {
    const s = netConnect(gateway.httpsPort()!, '127.0.0.1')
    s.resume()
    const guard = setTimeout(() => { s.destroy(); reject(new Error('never closed')) }, 30_000)
    s.on('error', () => {})
    s.on('close', () => { clearTimeout(guard); resolve() })
  })
  await waitFor(
    'the timeout counted',
    async () => (await metricValue(gateway, 'carrier_gateway_tls_handshake_failures_total', { reason: 'err_tls_handshake_timeout' })) === 1
  )
  t.pass('closed and counted as err_tls_handshake_timeout')
})

t.test('a TLS connection that never sends a request is closed by the same deadline', async t => {
  const { gateway } = await buildGateway(t, { config: { https: { headersTimeoutMs: 1000 } } })
  const socket = await tlsConnect(gateway.httpsPort()!)
  socket.resume()
  await new Promise<void>((resolve, reject) => {
    const guard = setTimeout(() => { socket.destroy(); reject(new Error('never closed')) }, 30_000)
    socket.on('error', () => {})
    socket.on('close', () => { clearTimeout(guard); resolve() })
  })
  t.pass('closed: an idle connection cannot hold a slot for longer than headersTimeoutMs')
})

t.test('https.maxConnections: the connection over the limit is refused; a freed slot is usable again', async t => {
  const { gateway, logs } = await buildGateway(t, { config: { https: { maxConnections: 2 } } })
  const port = gateway.httpsPort()!
  const a = await tlsConnect(port)
  const b = await tlsConnect(port)
  t.teardown(() => { a.destroy(); b.destroy() })
  await t.rejects(tlsConnect(port), 'the third connection is dropped')
  await waitFor(
    'the drop counted',
    async () => (await metricValue(gateway, 'carrier_gateway_tls_handshake_failures_total', { reason: 'connection_limit' })) >= 1
  )
  t.ok(logs.records().some(r => r.msg === 'connection refused: https.maxConnections reached'), 'logged')
  a.destroy()
  await waitFor(
    'the slot is freed',
    async () => await new Promise<boolean>(resolve => gateway.https!.app.server.getConnections((_e, n) => resolve(n < 2)))
  )
  t.equal((await call(port, { body: interchange() })).status, 200, 'a new connection gets through')
})
