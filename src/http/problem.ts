/**
 * RFC 9457 problem details for refusals. The body names the catalogue id and its fixed text: never
 * an input value, a stack trace or an internal path (invariant 5). Extension members carry only
 * what the gateway made itself (the transmission id) or public findings (codes and positions).
 */
import type { FastifyReply } from 'fastify'
import type { Socket } from 'node:net'
import { STATUS_CODES } from 'node:http'
import { ERRORS, type ErrorId } from '../errors.js'
import type { PublicFinding } from '../transmission/index.js'

export interface Problem {
  type: string
  title: string
  status: number
  code: string
  transmissionId?: string
  /** Where the envelope could not be read (codes and positions only). */
  errors?: PublicFinding[]
  /** What to send instead, in words (RFC 9457 `detail`): the gateway's own text, never input. */
  detail?: string
  /** On a 415: the media types the route takes (also in the `Accept` header, RFC 9110 §15.5.16). */
  accept?: string[]
}

export interface ProblemExtras {
  transmissionId?: string
  errors?: PublicFinding[]
  /** Media types the route takes; answers name them in `accept`, `detail` and the `Accept` header. */
  accept?: readonly string[]
}

const PROBLEM_TYPE = 'application/problem+json'

export function problemOf (id: ErrorId, status = ERRORS[id].http, extras: ProblemExtras = {}): Problem {
  return {
    type: `urn:carrier-gateway:error:${id}`,
    title: ERRORS[id].text,
    status,
    code: id,
    ...(extras.transmissionId !== undefined ? { transmissionId: extras.transmissionId } : {}),
    ...(extras.errors !== undefined ? { errors: extras.errors } : {}),
    ...(extras.accept !== undefined ? { detail: `send the body as ${extras.accept.join(', ')}`, accept: [...extras.accept] } : {})
  }
}

export function sendProblem (
  reply: FastifyReply, id: ErrorId, status = ERRORS[id].http, retryAfter?: number, extras: ProblemExtras = {}
): FastifyReply {
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter))
  if (extras.accept !== undefined) reply.header('Accept', extras.accept.join(', '))
  return reply.code(status).type(PROBLEM_TYPE).send(problemOf(id, status, extras))
}

/**
 * Headers for replies written below Fastify (HTTP parser errors, header timeouts), where helmet
 * does not run: the same API-relevant set helmet sends on every Fastify reply.
 */
const RAW_SECURITY_HEADERS = [
  "Content-Security-Policy: default-src 'none';frame-ancestors 'none'",
  'Strict-Transport-Security: max-age=31536000; includeSubDomains',
  'X-Content-Type-Options: nosniff',
  'X-Frame-Options: DENY',
  'Cross-Origin-Resource-Policy: same-origin',
  'Referrer-Policy: no-referrer',
  'Cache-Control: no-store'
]

/** HTTP parser failures the gateway answers (others: the socket is just closed). */
function clientErrorId (code: string | undefined): { id: ErrorId, status: number } | null {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { id: 'GW_ERR_INTAKE_TIMEOUT', status: 408 }
  if (code === 'HPE_HEADER_OVERFLOW') return { id: 'GW_ERR_INTAKE_HEADERS_TOO_LARGE', status: 431 }
  if (code?.startsWith('HPE_') === true) return { id: 'GW_ERR_INTAKE_BAD_REQUEST', status: 400 }
  return null
}

/**
 * Fastify `clientErrorHandler`: malformed HTTP and header timeouts get a problem+json with the
 * security headers, then the connection closes. TLS handshake failures also arrive here (Node's
 * https server re-emits `tlsClientError` as `clientError`): nothing can be written on a socket
 * that never finished its handshake, so it is only destroyed; the channel counts and logs them.
 */
export function clientErrorHandler (err: NodeJS.ErrnoException, socket: Socket): void {
  if (socket.destroyed) return
  const known = clientErrorId(err.code)
  if (known !== null && socket.writable) {
    const body = JSON.stringify(problemOf(known.id, known.status))
    socket.write([
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status] ?? 'Error'}`,
      `Content-Type: ${PROBLEM_TYPE}`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      ...RAW_SECURITY_HEADERS,
      '',
      body
    ].join('\r\n'))
  }
  socket.destroy()
}
