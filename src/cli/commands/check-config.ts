/**
 * `carrier-gateway check-config [--config FILE]`: validates the gateway config and every agreement;
 * prints each problem with its file and path; exit 0 or 1 (docs/cli.md "Exit codes and help"). One run lists
 * every problem: the agreements are checked even when the gateway config has errors elsewhere, and
 * the files and secrets that a start would need are checked too, so "ok" here means the start will
 * not fail on them. Secret values are never printed, only the reference that failed. When all is
 * well it prints a line per agreement saying what it switches on.
 */
import { accessSync, constants } from 'node:fs'
import {
  configFileFrom,
  DEFAULT_CARRIERS_DIR,
  problemText,
  readYaml,
  resolveSecret,
  validateConfig,
  type ConfigProblem,
  type GatewayConfig
} from '../../config/index.js'
import { loadAgreementDir } from '../../agreements/store.js'
import { expectsPushes } from '../../flights/index.js'
import type { Agreement } from '../../agreements/schema.js'
import { tlsMaterialExpiries, type TlsMaterialKind } from '../../channels/https/tls-expiry.js'
import { parse } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_FAILED, EXIT_OK, UsageError, print, type CliIo } from '../io.js'

function readable (path: string): boolean {
  try {
    accessSync(path, constants.R_OK)
    return true
  } catch {
    return false
  }
}

function secretProblem (ref: string, file: string, path: string, env: NodeJS.ProcessEnv): ConfigProblem | null {
  try {
    resolveSecret(ref, env)
    return null
  } catch (err) {
    // The GatewayError detail names the variable or the file, never a value.
    return { file, path, message: `cannot be resolved: ${(err as { detail?: string }).detail ?? (err as Error).message}` }
  }
}

/** Files and secrets the enabled parts of the config need at start (secrets of unused parts are not). */
export function referenceProblems (config: GatewayConfig, file: string, env: NodeJS.ProcessEnv): ConfigProblem[] {
  const out: ConfigProblem[] = []
  const need = (path: string, value: string): void => {
    if (!readable(value)) out.push({ file, path, message: `names ${value}, which cannot be read` })
  }
  const secret = (path: string, ref: string): void => {
    const p = secretProblem(ref, file, path, env)
    if (p !== null) out.push(p)
  }
  const h = config.https
  if (h.enabled) {
    if (typeof h.cert === 'string') {
      if (h.key === null) out.push({ file, path: '/https/key', message: 'is required when https.cert is a single file' })
      else need('/https/key', h.key)
      need('/https/cert', h.cert)
    } else {
      h.cert.forEach((pair, i) => { need(`/https/cert/${i}/key`, pair.key); need(`/https/cert/${i}/cert`, pair.cert) })
    }
    need('/https/clientCa', h.clientCa)
    if (h.crl !== null) need('/https/crl', h.crl)
  }
  if (config.admin.enabled && config.admin.token !== null) secret('/admin/token', config.admin.token)
  if (config.forward.target === 'amqp') {
    // With a node list the forward target uses it; the interactive API and the quarantine commands still use `url`.
    config.forward.amqp.urls.forEach((ref, i) => secret(`/forward/amqp/urls/${i}`, ref))
    secret('/forward/amqp/url', config.forward.amqp.url)
  }
  if (config.ledger.kind === 'postgres') secret('/ledger/url', config.ledger.url)
  return out
}

/** Warned about this long ahead: a CA's reissue or a carrier's pinning of a new chain takes weeks. */
export const TLS_EXPIRY_WARNING_DAYS = 30

const WHAT: Record<TlsMaterialKind, { ends: string, effect: string }> = {
  server: { ends: 'expires', effect: 'carriers refuse the gateway\'s certificate' },
  client_ca: { ends: 'expires', effect: 'every carrier certificate fails verification (401)' },
  crl: { ends: 'has its nextUpdate', effect: 'the CRL is no longer valid and every carrier gets 401 until a fresh one is installed' }
}

/**
 * The carrier listener's server certificates, client CA and CRL against `now` (docs/security.md
 * "Certificate lifecycle"): expired (or a CRL past nextUpdate) is a problem, since every carrier's
 * HTTPS access then fails; within TLS_EXPIRY_WARNING_DAYS a warning. Unreadable files are
 * referenceProblems' to report.
 */
export function tlsExpiryFindings (
  config: GatewayConfig,
  file: string,
  now = Date.now()
): { problems: ConfigProblem[], warnings: ConfigProblem[] } {
  const problems: ConfigProblem[] = []
  const warnings: ConfigProblem[] = []
  if (!config.https.enabled) return { problems, warnings }
  for (const e of tlsMaterialExpiries(config.https)) {
    if (!readable(e.file)) continue
    const what = WHAT[e.kind]
    const names = `names ${e.file}, which`
    if (e.unreadable) {
      problems.push({ file, path: e.path, message: `${names} holds no ${e.kind === 'crl' ? 'CRL' : 'certificate'} that can be read` })
      continue
    }
    if (e.at === null) continue // a CRL without nextUpdate does not run out
    const days = (e.at.getTime() - now) / 86_400_000
    const when = e.at.toISOString()
    if (days <= 0) {
      problems.push({ file, path: e.path, message: `${names} ${what.ends} ${when} (passed): ${what.effect}` })
    } else if (days < TLS_EXPIRY_WARNING_DAYS) {
      warnings.push({ file, path: e.path, message: `${names} ${what.ends} ${when} (in ${Math.floor(days)} days): then ${what.effect}` })
    }
  }
  return { problems, warnings }
}

/** Secrets a carrier's channels need (resolved when the channel connects; checked here ahead of it). */
function agreementSecretProblems (a: Agreement, env: NodeJS.ProcessEnv): ConfigProblem[] {
  const refs: Array<[string, string | undefined]> = [
    ['/channels/sftp/privateKey', a.channels.sftp?.privateKey],
    ['/channels/sftp/passphrase', a.channels.sftp?.passphrase],
    ['/channels/amqp/url', a.channels.amqp?.url]
  ]
  const out: ConfigProblem[] = []
  for (const [path, ref] of refs) {
    if (ref === undefined || a.stage === 'suspended') continue
    const p = secretProblem(ref, a.file, path, env)
    if (p !== null) out.push(p)
  }
  return out
}

/**
 * One line per agreement of what it switches on, for the officer who just edited it: a block left
 * at its default reads as such here (docs/agreements.md).
 */
export function agreementSummary (a: Agreement): string {
  const channels = (['https', 'sftp', 'amqp'] as const).filter(c => a.channels[c] !== undefined)
  const messages = (['PAXLST', 'PNRGOV'] as const).flatMap(t => {
    const m = a.messages[t]
    return m === undefined ? [] : [`${t} ${m.versions.join(',')} (${m.ack})`]
  })
  return [
    `  ${a.code}`,
    a.stage,
    `channels ${channels.join(',') || 'none'}`,
    messages.join(', ') || 'no message types',
    `interactive ${a.interactive.enabled ? `on (${a.interactive.deadlineMs} ms)` : 'off'}`,
    `outbound ${a.outbound.channel}`,
    `schedule ${expectsPushes(a.schedule) ? 'on' : 'off'}`,
    `sensitive-data filter ${a.sensitiveData.filter ? 'on' : 'off'}`,
    `syntax outside-text ${a.syntax.outsideText}, line-break terminator ${a.syntax.lineBreakTerminator}`
  ].join('  ')
}

/** The carriers folder to check: the config's, or when the config is invalid, what the file names. */
function carriersDirOf (data: unknown): string | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null
  const dir = (data as { carriers?: unknown }).carriers
  if (dir === undefined) return DEFAULT_CARRIERS_DIR
  return typeof dir === 'string' && dir !== '' ? dir : null
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(SPECS['check-config'], args)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const file = configFileFrom(values.config, io.env)
  const read = readYaml(file)
  const problems: ConfigProblem[] = [...read.problems]
  let config: GatewayConfig | null = null
  if (read.problems.length === 0) {
    const v = validateConfig(read.data, file)
    config = v.config
    problems.push(...v.problems)
  }
  const warnings: ConfigProblem[] = []
  if (config !== null) {
    problems.push(...referenceProblems(config, file, io.env))
    const tls = tlsExpiryFindings(config, file)
    problems.push(...tls.problems)
    warnings.push(...tls.warnings)
  }
  const dir = config?.carriers ?? (read.problems.length === 0 ? carriersDirOf(read.data) : null)
  let agreements: readonly Agreement[] = []
  if (dir !== null) {
    const loaded = loadAgreementDir(dir)
    agreements = loaded.agreements
    problems.push(...loaded.problems)
    for (const a of loaded.agreements) problems.push(...agreementSecretProblems(a, io.env))
  }
  for (const w of warnings) print(io.stderr, `warning: ${problemText(w)}`)
  if (problems.length > 0) {
    for (const p of problems) print(io.stderr, problemText(p))
    print(io.stderr, `${problems.length} problem${problems.length === 1 ? '' : 's'} found`)
    return EXIT_FAILED
  }
  const carriers = agreements.length
  print(io.stdout, `${file}: ok; ${carriers} carrier agreement${carriers === 1 ? '' : 's'} ok (${dir ?? ''})`)
  for (const a of [...agreements].sort((x, y) => x.code.localeCompare(y.code))) print(io.stdout, agreementSummary(a))
  return EXIT_OK
}
