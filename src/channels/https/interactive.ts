/**
 * `POST /v1/interactive` (docs/interactive.md "Carrier side"): a PAXLST iAPI request in, the
 * CUSRES out (`application/edifact`), or its JSON form with `Accept: application/json`. Same
 * mutual-TLS identity as `/v1/transmissions`; a request failing the checks gets the negative
 * CONTRL with 422; a timeout answers per the agreement's `interactive.onTimeout`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Server } from 'node:https'
import type { Agreement } from '../../agreements/schema.js'
import type { InteractivePipeline, InteractiveResult } from '../../pipeline/index.js'
import type { ExcludedAgreement } from '../../pipeline/types.js'
import { sendProblem } from '../../http/problem.js'

export interface InteractiveRouteDeps {
  interactive: InteractivePipeline
  maxMessageBytes: number
  candidatesOf: (req: FastifyRequest) => readonly Agreement[]
  excludedOf: (req: FastifyRequest) => readonly ExcludedAgreement[]
}

function wantsJson (req: FastifyRequest): boolean {
  return /application\/json/.test(req.headers.accept ?? '')
}

function sendAnswer (req: FastifyRequest, reply: FastifyReply, r: InteractiveResult): FastifyReply {
  reply.header('X-Transmission-Id', r.transmissionId).header('X-Outcome', r.outcome)
  if (r.refusal !== null) {
    const retry = r.refusal.id === 'GW_ERR_INTAKE_OVERLOADED' ? 5 : undefined
    return sendProblem(reply, r.refusal.id, r.refusal.status, retry, { transmissionId: r.transmissionId })
  }
  if (r.outcome === 'rejected') {
    if (wantsJson(req) || r.ack === null) return reply.code(422).type('application/json').send(r.rejection)
    return reply.code(422).type(r.ack.contentType).send(r.ack.body)
  }
  if (wantsJson(req)) return reply.code(r.status).type('application/json').send(r.json)
  return reply.code(r.status).type('application/edifact').send(r.cusres)
}

export function registerInteractiveRoute (app: FastifyInstance<Server>, deps: InteractiveRouteDeps): void {
  app.post('/v1/interactive', {
    bodyLimit: deps.maxMessageBytes,
    schema: {
      summary: 'Ask for board / no-board decisions (PAXLST iAPI request, BGM 745 or 266)',
      consumes: ['application/edifact', 'text/plain', 'application/octet-stream'],
      produces: ['application/edifact', 'application/json']
    }
  }, async (req, reply) => {
    const body = req.body as Buffer | undefined
    if (!Buffer.isBuffer(body) || body.length === 0) return sendProblem(reply, 'GW_ERR_INTAKE_EMPTY_BODY')
    const r = await deps.interactive.process({
      channel: 'https',
      bytes: body,
      candidates: deps.candidatesOf(req),
      excluded: deps.excludedOf(req),
      receivedAt: new Date(req.receivedAt ?? Date.now())
    })
    return sendAnswer(req, reply, r)
  })
}
