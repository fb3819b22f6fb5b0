/**
 * Carrier agreement schema (`config/carriers/<CODE>.yaml`). The TypeScript type is derived from
 * the schema so the two can never drift; ajv applies defaults so older files stay valid when a
 * field is added (the defaults are listed in docs/agreements.md).
 */
import { Type, type Static } from '@sinclair/typebox'
import { SecretRef } from '../config/schema.js'

const Strictness = Type.Union([Type.Literal('reject'), Type.Literal('warn')])

const Fingerprint = Type.String({
  pattern: '^(sha256/)?([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$',
  errorMessage: 'must be a SHA-256 fingerprint: 32 colon-separated hex bytes, optionally prefixed sha256/'
})

const Certificate = Type.Union([
  Fingerprint,
  Type.Object({
    fingerprint: Fingerprint,
    notAfter: Type.Optional(Type.String({ format: 'date-time' })),
    label: Type.Optional(Type.String()),
    revoked: Type.Optional(Type.Boolean({ default: false }))
  }, { additionalProperties: false })
])

const PaxlstVersion = Type.Union(['D02B', 'D05B', 'D12B', 'D15B'].map(v => Type.Literal(v)))
const PnrgovVersion = Type.String({ pattern: '^1[0-7]\\.1$', errorMessage: 'must be a PNRGOV version from 10.1 to 17.1' })

const HttpsChannelSchema = Type.Object({
  certificates: Type.Array(Certificate, { minItems: 1 }),
  allowFrom: Type.Array(Type.String(), { default: [] })
}, { additionalProperties: false })

const SftpChannelSchema = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 1, maximum: 65535, default: 22 }),
  username: Type.String({ minLength: 1 }),
  privateKey: SecretRef,
  passphrase: Type.Optional(SecretRef),
  hostKey: Type.String({ pattern: '^SHA256:[A-Za-z0-9+/=]+$' }),
  inbox: Type.String({ minLength: 1 }),
  pattern: Type.String({ default: '*' }),
  processing: Type.String({ minLength: 1 }),
  done: Type.Optional(Type.String()),
  afterRead: Type.Union([Type.Literal('move'), Type.Literal('delete')], { default: 'move' }),
  rejected: Type.String({ minLength: 1 }),
  ackDir: Type.Optional(Type.String()),
  pollSeconds: Type.Number({ minimum: 0.05, default: 30 }),
  staleClaimMinutes: Type.Number({ minimum: 0.01, default: 30 }),
  maxInFlight: Type.Integer({ minimum: 1, default: 4 }),
  /** Where messages from the PIU are written (temporary name, then rename; docs/outbound.md). */
  fromPiuDir: Type.Optional(Type.String({ minLength: 1 }))
}, { additionalProperties: false })

const AmqpChannelSchema = Type.Object({
  url: Type.String({ minLength: 1, description: 'env:NAME or file:PATH, or an amqp:// URL' }),
  queue: Type.String({ minLength: 1 }),
  /** The carrier's queue of interactive API requests; answered to `replyQueue` (docs/interactive.md). */
  interactiveQueue: Type.Optional(Type.String({ minLength: 1 })),
  replyQueue: Type.String({ minLength: 1 }),
  /** The carrier's queue for messages from the PIU (checked passively, published with confirms; docs/outbound.md). */
  inboundQueue: Type.Optional(Type.String({ minLength: 1 })),
  prefetch: Type.Integer({ minimum: 1, maximum: 1000, default: 16 }),
  maxRedeliveries: Type.Integer({ minimum: 0, default: 5 })
}, { additionalProperties: false })

const Decision = Type.Union([Type.Literal('0Z'), Type.Literal('1Z'), Type.Literal('2Z'), Type.Literal('4Z')])

/** A test-stage decision rule: `*` matches any run of characters (docs/interactive.md "Testing stage"). */
const ResponderRule = Type.Object({
  documentNumber: Type.Optional(Type.String({ minLength: 1 })),
  surname: Type.Optional(Type.String({ minLength: 1 })),
  decision: Decision
}, { additionalProperties: false, minProperties: 2 })

/** Interactive API (docs/interactive.md): board / no-board answers within a deadline. */
const InteractiveSchema = Type.Object({
  enabled: Type.Boolean({ default: false }),
  deadlineMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 2500 }),
  onTimeout: Type.Union([Type.Literal('error'), Type.Literal('advisory')], { default: 'error' }),
  cusres: Type.Object({
    version: Type.String({ pattern: '^D:[0-9]{2}[A-Z]$', default: 'D:05B' })
  }, { additionalProperties: false, default: {} }),
  /** Requests over this size are refused (413): an interactive request holds a few travellers. */
  maxBytes: Type.Integer({ minimum: 256, default: 65_536 }),
  testResponder: Type.Object({
    default: Type.Union([Decision], { default: '0Z' }),
    rules: Type.Array(ResponderRule, { default: [] })
  }, { additionalProperties: false, default: {} })
}, { additionalProperties: false, default: {} })

/**
 * Messages from the PIU to this carrier (docs/outbound.md "Which channel"): by default the first of
 * amqp (with `inboundQueue`), sftp (with `fromPiuDir`), https that the agreement configures.
 */
const OutboundSchema = Type.Object({
  channel: Type.Union([Type.Literal('auto'), Type.Literal('amqp'), Type.Literal('sftp'), Type.Literal('https')], { default: 'auto' })
}, { additionalProperties: false, default: {} })

/** A time relative to the scheduled departure: `-72h`, `0h`, `30m`, `-1h30m`. */
const DepartureOffset = Type.String({
  pattern: '^[-+]?(\\d+h(\\d+m)?|\\d+m)$',
  errorMessage: 'must be hours and/or minutes relative to departure, e.g. -72h, 0h, 30m, -1h30m'
})

/**
 * What the carrier must send for each flight, and when (docs/flights.md "Schedules"; the push
 * points of the PNRGOV guide and EU Directive 2016/681 Art. 8(3), the API deadlines of the
 * agreement). Off by default: no push is due until the agreement lists it.
 */
const ScheduleSchema = Type.Object({
  PNRGOV: Type.Object({
    pushesAt: Type.Array(DepartureOffset, { default: [], maxItems: 24 }),
    toleranceMinutes: Type.Number({ minimum: 0, default: 30 })
  }, { additionalProperties: false, default: {} }),
  PAXLST: Type.Object({
    passengersBy: Type.Union([DepartureOffset, Type.Null()], { default: null }),
    crewBy: Type.Union([DepartureOffset, Type.Null()], { default: null }),
    finalAfterDeparture: Type.Union([DepartureOffset, Type.Null()], { default: null }),
    toleranceMinutes: Type.Number({ minimum: 0, default: 0 })
  }, { additionalProperties: false, default: {} }),
  partsTimeoutMinutes: Type.Number({ exclusiveMinimum: 0, default: 30 })
}, { additionalProperties: false, default: {} })

/**
 * The PNR sensitive-data filter (EU PNR Directive 2016/681 Art. 13(4); docs/sensitive-data.md):
 * PNRGOV only. Off by default so older files stay valid; when on, listed SSR codes (the shipped
 * list plus `ssrCodes`) and, per `freeText`, remarks are removed from what is forwarded.
 */
const SensitiveDataSchema = Type.Object({
  filter: Type.Boolean({ default: false }),
  ssrCodes: Type.Array(Type.String({ pattern: '^[A-Z0-9]{4}$', errorMessage: 'must be a four-character SSR code in upper case' }),
    { default: [], maxItems: 500 }),
  freeText: Type.Union([Type.Literal('drop'), Type.Literal('keep')], { default: 'drop' })
}, { additionalProperties: false, default: { filter: false } })

const Departure = Type.Union([Type.Literal('reject'), Type.Literal('warn'), Type.Literal('ignore')])

/**
 * How the reader treats what real traffic does beside ISO 9735 (docs/agreements.md "Syntax",
 * docs/conformance.md): text between segments (ISO 9735-1 §5 allows none: code 33), and a line
 * break that UNA declares as segment terminator (outside the level A repertoire: code 20).
 */
const SyntaxSchema = Type.Object({
  outsideText: Type.Union([Departure], { default: 'reject' }),
  lineBreakTerminator: Type.Union([Departure], { default: 'warn' })
}, { additionalProperties: false, default: {} })

export const AgreementSchema = Type.Object({
  code: Type.String({ pattern: '^[A-Z0-9]{2,3}$', errorMessage: 'must be an IATA (2) or ICAO (3) designator in upper case' }),
  name: Type.String({ minLength: 1 }),
  stage: Type.Union([Type.Literal('testing'), Type.Literal('live'), Type.Literal('suspended')]),
  contacts: Type.Array(Type.Object({
    role: Type.String(),
    email: Type.Optional(Type.String()),
    phone: Type.Optional(Type.String())
  }, { additionalProperties: false }), { default: [] }),
  senderIds: Type.Array(Type.String({ minLength: 1, maxLength: 35 }), { minItems: 1 }),
  messages: Type.Object({
    PAXLST: Type.Optional(Type.Object({
      versions: Type.Array(PaxlstVersion, { minItems: 1 }),
      ack: Type.Union([Type.Literal('contrl'), Type.Literal('json'), Type.Literal('none')], { default: 'contrl' })
    }, { additionalProperties: false })),
    PNRGOV: Type.Optional(Type.Object({
      versions: Type.Array(PnrgovVersion, { minItems: 1 }),
      ack: Type.Union([Type.Literal('ackres'), Type.Literal('contrl'), Type.Literal('json'), Type.Literal('none')], { default: 'ackres' })
    }, { additionalProperties: false }))
  }, { additionalProperties: false, minProperties: 1 }),
  ackWhen: Type.Union([Type.Literal('always'), Type.Literal('on-error'), Type.Literal('on-request')], { default: 'always' }),
  contrl: Type.Object({
    version: Type.String({ pattern: '^[A-Z0-9]+:[A-Z0-9]+$', default: 'D:3' }),
    messageLevel: Type.Boolean({ default: false })
  }, { additionalProperties: false, default: {} }),
  acceptTest: Type.Boolean({ default: true }),
  maxAgeHours: Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Null()], { default: null }),
  typeB: Type.Boolean({ default: false }),
  unaRepair: Type.Boolean({ default: false }),
  strictness: Type.Object({
    controlCounts: Type.Union([Strictness], { default: 'reject' }),
    characterSet: Type.Union([Strictness], { default: 'warn' }),
    profile: Type.Union([Strictness], { default: 'warn' }),
    changedResend: Type.Union([Type.Literal('reject'), Type.Literal('forward')], { default: 'reject' }),
    partial: Type.Union([Type.Literal('interchange'), Type.Literal('message')], { default: 'interchange' })
  }, { additionalProperties: false, default: {} }),
  channels: Type.Object({
    https: Type.Optional(HttpsChannelSchema),
    sftp: Type.Optional(SftpChannelSchema),
    amqp: Type.Optional(AmqpChannelSchema)
  }, { additionalProperties: false, minProperties: 1 }),
  limits: Type.Object({
    requestsPerMinute: Type.Integer({ minimum: 1, default: 600 }),
    maxMessageBytes: Type.Optional(Type.Integer({ minimum: 1 }))
  }, { additionalProperties: false, default: {} }),
  expect: Type.Object({
    PAXLST: Type.Optional(Type.Object({ maxSilenceMinutes: Type.Number({ exclusiveMinimum: 0 }) }, { additionalProperties: false })),
    PNRGOV: Type.Optional(Type.Object({ maxSilenceMinutes: Type.Number({ exclusiveMinimum: 0 }) }, { additionalProperties: false })),
    /** A GOVREQ expects the carrier's PNRGOV push for the flight within this (docs/outbound.md). */
    govreqMinutes: Type.Number({ exclusiveMinimum: 0, default: 60 })
  }, { additionalProperties: false, default: {} }),
  outbound: OutboundSchema,
  schedule: ScheduleSchema,
  sensitiveData: SensitiveDataSchema,
  syntax: SyntaxSchema,
  interactive: InteractiveSchema
}, { additionalProperties: false })

export type AgreementInput = Static<typeof AgreementSchema>

/** Normalised certificate entry: fingerprint as upper-case colon-separated hex without prefix. */
export interface PinnedCertificate {
  fingerprint: string
  notAfter: string | null
  label: string | null
  revoked: boolean
}

/** An agreement after validation and normalisation; deep-frozen. */
export type Agreement = Readonly<Omit<AgreementInput, 'channels'> & {
  /** File the agreement was read from. */
  file: string
  channels: Readonly<Omit<AgreementInput['channels'], 'https'> & {
    https?: Readonly<{ certificates: readonly PinnedCertificate[], allowFrom: readonly string[] }>
  }>
}>

export type MessageType = 'PAXLST' | 'PNRGOV'
export type AckKind = 'contrl' | 'ackres' | 'json' | 'none'
