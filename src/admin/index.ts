/**
 * The admin listener (loopback by default): health, Prometheus metrics and the operations desk's
 * read-only views. Metadata only (invariant 4). When `admin.token` is set, /admin/* needs
 * `Authorization: Bearer <token>`; without a token /admin/* answers loopback peers only. /metrics
 * and /health stay open for scrapers and probes (they carry no carrier data beyond codes).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Logger } from 'pino'
import type { GatewayConfig } from '../config/index.js'
import { resolveSecret } from '../config/index.js'
import type { AgreementStore } from '../agreements/store.js'
import { OUTBOUND_KINDS, OUTBOUND_STATES, type Ledger, type OutboundKind, type OutboundState } from '../ledger/index.js'
import type { Metrics } from '../metrics/index.js'
import { sendProblem } from '../http/problem.js'
import { carrierOverview } from './carriers.js'
import { CARRIER_CODE, LIST_LIMIT, strictQuery } from './schemas.js'

export interface AdminDeps {
  config: GatewayConfig
  agreements: AgreementStore
  ledger: Ledger
  metrics: Metrics
  logger: Logger
  /** Readiness with the reason for each part, for /health/ready. */
  readiness: () => { ready: boolean, checks: Record<string, boolean> }
  /**
   * When the gateway started (ms); carriers that never sent are "no traffic yet" until their grace
   * passes (src/agreements/expect.ts). @default the time createAdmin ran
   */
  startedAt?: number
  /** Extra routes (status page) registered by other modules. */
  extend?: (app: FastifyInstance) => Promise<void>
}

export interface AdminServer {
  start (): Promise<void>
  close (): Promise<void>
  port (): number | null
  readonly app: FastifyInstance
}

/** Constant-time comparison of the bearer token (hashes first, so the length does not leak). */
export function tokenMatches (header: string | undefined, token: string): boolean {
  const given = header !== undefined && /^Bearer /i.test(header) ? header.slice(7).trim() : ''
  const digest = (v: string): Buffer => createHash('sha256').update(v, 'utf8').digest()
  return given !== '' && timingSafeEqual(digest(given), digest(token))
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback (address: string | undefined): boolean {
  if (address === undefined) return false
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain)
}

/**
 * Whether a request may read an /admin/* view. With a token: only with that bearer token. Without
 * one: only from a loopback peer, so binding the listener to a public address for the metrics
 * scraper or a health probe never exposes the operations desk by accident.
 */
export function adminAllowed (token: string | null, authorization: string | undefined, remoteAddress: string | undefined): boolean {
  return token !== null ? tokenMatches(authorization, token) : isLoopback(remoteAddress)
}

/** Protected paths: by the matched route and by the decoded path, so `/%61dmin/…` is no way round. */
function isAdminPath (routeUrl: string | undefined, rawUrl: string): boolean {
  let path = rawUrl.split('?')[0]
  try { path = decodeURIComponent(path) } catch { /* undecodable: the raw form is checked */ }
  const admin = (p: string): boolean => /^\/+admin(\/|$)/i.test(p)
  return admin(routeUrl ?? '') || admin(path)
}

export function createAdmin (deps: AdminDeps): AdminServer {
  const { config, ledger, metrics } = deps
  const startedAt = deps.startedAt ?? Date.now()
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true })
  })
  const token = config.admin.token === null ? null : resolveSecret(config.admin.token)
  let listening = false

  app.addHook('onRequest', async (req, reply) => {
    reply.header('Cache-Control', 'no-store').header('X-Content-Type-Options', 'nosniff')
    if (isAdminPath(req.routeOptions.url, req.url) && !adminAllowed(token, req.headers.authorization, req.socket.remoteAddress)) {
      if (token !== null) reply.header('WWW-Authenticate', 'Bearer realm="carrier-gateway-admin"')
      return await sendProblem(reply, 'GW_ERR_ADMIN_UNAUTHORIZED')
    }
  })
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, 'GW_ERR_INTAKE_NO_ROUTE'))
  // Fastify's default error body quotes the error message (a store error may name a file path).
  app.setErrorHandler((err: { code?: string, statusCode?: number }, req, reply) => {
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return sendProblem(reply, 'GW_ERR_INTAKE_BAD_REQUEST', 400)
    }
    req.log.error({ errorCode: err.code ?? 'unknown' }, 'admin request failed')
    return sendProblem(reply, 'GW_ERR_INTAKE_INTERNAL', 500)
  })
  app.get('/health/live', async () => ({ status: 'ok' }))
  app.get('/health/ready', async (_req, reply) => {
    const r = deps.readiness()
    metrics.ready.set(r.ready ? 1 : 0)
    return await reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', checks: r.checks })
  })
  app.get('/metrics', async (_req, reply) => {
    // Set on every scrape, so the gauge is true even when nobody polls /health/ready.
    metrics.ready.set(deps.readiness().ready ? 1 : 0)
    metrics.ledgerRows.set(await ledger.size().catch(() => -1))
    return await reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
  app.get('/admin/carriers', async () => {
    return { carriers: await carrierOverview(deps.agreements.current().all, ledger, Date.now(), startedAt) }
  })
  // One ledger row (metadata only, invariant 4): what the status page's failures list links to.
  app.get('/admin/transmissions/:id', {
    schema: { params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9A-Za-z-]{1,64}$' } }, required: ['id'] } }
  }, async (req, reply) => {
    const row = await ledger.get((req.params as { id: string }).id)
    return row === null ? await sendProblem(reply, 'GW_ERR_INTAKE_NO_ROUTE') : row
  })
  app.get('/admin/transmissions', {
    schema: {
      querystring: strictQuery({
        carrier: { type: 'string', maxLength: 3 },
        ref: { type: 'string', maxLength: 35 },
        outcome: { enum: ['accepted', 'accepted_with_warnings', 'duplicate', 'rejected', 'retry'] },
        since: { type: 'string', format: 'date-time' },
        limit: LIST_LIMIT
      })
    }
  }, async req => {
    const q = req.query as { carrier?: string, ref?: string, outcome?: 'accepted', since?: string, limit?: number }
    const rows = await ledger.list({ carrier: q.carrier, reference: q.ref, outcome: q.outcome, since: q.since, limit: q.limit })
    return { transmissions: rows }
  })
  // Messages from the PIU to carriers (docs/outbound.md "Tracking"): metadata only, never a payload.
  app.get('/admin/outbound', {
    schema: {
      querystring: strictQuery({
        carrier: CARRIER_CODE, state: { enum: [...OUTBOUND_STATES] }, kind: { enum: [...OUTBOUND_KINDS] }, limit: LIST_LIMIT
      })
    }
  }, async req => {
    const q = req.query as { carrier?: string, state?: OutboundState, kind?: OutboundKind, limit?: number }
    return { messages: await ledger.outbound.list(q) }
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
