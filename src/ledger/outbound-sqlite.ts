/**
 * The outbox on the SQLite ledger (src/ledger/outbound.ts has the contract). better-sqlite3 runs
 * each call synchronously in its own transaction on the ledger's connection, so a write is committed
 * and on disk (WAL, fsynced: ./wal-sync.ts) when its promise resolves.
 */
import Database from 'better-sqlite3'
import { sqliteTransaction } from './transaction.js'
import {
  OUTBOUND_COLUMNS, checkOutboundRow, outboundLimit,
  type OutboundKind, type OutboundLink, type OutboundQuery, type OutboundRow, type OutboundState, type OutboundStore
} from './outbound.js'

export const OUTBOUND_SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS outbound_messages (
  ${OUTBOUND_COLUMNS.map(c => `${c.column} ${c.kind === 'count' ? 'INTEGER NOT NULL DEFAULT 0' : 'TEXT'}`).join(',\n  ')},
  lease_until TEXT,
  PRIMARY KEY (id)
);
CREATE UNIQUE INDEX IF NOT EXISTS outbound_source ON outbound_messages (carrier, source_key);
CREATE INDEX IF NOT EXISTS outbound_state_next ON outbound_messages (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS outbound_carrier_created ON outbound_messages (carrier, created_at);
CREATE TABLE IF NOT EXISTS outbound_payloads (
  id TEXT PRIMARY KEY,
  body BLOB NOT NULL
);
`

type SqlRow = Record<string, string | number | null>

function fromSql (r: SqlRow): OutboundRow {
  const row: Record<string, unknown> = {}
  for (const c of OUTBOUND_COLUMNS) row[c.field] = r[c.column]
  return row as unknown as OutboundRow
}

function toParams (row: OutboundRow): Record<string, string | number | null> {
  const p: Record<string, string | number | null> = {}
  for (const c of OUTBOUND_COLUMNS) p[c.column] = row[c.field] as string | number | null
  return p
}

const INSERT = `INSERT INTO outbound_messages (${OUTBOUND_COLUMNS.map(c => c.column).join(', ')})
  VALUES (${OUTBOUND_COLUMNS.map(c => `@${c.column}`).join(', ')})`

export class SqliteOutbound implements OutboundStore {
  private readonly db: Database.Database
  private readonly isClosed: () => boolean
  private readonly durable: () => Promise<void>

  /** `durable`: resolves once what was committed is on disk (the ledger's WAL fsync). */
  constructor (db: Database.Database, isClosed: () => boolean, durable: () => Promise<void>) {
    this.db = db
    this.isClosed = isClosed
    this.durable = durable
  }

  private run<T> (fn: () => T): Promise<T> {
    return sqliteTransaction(this.db, this.isClosed(), 'sqlite outbound', fn, this.durable)
  }

  private one (id: string): OutboundRow | null {
    const r = this.db.prepare('SELECT * FROM outbound_messages WHERE id = ?').get(id) as SqlRow | undefined
    return r === undefined ? null : fromSql(r)
  }

  async add (row: OutboundRow, payload: Buffer): Promise<{ row: OutboundRow, created: boolean }> {
    const checked = checkOutboundRow(row)
    return await this.run(() => {
      const existing = this.db.prepare('SELECT * FROM outbound_messages WHERE carrier = ? AND source_key = ?')
        .get(checked.carrier, checked.sourceKey) as SqlRow | undefined
      if (existing !== undefined) {
        this.db.prepare('UPDATE outbound_messages SET duplicates = duplicates + 1 WHERE id = ?').run(existing.id)
        return { row: { ...fromSql(existing), duplicates: Number(existing.duplicates) + 1 }, created: false }
      }
      this.db.prepare(INSERT).run(toParams(checked))
      this.db.prepare('INSERT INTO outbound_payloads (id, body) VALUES (?, ?)').run(checked.id, payload)
      return { row: checked, created: true }
    })
  }

  get (id: string): Promise<OutboundRow | null> {
    return this.run(() => this.one(id))
  }

  payload (id: string): Promise<Buffer | null> {
    return this.run(() => {
      const r = this.db.prepare('SELECT body FROM outbound_payloads WHERE id = ?').get(id) as { body: Buffer } | undefined
      return r?.body ?? null
    })
  }

  list (q: OutboundQuery): Promise<OutboundRow[]> {
    const where: string[] = []
    const args: Array<string | number> = []
    if (q.carrier !== undefined) { where.push('carrier = ?'); args.push(q.carrier) }
    if (q.state !== undefined) { where.push('state = ?'); args.push(q.state) }
    if (q.kind !== undefined) { where.push('kind = ?'); args.push(q.kind) }
    const sql = `SELECT * FROM outbound_messages ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT ?`
    return this.run(() => (this.db.prepare(sql).all(...args, outboundLimit(q.limit)) as SqlRow[]).map(fromSql))
  }

  lease (id: string, now: Date, until: Date): Promise<boolean> {
    return this.run(() => this.db.prepare(`UPDATE outbound_messages SET lease_until = ?
      WHERE id = ? AND state = 'queued' AND (lease_until IS NULL OR lease_until < ?)`)
      .run(until.toISOString(), id, now.toISOString()).changes === 1)
  }

  due (now: Date, limit: number): Promise<OutboundRow[]> {
    const t = now.toISOString()
    return this.run(() => (this.db.prepare(`SELECT * FROM outbound_messages
      WHERE state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) AND (lease_until IS NULL OR lease_until < ?)
      ORDER BY created_at, id LIMIT ?`).all(t, t, limit) as SqlRow[]).map(fromSql))
  }

  delivered (id: string, at: Date, to: string, purge: boolean): Promise<void> {
    return this.run(() => {
      this.db.prepare(`UPDATE outbound_messages SET state = 'delivered', delivered_at = ?, delivered_to = ?, attempts = attempts + 1,
        next_attempt_at = NULL, last_error = NULL, lease_until = NULL WHERE id = ? AND state = 'queued'`).run(at.toISOString(), to, id)
      if (purge) this.db.prepare('DELETE FROM outbound_payloads WHERE id = ?').run(id)
    })
  }

  failed (id: string, error: string, next: Date): Promise<void> {
    return this.run(() => {
      this.db.prepare(`UPDATE outbound_messages SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_until = NULL
        WHERE id = ? AND state = 'queued'`).run(error, next.toISOString(), id)
    })
  }

  pending (carrier: string, limit: number): Promise<Array<{ row: OutboundRow, payload: Buffer }>> {
    return this.run(() => {
      const rows = this.db.prepare(`SELECT m.*, p.body FROM outbound_messages m JOIN outbound_payloads p ON p.id = m.id
        WHERE m.carrier = ? AND m.channel = 'https' AND m.state = 'delivered' ORDER BY m.created_at, m.id LIMIT ?`)
        .all(carrier, limit) as Array<SqlRow & { body: Buffer }>
      const bump = this.db.prepare('UPDATE outbound_messages SET fetches = fetches + 1 WHERE id = ?')
      for (const r of rows) bump.run(r.id)
      return rows.map(r => ({ row: { ...fromSql(r), fetches: Number(r.fetches) + 1 }, payload: r.body }))
    })
  }

  fetched (carrier: string, id: string, at: Date): Promise<OutboundRow | null> {
    return this.run(() => {
      const changed = this.db.prepare(`UPDATE outbound_messages SET state = 'fetched', fetched_at = ?
        WHERE id = ? AND carrier = ? AND channel = 'https' AND state = 'delivered'`).run(at.toISOString(), id, carrier).changes
      if (changed === 0) return null
      this.db.prepare('DELETE FROM outbound_payloads WHERE id = ?').run(id)
      return this.one(id)
    })
  }

  answer (link: OutboundLink, by: string, at: Date): Promise<string[]> {
    return this.run(() => {
      const open = "state IN ('delivered', 'fetched')"
      const rows = link.kind === 'cusres'
        ? this.db.prepare(`SELECT id FROM outbound_messages WHERE ${open} AND kind = 'cusres' AND carrier = ? AND message_ref = ?
            AND (? IS NULL OR transaction_ref IS NULL OR transaction_ref = ?)`)
          .all(link.carrier, link.messageRef, link.transactionRef, link.transactionRef) as Array<{ id: string }>
        : this.db.prepare(`SELECT id FROM outbound_messages WHERE ${open} AND kind = 'govreq' AND carrier = ? AND flight = ?
            AND (? IS NULL OR flight_date IS NULL OR flight_date = ?)`)
          .all(link.carrier, link.flight, link.flightDate, link.flightDate) as Array<{ id: string }>
      const mark = this.db.prepare(`UPDATE outbound_messages SET state = 'answered', answered_at = ?, answered_by = ?, lease_until = NULL
        WHERE id = ?`)
      for (const r of rows) mark.run(at.toISOString(), by, r.id)
      // An HTTPS message answered before it was confirmed needs no fetch any more.
      const purge = this.db.prepare('DELETE FROM outbound_payloads WHERE id = ?')
      for (const r of rows) purge.run(r.id)
      return rows.map(r => r.id)
    })
  }

  expire (now: Date): Promise<OutboundRow[]> {
    const t = now.toISOString()
    return this.run(() => {
      const rows = (this.db.prepare(`SELECT * FROM outbound_messages WHERE expires_at <= ?
        AND (state = 'queued' OR (state = 'delivered' AND channel = 'https'))`).all(t) as SqlRow[]).map(fromSql)
      const mark = this.db.prepare(`UPDATE outbound_messages SET state = 'expired', expired_at = ?, next_attempt_at = NULL,
        lease_until = NULL WHERE id = ?`)
      const purge = this.db.prepare('DELETE FROM outbound_payloads WHERE id = ?')
      for (const r of rows) { mark.run(t, r.id); purge.run(r.id) }
      return rows.map(r => ({ ...r, state: 'expired' as const, expiredAt: t }))
    })
  }

  requeue (id: string, now: Date, expiresAt: Date): Promise<OutboundRow | null> {
    return this.run(() => {
      const held = this.db.prepare('SELECT 1 FROM outbound_payloads WHERE id = ?').get(id) !== undefined
      if (!held) return null
      this.db.prepare(`UPDATE outbound_messages SET state = 'queued', next_attempt_at = ?, expires_at = ?, lease_until = NULL,
        delivered_at = NULL, delivered_to = NULL WHERE id = ? AND state IN ('queued', 'delivered')`)
        .run(now.toISOString(), expiresAt.toISOString(), id)
      const row = this.one(id)
      return row?.state === 'queued' ? row : null
    })
  }

  counts (): Promise<Array<{ carrier: string, kind: OutboundKind, state: OutboundState, count: number }>> {
    return this.run(() => (this.db.prepare(`SELECT carrier, kind, state, COUNT(*) AS count FROM outbound_messages
      GROUP BY carrier, kind, state`).all() as Array<{ carrier: string, kind: OutboundKind, state: OutboundState, count: number }>)
      .map(r => ({ ...r, count: Number(r.count) })))
  }

  unanswered (now: Date, limit: number): Promise<OutboundRow[]> {
    return this.run(() => (this.db.prepare(`SELECT * FROM outbound_messages WHERE kind = 'govreq'
      AND state IN ('delivered', 'fetched') AND answer_due_at <= ? ORDER BY answer_due_at LIMIT ?`)
      .all(now.toISOString(), limit) as SqlRow[]).map(fromSql))
  }

  purge (olderThanDays: number, now = new Date()): Promise<number> {
    if (!Number.isFinite(olderThanDays) || olderThanDays < 0) return Promise.reject(new TypeError('outbound: olderThanDays must be >= 0'))
    const cutoff = new Date(now.getTime() - olderThanDays * 86_400_000).toISOString()
    return this.run(() => {
      this.db.prepare('DELETE FROM outbound_payloads WHERE id IN (SELECT id FROM outbound_messages WHERE created_at < ?)').run(cutoff)
      return this.db.prepare('DELETE FROM outbound_messages WHERE created_at < ?').run(cutoff).changes
    })
  }
}
