/**
 * Opens the gateway's ledger for the CLI, read-mostly. A SQLite ledger that does not exist yet is
 * not created (an officer asking `carriers show` before the first start must not leave an empty
 * database behind): the caller says "no ledger yet" instead.
 */
import { existsSync } from 'node:fs'
import type { GatewayConfig } from '../config/index.js'
import { resolveSecret } from '../config/index.js'
import { createLedger, type Ledger } from '../ledger/index.js'

export type LedgerAccess = { ledger: Ledger, note: null } | { ledger: null, note: string }

export async function openExistingLedger (config: GatewayConfig, env: NodeJS.ProcessEnv): Promise<LedgerAccess> {
  try {
    if (config.ledger.kind === 'sqlite') {
      if (!existsSync(config.ledger.path)) return { ledger: null, note: `no ledger yet (${config.ledger.path} does not exist)` }
      return { ledger: await createLedger({ kind: 'sqlite', path: config.ledger.path }), note: null }
    }
    const url = resolveSecret(config.ledger.url, env)
    return { ledger: await createLedger({ kind: 'postgres', url, schema: config.ledger.schema, poolSize: 1 }), note: null }
  } catch (err) {
    return { ledger: null, note: `ledger unavailable (${(err as Error).message})` }
  }
}
