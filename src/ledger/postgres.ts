/**
 * The shared ledger store for several gateway instances: PostgreSQL through a small pg.Pool.
 *
 * Dedupe across instances rests on the partial unique index over (carrier, sender, reference,
 * prepared_at) WHERE original: whichever instance inserts first holds the key, the other gets a
 * unique violation (23505) and reads the holder (invariant 2).
 *
 * Throughput: concurrent `record` calls are group-committed as one upsert of a JSON array of rows
 * (jsonb_to_recordset: one parameter, one prepared statement, one transaction); while a batch is in
 * flight the next one gathers. Each promise resolves after its batch committed. A batch that fails
 * on one row's account (a key conflict) is retried row by row, so only that row is affected.
 * `update`, `claimOriginal` and reads are one statement each (one round trip).
 */
import pg from 'pg'
import { GatewayError } from '../errors.js'
import { PostgresOutbound } from './outbound-postgres.js'
import { PostgresFlights } from './flights-postgres.js'
import { DEDUPE_INDEX, PG_TYPE, migrate, quoteIdent } from './postgres-schema.js'
import {
  checkKey, COLUMNS, dedupeKeyOf, holdsDedupeKey, isoInstant, listLimit, noSuchRow, normalizePatch, normalizeRow, PENDING_OUTCOME,
  purgeCutoff, storeFailure,
  type DedupeKey, type Ledger, type LedgerRow, type ListQuery
} from './types.js'

/** Rows in one group-committed statement. */
const MAX_BATCH = 1000
const COLUMN_OF = new Map<string, string>(COLUMNS.map(c => [c.field, c.column]))
/** The column list of jsonb_to_record(set): JSON arrays become text[] / integer[], ISO strings timestamptz. */
const RECORD_TYPE = [...COLUMNS.map(c => `${c.column} ${PG_TYPE[c.kind]}`), 'original boolean'].join(', ')
const NAMES = [...COLUMNS.map(c => c.column), 'original']

type PgRow = Record<string, unknown>

/** A row as a JSON object keyed by column: jsonb_to_recordset turns it back into typed columns. */
function toRecord (row: LedgerRow, original: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { original }
  for (const { field, column } of COLUMNS) out[column] = row[field]
  return out
}

/** pg already returns arrays, booleans and integers; instants come back as Date. */
function fromPg (r: PgRow): LedgerRow {
  const row: Record<string, unknown> = {}
  for (const { field, column, kind } of COLUMNS) {
    const v = r[column]
    row[field] = kind === 'instant' && v !== null ? (v as Date).toISOString() : v
  }
  return row as unknown as LedgerRow
}

function isDedupeViolation (err: unknown): boolean {
  const e = err as { code?: string, constraint?: string }
  return e?.code === '23505' && e.constraint === DEDUPE_INDEX
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): one row's doing. */
function rowSpecific (err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return typeof code === 'string' && /^2[23]/.test(code)
}

interface Pending {
  row: LedgerRow
  resolve: () => void
  reject: (err: unknown) => void
}

class PostgresLedger implements Ledger {
  readonly outbound: PostgresOutbound
  readonly flights: PostgresFlights
  private readonly pool: pg.Pool
  private readonly t: string
  private pending: Pending[] = []
  private scheduled = false
  private inFlight: Promise<void> | null = null
  private closed = false

  constructor (pool: pg.Pool, table: string, schema: string) {
    this.pool = pool
    this.t = table
    this.outbound = new PostgresOutbound(pool, schema)
    this.flights = new PostgresFlights(pool, schema)
  }

  /**
   * One statement and one parameter whatever the number of rows (a JSON array), so a batch costs
   * one parse and one round trip; prepared once per connection.
   */
  private upsert (rows: LedgerRow[], original: (row: LedgerRow) => boolean): Promise<unknown> {
    return this.pool.query({
      name: 'ledger-upsert',
      text: `INSERT INTO ${this.t} (${NAMES.join(', ')})
        SELECT ${NAMES.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD_TYPE})
        ON CONFLICT (id) DO UPDATE SET ${NAMES.slice(1).map(c => `${c} = EXCLUDED.${c}`).join(', ')}`,
      values: [JSON.stringify(rows.map(r => toRecord(r, original(r))))]
    })
  }

  private check (): void {
    if (this.closed) throw new GatewayError('GW_ERR_LEDGER_UNAVAILABLE', 'postgres ledger closed')
  }

  /**
   * One row: it takes the dedupe key when eligible; if another id holds the key (23505 on the
   * partial index) it is stored without it.
   */
  private async writeOne (row: LedgerRow): Promise<void> {
    try {
      await this.upsert([row], holdsDedupeKey)
    } catch (err) {
      if (!isDedupeViolation(err)) throw err
      await this.upsert([row], () => false)
    }
  }

  private kick (): void {
    if (this.scheduled || this.inFlight !== null) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.drain()
    })
  }

  private drain (): void {
    if (this.inFlight !== null || this.pending.length === 0) return
    const batch = this.pending.splice(0, MAX_BATCH)
    this.inFlight = this.writeBatch(batch).finally(() => {
      this.inFlight = null
      this.drain()
    })
  }

  private async writeBatch (batch: Pending[]): Promise<void> {
    // One statement cannot upsert the same id twice: the later record of an id wins.
    const last = new Map<string, LedgerRow>()
    for (const p of batch) last.set(p.row.id, p.row)
    const rows = [...last.values()]
    try {
      if (rows.length === 1) await this.writeOne(rows[0])
      else await this.upsert(rows, holdsDedupeKey)
      for (const p of batch) p.resolve()
      return
    } catch (err) {
      // Only an error one row can cause is worth retrying row by row; an unreachable or failing
      // server would make each row wait for its own timeout.
      if (rows.length === 1 || !rowSpecific(err)) {
        for (const p of batch) p.reject(storeFailure(err, 'postgres record'))
        return
      }
    }
    // A key conflict (or another row's bad value) in the batch: row by row, in call order.
    const failed = new Map<string, unknown>()
    for (const row of rows) {
      try {
        await this.writeOne(row)
      } catch (err) {
        failed.set(row.id, storeFailure(err, 'postgres record'))
      }
    }
    for (const p of batch) failed.has(p.row.id) ? p.reject(failed.get(p.row.id)) : p.resolve()
  }

  private async query (text: string, values: unknown[], where: string): Promise<PgRow[]> {
    this.check()
    try {
      return (await this.pool.query(text, values)).rows
    } catch (err) {
      throw storeFailure(err, `postgres ${where}`)
    }
  }

  async record (row: LedgerRow): Promise<void> {
    const n = normalizeRow(row)
    this.check()
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ row: n, resolve, reject })
      if (this.pending.length >= MAX_BATCH) this.drain()
      this.kick()
    })
  }

  /**
   * One statement: the patched columns from a JSON object, and `original` recomputed from the
   * values after the patch (patched or kept), so a row that ends in retry gives its key up.
   */
  async update (id: string, patch: Partial<LedgerRow>): Promise<void> {
    const checked = normalizePatch(patch)
    this.check()
    const fields = Object.keys(checked).map(f => COLUMN_OF.get(f) as string)
    const after = (c: string): string => fields.includes(c) ? `p.${c}` : `t.${c}`
    // COALESCE: a null outcome makes IN yield null, and the column is NOT NULL.
    const holds = `COALESCE(${after('outcome')} IN ('accepted', 'accepted_with_warnings') AND NOT ${after('correction')}
      AND ${after('duplicate_of')} IS NULL AND ${after('carrier')} IS NOT NULL AND ${after('sender')} IS NOT NULL
      AND ${after('reference')} IS NOT NULL AND ${after('prepared_at')} IS NOT NULL, false)`
    const sql = (original: string): string => `UPDATE ${this.t} AS t
      SET ${[...fields.map(c => `${c} = p.${c}`), `original = ${original}`].join(', ')}
      FROM jsonb_to_record($2::jsonb) AS p(${RECORD_TYPE}) WHERE t.id = $1`
    const values = [id, JSON.stringify(Object.fromEntries(Object.entries(checked).map(([f, v]) => [COLUMN_OF.get(f), v])))]
    let result: pg.QueryResult
    try {
      try {
        result = await this.pool.query(sql(holds), values)
      } catch (err) {
        if (!isDedupeViolation(err)) throw err
        result = await this.pool.query(sql('false'), values)
      }
    } catch (err) {
      throw storeFailure(err, 'postgres update')
    }
    if (result.rowCount === 0) throw noSuchRow()
  }

  async get (id: string): Promise<LedgerRow | null> {
    const rows = await this.query(`SELECT * FROM ${this.t} WHERE id = $1`, [id], 'get')
    return rows.length === 0 ? null : fromPg(rows[0])
  }

  private async holder (k: DedupeKey, exceptId: string | null): Promise<LedgerRow | null> {
    const rows = await this.query(`SELECT * FROM ${this.t} WHERE original AND carrier = $1 AND sender = $2
      AND reference = $3 AND prepared_at = $4 AND id IS DISTINCT FROM $5 ORDER BY received_at, id LIMIT 1`,
    [k.carrier, k.sender, k.reference, k.preparedAt, exceptId], 'findOriginal')
    return rows.length === 0 ? null : fromPg(rows[0])
  }

  findOriginal (key: DedupeKey): Promise<LedgerRow | null> {
    return this.holder(checkKey(key), null)
  }

  async claimOriginal (row: LedgerRow): Promise<LedgerRow | null> {
    const n = normalizeRow(row)
    if (!holdsDedupeKey(n)) throw new TypeError('ledger: claimOriginal needs an accepted original row with a complete dedupe key')
    const key = dedupeKeyOf(n) as DedupeKey
    // The holder may give the key up (retry) between our failed insert and the look-up: try again.
    for (let attempt = 0; attempt < 5; attempt++) {
      this.check()
      try {
        await this.upsert([n], () => true)
        return null
      } catch (err) {
        if (!isDedupeViolation(err)) throw storeFailure(err, 'postgres claimOriginal')
      }
      const held = await this.holder(key, n.id)
      if (held !== null) return held
    }
    throw new GatewayError('GW_ERR_LEDGER_UNAVAILABLE', 'postgres claimOriginal kept conflicting')
  }

  async list (q: ListQuery): Promise<LedgerRow[]> {
    const where: string[] = []
    const args: unknown[] = []
    const add = (cond: string, v: unknown): void => { args.push(v); where.push(cond.replace('?', `$${args.length}`)) }
    if (q.carrier !== undefined) add('carrier = ?', q.carrier)
    if (q.reference !== undefined) add('reference = ?', q.reference)
    if (q.outcome !== undefined) add('outcome = ?', q.outcome)
    if (q.since !== undefined) add('received_at >= ?', isoInstant(q.since, 'since'))
    args.push(listLimit(q.limit))
    const rows = await this.query(`SELECT * FROM ${this.t}${where.length > 0 ? ' WHERE ' + where.join(' AND ') : ''}
      ORDER BY received_at DESC, id DESC LIMIT $${args.length}`, args, 'list')
    return rows.map(fromPg)
  }

  async lastByType (carrier: string): Promise<Record<string, string>> {
    const rows = await this.query(`SELECT message_type AS type, MAX(received_at) AS last FROM ${this.t}
      WHERE carrier = $1 AND message_type IS NOT NULL GROUP BY message_type`, [carrier], 'lastByType')
    return Object.fromEntries(rows.map(r => [r.type as string, (r.last as Date).toISOString()]))
  }

  async countsSince (since: string): Promise<Array<{ carrier: string, outcome: string, count: number }>> {
    const rows = await this.query(`SELECT COALESCE(carrier, '') AS carrier, COALESCE(outcome, '${PENDING_OUTCOME}') AS outcome,
      COUNT(*) AS count FROM ${this.t} WHERE received_at >= $1 GROUP BY 1, 2 ORDER BY 1, 2`, [isoInstant(since, 'since')], 'countsSince')
    return rows.map(r => ({ carrier: r.carrier as string, outcome: r.outcome as string, count: Number(r.count) }))
  }

  async purge (olderThanDays: number, now: Date = new Date()): Promise<number> {
    const cutoff = purgeCutoff(olderThanDays, now)
    this.check()
    try {
      await this.flights.purgeRows(cutoff)
      return (await this.pool.query(`DELETE FROM ${this.t} WHERE received_at < $1`, [cutoff])).rowCount ?? 0
    } catch (err) {
      throw storeFailure(err, 'postgres purge')
    }
  }

  async size (): Promise<number> {
    const rows = await this.query(`SELECT COUNT(*) AS n FROM ${this.t}`, [], 'size')
    return Number(rows[0].n)
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.drain()
    while (this.inFlight !== null) await this.inFlight
    await this.pool.end()
  }
}

/** Connects to the shared ledger, creating schema, table and indexes if missing. */
export async function openPostgresLedger (cfg: { url: string, schema?: string, poolSize?: number }): Promise<Ledger> {
  const schema = quoteIdent(cfg.schema ?? 'public')
  const table = `${schema}.transmissions`
  const pool = new pg.Pool({
    connectionString: cfg.url,
    max: cfg.poolSize ?? 8,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // A stalled server must surface as GW_ERR_LEDGER_UNAVAILABLE (retry), not hang the pipeline.
    statement_timeout: 30_000
  })
  // An idle connection dropped by the server is discarded by the pool; the next query reconnects.
  pool.on('error', () => {})
  try {
    await migrate(pool, table, schema)
  } catch (err) {
    await pool.end().catch(() => {})
    throw storeFailure(err, 'postgres open')
  }
  return new PostgresLedger(pool, table, schema)
}
