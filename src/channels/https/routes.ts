/**
 * Carrier-facing routes (docs/channels.md "HTTPS API"). The carrier identity was fixed by
 * the onRequest hook; routes only ever see that carrier's own transmissions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Server } from 'node:https'
import type { Ledger, LedgerRow } from '../../ledger/index.js'
import type { ExcludedAgreement, Pipeline, TransmissionResult } from '../../pipeline/types.js'
import type { Agreement } from '../../agreements/schema.js'
import type { ErrorId } from '../../errors.js'
import { sendProblem } from '../../http/problem.js'

export interface RouteDeps {
  pipeline: Pipeline
  ledger: Ledger
  maxMessageBytes: number
  candidatesOf: (req: FastifyRequest) => readonly Agreement[]
}

const STATUS: Record<TransmissionResult['outcome'], number> = {
  accepted: 200,
  accepted_with_warnings: 200,
  duplicate: 200,
  rejected: 422,
  retry: 503
}

function wantsJson (req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? ''
  return /application\/(json|problem\+json)/.test(accept)
}

function sendResult (req: FastifyRequest, reply: FastifyReply, r: TransmissionResult): FastifyReply {
  reply.header('X-Transmission-Id', r.transmissionId).header('X-Outcome', r.outcome)
  if (r.retryAfterSeconds !== null) reply.header('Retry-After', String(r.retryAfterSeconds))
  if (r.refusal !== null) {
    // A known carrier whose bytes had no readable envelope also learns where reading stopped:
    // the public findings (codes and positions, never a value) as a problem+json extension.
    const errors = r.carrier !== null && r.refusal.status === 400 ? r.json.errors : undefined
    const extensions = { transmissionId: r.transmissionId, errors }
    return sendProblem(reply, r.refusal.id as ErrorId, r.refusal.status, r.retryAfterSeconds ?? undefined, extensions)
  }
  const status = STATUS[r.outcome]
  if (r.outcome === 'retry') return sendProblem(reply, 'GW_ERR_FORWARD_UNAVAILABLE', 503, r.retryAfterSeconds ?? 30)
  if (wantsJson(req) || r.ack === null || r.ack.kind === 'json') return reply.code(status).type('application/json').send(r.json)
  return reply.code(status).type(r.ack.contentType).send(r.ack.body)
}

function view (row: LedgerRow): Record<string, unknown> {
  return {
    transmissionId: row.id,
    outcome: row.outcome,
    status: row.status,
    channel: row.channel,
    receivedAt: row.receivedAt,
    forwardedAt: row.forwardedAt,
    acknowledgedAt: row.acknowledgedAt,
    interchange: { sender: row.sender, recipient: row.recipient, reference: row.reference, preparedAt: row.preparedAt },
    messageType: row.messageType,
    messageVersion: row.messageVersion,
    messages: row.messageRefs,
    errorCodes: row.errorCodes,
    duplicateOf: row.duplicateOf,
    correction: row.correction,
    releasedAt: row.releasedAt,
    releasedBy: row.releasedBy,
    ackKind: row.ackKind,
    ack: row.ack
  }
}

const transmissionSchema = {
  type: 'object',
  additionalProperties: true,
  properties: { transmissionId: { type: 'string' }, outcome: { type: 'string' } }
}

export function registerRoutes (app: FastifyInstance<Server>, deps: RouteDeps): void {
  app.post('/v1/transmissions', {
    bodyLimit: deps.maxMessageBytes,
    schema: {
      summary: 'Send one interchange (PAXLST or PNRGOV EDIFACT)',
      consumes: ['application/edifact', 'text/plain', 'application/octet-stream'],
      produces: ['application/edifact', 'application/json'],
      response: {
        200: { description: 'accepted, accepted with warnings, or duplicate: the ack', ...transmissionSchema },
        422: { description: 'rejected: the negative ack', ...transmissionSchema }
      }
    }
  }, async (req, reply) => {
    const body = req.body as Buffer | undefined
    if (!Buffer.isBuffer(body) || body.length === 0) return sendProblem(reply, 'GW_ERR_INTAKE_EMPTY_BODY')
    // Size and concurrency limits are the pipeline's admission, the same for every channel.
    const r = await deps.pipeline.process({
      channel: 'https',
      bytes: body,
      candidates: deps.candidatesOf(req),
      excluded: req.excludedCarriers ?? [],
      receivedAt: new Date(req.receivedAt ?? Date.now()),
      sourceRef: req.id
    })
    return sendResult(req, reply, r)
  })

  app.get('/v1/transmissions/:id', {
    schema: {
      summary: 'One of your transmissions by id',
      params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
      response: { 200: transmissionSchema }
    }
  }, async (req, reply) => {
    const { id } = req.params as { id: string }
    const codes = new Set(deps.candidatesOf(req).map(c => c.code))
    const row = await deps.ledger.get(id)
    // Another carrier's transmission is indistinguishable from a missing one (docs/architecture.md "Invariants", 3).
    if (row === null || row.carrier === null || !codes.has(row.carrier)) return sendProblem(reply, 'GW_ERR_INTAKE_NOT_FOUND')
    return await reply.send(view(row))
  })

  app.get('/v1/transmissions', {
    schema: {
      summary: 'Your transmissions with a UNB interchange control reference',
      querystring: {
        type: 'object',
        properties: { reference: { type: 'string', minLength: 1, maxLength: 35 } },
        required: ['reference'],
        additionalProperties: false
      }
    }
  }, async (req, reply) => {
    const { reference } = req.query as { reference: string }
    const rows: LedgerRow[] = []
    for (const c of deps.candidatesOf(req)) rows.push(...await deps.ledger.list({ carrier: c.code, reference, limit: 100 }))
    // None of yours with that reference: 404, the same answer whether another carrier used it or
    // nobody did (docs/architecture.md "Invariants", 3: a carrier learns nothing about others' references).
    if (rows.length === 0) return sendProblem(reply, 'GW_ERR_INTAKE_NOT_FOUND')
    rows.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
    return await reply.send({ transmissions: rows.map(view) })
  })
}

/** `req.receivedAt` is set in onRequest so receipt time includes body upload. */
declare module 'fastify' {
  interface FastifyRequest { receivedAt?: number, carriers?: readonly Agreement[], excludedCarriers?: readonly ExcludedAgreement[] }
}
