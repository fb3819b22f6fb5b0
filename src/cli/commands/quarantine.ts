/**
 * `carrier-gateway quarantine list | show ID | release ID --reason TEXT [--by NAME] | purge
 * [--older-than-hours N]`: rejected transmissions held for review. Output is metadata
 * only — ids, carrier, times, codes, positions and the gateway's finding texts — never the payload
 * (docs/architecture.md "Invariants", 4). With forward.target amqp, list and show peek at the quarantine queue (see
 * src/onboarding/quarantine-amqp.ts).
 */
import { configFileFrom, loadConfig, resolveSecret, type GatewayConfig } from '../../config/index.js'
import { loadAgreementDir } from '../../agreements/store.js'
import {
  createDirectoryQuarantine,
  errorCodes,
  validQuarantineId,
  type QuarantineEntry,
  type QuarantineStore
} from '../../onboarding/quarantine.js'
import { auditLogPath } from '../../onboarding/stage.js'
import { openExistingLedger } from '../../onboarding/ledger.js'
import { openForwardTarget, releaseTransmission } from '../../onboarding/release.js'
import { explainCode, groupFindings } from '../../onboarding/explain.js'
import { table } from '../../onboarding/carriers-view.js'
import { isGatewayError, type GatewayError } from '../../errors.js'
import { parse, subcommandError } from '../args.js'
import { officerName } from '../officer.js'
import { SPECS } from '../spec.js'
import { EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, print, type CliIo } from '../io.js'

const SUB = SPECS.quarantine.subcommands
const usageOf = (sub: keyof typeof SUB): string => `usage: ${SUB[sub].usage.join('\n')}`

async function openStore (config: GatewayConfig, env: NodeJS.ProcessEnv): Promise<QuarantineStore> {
  if (config.forward.target === 'directory') return createDirectoryQuarantine(config.quarantine.path)
  const { createAmqpQuarantine } = await import('../../onboarding/quarantine-amqp.js')
  return await createAmqpQuarantine({ url: resolveSecret(config.forward.amqp.url, env), queue: config.forward.amqp.quarantineQueue })
}

/** The public view of an entry: what list/show print and --json emits. */
function view (e: QuarantineEntry): Record<string, unknown> {
  return {
    id: e.id,
    carrier: e.carrier,
    channel: e.channel,
    receivedAt: e.receivedAt,
    bytes: e.bytes,
    routingKey: e.routingKey,
    errorCodes: errorCodes(e),
    headers: e.headers,
    report: e.report
  }
}

/** One `show` line per group of like findings: code, position, text, repeat count and meaning. */
function findingLine (g: ReturnType<typeof groupFindings>[number]): string {
  const times = g.count > 1 ? ` (×${g.count})` : ''
  return `  [${g.first.code}] ${g.position}: ${g.first.text}${times} — ${explainCode(g.first.code).meaning} (${g.first.id})`
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
    for (const g of groupFindings(list)) out.push(findingLine(g))
  }
  return out.join('\n')
}

interface SubArgs {
  sub: keyof typeof SUB
  id: string | undefined
  config: string | undefined
  json: boolean
  reason?: string
  by?: string
  hours?: string
}

/** Each subcommand parses its own options (spec.ts), so `list --reason x` is refused with a hint. */
function parseSub (args: string[]): SubArgs {
  const sub = args[0]
  if (sub === undefined || !Object.hasOwn(SUB, sub)) throw subcommandError('quarantine', sub, SPECS.quarantine)
  const rest = args.slice(1)
  const name = sub as keyof typeof SUB
  const one = (positionals: string[]): string | undefined => {
    if (positionals.length > 1) throw new UsageError(usageOf(name))
    return positionals[0]
  }
  switch (name) {
    case 'list':
    case 'show': {
      const { values, positionals } = parse(SUB[name], rest)
      return { sub: name, id: one(positionals), config: values.config, json: values.json }
    }
    case 'release': {
      const { values, positionals } = parse(SUB.release, rest)
      return { sub: name, id: one(positionals), config: values.config, json: false, reason: values.reason, by: values.by }
    }
    default: {
      const { values, positionals } = parse(SUB.purge, rest)
      return { sub: name, id: one(positionals), config: values.config, json: false, hours: values['older-than-hours'] }
    }
  }
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const { sub, id, json, reason, by: byFlag, hours: hoursFlag, config: configFlag } = parseSub(args)
  if (sub === 'list' || sub === 'purge') { if (id !== undefined) throw new UsageError(usageOf(sub)) } else {
    if (id === undefined) throw new UsageError(usageOf(sub))
    if (!validQuarantineId(id)) throw new UsageError(`${id} is not a transmission id`)
  }
  if (sub === 'release' && (reason === undefined || reason.trim() === '')) {
    throw new UsageError('--reason TEXT is required: the audit log records why the transmission was released')
  }
  if (hoursFlag !== undefined && !/^\d+(\.\d+)?$/.test(hoursFlag)) throw new UsageError('--older-than-hours N takes hours, 0 or more')
  const by = sub === 'release' ? officerName(byFlag, io.env) : ''
  const config = loadConfig(configFileFrom(configFlag, io.env))
  const cutoffHours = hoursFlag === undefined ? config.quarantine.retentionHours : Number(hoursFlag)
  let store: QuarantineStore
  try {
    store = await openStore(config, io.env)
  } catch (err) {
    print(io.stderr, `quarantine: cannot open the quarantine (${(err as Error).message})`)
    // A broker URL secret that is not set is the config's problem; an unreachable broker is not.
    return isGatewayError(err) ? EXIT_USAGE : EXIT_RUNTIME
  }
  try {
    switch (sub) {
      case 'list': {
        const entries = await store.list()
        if (json) print(io.stdout, JSON.stringify(entries.map(view), null, 2))
        else if (entries.length === 0) print(io.stdout, 'quarantine is empty')
        else {
          const rows = entries.map(e => [e.id, e.carrier ?? '?', e.receivedAt ?? '?', errorCodes(e).join(',') || '–'])
          print(io.stdout, table([['ID', 'CARRIER', 'RECEIVED', 'ERRORS'], ...rows]))
        }
        return EXIT_OK
      }
      case 'show': {
        const e = await store.get(id as string)
        if (e === null) { print(io.stderr, `quarantine: no quarantined transmission ${id as string}`); return EXIT_USAGE }
        print(io.stdout, json ? JSON.stringify(view(e), null, 2) : showText(e))
        return EXIT_OK
      }
      case 'purge': {
        const n = await store.purge(new Date(Date.now() - cutoffHours * 3_600_000))
        print(io.stdout, `purged ${n} quarantined transmission${n === 1 ? '' : 's'} older than ${cutoffHours} hours`)
        return EXIT_OK
      }
      default:
        return await release(config, store, id as string, (reason as string).trim(), by, io)
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
    return isGatewayError(err) ? EXIT_USAGE : EXIT_RUNTIME
  }
  const access = await openExistingLedger(config, io.env)
  try {
    const r = await releaseTransmission(
      { config, store, target, ledger: access.ledger, agreements, auditLog: auditLogPath(config.carriers) },
      id,
      reason,
      by
    )
    // Not released without an error: there is no such quarantined transmission (any more).
    if (!r.released) { print(io.stderr, `quarantine release: ${r.why}`); return EXIT_USAGE }
    const ledgerNote = r.ledger === 'updated'
      ? 'ledger row updated (releasedAt, releasedBy)'
      : r.ledger === 'no row' ? 'no ledger row for it (purged by retention?)' : (access.note ?? 'no ledger')
    const audit = auditLogPath(config.carriers)
    print(io.stdout, `released ${id} to ${r.destination} (${r.routingKey}) by ${by}; ${ledgerNote}; recorded in ${audit}`)
    return EXIT_OK
  } catch (err) {
    // A refused release is a carrier without an agreement (unknown carrier); the rest is the target or the disk.
    const refused = isGatewayError(err, 'GW_ERR_ONBOARDING_RELEASE')
    const why = refused ? (err as GatewayError).detail : `failed (${(err as Error).message})`
    print(io.stderr, `quarantine release: ${why}; it stays in quarantine`)
    return refused ? EXIT_USAGE : EXIT_RUNTIME
  } finally {
    await target.close()
    await access.ledger?.close()
  }
}
