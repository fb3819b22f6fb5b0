/**
 * `carrier-gateway check-config [--config FILE]`: validates the gateway config and every agreement;
 * prints each problem with its file and path; exit 0 or 1 (docs/cli.md "Exit codes and help"). One run lists
 * every problem: the agreements are checked even when the gateway config has errors elsewhere, and
 * the files and secrets that a start would need are checked too, so "ok" here means the start will
 * not fail on them. Secret values are never printed, only the reference that failed.
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
import type { Agreement } from '../../agreements/schema.js'
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
  if (config.forward.target === 'amqp') secret('/forward/amqp/url', config.forward.amqp.url)
  if (config.ledger.kind === 'postgres') secret('/ledger/url', config.ledger.url)
  return out
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
  if (config !== null) problems.push(...referenceProblems(config, file, io.env))
  const dir = config?.carriers ?? (read.problems.length === 0 ? carriersDirOf(read.data) : null)
  let carriers = 0
  if (dir !== null) {
    const loaded = loadAgreementDir(dir)
    carriers = loaded.agreements.length
    problems.push(...loaded.problems)
    for (const a of loaded.agreements) problems.push(...agreementSecretProblems(a, io.env))
  }
  if (problems.length > 0) {
    for (const p of problems) print(io.stderr, problemText(p))
    print(io.stderr, `${problems.length} problem${problems.length === 1 ? '' : 's'} found`)
    return EXIT_FAILED
  }
  print(io.stdout, `${file}: ok; ${carriers} carrier agreement${carriers === 1 ? '' : 's'} ok (${dir ?? ''})`)
  return EXIT_OK
}
