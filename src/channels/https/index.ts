/**
 * The HTTPS mutual-TLS channel on Fastify 5 with Node's https options. The TLS layer requests a
 * client certificate but lets every handshake through (`rejectUnauthorized: false`); the onRequest
 * hook then decides with a reason the carrier can act on (401/403 problem+json). Handshake
 * failures are counted and logged once per peer address per minute, never per byte.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import type { Server } from 'node:https'
import type { TLSSocket } from 'node:tls'
import type { Channel, ChannelDeps } from '../channel.js'
import type { Ledger } from '../../ledger/index.js'
import type { Agreement } from '../../agreements/schema.js'
import { createIdentityCache } from './identity.js'
import { problemOf, sendProblem } from './problem.js'
import { registerRoutes } from './routes.js'
import { secureContextOptions } from './tls.js'

export interface HttpsChannel extends Channel {
  port (): number | null
  /** Re-reads certificates and the CRL (SIGHUP) without dropping connections. */
  reloadTls (): void
  readonly app: FastifyInstance<Server>
}

const MEDIA_TYPES = ['application/edifact', 'text/plain', 'application/octet-stream']

export function createHttpsChannel (deps: ChannelDeps & { ledger: Ledger }): HttpsChannel {
  const { config, agreements, metrics, logger } = deps
  const https = config.https
  const app = Fastify<Server>({
    https: { ...secureContextOptions(https), requestCert: true, rejectUnauthorized: false },
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.limits.maxMessageBytes,
    requestTimeout: https.requestTimeoutMs,
    keepAliveTimeout: https.keepAliveTimeoutMs,
    connectionTimeout: https.requestTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle'
  })
  app.server.headersTimeout = https.headersTimeoutMs
  app.server.maxConnections = https.maxConnections
  const identityOf = createIdentityCache(() => agreements.current())
  const recentlyLogged = new Map<string, number>()

  app.server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
    const reason = (err.code ?? 'handshake_failed').toLowerCase()
    metrics.tlsFailures.inc({ reason })
    const peer = socket.remoteAddress ?? 'unknown'
    const now = Date.now()
    if ((recentlyLogged.get(peer) ?? 0) < now - 60_000) {
      if (recentlyLogged.size > 10_000) recentlyLogged.clear()
      recentlyLogged.set(peer, now)
      logger.warn({ peer, reason }, 'TLS handshake failed')
    }
    socket.destroy()
  })

  for (const type of MEDIA_TYPES) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
  }

  app.addHook('onRequest', async (req, reply) => {
    req.receivedAt = Date.now()
    const id = identityOf(req.raw.socket as TLSSocket)
    if (!id.ok) {
      metrics.tlsFailures.inc({ reason: id.reason })
      return await sendProblem(reply, id.error)
    }
    req.carriers = id.candidates
  })

  const candidatesOf = (req: FastifyRequest): readonly Agreement[] => req.carriers ?? []
  const carrierKey = (req: FastifyRequest): string => candidatesOf(req).map(c => c.code).join('+') || 'unknown'

  app.setErrorHandler((err: { code?: string, statusCode?: number }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, 'GW_ERR_INTAKE_TOO_LARGE')
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return sendProblem(reply, 'GW_ERR_INTAKE_MEDIA_TYPE')
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendProblem(reply, 'GW_ERR_INTAKE_EMPTY_BODY')
    if (err.statusCode === 429) return sendProblem(reply, 'GW_ERR_INTAKE_RATE_LIMITED', 429)
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return sendProblem(reply, 'GW_ERR_INTAKE_BAD_REQUEST', 400)
    req.log.error({ err: { code: err.code } }, 'request failed')
    return sendProblem(reply, 'GW_ERR_INTAKE_INTERNAL', 500)
  })
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, 'GW_ERR_INTAKE_NO_ROUTE'))

  let started = false
  const ready = (async () => {
    await app.register(helmet, {
      // An API: nothing is rendered, so nothing may be loaded or framed.
      contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      crossOriginResourcePolicy: { policy: 'same-origin' }
    })
    await app.register(rateLimit, {
      global: true,
      // After onRequest, so the key is the carrier the certificate proved, never an address.
      hook: 'preParsing',
      keyGenerator: carrierKey,
      max: (req: FastifyRequest) => Math.min(...candidatesOf(req).map(c => c.limits.requestsPerMinute), Number.MAX_SAFE_INTEGER),
      timeWindow: 60_000,
      errorResponseBuilder: (req, ctx) => {
        metrics.rateLimited.inc({ carrier: carrierKey(req) })
        return { ...problemOf('GW_ERR_INTAKE_RATE_LIMITED', 429), statusCode: 429, retryAfterSeconds: Math.ceil(ctx.ttl / 1000) }
      }
    })
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Carrier connectivity gateway: carrier API', version: '1.0.0', description: 'Mutual TLS required: the client certificate identifies the carrier.' }
      }
    })
    registerRoutes(app, { pipeline: deps.pipeline, ledger: deps.ledger, maxMessageBytes: config.limits.maxMessageBytes, maxConcurrent: config.limits.maxConcurrent, candidatesOf })
    app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  })()

  return {
    name: 'https',
    app,
    async start () {
      await ready
      await app.listen({ host: https.host, port: https.port })
      started = true
      logger.info({ port: (app.server.address() as { port: number }).port }, 'HTTPS channel listening')
    },
    async stop () {
      started = false
      await ready.catch(() => {})
      await app.close()
    },
    healthy: () => started,
    port: () => started ? (app.server.address() as { port: number }).port : null,
    reloadTls () {
      app.server.setSecureContext({ ...secureContextOptions(https) })
    }
  }
}
