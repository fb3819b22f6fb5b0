/**
 * Messages from the PIU, fetched by the carrier (docs/outbound.md "HTTPS"): `GET /v1/messages`
 * answers the carrier's own pending messages, oldest first, or waits up to `?wait=SECONDS` for one
 * (long-poll; an empty list when the wait ends), and `POST /v1/messages/{id}/ack` confirms one so it
 * is not fetched again. A message stays pending (and is fetched again) until it is confirmed, so a
 * reply lost on the way costs nothing. Another carrier's message id answers 404 like a missing one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Server } from 'node:https'
import type { Agreement } from '../../agreements/schema.js'
import { sendProblem } from '../../http/problem.js'
import type { CarrierOutbox } from '../channel.js'

export interface MessagesRouteDeps {
  outbox: CarrierOutbox
  candidatesOf: (req: FastifyRequest) => readonly Agreement[]
}

/** Longest long-poll: below the usual 60 s idle timeout of proxies and load balancers. */
export const MAX_WAIT_SECONDS = 50
const MAX_BATCH = 100

export function registerMessagesRoutes (app: FastifyInstance<Server>, deps: MessagesRouteDeps): void {
  app.get('/v1/messages', {
    schema: {
      summary: 'Your pending messages from the PIU, oldest first (long-poll with ?wait=SECONDS)',
      querystring: {
        type: 'object',
        properties: {
          wait: { type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0 },
          limit: { type: 'integer', minimum: 1, maximum: MAX_BATCH, default: MAX_BATCH }
        },
        additionalProperties: false
      }
    }
  }, async (req, reply) => {
    const { wait, limit } = req.query as { wait: number, limit: number }
    const codes = deps.candidatesOf(req).map(c => c.code)
    // A carrier that hangs up ends its wait: nothing is held for a closed connection.
    const gone = new AbortController()
    req.raw.once('close', () => gone.abort())
    const messages = await deps.outbox.fetch(codes, wait * 1000, limit, gone.signal)
    return await reply.header('cache-control', 'no-store').send({ messages })
  })

  app.post('/v1/messages/:id/ack', {
    schema: {
      summary: 'Confirm one of your messages from the PIU; it is not fetched again',
      params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['id'] }
    }
  }, async (req, reply) => {
    const { id } = req.params as { id: string }
    const ok = await deps.outbox.ack(deps.candidatesOf(req).map(c => c.code), id)
    if (!ok) return sendProblem(reply, 'GW_ERR_OUTBOUND_NOT_FOUND')
    return await reply.send({ id, state: 'fetched' })
  })
}
