/**
 * The PostgreSQL ledger's tables and their migration (./postgres.ts is the store): the
 * transmissions table with its dedupe index, the outbox's and the flight ledger's tables, created
 * when missing by whichever instance starts first (docs/scaling.md).
 */
import type pg from 'pg'
import { outboundPostgresSchema } from './outbound-postgres.js'
import { flightsPostgresSchema } from './flights-postgres.js'
import { CHANNELS, OUTCOMES, STATUSES, sqlList } from '../transmission/index.js'
import type { ColumnKind } from './types.js'

/** The partial unique index that holds the dedupe keys: its violation names it (invariant 2). */
export const DEDUPE_INDEX = 'transmissions_dedupe'

export const PG_TYPE: Record<ColumnKind, string> = {
  text: 'text', instant: 'timestamptz', list: 'text[]', codes: 'integer[]', flag: 'boolean', count: 'integer'
}

function schemaSql (t: string, s: string): string {
  // COLLATE "C" on the sort keys: list and countsSince order bytewise, as SQLite does.
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${t} (
  id              text COLLATE "C" PRIMARY KEY,
  carrier         text COLLATE "C",
  channel         text NOT NULL CHECK (channel IN (${sqlList(CHANNELS)})),
  status          text NOT NULL CHECK (status IN (${sqlList(STATUSES)})),
  outcome         text COLLATE "C" CHECK (outcome IN (${sqlList(OUTCOMES)})),
  received_at     timestamptz NOT NULL,
  forwarded_at    timestamptz,
  acknowledged_at timestamptz,
  sender          text,
  recipient       text,
  reference       text,
  prepared_at     text,
  message_refs    text[] NOT NULL,
  parts           text[] NOT NULL,
  message_type    text,
  message_version text,
  flight          text,
  test            boolean NOT NULL,
  destination     text,
  sha256          text NOT NULL,
  size            integer NOT NULL,
  error_codes     integer[] NOT NULL,
  ack_kind        text,
  ack             text,
  ack_sent_at     timestamptz,
  correction      boolean NOT NULL,
  duplicate_of    text,
  released_at     timestamptz,
  released_by     text,
  interactive     text,
  original        boolean NOT NULL DEFAULT false
);
-- A ledger from before interactive API lacks the column. ALTER TABLE takes an ACCESS EXCLUSIVE
-- lock even when the column exists, so it only runs when the column is missing.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_schema = '${s.replaceAll('"', '')}' AND table_name = 'transmissions' AND column_name = 'interactive') THEN
    ALTER TABLE ${t} ADD COLUMN interactive text;
  END IF;
END $$;
CREATE UNIQUE INDEX IF NOT EXISTS ${DEDUPE_INDEX} ON ${t} (carrier, sender, reference, prepared_at) WHERE original;
CREATE INDEX IF NOT EXISTS transmissions_received ON ${t} (received_at);
CREATE INDEX IF NOT EXISTS transmissions_carrier_received ON ${t} (carrier, received_at);
CREATE INDEX IF NOT EXISTS transmissions_reference ON ${t} (reference);
`
}

/** A schema name checked and quoted: it is interpolated into SQL. */
export function quoteIdent (name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new TypeError('ledger: postgres schema must be a plain identifier')
  return `"${name}"`
}

/**
 * SQLSTATEs a migration meets when another instance is already working on the same tables: a
 * deadlock with its transactions (40P01), a lock not granted in time (55P03), a serialization
 * failure (40001). The migration is idempotent, so it is simply run again.
 */
const MIGRATION_RETRY_CODES = new Set(['40P01', '55P03', '40001'])
const MIGRATION_ATTEMPTS = 5

/**
 * Creates what is missing, in one transaction under an advisory lock: instances starting together
 * would race on CREATE ... IF NOT EXISTS, so one migrates at a time.
 */
export async function migrate (pool: pg.Pool, table: string, schema: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`carrier-gateway-ledger:${schema}`])
      // ALTER TABLE … IF NOT EXISTS still queues for its table lock behind a running instance's
      // writes: fail fast and run again rather than hold every later writer behind it.
      await client.query("SET LOCAL lock_timeout = '5s'")
      await client.query(schemaSql(table, schema))
      await client.query(outboundPostgresSchema(schema))
      await client.query(flightsPostgresSchema(schema))
      await client.query('COMMIT')
      return
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      const code = (err as { code?: string }).code
      if (code === undefined || !MIGRATION_RETRY_CODES.has(code) || attempt >= MIGRATION_ATTEMPTS) throw err
    } finally {
      client.release()
    }
    await new Promise(resolve => setTimeout(resolve, 100 * attempt))
  }
}
