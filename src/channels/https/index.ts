/**
 * The HTTPS mutual-TLS channel on Fastify 5 with Node's https options. The TLS layer requests a
 * client certificate but lets every handshake through (`rejectUnauthorized: false`); the onRequest
 * hook then decides with a reason the carrier can act on (401/403 problem+json). Hook order is
 * part of the security model: helmet first (its headers are on every reply, refusals included),
 * then identity, then the per-carrier size check and rate limit, which need the proven carrier.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify'
import helmet from '@fastify/helmet'
import underPressure from '@fastify/under-pressure'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import type { Server } from 'node:https'
import type { TLSSocket } from 'node:tls'
import type { Channel, ChannelDeps } from '../channel.js'
import type { Ledger } from '../../ledger/index.js'
import type { Agreement } from '../../agreements/schema.js'
import { isGatewayError } from '../../errors.js'
import { createIdentityCache } from './identity.js'
import { clientErrorHandler, problemOf, sendProblem } from '../../http/problem.js'
import { sizeLimitOf } from '../../intake/limits.js'
import { registerRoutes } from './routes.js'
import { registerInteractiveRoute } from './interactive.js'
import { registerMessagesRoutes } from './messages.js'
import { monitorHandshakes, rotateTicketKeys, secureContextOptions } from './tls.js'
import { recordTlsExpiries } from './tls-expiry.js'

export interface HttpsChannel extends Channel {
  port (): number | null
  /** Re-reads certificates and the CRL (SIGHUP) without dropping connections. */
  reloadTls (): void
  /** notAfter of every client certificate seen in a successful identification, by fingerprint. */
  certificateExpiries (): ReadonlyMap<string, Date>
  readonly app: FastifyInstance<Server>
}

/** Seconds a carrier is asked to wait when the gateway sheds load. */
const OVERLOAD_RETRY_SECONDS = 5

const MEDIA_TYPES = ['application/edifact', 'text/plain', 'application/octet-stream']
const RETRY_AFTER_SECONDS = 30
/** A carrier certificate ending within this many days is logged once, so rotation starts in time. */
const EXPIRY_WARNING_DAYS = 30

/**
 * This instance's share of a carrier's agreed requests per minute: the limit is counted per instance
 * (in memory), so with `limits.rateLimitInstances` = N each allows a floor of 1/N, and N instances
 * together never allow more than agreed (docs/scaling.md "Rate limits" says why not a shared counter).
 */
export function perInstanceRate (requestsPerMinute: number, instances: number): number {
  return Math.max(1, Math.floor(requestsPerMinute / instances))
}

/**
 * How often Node looks for connections past `headersTimeout`/`requestTimeout`. Node's default
 * (30 s) would let a slowloris client hold a socket up to 30 s beyond the configured deadline.
 */
function checkingInterval (https: ChannelDeps['config']['https']): number {
  return Math.max(50, Math.min(1000, Math.floor(Math.min(https.headersTimeoutMs, https.requestTimeoutMs) / 4)))
}

export function createHttpsChannel (deps: ChannelDeps & { ledger: Ledger }): HttpsChannel {
  const { config, agreements, metrics, logger } = deps
  const https = config.https
  const app = Fastify<Server>({
    https: {
      ...secureContextOptions(https),
      requestCert: true,
      rejectUnauthorized: false,
      // A client that opens TCP and never completes the handshake is cut off like a slow header.
      handshakeTimeout: https.headersTimeoutMs,
      headersTimeout: https.headersTimeoutMs,
      requestTimeout: https.requestTimeoutMs,
      connectionsCheckingInterval: checkingInterval(https)
    },
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.limits.maxMessageBytes,
    requestTimeout: https.requestTimeoutMs,
    keepAliveTimeout: https.keepAliveTimeoutMs,
    connectionTimeout: https.requestTimeoutMs,
    clientErrorHandler,
    return503OnClosing: true,
    forceCloseConnections: 'idle'
  })
  app.server.headersTimeout = https.headersTimeoutMs
  app.server.maxConnections = https.maxConnections
  monitorHandshakes(app.server, { metrics, logger })
  recordTlsExpiries(https, metrics)
  // Expiry as seen in handshakes (an agreement need not state notAfter): the metric, and one
  // warning per certificate and process when it ends within EXPIRY_WARNING_DAYS.
  const observedExpiry = new Map<string, Date>()
  const identityOf = createIdentityCache(() => agreements.current(), id => {
    if (id.notAfter === null || Number.isNaN(id.notAfter.getTime())) return
    const fingerprint = id.fingerprint.slice(0, 23)
    for (const c of id.candidates) metrics.certificateExpiry.set({ carrier: c.code, fingerprint }, id.notAfter.getTime() / 1000)
    const known = observedExpiry.has(id.fingerprint)
    observedExpiry.set(id.fingerprint, id.notAfter)
    const days = (id.notAfter.getTime() - Date.now()) / 86_400_000
    if (!known && days < EXPIRY_WARNING_DAYS) {
      logger.warn(
        { carriers: id.candidates.map(c => c.code), fingerprint, notAfter: id.notAfter.toISOString(), days: Math.floor(days) },
        'client certificate expires soon'
      )
    }
  })

  // Sockets established under an older TLS context (before a CRL/certificate reload) are served
  // their current request and then closed, so the next request handshakes against the new CRL.
  let tlsGeneration = 0
  const socketGeneration = new WeakMap<object, number>()
  app.server.on('secureConnection', (socket: TLSSocket) => { socketGeneration.set(socket, tlsGeneration) })
  const stale = (socket: object): boolean => (socketGeneration.get(socket) ?? tlsGeneration) < tlsGeneration

  // Only the interchange media types: Fastify's default JSON parser would otherwise turn a JSON
  // body into an object the route reads as "empty" (400) instead of answering 415.
  app.removeAllContentTypeParsers()
  for (const type of MEDIA_TYPES) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
  }

  const candidatesOf = (req: FastifyRequest): readonly Agreement[] => req.carriers ?? []
  const carrierKey = (req: FastifyRequest): string => candidatesOf(req).map(c => c.code).join('+') || 'unknown'

  app.setErrorHandler((err: { code?: string, statusCode?: number }, req, reply) => {
    // A store that cannot answer (ledger closed or down): its catalogue entry, never its message.
    if (isGatewayError(err)) return sendProblem(reply, err.id, err.def.http, err.def.outcome === 'retry' ? RETRY_AFTER_SECONDS : undefined)
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, 'GW_ERR_INTAKE_TOO_LARGE')
    // RFC 9110 §15.5.16: a 415 says which media types would have been taken.
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendProblem(reply, 'GW_ERR_INTAKE_MEDIA_TYPE', undefined, undefined, { accept: MEDIA_TYPES })
    }
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendProblem(reply, 'GW_ERR_INTAKE_EMPTY_BODY')
    if (err.statusCode === 429) return sendProblem(reply, 'GW_ERR_INTAKE_RATE_LIMITED', 429)
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return sendProblem(reply, 'GW_ERR_INTAKE_BAD_REQUEST', 400)
    }
    // The code only: an error message may quote the input (docs/security.md "Logs and metrics").
    req.log.error({ errorCode: err.code ?? 'unknown' }, 'request failed')
    return sendProblem(reply, 'GW_ERR_INTAKE_INTERNAL', 500)
  })
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, 'GW_ERR_INTAKE_NO_ROUTE'))

  let started = false
  const ready = (async () => {
    await app.register(helmet, {
      // An API: nothing is rendered, so nothing may be loaded or framed.
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: 'deny' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      referrerPolicy: { policy: 'no-referrer' }
    })
    // Backpressure (docs/configuration.md `limits.maxEventLoopDelayMs`): when the event loop lags or
    // memory is over its bound, answer 503 at once instead of queueing without limit; the carrier
    // retries after Retry-After.
    const limits = config.limits
    if (limits.maxEventLoopDelayMs > 0 || limits.maxHeapUsedBytes > 0 || limits.maxRssBytes > 0) {
      await app.register(underPressure, {
        maxEventLoopDelay: limits.maxEventLoopDelayMs,
        maxHeapUsedBytes: limits.maxHeapUsedBytes,
        maxRssBytes: limits.maxRssBytes,
        retryAfter: OVERLOAD_RETRY_SECONDS,
        pressureHandler: (_req, reply, type) => {
          metrics.refusals.inc({ channel: 'https', reason: 'GW_ERR_INTAKE_OVERLOADED' })
          logger.warn({ pressure: type }, 'overloaded: refusing new transmissions for now')
          sendProblem(reply, 'GW_ERR_INTAKE_OVERLOADED', 503, OVERLOAD_RETRY_SECONDS)
        }
      })
    }

    app.addHook('onRequest', async (req, reply) => {
      req.receivedAt = Date.now()
      // Replies about carriers' data are never cached by intermediaries or clients.
      reply.header('Cache-Control', 'no-store')
      const socket = req.raw.socket as TLSSocket
      const id = identityOf(socket)
      if (!id.ok) {
        metrics.tlsFailures.inc({ reason: id.reason })
        return await sendProblem(reply, id.error)
      }
      if (stale(socket)) reply.header('Connection', 'close')
      req.carriers = id.candidates
      req.excludedCarriers = id.excluded
    })
    // A request in flight during a reload finishes; its connection closes after the reply.
    app.addHook('onSend', async (req, reply) => { if (stale(req.raw.socket)) reply.header('Connection', 'close') })
    app.addHook('onResponse', async req => { if (stale(req.raw.socket)) req.raw.socket.end() })

    // The agreement's own size limit, from Content-Length before any byte is buffered; a chunked
    // body is checked again in the route once read (it is bounded by the global limit meanwhile).
    app.addHook('preParsing', async (req, reply, payload) => {
      const declared = Number(req.headers['content-length'] ?? NaN)
      if (Number.isFinite(declared) && declared > sizeLimitOf(candidatesOf(req), config.limits)) {
        reply.header('Connection', 'close')
        await sendProblem(reply, 'GW_ERR_INTAKE_TOO_LARGE')
      }
      return payload
    })

    await app.register(rateLimit, {
      global: true,
      // After identity, so the key is the carrier the certificate proved, never an address.
      hook: 'preParsing',
      keyGenerator: carrierKey,
      max: (req: FastifyRequest) => perInstanceRate(
        Math.min(...candidatesOf(req).map(c => c.limits.requestsPerMinute), Number.MAX_SAFE_INTEGER),
        config.limits.rateLimitInstances
      ),
      timeWindow: 60_000,
      errorResponseBuilder: (req, ctx) => {
        metrics.rateLimited.inc({ carrier: carrierKey(req) })
        return { ...problemOf('GW_ERR_INTAKE_RATE_LIMITED', 429), statusCode: 429, retryAfterSeconds: Math.ceil(ctx.ttl / 1000) }
      }
    })
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Carrier connectivity gateway: carrier API',
          version: '1.0.0',
          description: 'Mutual TLS required: the client certificate identifies the carrier.'
        }
      }
    })
    registerRoutes(app, { pipeline: deps.pipeline, ledger: deps.ledger, maxMessageBytes: config.limits.maxMessageBytes, candidatesOf })
    if (deps.interactive !== undefined) {
      registerInteractiveRoute(app, {
        interactive: deps.interactive,
        maxMessageBytes: config.limits.maxMessageBytes,
        candidatesOf,
        excludedOf: req => req.excludedCarriers ?? []
      })
    }
    if (deps.outbox !== undefined) registerMessagesRoutes(app, { outbox: deps.outbox, candidatesOf })
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
    certificateExpiries: () => observedExpiry,
    port: () => started ? (app.server.address() as { port: number }).port : null,
    reloadTls () {
      // Read everything first: a missing or malformed file throws here and the old context stays.
      const options = secureContextOptions(https)
      app.server.setSecureContext(options)
      recordTlsExpiries(https, metrics)
      rotateTicketKeys(app.server)
      tlsGeneration++
      app.server.closeIdleConnections()
    }
  }
}
