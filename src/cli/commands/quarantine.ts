/**
 * `carrier-gateway quarantine list | show ID | release ID --reason TEXT [--by NAME] | purge
 * [--older-than-hours N]`: rejected transmissions held for review (issue 8). Output is metadata
 * only — ids, carrier, times, codes, positions and the gateway's finding texts — never the payload
 * (invariant 4). With forward.target amqp, list and show peek at the quarantine queue (see
 * src/onboarding/quarantine-amqp.ts).
 */
import { parseArgs } from 'node:util'
import { configFileFrom, loadConfig, resolveSecret, type GatewayConfig } from '../../config/index.js'
import { loadAgreementDir } from '../../agreements/store.js'
import { createDirectoryQuarantine, errorCodes, validQuarantineId, type QuarantineEntry, type QuarantineStore } from '../../onboarding/quarantine.js'
import { auditLogPath, officer } from '../../onboarding/stage.js'
import { openExistingLedger } from '../../onboarding/ledger.js'
import { ReleaseError, openForwardTarget, releaseTransmission } from '../../onboarding/release.js'
import { explainCode, groupFindings } from '../../onboarding/explain.js'
import { table } from '../../onboarding/carriers-view.js'
import { EXIT_FAILED, EXIT_OK, UsageError, print, type CliIo } from '../io.js'

const USAGE = 'usage: quarantine list [--json] | show ID [--json] | release ID --reason TEXT [--by NAME] | purge [--older-than-hours N]   [--config FILE]'

async function openStore (config: GatewayConfig, env: NodeJS.ProcessEnv): Promise<QuarantineStore> {
  if (config.forward.target === 'directory') return createDirectoryQuarantine(config.quarantine.path)
  const { createAmqpQuarantine } = await import('../../onboarding/quarantine-amqp.js')
  return await createAmqpQuarantine({ url: resolveSecret(config.forward.amqp.url, env), queue: config.forward.amqp.quarantineQueue })
}

/** The public view of an entry: what list/show print and --json emits. */
function view (e: QuarantineEntry): Record<string, unknown> {
  return { id: e.id, carrier: e.carrier, channel: e.channel, receivedAt: e.receivedAt, bytes: e.bytes, routingKey: e.routingKey, errorCodes: errorCodes(e), headers: e.headers, report: e.report }
}

function showText (e: QuarantineEntry): string {
  const out = [
    `id           ${e.id}`,
    `carrier      ${e.carrier ?? 'unknown'}`,
    `channel      ${e.channel ?? 'unknown'}`,
    `received     ${e.receivedAt ?? 'unknown'}`,
    `size         ${e.bytes} bytes`,
    `routing key  ${e.routingKey ?? '–'}`,
    'headers'
  ]
  for (const [k, v] of Object.entries(e.headers).sort()) out.push(`  ${k}: ${v}`)
  if (e.report === null) {
    out.push('report       missing (the properties file or header is absent)')
    return out.join('\n')
  }
  for (const [label, list] of [['errors', e.report.errors], ['warnings', e.report.warnings]] as const) {
    out.push(`${label} (${list.length})`)
    for (const g of groupFindings(list)) out.push(`  [${g.first.code}] ${g.position}: ${g.first.text}${g.count > 1 ? ` (×${g.count})` : ''} — ${explainCode(g.first.code).meaning} (${g.first.id})`)
  }
  return out.join('\n')
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      reason: { type: 'string' },
      by: { type: 'string' },
      'older-than-hours': { type: 'string' }
    },
    allowPositionals: true,
    strict: true
  })
  const [sub, id, ...extra] = positionals
  if (extra.length > 0) throw new UsageError(USAGE)
  if (sub === 'list' || sub === 'purge') { if (id !== undefined) throw new UsageError(USAGE) } else if (sub === 'show' || sub === 'release') {
    if (id === undefined) throw new UsageError(USAGE)
    if (!validQuarantineId(id)) throw new UsageError(`${id} is not a transmission id`)
  } else throw new UsageError(USAGE)
  if (sub === 'release' && (values.reason === undefined || values.reason.trim() === '')) throw new UsageError('--reason TEXT is required: the audit log records why the transmission was released')
  const hoursFlag = values['older-than-hours']
  if (hoursFlag !== undefined && (sub !== 'purge' || !/^\d+(\.\d+)?$/.test(hoursFlag))) throw new UsageError('--older-than-hours N (hours, 0 or more) goes with purge')
  const config = loadConfig(configFileFrom(values.config, io.env))
  const cutoffHours = hoursFlag === undefined ? config.quarantine.retentionHours : Number(hoursFlag)
  let store: QuarantineStore
  try {
    store = await openStore(config, io.env)
  } catch (err) {
    print(io.stderr, `quarantine: cannot open the quarantine (${(err as Error).message})`)
    return EXIT_FAILED
  }
  try {
    switch (sub) {
      case 'list': {
        const entries = await store.list()
        if (values.json) print(io.stdout, JSON.stringify(entries.map(view), null, 2))
        else if (entries.length === 0) print(io.stdout, 'quarantine is empty')
        else print(io.stdout, table([['ID', 'CARRIER', 'RECEIVED', 'ERRORS'], ...entries.map(e => [e.id, e.carrier ?? '?', e.receivedAt ?? '?', errorCodes(e).join(',') || '–'])]))
        return EXIT_OK
      }
      case 'show': {
        const e = await store.get(id)
        if (e === null) { print(io.stderr, `quarantine: no quarantined transmission ${id}`); return EXIT_FAILED }
        print(io.stdout, values.json ? JSON.stringify(view(e), null, 2) : showText(e))
        return EXIT_OK
      }
      case 'purge': {
        const n = await store.purge(new Date(Date.now() - cutoffHours * 3_600_000))
        print(io.stdout, `purged ${n} quarantined transmission${n === 1 ? '' : 's'} older than ${cutoffHours} hours`)
        return EXIT_OK
      }
      default:
        return await release(config, store, id, values.reason as string, officer(values.by, io.env), io)
    }
  } finally {
    await store.close()
  }
}

async function release (config: GatewayConfig, store: QuarantineStore, id: string, reason: string, by: string, io: CliIo): Promise<number> {
  const { agreements } = loadAgreementDir(config.carriers)
  let target
  try {
    target = await openForwardTarget(config, io.env)
  } catch (err) {
    print(io.stderr, `quarantine release: ${(err as Error).message}; nothing released`)
    return EXIT_FAILED
  }
  const access = await openExistingLedger(config, io.env)
  try {
    const r = await releaseTransmission({ config, store, target, ledger: access.ledger, agreements, auditLog: auditLogPath(config.carriers) }, id, reason.trim(), by)
    if (!r.released) { print(io.stderr, `quarantine release: ${r.why}`); return EXIT_FAILED }
    const ledgerNote = r.ledger === 'updated' ? 'ledger row updated (releasedAt, releasedBy)' : r.ledger === 'no row' ? 'no ledger row for it (purged by retention?)' : (access.note ?? 'no ledger')
    print(io.stdout, `released ${id} to ${r.destination} (${r.routingKey}) by ${by}; ${ledgerNote}; recorded in ${auditLogPath(config.carriers)}`)
    return EXIT_OK
  } catch (err) {
    print(io.stderr, `quarantine release: ${err instanceof ReleaseError ? err.message : `failed (${(err as Error).message})`}; it stays in quarantine`)
    return EXIT_FAILED
  } finally {
    await target.close()
    await access.ledger?.close()
  }
}
