/**
 * The outbox on the shared PostgreSQL ledger (src/ledger/outbound.ts has the contract). Instances
 * compete for the same rows: a delivery attempt takes the row's lease with a conditional UPDATE, and
 * a PIU redelivery of a stored message meets the unique index on (carrier, source_key).
 */
import type pg from 'pg'
import { storeFailure } from './types.js'
import { pgTransaction } from './transaction.js'
import {
  OUTBOUND_COLUMNS, checkOutboundRow, outboundLimit,
  type OutboundKind, type OutboundLink, type OutboundQuery, type OutboundRow, type OutboundState, type OutboundStore
} from './outbound.js'

const PG_TYPE = { text: 'text', instant: 'timestamptz', count: 'integer NOT NULL DEFAULT 0' } as const

export function outboundPostgresSchema (schema: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${schema}.outbound_messages (
  ${OUTBOUND_COLUMNS.map(c => `${c.column} ${c.column === 'id' ? 'text COLLATE "C" PRIMARY KEY' : PG_TYPE[c.kind]}`).join(',\n  ')},
  lease_until timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS outbound_source ON ${schema}.outbound_messages (carrier, source_key);
CREATE INDEX IF NOT EXISTS outbound_state_next ON ${schema}.outbound_messages (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS outbound_carrier_created ON ${schema}.outbound_messages (carrier, created_at);
CREATE TABLE IF NOT EXISTS ${schema}.outbound_payloads (
  id text COLLATE "C" PRIMARY KEY,
  body bytea NOT NULL
);
`
}

type SqlRow = Record<string, unknown>

function fromSql (r: SqlRow): OutboundRow {
  const row: Record<string, unknown> = {}
  for (const c of OUTBOUND_COLUMNS) {
    const v = r[c.column]
    row[c.field] = v instanceof Date ? v.toISOString() : c.kind === 'count' ? Number(v) : v ?? null
  }
  return row as unknown as OutboundRow
}

const COLS = OUTBOUND_COLUMNS.map(c => c.column)
const INSERT_VALUES = COLS.map((_, i) => `$${i + 1}`).join(', ')

export class PostgresOutbound implements OutboundStore {
  private readonly pool: pg.Pool
  private readonly m: string
  private readonly p: string

  constructor (pool: pg.Pool, schema: string) {
    this.pool = pool
    this.m = `${schema}.outbound_messages`
    this.p = `${schema}.outbound_payloads`
  }

  private async q (sql: string, args: unknown[], where: string): Promise<SqlRow[]> {
    try {
      return (await this.pool.query(sql, args)).rows as SqlRow[]
    } catch (err) {
      throw storeFailure(err, `postgres outbound ${where}`)
    }
  }

  private async tx<T> (where: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return await pgTransaction(this.pool, `postgres outbound ${where}`, fn)
  }

  async add (row: OutboundRow, payload: Buffer): Promise<{ row: OutboundRow, created: boolean }> {
    const checked = checkOutboundRow(row)
    return await this.tx('add', async c => {
      const inserted = await c.query(`INSERT INTO ${this.m} (${COLS.join(', ')}) VALUES (${INSERT_VALUES})
        ON CONFLICT (carrier, source_key) DO NOTHING RETURNING id`, OUTBOUND_COLUMNS.map(col => checked[col.field]))
      if (inserted.rowCount === 1) {
        await c.query(`INSERT INTO ${this.p} (id, body) VALUES ($1, $2)`, [checked.id, payload])
        return { row: checked, created: true }
      }
      const dup = await c.query(`UPDATE ${this.m} SET duplicates = duplicates + 1 WHERE carrier = $1 AND source_key = $2 RETURNING *`,
        [checked.carrier, checked.sourceKey])
      return { row: fromSql(dup.rows[0] as SqlRow), created: false }
    })
  }

  async get (id: string): Promise<OutboundRow | null> {
    const rows = await this.q(`SELECT * FROM ${this.m} WHERE id = $1`, [id], 'get')
    return rows.length === 0 ? null : fromSql(rows[0])
  }

  async payload (id: string): Promise<Buffer | null> {
    const rows = await this.q(`SELECT body FROM ${this.p} WHERE id = $1`, [id], 'payload')
    return rows.length === 0 ? null : rows[0].body as Buffer
  }

  async list (q: OutboundQuery): Promise<OutboundRow[]> {
    const where: string[] = []
    const args: unknown[] = []
    for (const [col, v] of [['carrier', q.carrier], ['state', q.state], ['kind', q.kind]] as const) {
      if (v === undefined) continue
      args.push(v)
      where.push(`${col} = $${args.length}`)
    }
    args.push(outboundLimit(q.limit))
    const rows = await this.q(`SELECT * FROM ${this.m} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT $${args.length}`, args, 'list')
    return rows.map(fromSql)
  }

  async lease (id: string, now: Date, until: Date): Promise<boolean> {
    const rows = await this.q(`UPDATE ${this.m} SET lease_until = $1
      WHERE id = $2 AND state = 'queued' AND (lease_until IS NULL OR lease_until < $3) RETURNING id`, [until, id, now], 'lease')
    return rows.length === 1
  }

  async due (now: Date, limit: number): Promise<OutboundRow[]> {
    const rows = await this.q(`SELECT * FROM ${this.m}
      WHERE state = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= $1) AND (lease_until IS NULL OR lease_until < $1)
      ORDER BY created_at, id LIMIT $2`, [now, limit], 'due')
    return rows.map(fromSql)
  }

  async delivered (id: string, at: Date, to: string, purge: boolean): Promise<void> {
    await this.tx('delivered', async c => {
      await c.query(`UPDATE ${this.m} SET state = 'delivered', delivered_at = $1, delivered_to = $2, attempts = attempts + 1,
        next_attempt_at = NULL, last_error = NULL, lease_until = NULL WHERE id = $3 AND state = 'queued'`, [at, to, id])
      if (purge) await c.query(`DELETE FROM ${this.p} WHERE id = $1`, [id])
    })
  }

  async failed (id: string, error: string, next: Date): Promise<void> {
    await this.q(`UPDATE ${this.m} SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_until = NULL
      WHERE id = $3 AND state = 'queued'`, [error, next, id], 'failed')
  }

  async pending (carrier: string, limit: number): Promise<Array<{ row: OutboundRow, payload: Buffer }>> {
    const rows = await this.q(`WITH picked AS (
        SELECT m.id FROM ${this.m} m JOIN ${this.p} p ON p.id = m.id
        WHERE m.carrier = $1 AND m.channel = 'https' AND m.state = 'delivered' ORDER BY m.created_at, m.id LIMIT $2)
      UPDATE ${this.m} m SET fetches = m.fetches + 1 FROM picked, ${this.p} p
      WHERE m.id = picked.id AND p.id = m.id RETURNING m.*, p.body`, [carrier, limit], 'pending')
    return rows.map(r => ({ row: fromSql(r), payload: r.body as Buffer }))
      .sort((a, b) => a.row.createdAt.localeCompare(b.row.createdAt) || a.row.id.localeCompare(b.row.id))
  }

  async fetched (carrier: string, id: string, at: Date): Promise<OutboundRow | null> {
    return await this.tx('fetched', async c => {
      const r = await c.query(`UPDATE ${this.m} SET state = 'fetched', fetched_at = $1
        WHERE id = $2 AND carrier = $3 AND channel = 'https' AND state = 'delivered' RETURNING *`, [at, id, carrier])
      if (r.rowCount !== 1) return null
      await c.query(`DELETE FROM ${this.p} WHERE id = $1`, [id])
      return fromSql(r.rows[0] as SqlRow)
    })
  }

  async answer (link: OutboundLink, by: string, at: Date): Promise<string[]> {
    const open = "state IN ('delivered', 'fetched')"
    return await this.tx('answer', async c => {
      const r = link.kind === 'cusres'
        ? await c.query(`UPDATE ${this.m} SET state = 'answered', answered_at = $1, answered_by = $2, lease_until = NULL
            WHERE ${open} AND kind = 'cusres' AND carrier = $3 AND message_ref = $4
            AND ($5::text IS NULL OR transaction_ref IS NULL OR transaction_ref = $5) RETURNING id`,
        [at, by, link.carrier, link.messageRef, link.transactionRef])
        : await c.query(`UPDATE ${this.m} SET state = 'answered', answered_at = $1, answered_by = $2, lease_until = NULL
            WHERE ${open} AND kind = 'govreq' AND carrier = $3 AND flight = $4
            AND ($5::text IS NULL OR flight_date IS NULL OR flight_date = $5) RETURNING id`,
        [at, by, link.carrier, link.flight, link.flightDate])
      const ids = r.rows.map(x => (x as { id: string }).id)
      if (ids.length > 0) await c.query(`DELETE FROM ${this.p} WHERE id = ANY($1)`, [ids])
      return ids
    })
  }

  async expire (now: Date): Promise<OutboundRow[]> {
    return await this.tx('expire', async c => {
      const r = await c.query(`UPDATE ${this.m} SET state = 'expired', expired_at = $1, next_attempt_at = NULL, lease_until = NULL
        WHERE expires_at <= $1 AND (state = 'queued' OR (state = 'delivered' AND channel = 'https')) RETURNING *`, [now])
      const rows = r.rows.map(x => fromSql(x as SqlRow))
      if (rows.length > 0) await c.query(`DELETE FROM ${this.p} WHERE id = ANY($1)`, [rows.map(x => x.id)])
      return rows
    })
  }

  async requeue (id: string, now: Date, expiresAt: Date): Promise<OutboundRow | null> {
    const rows = await this.q(`UPDATE ${this.m} SET state = 'queued', next_attempt_at = $1, expires_at = $2, lease_until = NULL,
      delivered_at = NULL, delivered_to = NULL
      WHERE id = $3 AND state IN ('queued', 'delivered') AND EXISTS (SELECT 1 FROM ${this.p} WHERE id = $3) RETURNING *`,
    [now, expiresAt, id], 'requeue')
    return rows.length === 0 ? null : fromSql(rows[0])
  }

  async counts (): Promise<Array<{ carrier: string, kind: OutboundKind, state: OutboundState, count: number }>> {
    const rows = await this.q(`SELECT carrier, kind, state, COUNT(*) AS count FROM ${this.m} GROUP BY carrier, kind, state`, [], 'counts')
    return rows.map(r => ({
      carrier: r.carrier as string, kind: r.kind as OutboundKind, state: r.state as OutboundState, count: Number(r.count)
    }))
  }

  async unanswered (now: Date, limit: number): Promise<OutboundRow[]> {
    const rows = await this.q(`SELECT * FROM ${this.m} WHERE kind = 'govreq' AND state IN ('delivered', 'fetched')
      AND answer_due_at <= $1 ORDER BY answer_due_at LIMIT $2`, [now, limit], 'unanswered')
    return rows.map(fromSql)
  }

  async purge (olderThanDays: number, now = new Date()): Promise<number> {
    if (!Number.isFinite(olderThanDays) || olderThanDays < 0) throw new TypeError('outbound: olderThanDays must be >= 0')
    const cutoff = new Date(now.getTime() - olderThanDays * 86_400_000)
    return await this.tx('purge', async c => {
      await c.query(`DELETE FROM ${this.p} WHERE id IN (SELECT id FROM ${this.m} WHERE created_at < $1)`, [cutoff])
      return (await c.query(`DELETE FROM ${this.m} WHERE created_at < $1`, [cutoff])).rowCount ?? 0
    })
  }
}
