/**
 * One transaction on each store, for the tables beside the transmissions (outbox, flights): a
 * failure of the store becomes GW_ERR_LEDGER_UNAVAILABLE naming `where`, a malformed argument stays
 * a TypeError or RangeError (src/ledger/types.ts `storeFailure`).
 */
import type Database from 'better-sqlite3'
import type pg from 'pg'
import { storeFailure } from './types.js'

/**
 * Runs `fn` in one IMMEDIATE transaction; resolves once `durable` says the commit is on disk
 * (the ledger's WAL fsync, ./wal-sync.ts).
 */
export async function sqliteTransaction<T> (
  db: Database.Database, closed: boolean, where: string, fn: () => T, durable: () => Promise<void>
): Promise<T> {
  if (closed) throw storeFailure(new Error('sqlite ledger closed'), where)
  let out: T
  try {
    out = db.transaction(fn).immediate()
  } catch (err) {
    throw storeFailure(err, where)
  }
  try {
    await durable()
  } catch (err) {
    throw storeFailure(err, where)
  }
  return out
}

/** Runs `fn` in one transaction on one pooled connection, rolled back on any failure. */
export async function pgTransaction<T> (pool: pg.Pool, where: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient
  try {
    client = await pool.connect()
  } catch (err) {
    throw storeFailure(err, where)
  }
  try {
    await client.query('BEGIN')
    const out = await fn(client)
    await client.query('COMMIT')
    return out
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw storeFailure(err, where)
  } finally {
    client.release()
  }
}
