/**
 * The outbox: messages from the PIU to carriers (docs/outbound.md "Tracking"). Two tables beside the
 * transmissions in the same store: `outbound_messages`, one row of metadata per message (ids,
 * references, the flight number, states and times; never a passenger value), and
 * `outbound_payloads`, the interchange bytes held only until the message is delivered (AMQP, SFTP),
 * fetched (HTTPS) or expired, then deleted.
 *
 * Both stores (SQLite, PostgreSQL) implement `OutboundStore` alike; `test/ledger/outbound.test.ts`
 * runs one suite against both. Several instances share the work on PostgreSQL: a delivery attempt
 * first takes a lease on the row, so two instances never deliver the same message at once.
 */
import { CHANNELS, type ChannelName } from '../transmission/index.js'

export const OUTBOUND_KINDS = ['cusres', 'govreq'] as const
export type OutboundKind = typeof OUTBOUND_KINDS[number]

/**
 * `queued`: held, not yet delivered (first attempt pending, or the carrier's side was down);
 * `delivered`: on the carrier's queue or server, or (HTTPS) in the outbox for it to fetch;
 * `fetched`: the carrier confirmed an HTTPS message (`POST /v1/messages/{id}/ack`);
 * `answered`: the carrier's CUSRES 312, or the PNRGOV push a GOVREQ asked for, arrived;
 * `expired`: not delivered or not fetched within `outbound.retentionHours`.
 */
export const OUTBOUND_STATES = ['queued', 'delivered', 'fetched', 'answered', 'expired'] as const
export type OutboundState = typeof OUTBOUND_STATES[number]

/** Where a message came from: the PIU's `piu.outbound` queue, or a PIU decision after its deadline. */
export const OUTBOUND_ORIGINS = ['piu', 'late-decision'] as const
export type OutboundOrigin = typeof OUTBOUND_ORIGINS[number]

export interface OutboundRow {
  id: string
  carrier: string
  kind: OutboundKind
  origin: OutboundOrigin
  channel: ChannelName
  state: OutboundState
  /** The PIU message's `messageId` (or a digest of routing key and body): a redelivery is the same message. */
  sourceKey: string
  /** UNB 0020 of the interchange delivered. */
  reference: string
  /** UNH 0062 of a CUSRES update, which the carrier's 312 repeats. */
  messageRef: string | null
  /** RFF+TN of a CUSRES update, which the carrier's 312 repeats. */
  transactionRef: string | null
  /** Carrier + number (`XA339`) of the flight concerned. */
  flight: string | null
  /** Scheduled departure date as the messages give it (local at the departure airport, YYYY-MM-DD). */
  flightDate: string | null
  contentType: string
  size: number
  sha256: string
  createdAt: string
  deliveredAt: string | null
  fetchedAt: string | null
  answeredAt: string | null
  expiredAt: string | null
  /** When an undelivered or unfetched message expires. */
  expiresAt: string
  /** GOVREQ: when the carrier's push for the flight is due (agreement `expect.govreqMinutes`). */
  answerDueAt: string | null
  /** The transmission id of the carrier's answer. */
  answeredBy: string | null
  attempts: number
  nextAttemptAt: string | null
  /** A GW_ERR_OUTBOUND_* id of the last failed attempt, never a value. */
  lastError: string | null
  /** How often the PIU delivered the same message again (its redeliveries after a crash). */
  duplicates: number
  /** The queue or file name it was delivered to. */
  deliveredTo: string | null
  /** Times the carrier fetched it over HTTPS without confirming it yet. */
  fetches: number
}

export type OutboundLink =
  | { kind: 'cusres', carrier: string, messageRef: string, transactionRef: string | null }
  | { kind: 'govreq', carrier: string, flight: string, flightDate: string | null }

export interface OutboundQuery {
  carrier?: string
  state?: OutboundState
  kind?: OutboundKind
  /** @default 100 (at most 10000) */
  limit?: number
}

export interface OutboundStore {
  /**
   * Stores a new message with its payload in one commit. A row with the same carrier and
   * `sourceKey` already there (the PIU redelivered it) is not stored again: its `duplicates`
   * count goes up and `created` is false.
   */
  add (row: OutboundRow, payload: Buffer): Promise<{ row: OutboundRow, created: boolean }>
  get (id: string): Promise<OutboundRow | null>
  /** The held payload, or null once delivered, fetched or expired. */
  payload (id: string): Promise<Buffer | null>
  /** Newest first. */
  list (q: OutboundQuery): Promise<OutboundRow[]>
  /** Takes the delivery lease of a queued row until `until`; false when another attempt holds it. */
  lease (id: string, now: Date, until: Date): Promise<boolean>
  /** Queued rows whose next attempt is due and whose lease is free, oldest first. */
  due (now: Date, limit: number): Promise<OutboundRow[]>
  /** Delivered to `to`; the payload is deleted when `purge` (AMQP, SFTP) and kept for an HTTPS fetch. */
  delivered (id: string, at: Date, to: string, purge: boolean): Promise<void>
  /** A failed attempt: stays queued, retried at `next`. */
  failed (id: string, error: string, next: Date): Promise<void>
  /** The carrier's HTTPS messages not yet confirmed, oldest first, with their payloads; counts the fetch. */
  pending (carrier: string, limit: number): Promise<Array<{ row: OutboundRow, payload: Buffer }>>
  /** The carrier confirmed its HTTPS message: `fetched`, payload deleted. Null when not the carrier's or not pending. */
  fetched (carrier: string, id: string, at: Date): Promise<OutboundRow | null>
  /** Marks the delivered or fetched messages the carrier's answer answers; resolves their ids. */
  answer (link: OutboundLink, by: string, at: Date): Promise<string[]>
  /** Queued and unfetched rows past `expiresAt` become `expired` (payload deleted); resolves them. */
  expire (now: Date): Promise<OutboundRow[]>
  /** Delivers again: a row whose payload is still held goes back to `queued`, due now. Null otherwise. */
  requeue (id: string, now: Date, expiresAt: Date): Promise<OutboundRow | null>
  /** Rows by carrier, kind and state, for the metrics and the status page. */
  counts (): Promise<Array<{ carrier: string, kind: OutboundKind, state: OutboundState, count: number }>>
  /** GOVREQs delivered (or fetched) whose answer was due before `now` and has not come. */
  unanswered (now: Date, limit: number): Promise<OutboundRow[]>
  /** Deletes rows (and payloads) created more than `olderThanDays` days before `now`. */
  purge (olderThanDays: number, now?: Date): Promise<number>
}

/** How each field is stored: the two stores map these kinds to their column types. */
export type OutboundColumnKind = 'text' | 'instant' | 'count'

export const OUTBOUND_COLUMNS: ReadonlyArray<{ field: keyof OutboundRow, column: string, kind: OutboundColumnKind }> = ([
  ['id', 'id', 'text'], ['carrier', 'carrier', 'text'], ['kind', 'kind', 'text'], ['origin', 'origin', 'text'],
  ['channel', 'channel', 'text'], ['state', 'state', 'text'], ['sourceKey', 'source_key', 'text'], ['reference', 'reference', 'text'],
  ['messageRef', 'message_ref', 'text'], ['transactionRef', 'transaction_ref', 'text'], ['flight', 'flight', 'text'],
  ['flightDate', 'flight_date', 'text'], ['contentType', 'content_type', 'text'], ['size', 'size', 'count'], ['sha256', 'sha256', 'text'],
  ['createdAt', 'created_at', 'instant'], ['deliveredAt', 'delivered_at', 'instant'], ['fetchedAt', 'fetched_at', 'instant'],
  ['answeredAt', 'answered_at', 'instant'], ['expiredAt', 'expired_at', 'instant'], ['expiresAt', 'expires_at', 'instant'],
  ['answerDueAt', 'answer_due_at', 'instant'], ['answeredBy', 'answered_by', 'text'], ['attempts', 'attempts', 'count'],
  ['nextAttemptAt', 'next_attempt_at', 'instant'], ['lastError', 'last_error', 'text'], ['duplicates', 'duplicates', 'count'],
  ['deliveredTo', 'delivered_to', 'text'], ['fetches', 'fetches', 'count']
] as const).map(([field, column, kind]) => ({ field, column, kind }))

const KIND_SET: ReadonlySet<string> = new Set(OUTBOUND_KINDS)
const STATE_SET: ReadonlySet<string> = new Set(OUTBOUND_STATES)
const ORIGIN_SET: ReadonlySet<string> = new Set(OUTBOUND_ORIGINS)
const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS)

/**
 * Rejects a malformed row before it reaches a store (TypeError naming the field) and writes every
 * instant as `toISOString` does, so that the stores can compare instants as text.
 */
export function checkOutboundRow (row: OutboundRow): OutboundRow {
  if (row === null || typeof row !== 'object') throw new TypeError('outbound: row must be an object')
  for (const f of ['id', 'carrier', 'sourceKey', 'reference', 'contentType', 'sha256', 'createdAt', 'expiresAt'] as const) {
    if (typeof row[f] !== 'string' || row[f] === '') throw new TypeError(`outbound: ${f} must be a non-empty string`)
  }
  if (!KIND_SET.has(row.kind)) throw new TypeError('outbound: kind must be cusres or govreq')
  if (!STATE_SET.has(row.state)) throw new TypeError('outbound: state is not an outbound state')
  if (!ORIGIN_SET.has(row.origin)) throw new TypeError('outbound: origin must be piu or late-decision')
  if (!CHANNEL_SET.has(row.channel)) throw new TypeError(`outbound: channel must be one of ${CHANNELS.join(', ')}`)
  for (const c of OUTBOUND_COLUMNS) {
    const v = row[c.field]
    if (c.kind === 'count' && (!Number.isSafeInteger(v) || (v as number) < 0)) throw new TypeError(`outbound: ${c.field} must be a count`)
    if (c.kind === 'instant' && v !== null && Number.isNaN(Date.parse(v as string))) {
      throw new TypeError(`outbound: ${c.field} is not an ISO 8601 instant`)
    }
  }
  const out: Record<string, unknown> = { ...row }
  for (const c of OUTBOUND_COLUMNS) {
    if (c.kind === 'instant' && row[c.field] !== null) out[c.field] = new Date(row[c.field] as string).toISOString()
  }
  return out as unknown as OutboundRow
}

export function outboundLimit (limit: number | undefined): number {
  if (limit === undefined) return 100
  if (!Number.isFinite(limit)) throw new TypeError('outbound: limit must be a number')
  return Math.max(1, Math.min(10_000, Math.floor(limit)))
}
