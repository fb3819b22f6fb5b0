/**
 * The error catalogue: every GW_ERR_<STAGE>_<WHAT> the gateway can report or throw, grouped by stage.
 *
 * Each entry says what the carrier sees (HTTP status for transport-level refusals, the ISO 9735-4
 * syntax error code 0085 for CONTRL where one applies), the outcome it leads to, and its severity:
 * who has to act on it. Texts are fixed sentences: they never carry a value from the input, because
 * values are passenger data (docs/architecture.md invariant 4). `test/errors.test.ts` pins that ids
 * are unique and documented in docs/errors.md.
 */
import type { Outcome } from './transmission/vocabulary.js'

/**
 * Who has to act (docs/errors.md "Severity"):
 * - `input`: the carrier's (or officer's) input is wrong; answered, nothing to do for operations;
 * - `transient`: the gateway cannot do it now and says retry; operations watch the rate;
 * - `config`: configuration, an agreement or a peer's setup is wrong; an operator must fix it;
 * - `internal`: a broken invariant in the gateway itself; a bug to report.
 */
export type Severity = 'input' | 'transient' | 'config' | 'internal'

export interface ErrorDef {
  /** HTTP status when the error refuses the whole request before an ack can be built. */
  readonly http: number
  /** ISO 9735 syntax error code (data element 0085) carried in CONTRL UCI/UCM/UCS/UCD. */
  readonly contrl: number | null
  /** What the error leads to when it is fatal. */
  readonly outcome: Outcome
  readonly text: string
  readonly severity: Severity
}

function def (http: number, contrl: number | null, outcome: Outcome, text: string, severity?: Severity): ErrorDef {
  return Object.freeze({ http, contrl, outcome, text, severity: severity ?? (outcome === 'retry' ? 'transient' : 'input') })
}

/** An entry that never reaches a carrier: start-up, peers, officer tooling. */
function own (severity: Severity, text: string): ErrorDef {
  return def(500, null, 'retry', text, severity)
}

export const ERRORS = Object.freeze({
  // ── config and agreements (start-up / reload; never reach a carrier) ──────────────────────────
  GW_ERR_CONFIG_INVALID: own('config', 'configuration is invalid'),
  GW_ERR_CONFIG_SECRET_MISSING: own('config', 'a secret reference could not be resolved'),
  GW_ERR_AGREEMENT_INVALID: own('config', 'carrier agreement is invalid'),

  // ── intake: identity, limits, transport ───────────────────────────────────────────────────────
  GW_ERR_INTAKE_NO_CERTIFICATE: def(401, null, 'rejected', 'a client certificate is required'),
  GW_ERR_INTAKE_UNTRUSTED_CERTIFICATE:
    def(401, null, 'rejected', 'the client certificate is not signed by a trusted CA or is outside its validity period'),
  GW_ERR_INTAKE_EXPIRED_CERTIFICATE:
    def(401, null, 'rejected', 'the client certificate has expired; renew it and send the new one to the PIU'),
  GW_ERR_INTAKE_UNKNOWN_CERTIFICATE: def(403, null, 'rejected', 'the client certificate is not registered in any carrier agreement'),
  GW_ERR_INTAKE_REVOKED_CERTIFICATE: def(403, null, 'rejected', 'the client certificate has been revoked'),
  GW_ERR_INTAKE_ADDRESS_NOT_ALLOWED: def(403, null, 'rejected', 'the client address is not in the carrier allow-list'),
  GW_ERR_INTAKE_CARRIER_SUSPENDED: def(403, null, 'rejected', 'the carrier is suspended'),
  GW_ERR_INTAKE_AMBIGUOUS_PROVIDER:
    def(403, null, 'rejected', 'the certificate is shared by several carriers and the UNB sender selects none of them'),
  GW_ERR_INTAKE_EMPTY_BODY: def(400, null, 'rejected', 'the request body is empty'),
  GW_ERR_INTAKE_TOO_LARGE: def(413, null, 'rejected', 'the transmission exceeds the size limit'),
  GW_ERR_INTAKE_MEDIA_TYPE: def(415, null, 'rejected', 'unsupported media type'),
  GW_ERR_INTAKE_RATE_LIMITED: def(429, null, 'retry', 'the carrier request rate limit is exceeded'),
  GW_ERR_INTAKE_NOT_FOUND: def(404, null, 'rejected', 'no such transmission for this carrier'),
  GW_ERR_INTAKE_BAD_REQUEST: def(400, null, 'rejected', 'the request is malformed'),
  GW_ERR_INTAKE_NO_ROUTE: def(404, null, 'rejected', 'no such resource'),
  GW_ERR_INTAKE_INTERNAL: def(500, null, 'retry', 'internal error; retry later', 'internal'),
  GW_ERR_INTAKE_OVERLOADED: def(503, null, 'retry', 'the gateway is overloaded; retry later'),
  GW_ERR_INTAKE_TIMEOUT: def(408, null, 'rejected', 'the request was not received in time'),
  GW_ERR_INTAKE_HEADERS_TOO_LARGE: def(431, null, 'rejected', 'the request headers are too large'),

  // ── edifact: transport cleaning, service string advice, tokenizer, envelope ───────────────────
  GW_ERR_EDIFACT_NO_INTERCHANGE: def(400, null, 'rejected', 'no UNA/UNB interchange header found'),
  GW_ERR_EDIFACT_UNB_UNREADABLE: def(400, null, 'rejected', 'the UNB interchange header cannot be read'),
  GW_ERR_EDIFACT_UNA_MALFORMED: def(400, 20, 'rejected', 'the UNA service string advice is malformed'),
  GW_ERR_EDIFACT_SERVICE_CHARACTER: def(400, 22, 'rejected', 'invalid use of a service character'),
  GW_ERR_EDIFACT_SYNTAX_UNSUPPORTED: def(400, 2, 'rejected', 'syntax identifier or version not supported'),
  GW_ERR_EDIFACT_CHARSET: def(400, 21, 'rejected', 'character outside the declared syntax level'),
  GW_ERR_EDIFACT_UNZ_MISSING: def(400, 13, 'rejected', 'UNZ interchange trailer missing'),
  GW_ERR_EDIFACT_UNZ_COUNT: def(400, 29, 'rejected', 'UNZ count does not match the number of messages or groups'),
  GW_ERR_EDIFACT_UNZ_REFERENCE: def(400, 28, 'rejected', 'UNZ reference does not match the UNB reference'),
  GW_ERR_EDIFACT_UNT_MISSING: def(400, 13, 'rejected', 'UNT message trailer missing'),
  GW_ERR_EDIFACT_UNT_COUNT: def(400, 29, 'rejected', 'UNT segment count does not match'),
  GW_ERR_EDIFACT_UNT_REFERENCE: def(400, 28, 'rejected', 'UNT reference does not match the UNH reference'),
  GW_ERR_EDIFACT_UNE_MISSING: def(400, 13, 'rejected', 'UNE group trailer missing'),
  GW_ERR_EDIFACT_UNE_COUNT: def(400, 29, 'rejected', 'UNE count does not match the number of messages in the group'),
  GW_ERR_EDIFACT_UNE_REFERENCE: def(400, 28, 'rejected', 'UNE reference does not match the UNG reference'),
  GW_ERR_EDIFACT_GROUPS_MIXED: def(400, 30, 'rejected', 'functional groups and bare messages are mixed'),
  GW_ERR_EDIFACT_GROUP_TYPES_MIXED: def(400, 31, 'rejected', 'more than one message type in a functional group'),
  GW_ERR_EDIFACT_EMPTY: def(400, 32, 'rejected', 'interchange or group holds no message'),
  GW_ERR_EDIFACT_OUTSIDE_MESSAGE: def(400, 33, 'rejected', 'data outside any message or group'),
  GW_ERR_EDIFACT_RECIPIENT_UNKNOWN: def(400, 7, 'rejected', 'the interchange recipient is not this gateway'),
  GW_ERR_EDIFACT_SENDER_UNKNOWN: def(400, 23, 'rejected', 'the interchange sender is not one of the carrier sender ids'),
  GW_ERR_EDIFACT_TOO_OLD: def(400, 24, 'rejected', 'the interchange is older than the agreement allows'),
  GW_ERR_EDIFACT_TEST_NOT_ACCEPTED: def(400, 25, 'rejected', 'test interchanges are not accepted under this agreement'),
  GW_ERR_EDIFACT_MISSING: def(400, 13, 'rejected', 'mandatory element missing'),
  GW_ERR_EDIFACT_INVALID_VALUE: def(400, 12, 'rejected', 'invalid value'),
  GW_ERR_EDIFACT_TOO_LONG: def(400, 39, 'rejected', 'data element too long'),
  GW_ERR_EDIFACT_TOO_MANY_SEGMENTS: def(413, 18, 'rejected', 'the interchange has more segments than allowed'),
  GW_ERR_EDIFACT_TOO_MANY_CONSTITUENTS: def(400, 16, 'rejected', 'too many data elements or components'),
  GW_ERR_EDIFACT_TERMINATOR_MISSING: def(400, 13, 'rejected', 'the final segment terminator is missing'),
  GW_ERR_EDIFACT_HARNESS_MACRO: def(400, 21, 'rejected', 'the file contains unexpanded test-harness macros'),

  // ── messages: PAXLST / PNRGOV profile and schema ──────────────────────────────────────────────
  GW_ERR_MESSAGE_TYPE_NOT_AGREED: def(400, 17, 'rejected', 'message type not covered by the carrier agreement'),
  GW_ERR_MESSAGE_VERSION_NOT_AGREED: def(400, 14, 'rejected', 'message version not covered by the carrier agreement'),
  GW_ERR_MESSAGE_TYPE_UNSUPPORTED: def(400, 15, 'rejected', 'message type not supported by the gateway'),
  GW_ERR_MESSAGE_SEGMENT_MISSING: def(400, 13, 'rejected', 'mandatory segment missing'),
  GW_ERR_MESSAGE_ELEMENT_MISSING: def(400, 13, 'rejected', 'mandatory data element or component missing'),
  GW_ERR_MESSAGE_SEGMENT_UNEXPECTED: def(400, 15, 'rejected', 'segment not allowed in this position'),
  GW_ERR_MESSAGE_SEGMENT_REPEATS: def(400, 35, 'rejected', 'too many segment repetitions'),
  GW_ERR_MESSAGE_GROUP_REPEATS: def(400, 36, 'rejected', 'too many segment group repetitions'),
  GW_ERR_MESSAGE_CODE_INVALID: def(400, 12, 'rejected', 'invalid code value'),
  GW_ERR_MESSAGE_DATE_INVALID: def(400, 12, 'rejected', 'invalid date or time'),
  GW_ERR_MESSAGE_PROFILE: def(400, 13, 'rejected', 'conditional data required by the profile is missing'),
  GW_ERR_MESSAGE_SCHEMA: def(400, 12, 'rejected', 'the message does not satisfy the canonical model schema'),
  GW_ERR_MESSAGE_TYPES_MIXED: def(400, 31, 'rejected', 'the interchange mixes message types; send one type per interchange'),
  GW_ERR_MESSAGE_TOO_MANY_PARTS: def(400, 12, 'rejected', 'part sequence number out of range'),
  /** A checking worker thread died (e.g. out of memory) while reading the transmission. */
  GW_ERR_MESSAGE_CHECK_UNAVAILABLE: def(503, null, 'retry', 'the transmission could not be checked now; retry later'),

  // ── interactive API (docs/interactive.md) ──────────────────────────────────────────────────────
  GW_ERR_IAPI_NOT_ENABLED: def(403, null, 'rejected', 'interactive API is not enabled in the carrier agreement'),
  GW_ERR_IAPI_NOT_A_REQUEST:
    def(400, 13, 'rejected', 'not an interactive API request: one PAXLST message with BGM 745 or 266, a flight and travellers'),
  GW_ERR_IAPI_NO_DECISION: def(504, null, 'retry', 'no decision from the authority within the deadline'),
  GW_ERR_IAPI_DECISION_INVALID: own('config', 'the PIU\'s decision does not satisfy the decision schema'),

  // ── messages to carriers (docs/outbound.md); refusals go to the PIU's dead-letter queue ────────
  GW_ERR_OUTBOUND_UNREADABLE: own('input', 'the PIU message is neither a JSON form nor a readable EDIFACT interchange'),
  GW_ERR_OUTBOUND_FORM_INVALID: own('input', 'the PIU message does not satisfy the outbound JSON schema'),
  GW_ERR_OUTBOUND_WRONG_MESSAGE: own('input', 'the interchange is not one CUSRES status change (BGM 132) or one GOVREQ'),
  GW_ERR_OUTBOUND_UNKNOWN_CARRIER: own('input', 'the message names no carrier with an agreement'),
  GW_ERR_OUTBOUND_CARRIER_MISMATCH: own('input', 'the routing key, the message and the interchange recipient do not name the same carrier'),
  GW_ERR_OUTBOUND_CARRIER_SUSPENDED: own('input', 'the carrier is suspended; nothing is sent to it'),
  GW_ERR_OUTBOUND_NO_CHANNEL: own('config', 'the carrier agreement configures no channel for messages from the PIU'),
  GW_ERR_OUTBOUND_TOO_LARGE: own('input', 'the PIU message exceeds the size limit'),
  GW_ERR_OUTBOUND_DELIVERY_FAILED: def(503, null, 'retry', 'the carrier\'s side did not take the message; it is retried'),
  GW_ERR_OUTBOUND_NOT_FOUND: def(404, null, 'rejected', 'no such pending message for this carrier'),
  GW_ERR_OUTBOUND_PAYLOAD_PURGED: own('input', 'the message was delivered or expired and its payload purged; ask the PIU to send it again'),

  // ── acknowledge / dedupe ──────────────────────────────────────────────────────────────────────
  GW_ERR_ACK_DUPLICATE_CHANGED: def(400, 26, 'rejected', 'the interchange reference was already used for different content'),

  // ── forward / spool / ledger ──────────────────────────────────────────────────────────────────
  GW_ERR_FORWARD_UNAVAILABLE: def(503, null, 'retry', 'the transmission cannot be made durable now; retry later'),
  GW_ERR_FORWARD_SPOOL_FULL: def(503, null, 'retry', 'the local spool is full; retry later'),
  GW_ERR_LEDGER_UNAVAILABLE: def(503, null, 'retry', 'the transmission ledger is unavailable; retry later'),
  GW_ERR_LEDGER_WAL_REFUSED: own('config', 'the SQLite ledger file refused write-ahead logging (WAL)'),

  // ── channels: the carrier's SFTP server and AMQP broker (never reach a carrier as an ack) ──────
  GW_ERR_SFTP_UNREACHABLE: own('transient', 'the SFTP server cannot be reached'),
  GW_ERR_SFTP_TIMEOUT: own('transient', 'the SFTP server did not answer in time'),
  GW_ERR_SFTP_HOST_KEY_MISMATCH: own('config', 'the SFTP server host key does not match the pinned fingerprint'),
  GW_ERR_SFTP_AUTH_FAILED: own('config', 'the SFTP server refused the gateway\'s credentials'),
  GW_ERR_SFTP_PROTOCOL: own('transient', 'the SFTP session could not be opened'),
  GW_ERR_SFTP_SESSION_CLOSED: own('transient', 'the SFTP session closed'),
  GW_ERR_SFTP_FOLDER_MISSING: own('config', 'a folder the agreement names is missing on the SFTP server'),
  GW_ERR_AMQP_QUEUE_MISSING: own('config', 'a queue the agreement names does not exist on the carrier broker'),
  GW_ERR_AMQP_CONSUMER_FAILED: own('transient', 'the consumer on the carrier queue could not be started'),
  GW_ERR_AMQP_REPLY_UNROUTABLE: own('config', 'the reply queue does not exist; the broker returned the reply'),
  GW_ERR_AMQP_REPLY_UNCONFIRMED: own('transient', 'the broker did not confirm the reply (nack, closed channel or no confirm in time)'),
  GW_ERR_FORWARD_CONNECTION_LOST: own('transient', 'the connection to the PIU broker was lost'),

  // ── onboarding: the officer's tooling ─────────────────────────────────────────────────────────
  GW_ERR_ONBOARDING_STAGE_CHANGE: own('input', 'the stage cannot be changed'),
  GW_ERR_ONBOARDING_EXISTS: own('input', 'the agreement file already exists; not overwritten'),
  GW_ERR_ONBOARDING_CA_MISMATCH: own('config', 'the issued certificate does not verify against ca.cert (ca.key and ca.cert do not match)'),
  GW_ERR_ONBOARDING_RELEASE: own('input', 'the quarantined transmission cannot be released'),

  // ── internal: broken invariants ───────────────────────────────────────────────────────────────
  GW_ERR_INTERNAL_NOT_A_WORKER: own('internal', 'the checking worker was started outside a worker thread'),
  GW_ERR_INTERNAL_WORKER_AGREEMENT: own('internal', 'the checking worker was given an agreement number it was never sent'),

  // ── admin ─────────────────────────────────────────────────────────────────────────────────────
  GW_ERR_ADMIN_UNAUTHORIZED: def(401, null, 'rejected', 'a valid admin bearer token is required')
} satisfies Record<string, ErrorDef>)

export type ErrorId = keyof typeof ERRORS

/** A failure raised inside the gateway that maps to a catalogue entry. */
export class GatewayError extends Error {
  readonly id: ErrorId
  readonly def: ErrorDef
  /** Where the problem is (config path, agreement file, host:port); never a passenger value. */
  readonly detail: string | undefined
  /** Structured facts for the code that handles it (a presented host key, a queue name); never passenger data. */
  readonly facts: Readonly<Record<string, string | number | boolean | null>>

  constructor (id: ErrorId, detail?: string, options?: { cause?: unknown, facts?: Record<string, string | number | boolean | null> }) {
    super(detail ? `${ERRORS[id].text}: ${detail}` : ERRORS[id].text, options)
    this.name = 'GatewayError'
    this.id = id
    this.def = ERRORS[id]
    this.detail = detail
    this.facts = Object.freeze({ ...options?.facts })
  }
}

export function isGatewayError (err: unknown, id?: ErrorId): err is GatewayError {
  return err instanceof GatewayError && (id === undefined || err.id === id)
}
