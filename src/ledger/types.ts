/**
 * The transmission ledger contract: one row per transmission, envelope metadata only (codes,
 * references, hashes, timings, the ack as sent), never a value from a segment (docs/architecture.md
 * "Invariants", 4). Both stores (SQLite embedded default, PostgreSQL for several instances) implement
 * `Ledger` with the same behaviour; `test/ledger/contract.test.ts` runs one suite against both.
 *
 * Every write resolves only once committed, and is visible to reads from then on. A malformed
 * argument rejects with TypeError (RangeError for an update of an unknown id); a store that cannot
 * answer rejects with GW_ERR_LEDGER_UNAVAILABLE (outcome retry).
 */

import { GatewayError } from '../errors.js'
import type { OutboundStore } from './outbound.js'
import type { FlightStore } from './flights.js'
import {
  ACCEPTED_OUTCOMES, CHANNELS, OUTCOMES, STATUSES, newLedgerRow,
  type DedupeKey, type LedgerRow, type Outcome
} from '../transmission/index.js'

export type { DedupeKey, LedgerRow } from '../transmission/index.js'

export interface ListQuery {
  carrier?: string
  reference?: string
  outcome?: Outcome
  /** @default 100 (at most 10000) */
  limit?: number
  /** Only rows received at or after this ISO 8601 instant. */
  since?: string
}

export interface Ledger {
  /**
   * Insert or replace by id (final state of a transmission). Resolves once the row is committed.
   * An eligible row (see `holdsDedupeKey`) takes the dedupe key only when no other transmission
   * holds it; it never takes the key away from another id (use `claimOriginal` to learn who holds it).
   */
  record (row: LedgerRow): Promise<void>
  /** Merge `patch` into the row with that id (the id itself cannot change); rejects when no such row. */
  update (id: string, patch: Partial<LedgerRow>): Promise<void>
  get (id: string): Promise<LedgerRow | null>
  /** The accepted (accepted / accepted_with_warnings, not duplicate, not correction) row with that key. */
  findOriginal (key: DedupeKey): Promise<LedgerRow | null>
  /**
   * Atomically claim the dedupe key for an accepted row: writes the row and resolves null when
   * claimed, or resolves the existing original row (and writes nothing) when another transmission
   * already holds it (unique constraint; safe across instances on PostgreSQL).
   */
  claimOriginal (row: LedgerRow): Promise<LedgerRow | null>
  /** Newest first (receivedAt, then id), default limit 100. */
  list (q: ListQuery): Promise<LedgerRow[]>
  /** message type -> last receivedAt, over every row of the carrier whatever its outcome. */
  lastByType (carrier: string): Promise<Record<string, string>>
  /** Rows received at or after `since`, by carrier ('' when unknown) and outcome ('pending' while none). */
  countsSince (since: string): Promise<Array<{ carrier: string, outcome: string, count: number }>>
  /** Deletes rows received more than `olderThanDays` days before `now`; resolves how many. */
  purge (olderThanDays: number, now?: Date): Promise<number>
  size (): Promise<number>
  /** Commits what is pending, then releases the store. Further calls reject. */
  close (): Promise<void>
  /** Messages from the PIU to carriers, in the same store (src/ledger/outbound.ts). */
  readonly outbound: OutboundStore
  /** Flights and what was due for them, in the same store and purge (src/ledger/flights.ts). */
  readonly flights: FlightStore
}

export type LedgerConfig =
  | {
    kind: 'sqlite'
    /** The database file; its folder is created if missing. @default 'var/ledger.db' (gateway config) */
    path: string
    /** How long a write waits for another connection's write lock before failing. @default 5000 */
    busyTimeoutMs?: number
  }
  | {
    kind: 'postgres'
    url: string
    /** Schema holding the `transmissions` table, created if missing. @default 'public' */
    schema?: string
    /** Connections per gateway instance; record batches use one, each other call one at a time. @default 8 */
    poolSize?: number
  }

/** How a field is stored: each store maps a kind to its column type (JSON text or text[], …). */
export type ColumnKind = 'text' | 'instant' | 'list' | 'codes' | 'flag' | 'count'

/** Every field of a row with its column name (snake_case) and kind; both stores build on it. */
export const COLUMNS: ReadonlyArray<{ readonly field: keyof LedgerRow, readonly column: string, readonly kind: ColumnKind }> = ([
  ['id', 'id', 'text'], ['carrier', 'carrier', 'text'], ['channel', 'channel', 'text'],
  ['status', 'status', 'text'], ['outcome', 'outcome', 'text'], ['receivedAt', 'received_at', 'instant'],
  ['forwardedAt', 'forwarded_at', 'instant'], ['acknowledgedAt', 'acknowledged_at', 'instant'],
  ['sender', 'sender', 'text'], ['recipient', 'recipient', 'text'], ['reference', 'reference', 'text'],
  ['preparedAt', 'prepared_at', 'text'], ['messageRefs', 'message_refs', 'list'], ['parts', 'parts', 'list'],
  ['messageType', 'message_type', 'text'], ['messageVersion', 'message_version', 'text'],
  ['flight', 'flight', 'text'], ['test', 'test', 'flag'], ['destination', 'destination', 'text'],
  ['sha256', 'sha256', 'text'], ['size', 'size', 'count'], ['errorCodes', 'error_codes', 'codes'],
  ['ackKind', 'ack_kind', 'text'], ['ack', 'ack', 'text'], ['ackSentAt', 'ack_sent_at', 'instant'],
  ['correction', 'correction', 'flag'], ['duplicateOf', 'duplicate_of', 'text'],
  ['releasedAt', 'released_at', 'instant'], ['releasedBy', 'released_by', 'text'],
  ['interactive', 'interactive', 'text']
] as const).map(([field, column, kind]) => ({ field, column, kind }))

const DEFAULT_LIST_LIMIT = 100
const MAX_LIST_LIMIT = 10000
/** countsSince label for rows not yet given an outcome. */
export const PENDING_OUTCOME = 'pending'

const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS)
const STATUS_SET: ReadonlySet<string> = new Set(STATUSES)
const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES)

/**
 * Whether the row is an accepted original that holds its dedupe key. Retry and rejected rows never
 * hold it (a resend after retry is processed normally, invariant 2); a duplicate or a correction
 * shares the key of the original it follows; a row without a complete key cannot hold one.
 */
export function holdsDedupeKey (row: LedgerRow): boolean {
  return row.outcome !== null && ACCEPTED_OUTCOMES.has(row.outcome) &&
    !row.correction && row.duplicateOf === null &&
    row.carrier !== null && row.sender !== null && row.reference !== null && row.preparedAt !== null
}

/** Canonical ISO 8601 form of an instant; a TypeError names the field (never its value). */
export function isoInstant (value: string, field: string): string {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN
  if (Number.isNaN(ms)) throw new TypeError(`ledger: ${field} is not an ISO 8601 instant`)
  return new Date(ms).toISOString()
}

/**
 * PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate has no UTF-8 form (it would come back
 * altered): refuse both on both stores so that what is stored is what is read back, byte for byte.
 */
function storable (v: string): boolean {
  return !v.includes('\u0000') && !/\p{Cs}/u.test(v)
}

function text (row: LedgerRow, field: keyof LedgerRow, nullable: boolean): void {
  const v = row[field]
  if (v === null && nullable) return
  if (typeof v !== 'string' || !storable(v)) {
    throw new TypeError(`ledger: ${field} must be a string${nullable ? ' or null' : ''} without NUL or lone surrogates`)
  }
}

type InstantField = 'receivedAt' | 'forwardedAt' | 'acknowledgedAt' | 'ackSentAt' | 'releasedAt'

function instant (row: LedgerRow, field: InstantField, nullable: boolean): string | null {
  const v = row[field]
  if (v === null && nullable) return null
  return isoInstant(v as string, field)
}

function strings (row: LedgerRow, field: 'messageRefs' | 'parts'): string[] {
  const v = row[field]
  if (!Array.isArray(v) || v.some(s => typeof s !== 'string' || !storable(s))) {
    throw new TypeError(`ledger: ${field} must be an array of strings`)
  }
  return [...v]
}

const TEXT_FIELDS = [
  'carrier',
  'sender',
  'recipient',
  'reference',
  'preparedAt',
  'messageType',
  'messageVersion',
  'flight',
  'destination',
  'ackKind',
  'ack',
  'duplicateOf',
  'releasedBy',
  'interactive'
] as const

/** Fits the INTEGER columns of both stores (a signed 32-bit PostgreSQL `integer`). */
const MAX_INT32 = 0x7fffffff

/**
 * Checks a row where it enters the ledger and returns a copy in stored form (canonical instants,
 * copied arrays). A malformed row is a programming error, so it throws TypeError rather than
 * GW_ERR_LEDGER_UNAVAILABLE: retrying would not help.
 */
export function normalizeRow (row: LedgerRow): LedgerRow {
  if (row === null || typeof row !== 'object') throw new TypeError('ledger: row must be an object')
  text(row, 'id', false)
  if (row.id === '') throw new TypeError('ledger: id must not be empty')
  for (const f of TEXT_FIELDS) text(row, f, true)
  text(row, 'sha256', false)
  if (!CHANNEL_SET.has(row.channel)) throw new TypeError(`ledger: channel must be one of ${CHANNELS.join(', ')}`)
  if (!STATUS_SET.has(row.status)) throw new TypeError('ledger: status is not a ledger status')
  if (row.outcome !== null && !OUTCOME_SET.has(row.outcome)) throw new TypeError('ledger: outcome is not a ledger outcome')
  if (!Number.isSafeInteger(row.size) || row.size < 0 || row.size > MAX_INT32) {
    throw new TypeError('ledger: size must be an integer between 0 and 2^31-1')
  }
  if (!Array.isArray(row.errorCodes) || row.errorCodes.some(c => !Number.isSafeInteger(c) || Math.abs(c) > MAX_INT32)) {
    throw new TypeError('ledger: errorCodes must be an array of integers')
  }
  if (typeof row.test !== 'boolean' || typeof row.correction !== 'boolean') {
    throw new TypeError('ledger: test and correction must be booleans')
  }
  return {
    id: row.id,
    carrier: row.carrier,
    channel: row.channel,
    status: row.status,
    outcome: row.outcome,
    receivedAt: instant(row, 'receivedAt', false) as string,
    forwardedAt: instant(row, 'forwardedAt', true),
    acknowledgedAt: instant(row, 'acknowledgedAt', true),
    sender: row.sender,
    recipient: row.recipient,
    reference: row.reference,
    preparedAt: row.preparedAt,
    messageRefs: strings(row, 'messageRefs'),
    parts: strings(row, 'parts'),
    messageType: row.messageType,
    messageVersion: row.messageVersion,
    flight: row.flight,
    test: row.test,
    destination: row.destination,
    sha256: row.sha256,
    size: row.size,
    errorCodes: [...row.errorCodes],
    ackKind: row.ackKind,
    ack: row.ack,
    ackSentAt: instant(row, 'ackSentAt', true),
    correction: row.correction,
    duplicateOf: row.duplicateOf,
    releasedAt: instant(row, 'releasedAt', true),
    releasedBy: row.releasedBy,
    // Rows written before interactive API existed have no such field.
    interactive: row.interactive ?? null
  }
}

/** `patch` applied to `row`; the id never changes. Keys whose value is undefined are ignored. */
export function mergePatch (row: LedgerRow, patch: Partial<LedgerRow>): LedgerRow {
  const merged: Record<string, unknown> = { ...row }
  for (const [k, v] of Object.entries(patch)) {
    if (v !== undefined && k !== 'id' && k in row) merged[k] = v
  }
  return merged as unknown as LedgerRow
}

// A complete valid row: a patch merged into it is checked field by field by normalizeRow.
const PATCH_PROBE: LedgerRow = newLedgerRow({ id: 'probe', channel: 'https', receivedAt: '1970-01-01T00:00:00.000Z', sha256: '', size: 0 })

/**
 * The fields a patch sets, checked and in stored form. Undefined values, unknown keys and `id` are
 * dropped (the id of a transmission never changes).
 */
export function normalizePatch (patch: Partial<LedgerRow>): Partial<LedgerRow> {
  if (patch === null || typeof patch !== 'object') throw new TypeError('ledger: patch must be an object')
  const checked = normalizeRow(mergePatch(PATCH_PROBE, patch))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(patch)) {
    if (v !== undefined && k !== 'id' && k in PATCH_PROBE) out[k] = checked[k as keyof LedgerRow]
  }
  return out as Partial<LedgerRow>
}

/** `limit` bounded to 1..MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT when absent. */
export function listLimit (limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT
  if (!Number.isFinite(limit)) throw new TypeError('ledger: limit must be a number')
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)))
}

/** The instant `olderThanDays` days before `now`, in canonical form. */
export function purgeCutoff (olderThanDays: number, now: Date): string {
  if (!Number.isFinite(olderThanDays) || olderThanDays < 0) throw new TypeError('ledger: olderThanDays must be a non-negative number')
  const ms = now.getTime() - olderThanDays * 86_400_000
  if (Number.isNaN(ms)) throw new TypeError('ledger: now is not a valid date')
  return new Date(ms).toISOString()
}

export function dedupeKeyOf (row: LedgerRow): DedupeKey | null {
  if (row.carrier === null || row.sender === null || row.reference === null || row.preparedAt === null) return null
  return { carrier: row.carrier, sender: row.sender, reference: row.reference, preparedAt: row.preparedAt }
}

/**
 * A store failure as the catalogue's GW_ERR_LEDGER_UNAVAILABLE (outcome retry), the driver error
 * kept as `cause`. Programming errors (TypeError, RangeError) and GatewayErrors pass through.
 * `where` names the store and operation only, never a value.
 */
export function storeFailure (err: unknown, where: string): Error {
  if (err instanceof GatewayError || err instanceof TypeError || err instanceof RangeError) return err
  return new GatewayError('GW_ERR_LEDGER_UNAVAILABLE', where, { cause: err })
}

/** An update of an id the ledger does not hold: a caller bug, not a store failure. */
export function noSuchRow (): RangeError {
  return new RangeError('ledger: no transmission with that id')
}

/** A dedupe key's fields checked where they enter. */
export function checkKey (key: DedupeKey): DedupeKey {
  for (const f of ['carrier', 'sender', 'reference', 'preparedAt'] as const) {
    if (typeof key?.[f] !== 'string') throw new TypeError(`ledger: dedupe key ${f} must be a string`)
  }
  return key
}
