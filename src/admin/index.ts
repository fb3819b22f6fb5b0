/**
 * The admin listener (loopback by default): health, Prometheus metrics and the operations desk's
 * read-only views. Metadata only (invariant 4). When `admin.token` is set, /admin/* needs
 * `Authorization: Bearer <token>`; /metrics and /health stay open for scrapers and probes.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { timingSafeEqual } from 'node:crypto'
import type { Logger } from 'pino'
import type { GatewayConfig } from '../config/index.js'
import { resolveSecret } from '../config/index.js'
import type { AgreementStore } from '../agreements/store.js'
import type { Ledger } from '../ledger/index.js'
import type { Metrics } from '../metrics/index.js'
import { sendProblem } from '../channels/https/problem.js'
import { carrierOverview } from './carriers.js'

export interface AdminDeps {
  config: GatewayConfig
  agreements: AgreementStore
  ledger: Ledger
  metrics: Metrics
  logger: Logger
  /** Readiness with the reason for each part, for /health/ready. */
  readiness: () => { ready: boolean, checks: Record<string, boolean> }
  /** Extra routes (status page) registered by other modules. */
  extend?: (app: FastifyInstance) => Promise<void>
}

export interface AdminServer {
  start (): Promise<void>
  close (): Promise<void>
  port (): number | null
  readonly app: FastifyInstance
}

function tokenMatches (header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') === true ? header.slice(7) : '')
  const want = Buffer.from(token)
  return given.length === want.length && timingSafeEqual(given, want)
}

export function createAdmin (deps: AdminDeps): AdminServer {
  const { config, ledger, metrics } = deps
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) })
  const token = config.admin.token === null ? null : resolveSecret(config.admin.token)
  let listening = false

  app.addHook('onRequest', async (req, reply) => {
    if (token !== null && req.url.startsWith('/admin') && !tokenMatches(req.headers.authorization, token)) {
      return await sendProblem(reply, 'GW_ERR_ADMIN_UNAUTHORIZED')
    }
  })
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, 'GW_ERR_INTAKE_NO_ROUTE'))
  app.get('/health/live', async () => ({ status: 'ok' }))
  app.get('/health/ready', async (_req, reply) => {
    const r = deps.readiness()
    metrics.ready.set(r.ready ? 1 : 0)
    return await reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', checks: r.checks })
  })
  app.get('/metrics', async (_req, reply) => {
    metrics.ledgerRows.set(await ledger.size().catch(() => -1))
    return await reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
  app.get('/admin/carriers', async () => ({ carriers: await carrierOverview(deps.agreements.current().all, ledger) }))
  app.get('/admin/transmissions', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          carrier: { type: 'string', maxLength: 3 },
          ref: { type: 'string', maxLength: 35 },
          outcome: { enum: ['accepted', 'accepted_with_warnings', 'duplicate', 'rejected', 'retry'] },
          since: { type: 'string', format: 'date-time' },
          limit: { type: 'integer', minimum: 1, maximum: 10000 }
        }
      }
    }
  }, async req => {
    const q = req.query as { carrier?: string, ref?: string, outcome?: 'accepted', since?: string, limit?: number }
    return { transmissions: await ledger.list({ carrier: q.carrier, reference: q.ref, outcome: q.outcome, since: q.since, limit: q.limit }) }
  })
  const extended = deps.extend?.(app) ?? Promise.resolve()

  return {
    app,
    async start () {
      await extended
      await app.listen({ host: config.admin.host, port: config.admin.port })
      listening = true
    },
    async close () { listening = false; await app.close() },
    port: () => listening ? (app.server.address() as { port: number }).port : null
  }
}
