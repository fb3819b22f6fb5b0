/**
 * Gateway config schema (`config/gateway.yaml`; every key with its default: docs/configuration.md).
 * The TypeScript type is derived from the schema; ajv applies every default so a minimal file is a
 * complete config.
 */
import { Type, type Static } from '@sinclair/typebox'

/** A secret is never inline: `env:NAME` or `file:PATH` (resolved only when its part is enabled). */
export const SecretRef = Type.String({
  pattern: '^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$',
  errorMessage: 'must be a secret reference, env:NAME or file:PATH (secrets are never inline)'
})

const KeyPair = Type.Object({ key: Type.String({ minLength: 1 }), cert: Type.String({ minLength: 1 }) }, { additionalProperties: false })

const Https = Type.Object({
  enabled: Type.Boolean({ default: true }),
  host: Type.String({ default: '0.0.0.0' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 8443 }),
  key: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { default: 'certs-example/server.key' }),
  /** One certificate file, or a list of {key, cert} pairs (an ECDSA and an RSA certificate). */
  cert: Type.Union([Type.String({ minLength: 1 }), Type.Array(KeyPair, { minItems: 1 })], { default: 'certs-example/server.crt' }),
  clientCa: Type.String({ minLength: 1, default: 'certs-example/ca.crt' }),
  crl: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { default: null }),
  minVersion: Type.Union([Type.Literal('TLSv1.2'), Type.Literal('TLSv1.3')], { default: 'TLSv1.2' }),
  /** Most simultaneous TLS connections; further ones are refused at accept. */
  maxConnections: Type.Integer({ minimum: 1, default: 1000 }),
  /** Whole-request deadline (slowloris): headers and body must arrive within it. */
  requestTimeoutMs: Type.Integer({ minimum: 100, default: 60000 }),
  headersTimeoutMs: Type.Integer({ minimum: 100, default: 10000 }),
  keepAliveTimeoutMs: Type.Integer({ minimum: 100, default: 65000 })
}, { additionalProperties: false, default: {} })

const Admin = Type.Object({
  enabled: Type.Boolean({ default: true }),
  host: Type.String({ default: '127.0.0.1' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 9090 }),
  token: Type.Union([SecretRef, Type.Null()], { default: null })
}, { additionalProperties: false, default: {} })

const Ca = Type.Object({
  cert: Type.String({ minLength: 1, default: 'certs-example/ca.crt' }),
  key: Type.Union([SecretRef], { default: 'file:certs-example/ca.key' })
}, { additionalProperties: false, default: {} })

const AmqpTarget = Type.Object({
  url: Type.Union([SecretRef], { default: 'env:PIU_AMQP_URL' }),
  /** The nodes of a RabbitMQ cluster, each a secret reference; when not empty the forward target uses these instead of `url`. */
  urls: Type.Array(SecretRef, { default: [] }),
  exchange: Type.String({ minLength: 1, default: 'piu' }),
  queue: Type.String({ minLength: 1, default: 'piu.inbound' }),
  testQueue: Type.String({ minLength: 1, default: 'piu.test' }),
  quarantineQueue: Type.String({ minLength: 1, default: 'piu.quarantine' }),
  /** Interactive API requests for the PIU's assessment service (routing key `iapi.<carrier>`). */
  iapiQueue: Type.String({ minLength: 1, default: 'piu.iapi' }),
  /** classic is only for brokers without quorum queues (development). */
  queueType: Type.Union([Type.Literal('quorum'), Type.Literal('classic')], { default: 'quorum' }),
  /** Unconfirmed publishes allowed at once (bounded window, never one confirm at a time). */
  confirmWindow: Type.Integer({ minimum: 1, maximum: 10000, default: 500 }),
  /** A publish not confirmed within this goes to the spool instead. */
  confirmTimeoutMs: Type.Integer({ minimum: 50, default: 5000 }),
  heartbeatSeconds: Type.Integer({ minimum: 0, default: 10 }),
  reconnectMinMs: Type.Integer({ minimum: 10, default: 250 }),
  reconnectMaxMs: Type.Integer({ minimum: 10, default: 15000 }),
  /** Connect, open the confirm channel and declare the topology within this, else retry later. */
  connectTimeoutMs: Type.Integer({ minimum: 50, default: 10000 })
}, { additionalProperties: false, default: {} })

const Forward = Type.Object({
  target: Type.Union([Type.Literal('directory'), Type.Literal('amqp')], { default: 'directory' }),
  directory: Type.Object({ path: Type.String({ minLength: 1, default: 'var/outbox' }) }, { additionalProperties: false, default: {} }),
  amqp: AmqpTarget
}, { additionalProperties: false, default: {} })

/**
 * Messages from the PIU to carriers (docs/outbound.md): consumed from a quorum queue on the PIU
 * broker (the AMQP target's connection settings), held in the ledger's outbox until delivered.
 */
const Outbound = Type.Object({
  /** Consume `queue` (AMQP target only; with the directory target there is no PIU broker). */
  enabled: Type.Boolean({ default: true }),
  exchange: Type.String({ minLength: 1, default: 'piu.outbound' }),
  queue: Type.String({ minLength: 1, default: 'piu.outbound' }),
  /** Refused PIU messages go here with an `x-reason` header; declared with the queue. */
  deadLetterQueue: Type.String({ minLength: 1, default: 'piu.outbound.dlq' }),
  /** An undelivered or unfetched message expires (and its payload is purged) after this. */
  retentionHours: Type.Number({ exclusiveMinimum: 0, default: 72 }),
  /** PIU messages taken at once by this instance (competing consumers share the queue). */
  prefetch: Type.Integer({ minimum: 1, maximum: 1000, default: 16 }),
  /** Delivery retries when the carrier's side is down: doubling from the first delay to the cap. */
  retryMinSeconds: Type.Number({ exclusiveMinimum: 0, default: 5 }),
  retryMaxSeconds: Type.Number({ exclusiveMinimum: 0, default: 300 }),
  /**
   * One delivery attempt holds its message this long; an instance that crashed mid-attempt leaves the
   * message to be taken up again after it (by any instance), so it must exceed the slowest delivery.
   */
  leaseSeconds: Type.Number({ minimum: 1, default: 60 }),
  /** How often this instance looks for messages due for a retry and for expiry. */
  sweepMs: Type.Integer({ minimum: 10, default: 1000 }),
  /** A message `delivered` longer than this without being fetched or answered counts as stuck. */
  stuckMinutes: Type.Number({ exclusiveMinimum: 0, default: 30 })
}, { additionalProperties: false, default: {} })

const Spool = Type.Object({
  path: Type.String({ minLength: 1, default: 'var/spool' }),
  maxBytes: Type.Integer({ minimum: 0, default: 1073741824 }),
  /** How often the relay looks for spooled transmissions while the target is healthy. */
  relayIntervalMs: Type.Integer({ minimum: 10, default: 1000 })
}, { additionalProperties: false, default: {} })

const Ledger = Type.Object({
  kind: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')], { default: 'sqlite' }),
  path: Type.String({ minLength: 1, default: 'var/ledger.db' }),
  url: Type.Union([SecretRef], { default: 'env:LEDGER_PG_URL' }),
  schema: Type.String({ pattern: '^[a-z_][a-z0-9_]*$', default: 'public' }),
  retentionDays: Type.Number({ exclusiveMinimum: 0, default: 30 }),
  /**
   * An original still `received` after this long belongs to an instance that crashed between its
   * dedupe claim and the hand-off; a resend then takes the key over (at least once, never never).
   */
  abandonedClaimMinutes: Type.Number({ exclusiveMinimum: 0, default: 10 })
}, { additionalProperties: false, default: {} })

const Quarantine = Type.Object({
  path: Type.String({ minLength: 1, default: 'var/quarantine' }),
  retentionHours: Type.Number({ exclusiveMinimum: 0, default: 72 })
}, { additionalProperties: false, default: {} })

const Limits = Type.Object({
  maxMessageBytes: Type.Integer({ minimum: 1, default: 20971520 }),
  maxSegments: Type.Integer({ minimum: 1, default: 200000 }),
  maxValueLength: Type.Integer({ minimum: 1, default: 512 }),
  /** Highest UNH S010 part number accepted (0070 is at most two digits; a lower value bounds a series). */
  maxParts: Type.Integer({ minimum: 1, maximum: 99, default: 99 }),
  /** Transmissions processed at once across all channels; beyond it HTTPS answers 503. */
  maxConcurrent: Type.Integer({ minimum: 1, default: 256 }),
  /**
   * Gateway instances behind the load balancer: each allows a carrier requestsPerMinute / this
   * (at least 1), so N instances together allow the agreed rate (docs/scaling.md "Rate limits").
   */
  rateLimitInstances: Type.Integer({ minimum: 1, default: 1 }),
  /** HTTPS answers 503 while the event loop lags more than this (0: off). */
  maxEventLoopDelayMs: Type.Integer({ minimum: 0, default: 1000 }),
  /** HTTPS answers 503 while the V8 heap in use is above this many bytes (0: off). */
  maxHeapUsedBytes: Type.Integer({ minimum: 0, default: 0 }),
  /** HTTPS answers 503 while the resident set is above this many bytes (0: off). */
  maxRssBytes: Type.Integer({ minimum: 0, default: 0 }),
  /**
   * Worker threads that check transmissions off the event loop; `auto`: one per core
   * (os.availableParallelism); 0: all on the event loop (docs/configuration.md "Limits").
   */
  checkWorkers: Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 0, maximum: 64 })], { default: 'auto' }),
  /** Transmissions of at least this many bytes are checked by a worker thread (0: all of them). */
  checkWorkerMinBytes: Type.Integer({ minimum: 0, default: 0 }),
  /** Transmissions of at least this many bytes are large: they may hold every checking worker but one. */
  checkLargeBytes: Type.Integer({ minimum: 1, default: 1048576 })
}, { additionalProperties: false, default: {} })

export const GatewayConfigSchema = Type.Object({
  identity: Type.Object({
    receiverIds: Type.Array(Type.String({ minLength: 1, maxLength: 35 }), { minItems: 1, default: ['GOVPIU'] }),
    senderId: Type.String({ minLength: 1, maxLength: 35, default: 'GOVPIU' })
  }, { additionalProperties: false, default: {} }),
  https: Https,
  admin: Admin,
  ca: Ca,
  forward: Forward,
  outbound: Outbound,
  spool: Spool,
  ledger: Ledger,
  quarantine: Quarantine,
  carriers: Type.String({ minLength: 1, default: 'config/carriers' }),
  limits: Limits,
  log: Type.Object({
    level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)), { default: 'info' })
  }, { additionalProperties: false, default: {} }),
  /** Graceful shutdown deadline: in-flight work finishes or is spooled within it. */
  shutdownTimeoutMs: Type.Integer({ minimum: 100, default: 15000 })
}, { additionalProperties: false })

export type GatewayConfig = Static<typeof GatewayConfigSchema>
