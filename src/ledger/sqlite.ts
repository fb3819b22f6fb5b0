/**
 * The embedded ledger store: one SQLite file (default `var/ledger.db`) through better-sqlite3.
 *
 * Durability: WAL, and every write's promise settles only after the WAL is fsynced (./wal-sync.ts:
 * FULL's durability, with the fsync on libuv's thread pool instead of the event loop). Without it a
 * power loss could drop the last commits, and a lost original row lets a resend through as new:
 * forwarded twice (invariant 2).
 *
 * Throughput: writes are group-committed. Every write issued during one turn of the event loop is
 * queued and run in a single `BEGIN IMMEDIATE` transaction on the next `setImmediate`, and one
 * fsync covers that batch and any committed while the previous fsync ran; each promise settles
 * only after it. A write that refuses on its own account (update of an unknown id) rejects alone;
 * a store failure rejects the batch.
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { GatewayError } from '../errors.js'
import { OUTBOUND_SQLITE_SCHEMA, SqliteOutbound } from './outbound-sqlite.js'
import { FLIGHTS_SQLITE_SCHEMA, SqliteFlights } from './flights-sqlite.js'
import { WalSync } from './wal-sync.js'
import { CHANNELS, OUTCOMES, STATUSES, sqlList } from '../transmission/index.js'
import {
  checkKey, COLUMNS, holdsDedupeKey, isoInstant, listLimit, mergePatch, noSuchRow, normalizePatch, normalizeRow, PENDING_OUTCOME,
  purgeCutoff, storeFailure,
  type DedupeKey, type Ledger, type LedgerRow, type ListQuery
} from './types.js'

/** 2: the `interactive` column (docs/interactive.md "Ledger and metrics"). */
const SCHEMA_VERSION = 2
/** Writes in one group commit. */
const MAX_BATCH = 1000

const SCHEMA = `
CREATE TABLE IF NOT EXISTS transmissions (
  id              TEXT PRIMARY KEY,
  carrier         TEXT,
  channel         TEXT NOT NULL CHECK (channel IN (${sqlList(CHANNELS)})),
  status          TEXT NOT NULL CHECK (status IN (${sqlList(STATUSES)})),
  outcome         TEXT CHECK (outcome IN (${sqlList(OUTCOMES)})),
  received_at     TEXT NOT NULL,
  forwarded_at    TEXT,
  acknowledged_at TEXT,
  sender          TEXT,
  recipient       TEXT,
  reference       TEXT,
  prepared_at     TEXT,
  message_refs    TEXT NOT NULL,
  parts           TEXT NOT NULL,
  message_type    TEXT,
  message_version TEXT,
  flight          TEXT,
  test            INTEGER NOT NULL,
  destination     TEXT,
  sha256          TEXT NOT NULL,
  size            INTEGER NOT NULL,
  error_codes     TEXT NOT NULL,
  ack_kind        TEXT,
  ack             TEXT,
  ack_sent_at     TEXT,
  correction      INTEGER NOT NULL,
  duplicate_of    TEXT,
  released_at     TEXT,
  released_by     TEXT,
  interactive     TEXT,
  original        INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS transmissions_dedupe ON transmissions (carrier, sender, reference, prepared_at) WHERE original = 1;
CREATE INDEX IF NOT EXISTS transmissions_received ON transmissions (received_at);
CREATE INDEX IF NOT EXISTS transmissions_carrier_received ON transmissions (carrier, received_at);
CREATE INDEX IF NOT EXISTS transmissions_reference ON transmissions (reference);
`

const NAMES = COLUMNS.map(c => c.column)

// The row takes the key only when it is eligible and no other id holds it; a plain upsert (never
// INSERT OR REPLACE, which would delete the other holder to satisfy the unique index).
const UPSERT = `
INSERT INTO transmissions (${NAMES.join(', ')}, original)
VALUES (${NAMES.map(c => '@' + c).join(', ')},
  CASE WHEN @eligible = 1 AND NOT EXISTS (
    SELECT 1 FROM transmissions o WHERE o.original = 1 AND o.carrier = @carrier AND o.sender = @sender
      AND o.reference = @reference AND o.prepared_at = @prepared_at AND o.id <> @id) THEN 1 ELSE 0 END)
ON CONFLICT (id) DO UPDATE SET ${[...NAMES.slice(1), 'original'].map(c => `${c} = excluded.${c}`).join(', ')}`

const FIND_HOLDER = `SELECT * FROM transmissions WHERE original = 1 AND carrier = ? AND sender = ? AND reference = ?
  AND prepared_at = ? ORDER BY received_at, id LIMIT 1`

type SqlValue = string | number | null
type SqlRow = Record<string, SqlValue>

/** Lists as JSON text, flags as 0/1 (SQLite has neither arrays nor booleans); the rest as is. */
function toParams (row: LedgerRow): Record<string, SqlValue> {
  const params: Record<string, SqlValue> = { eligible: holdsDedupeKey(row) ? 1 : 0 }
  for (const { field, column, kind } of COLUMNS) {
    const v = row[field]
    params[column] = kind === 'list' || kind === 'codes' ? JSON.stringify(v) : kind === 'flag' ? (v === true ? 1 : 0) : v as SqlValue
  }
  return params
}

function fromSql (r: SqlRow): LedgerRow {
  const row: Record<string, unknown> = {}
  for (const { field, column, kind } of COLUMNS) {
    const v = r[column]
    row[field] = kind === 'list' || kind === 'codes' ? JSON.parse(v as string) : kind === 'flag' ? v === 1 : v
  }
  return row as unknown as LedgerRow
}

interface Op {
  run: () => unknown
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

/** Creates the file (mode 0600, folder 0700) before SQLite does, so it never exists world-readable. */
function prepareFile (path: string): void {
  const dir = dirname(path)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  let created = false
  try {
    closeSync(openSync(path, 'wx', 0o600))
    created = true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  chmodSync(path, 0o600)
  if (created) {
    // The new directory entry must reach the disk too, or a power loss could drop the whole file.
    const fd = openSync(dir, 'r')
    try { fsyncSync(fd) } finally { closeSync(fd) }
  }
}

class SqliteLedger implements Ledger {
  readonly outbound: SqliteOutbound
  readonly flights: SqliteFlights
  private readonly db: Database.Database
  private queue: Op[] = []
  private scheduled = false
  private closed = false
  private readonly upsert: Database.Statement
  private readonly byId: Database.Statement
  private readonly holder: Database.Statement
  private readonly listStatements = new Map<string, Database.Statement>()
  private readonly batch: Database.Transaction<(ops: Op[]) => Array<{ ok: boolean, value: unknown }>>

  private readonly wal: WalSync

  constructor (db: Database.Database, wal: WalSync) {
    this.db = db
    this.wal = wal
    const durable = (): Promise<void> => wal.durable()
    this.outbound = new SqliteOutbound(db, () => this.closed, durable)
    this.flights = new SqliteFlights(db, () => this.closed, durable, run => this.enqueue(run))
    this.upsert = db.prepare(UPSERT)
    this.byId = db.prepare('SELECT * FROM transmissions WHERE id = ?')
    this.holder = db.prepare(FIND_HOLDER)
    this.batch = db.transaction((ops: Op[]) => ops.map(op => {
      try {
        return { ok: true, value: op.run() }
      } catch (err) {
        // A store error may have rolled the transaction back: abandon the batch. Any other error
        // is raised by an op before it writes (each op writes with one statement at most).
        if (err instanceof Database.SqliteError) throw err
        return { ok: false, value: err }
      }
    }))
  }

  private enqueue<T> (run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new GatewayError('GW_ERR_LEDGER_UNAVAILABLE', 'sqlite ledger closed'))
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush (): void {
    this.scheduled = false
    if (this.queue.length === 0) return
    // Bounded so that a burst does not hold the event loop for one huge transaction.
    const ops = this.queue.splice(0, MAX_BATCH)
    if (this.queue.length > 0) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
    let results: Array<{ ok: boolean, value: unknown }>
    try {
      results = this.batch.immediate(ops)
    } catch (err) {
      // Busy, full, read-only or broken: the store fails every write of the batch alike. (Rows are
      // checked before they are queued and the key is taken with NOT EXISTS, so no single row can
      // make the batch fail on a constraint.)
      for (const op of ops) op.reject(storeFailure(err, 'sqlite write'))
      return
    }
    this.wal.durable().then(
      () => results.forEach((r, i) => r.ok ? ops[i].resolve(r.value) : ops[i].reject(r.value)),
      // Committed but not known to be on disk: nothing may be acknowledged on it.
      (err: unknown) => { for (const op of ops) op.reject(storeFailure(err, 'sqlite fsync')) }
    )
  }

  private read<T> (fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new GatewayError('GW_ERR_LEDGER_UNAVAILABLE', 'sqlite ledger closed'))
    try {
      return Promise.resolve(fn())
    } catch (err) {
      return Promise.reject(storeFailure(err, 'sqlite read'))
    }
  }

  async record (row: LedgerRow): Promise<void> {
    const params = toParams(normalizeRow(row))
    await this.enqueue(() => this.upsert.run(params))
  }

  async update (id: string, patch: Partial<LedgerRow>): Promise<void> {
    const checked = normalizePatch(patch)
    await this.enqueue(() => {
      const current = this.byId.get(id) as SqlRow | undefined
      if (current === undefined) throw noSuchRow()
      this.upsert.run(toParams(mergePatch(fromSql(current), checked)))
    })
  }

  get (id: string): Promise<LedgerRow | null> {
    return this.read(() => {
      const r = this.byId.get(id) as SqlRow | undefined
      return r === undefined ? null : fromSql(r)
    })
  }

  findOriginal (key: DedupeKey): Promise<LedgerRow | null> {
    const k = checkKey(key)
    return this.read(() => {
      const r = this.holder.get(k.carrier, k.sender, k.reference, k.preparedAt) as SqlRow | undefined
      return r === undefined ? null : fromSql(r)
    })
  }

  async claimOriginal (row: LedgerRow): Promise<LedgerRow | null> {
    const n = normalizeRow(row)
    if (!holdsDedupeKey(n)) throw new TypeError('ledger: claimOriginal needs an accepted original row with a complete dedupe key')
    const params = toParams(n)
    // Runs inside the BEGIN IMMEDIATE batch: no other writer, in this process or another, can
    // slip in between the look-up and the insert.
    return await this.enqueue(() => {
      const held = this.holder.get(n.carrier, n.sender, n.reference, n.preparedAt) as SqlRow | undefined
      if (held !== undefined && held.id !== n.id) return fromSql(held)
      this.upsert.run(params)
      return null
    })
  }

  list (q: ListQuery): Promise<LedgerRow[]> {
    const where: string[] = []
    const args: Array<string | number> = []
    if (q.carrier !== undefined) { where.push('carrier = ?'); args.push(q.carrier) }
    if (q.reference !== undefined) { where.push('reference = ?'); args.push(q.reference) }
    if (q.outcome !== undefined) { where.push('outcome = ?'); args.push(q.outcome) }
    if (q.since !== undefined) { where.push('received_at >= ?'); args.push(isoInstant(q.since, 'since')) }
    args.push(listLimit(q.limit))
    const sql = `SELECT * FROM transmissions${where.length > 0 ? ' WHERE ' + where.join(' AND ') : ''}
      ORDER BY received_at DESC, id DESC LIMIT ?`
    return this.read(() => {
      let stmt = this.listStatements.get(sql)
      if (stmt === undefined) {
        stmt = this.db.prepare(sql)
        this.listStatements.set(sql, stmt)
      }
      return (stmt.all(...args) as SqlRow[]).map(fromSql)
    })
  }

  lastByType (carrier: string): Promise<Record<string, string>> {
    return this.read(() => {
      const rows = this.db.prepare(`SELECT message_type AS type, MAX(received_at) AS last FROM transmissions
        WHERE carrier = ? AND message_type IS NOT NULL GROUP BY message_type`).all(carrier) as Array<{ type: string, last: string }>
      return Object.fromEntries(rows.map(r => [r.type, r.last]))
    })
  }

  countsSince (since: string): Promise<Array<{ carrier: string, outcome: string, count: number }>> {
    const from = isoInstant(since, 'since')
    return this.read(() => this.db.prepare(`SELECT COALESCE(carrier, '') AS carrier, COALESCE(outcome, '${PENDING_OUTCOME}') AS outcome,
      COUNT(*) AS count FROM transmissions WHERE received_at >= ? GROUP BY 1, 2 ORDER BY 1, 2`)
      .all(from) as Array<{ carrier: string, outcome: string, count: number }>)
  }

  async purge (olderThanDays: number, now: Date = new Date()): Promise<number> {
    const cutoff = purgeCutoff(olderThanDays, now)
    return await this.enqueue(() => {
      this.flights.purgeRows(cutoff)
      return this.db.prepare('DELETE FROM transmissions WHERE received_at < ?').run(cutoff).changes
    })
  }

  size (): Promise<number> {
    return this.read(() => (this.db.prepare('SELECT COUNT(*) AS n FROM transmissions').get() as { n: number }).n)
  }

  async close (): Promise<void> {
    if (this.closed) return
    while (this.queue.length > 0) this.flush()
    this.closed = true
    try {
      await this.wal.close()
      this.db.close()
    } catch (err) {
      throw storeFailure(err, 'sqlite close')
    }
  }
}

/** Opens (creating if missing) the SQLite ledger at `path` and migrates its schema. */
export async function openSqliteLedger (path: string, busyTimeoutMs = 5000): Promise<Ledger> {
  let db: Database.Database | undefined
  try {
    prepareFile(path)
    // timeout: how long to wait for another connection holding the write lock (e.g. a CLI beside
    // the gateway). better-sqlite3 waits synchronously, so keep it short.
    db = new Database(path, { timeout: busyTimeoutMs })
    const mode = db.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal') throw new GatewayError('GW_ERR_LEDGER_WAL_REFUSED', path)
    // The migration below commits with FULL; the writes after it are made durable by WalSync.
    db.pragma('synchronous = FULL')
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) {
      throw new GatewayError('GW_ERR_LEDGER_UNAVAILABLE', 'sqlite ledger schema is newer than this gateway')
    }
    db.transaction(() => {
      db?.exec(SCHEMA)
      db?.exec(OUTBOUND_SQLITE_SCHEMA)
      db?.exec(FLIGHTS_SQLITE_SCHEMA)
      // A version-1 file has the table without the column (CREATE TABLE IF NOT EXISTS left it).
      if (version === 1) db?.exec('ALTER TABLE transmissions ADD COLUMN interactive TEXT')
      db?.pragma(`user_version = ${SCHEMA_VERSION}`)
    }).immediate()
    db.pragma('synchronous = NORMAL')
    return new SqliteLedger(db, new WalSync(path))
  } catch (err) {
    db?.close()
    throw storeFailure(err, 'sqlite open')
  }
}
