// Shared pieces of the HTTPS hardening tests: the example interchange re-addressed per carrier,
// agreements for a second carrier, raw TLS connections, and the refusal shape every problem+json
// answer must have (RFC 9457 members, a catalogue code, no input echoed, no internals).
import type { Test } from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import { Agent, request } from 'node:https'
import { exampleAgreement, fingerprintOf, clientTls } from '../../helpers/gateway.js'
import { readResponse, type Response } from '../../helpers/https-client.js'

export { metricValue, waitFor } from '../../helpers/gateway.js'

export const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'xa-paxlst.edi'))
/** Values from inside the example's segments (passenger data): never in a reply, log or metric. */
export const EXAMPLE_PASSENGER = ['SPECIMEN', 'ALEX', 'X0000001', '800101']

let seq = 0
/** The example with another UNB sender and a fresh interchange reference (so never a duplicate). */
export function interchange (sender = 'XAAPI', reference?: string): Buffer {
  const ref = reference ?? `R${Date.now().toString(36).toUpperCase().slice(-8)}${(++seq).toString(36).toUpperCase()}`
  return Buffer.from(EXAMPLE.toString('latin1').replace('+XAAPI+', `+${sender}+`).replaceAll('XA0000000217', ref), 'latin1')
}

/** A second carrier, XB, on its own certificate. */
export function xbAgreement (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return exampleAgreement({
    code: 'XB',
    name: 'Example Bravo',
    senderIds: ['XBAPI'],
    channels: { https: { certificates: [fingerprintOf('xb-client')] } },
    ...overrides
  })
}

/** Internals that must never reach a carrier: stack frames, file paths, module names. */
const INTERNALS = [/\bat .+\(.+:\d+:\d+\)/, /\/(work|home|tmp|usr|app)\//, /node_modules/, /\.(ts|js):\d+/, /"stack"/, /Error:/]

/**
 * Asserts a refusal: status, `application/problem+json`, exactly the RFC 9457 members plus the
 * catalogue code (and our own transmission id / public findings), and that neither an input value
 * nor an internal detail appears anywhere in the body.
 */
export function assertProblem (t: Test, res: Response, status: number, code: string, inputs: readonly string[] = []): void {
  t.equal(res.status, status, `status ${status}`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, 'problem+json')
  const body = res.json() as Record<string, unknown>
  t.match(body, { type: `urn:carrier-gateway:error:${code}`, title: String, status, code })
  t.same(
    Object.keys(body).filter(k => !['type', 'title', 'status', 'code', 'transmissionId', 'errors', 'detail', 'accept'].includes(k)),
    [],
    'no other members'
  )
  assertNoEcho(t, res.body, inputs)
}

export function assertNoEcho (t: Test, body: string, inputs: readonly string[]): void {
  for (const v of inputs) t.notOk(body.includes(v), `the body does not echo ${JSON.stringify(v.slice(0, 20))}`)
  for (const re of INTERNALS) t.notOk(re.test(body), `no internals (${String(re)})`)
}

/** The API-relevant helmet headers, present on every reply (refusals included). */
export function assertSecurityHeaders (t: Test, res: Response, what: string): void {
  t.match(res.headers['strict-transport-security'], /max-age=\d+/, `${what}: HSTS`)
  t.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`)
  t.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'", `${what}: CSP`)
  t.equal(res.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`)
  t.equal(res.headers['cache-control'], 'no-store', `${what}: no-store`)
}

/** A raw TLS connection to the gateway; resolves on secureConnect, rejects on any failure. */
export async function tlsConnect (port: number, opts: ConnectionOptions & { name?: string | null } = {}): Promise<TLSSocket> {
  const { name, ...rest } = opts
  const creds = name === null ? { ca: clientTls().ca } : clientTls(name ?? 'xa-client')
  return await new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...creds, ...rest })
    socket.once('secureConnect', () => { socket.removeListener('error', reject); resolve(socket) })
    socket.once('error', reject)
    socket.once('close', () => reject(new Error('closed before the handshake completed')))
  })
}

/** A keep-alive agent holding one connection with an example certificate (and its TLS sessions). */
export function keepAliveAgent (name = 'xa-client', extra: Record<string, unknown> = {}): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1, ...clientTls(name), servername: 'localhost', ...extra })
}

export interface AgentResponse extends Response {
  /** The TLS socket that carried the request (compare to tell connections apart). */
  socket: TLSSocket
  sessionReused: boolean
}

/** One request through `agent` (connections and TLS sessions reused as the agent decides). */
export async function agentCall (
  agent: Agent,
  port: number,
  opts: { path?: string, body?: Buffer, contentType?: string, accept?: string } = {}
): Promise<AgentResponse> {
  return await new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      agent,
      method: opts.body === undefined ? 'GET' : 'POST',
      path: opts.path ?? '/v1/transmissions',
      headers: {
        ...(opts.body !== undefined
          ? { 'content-type': opts.contentType ?? 'application/edifact', 'content-length': String(opts.body.length) }
          : {}),
        ...(opts.accept !== undefined ? { accept: opts.accept } : {})
      }
    }, res => {
      const socket = res.socket as TLSSocket
      readResponse(r => resolve({ ...r, socket, sessionReused: socket.isSessionReused() }), reject)(res)
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** A POST with exactly these headers (nothing added); the body is written in chunks when no Content-Length is given. */
export async function rawPost (port: number, body: Buffer, headers: Record<string, string>, name = 'xa-client'): Promise<Response> {
  return await new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        servername: 'localhost',
        ...clientTls(name),
        agent: false,
        method: 'POST',
        path: '/v1/transmissions',
        headers
      },
      readResponse(resolve, reject)
    )
    req.on('error', reject)
    for (let i = 0; i < body.length; i += 256) req.write(body.subarray(i, i + 256))
    req.end()
  })
}
