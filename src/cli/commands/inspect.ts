/**
 * `carrier-gateway inspect FILE... [--carrier CODE] [--json]`: the gateway's checks on files,
 * forwarding nothing. Without --carrier every supported version is accepted from the UNB sender.
 * Exit 1 when any file would be rejected, 2 when one cannot be read or the carrier has no valid
 * agreement (docs/cli.md "Exit codes and help"). The report holds passenger data: it
 * goes to the terminal that asked (stdout), never to a log (docs/cli.md "CLI", `inspect`).
 */
import { readFileSync, existsSync } from 'node:fs'
import { basename } from 'node:path'
import { configFileFrom, configFrom, DEFAULT_CONFIG_FILE, loadConfig, problemText, type GatewayConfig } from '../../config/index.js'
import { loadAgreementDir } from '../../agreements/store.js'
import type { Agreement } from '../../agreements/schema.js'
import { humanReport, inspectBytes, permissiveAgreement, type InspectReport } from '../report.js'
import { sensitiveLines, sensitiveReport, type SensitiveReport } from '../../messages/pnrgov/sensitive-report.js'
import { parse } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, errnoOf, print, type CliIo } from '../io.js'

/**
 * The config named by --config or CARRIER_GATEWAY_CONFIG must exist; only the default may be
 * absent (inspect then works on the embedded defaults, e.g. from a copy of the samples alone).
 */
function configFor (flag: string | undefined, env: NodeJS.ProcessEnv): GatewayConfig {
  const file = configFileFrom(flag, env)
  return file === DEFAULT_CONFIG_FILE && !existsSync(file) ? configFrom({}) : loadConfig(file)
}

function agreementFor (code: string, config: GatewayConfig, io: CliIo): Agreement | null {
  const loaded = loadAgreementDir(config.carriers)
  const found = loaded.agreements.find(a => a.code === code)
  if (found !== undefined) return found
  // The carrier's file may exist but be invalid: say so rather than "no agreement".
  const own = loaded.problems.filter(p => basename(p.file).replace(/\.ya?ml$/, '') === code)
  if (own.length > 0) {
    for (const p of own) print(io.stderr, problemText(p))
    print(io.stderr, `inspect: the agreement for ${code} is invalid; run carrier-gateway check-config`)
    return null
  }
  throw new UsageError(`no agreement for carrier ${code} in ${config.carriers}`)
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(SPECS.inspect, args)
  if (positionals.length === 0) throw new UsageError('at least one FILE is required')
  const config = configFor(values.config, io.env)
  let agreement: Agreement | null = null
  if (values.carrier !== undefined) {
    agreement = agreementFor(values.carrier, config, io)
    if (agreement === null) return EXIT_USAGE
  }
  /** With the agreement's sensitive-data filter on: what it would remove, by position and code (docs/sensitive-data.md). */
  const reports: Array<InspectReport & { sensitive?: SensitiveReport }> = []
  let unreadable = 0
  for (const path of positionals) {
    let bytes: Buffer
    try {
      bytes = readFileSync(path)
    } catch (err) {
      print(io.stderr, `inspect: ${path} cannot be read (${errnoOf(err)})`)
      unreadable++
      continue
    }
    const { report, assessment } = inspectBytes(path, bytes, agreement ?? permissiveAgreement(bytes), config)
    const sensitive = agreement?.sensitiveData.filter === true ? sensitiveReport(assessment.interchange, agreement.sensitiveData) : null
    reports.push(sensitive === null ? report : { ...report, sensitive })
  }
  if (reports.length > 0) {
    const human = (r: typeof reports[number]): string =>
      [humanReport(r), ...(r.sensitive !== undefined ? sensitiveLines(r.sensitive, '  ') : [])].join('\n')
    if (values.json) print(io.stdout, JSON.stringify(positionals.length === 1 ? reports[0] : reports, null, 2))
    else print(io.stdout, reports.map(human).join('\n\n'))
  }
  return unreadable > 0 ? EXIT_USAGE : reports.some(r => r.outcome === 'rejected') ? EXIT_FAILED : EXIT_OK
}
