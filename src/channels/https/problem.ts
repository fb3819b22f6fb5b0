/**
 * RFC 9457 problem details for refusals. The body names the catalogue id and its fixed text: never
 * an input value, a stack trace or an internal path (invariant 5).
 */
import type { FastifyReply } from 'fastify'
import { ERRORS, type ErrorId } from '../../errors.js'

export interface Problem {
  type: string
  title: string
  status: number
  code: string
  transmissionId?: string
}

export function problemOf (id: ErrorId, status = ERRORS[id].http, transmissionId?: string): Problem {
  return { type: `urn:carrier-gateway:error:${id}`, title: ERRORS[id].text, status, code: id, ...(transmissionId !== undefined ? { transmissionId } : {}) }
}

export function sendProblem (reply: FastifyReply, id: ErrorId, status = ERRORS[id].http, retryAfter?: number): FastifyReply {
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter))
  return reply.code(status).type('application/problem+json').send(problemOf(id, status))
}
