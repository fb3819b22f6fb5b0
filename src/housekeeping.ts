/**
 * Periodic work that keeps state bounded and gauges current: ledger retention
 * (`ledger.retentionDays`), quarantine folder retention (`quarantine.retentionHours`; the AMQP
 * quarantine queue expires messages itself), and the per-carrier gauges (stage, certificate
 * expiry, overdue against `expect`).
 */
import { readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { GatewayConfig } from './config/index.js'
import type { AgreementStore } from './agreements/store.js'
import type { Ledger } from './ledger/index.js'
import type { Metrics } from './metrics/index.js'
import { overdueFlags } from './agreements/expect.js'

async function purgeQuarantineFolder (path: string, retentionHours: number, now = Date.now()): Promise<number> {
  let removed = 0
  const names = await readdir(path).catch(() => [] as string[])
  for (const name of names) {
    const file = join(path, name)
    const s = await stat(file).catch(() => null)
    if (s === null || !s.isFile() || now - s.mtimeMs <= retentionHours * 3_600_000) continue
    await unlink(file).catch(() => {})
    removed++
  }
  return removed
}

/**
 * `observed`: client certificate notAfter by fingerprint as seen in TLS handshakes, used for pinned
 * certificates whose agreement states no notAfter (the agreement's date wins when both exist).
 */
/**
 * `startedAt`: the gateway's start; a carrier that never sent is not overdue until its
 * `maxSilenceMinutes` have passed since then (src/agreements/expect.ts, docs/metrics.md "Expected traffic").
 */
export async function refreshCarrierGauges (
  agreements: AgreementStore,
  ledger: Ledger,
  metrics: Metrics,
  now = Date.now(),
  observed: ReadonlyMap<string, Date> = new Map(),
  startedAt = 0
): Promise<void> {
  metrics.carrierStage.reset()
  metrics.certificateExpiry.reset()
  metrics.overdue.reset()
  for (const a of agreements.current().all) {
    for (const stage of ['testing', 'live', 'suspended']) metrics.carrierStage.set({ carrier: a.code, stage }, a.stage === stage ? 1 : 0)
    for (const c of a.channels.https?.certificates ?? []) {
      const notAfter = c.notAfter !== null ? Date.parse(c.notAfter) : observed.get(c.fingerprint)?.getTime()
      if (notAfter === undefined) continue
      metrics.certificateExpiry.set({ carrier: a.code, fingerprint: c.fingerprint.slice(0, 23) }, notAfter / 1000)
    }
    const flags = overdueFlags(a, await ledger.lastByType(a.code), now, startedAt)
    for (const [type, overdue] of Object.entries(flags)) metrics.overdue.set({ carrier: a.code, type }, overdue ? 1 : 0)
  }
}

export interface HousekeepingDeps {
  config: GatewayConfig
  agreements: AgreementStore
  ledger: Ledger
  metrics: Metrics
  logger: Logger
  observedExpiries?: () => ReadonlyMap<string, Date>
  /** The gateway's start (ms), for the grace of carriers that never sent. @default when housekeeping starts */
  startedAt?: number
}

export function startHousekeeping (deps: HousekeepingDeps, everyMs = 30_000): () => void {
  const { config, agreements, ledger, metrics, logger } = deps
  const startedAt = deps.startedAt ?? Date.now()
  let lastPurge = 0
  const tick = async (): Promise<void> => {
    await refreshCarrierGauges(agreements, ledger, metrics, Date.now(), deps.observedExpiries?.() ?? new Map(), startedAt)
    if (Date.now() - lastPurge > 3_600_000) {
      lastPurge = Date.now()
      const rows = await ledger.purge(config.ledger.retentionDays)
      // Outbox rows are metadata like the transmissions and follow the same retention (docs/outbound.md).
      const outbound = await ledger.outbound.purge(config.ledger.retentionDays)
      const files = config.forward.target === 'directory'
        ? await purgeQuarantineFolder(config.quarantine.path, config.quarantine.retentionHours)
        : 0
      if (rows + outbound + files > 0) logger.info({ rows, outbound, files }, 'retention purge')
    }
  }
  const run = (): void => { tick().catch(err => logger.warn({ err }, 'housekeeping failed')) }
  run()
  const timer = setInterval(run, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
