/**
 * The transmission ledger: one row per transmission, metadata only. SQLite is the embedded default
 * (`var/ledger.db`); PostgreSQL is the store when several gateway instances share the work
 * (docs/architecture.md "State"). Callers depend on `Ledger` alone; configuration chooses the store.
 */
import type { Ledger, LedgerConfig } from './types.js'

export * from './types.js'
export * from './outbound.js'
export * from './flights.js'

/** Opens the configured store, creating its folder, tables and indexes if missing. */
export async function createLedger (cfg: LedgerConfig): Promise<Ledger> {
  // Loaded on demand: an embedded gateway never loads pg, a PostgreSQL one never the native SQLite.
  switch (cfg.kind) {
    case 'sqlite': {
      const { openSqliteLedger } = await import('./sqlite.js')
      return await openSqliteLedger(cfg.path, cfg.busyTimeoutMs)
    }
    case 'postgres': {
      const { openPostgresLedger } = await import('./postgres.js')
      return await openPostgresLedger(cfg)
    }
    default:
      throw new TypeError('ledger: kind must be sqlite or postgres')
  }
}
