/**
 * `carrier-gateway inspect FILE... [--carrier CODE] [--json]`: the gateway's checks on files,
 * forwarding nothing. Without --carrier every supported version is accepted from the UNB sender.
 * Exit 1 when any file would be rejected.
 */
import { readFileSync, existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { configFileFrom, configFrom, loadConfig } from '../../config/index.js'
import { loadAgreementDir } from '../../agreements/store.js'
import { humanReport, inspectBytes, permissiveAgreement, type InspectReport } from '../report.js'
import { EXIT_FAILED, EXIT_OK, UsageError, print, type CliIo } from '../io.js'

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' }, carrier: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true })
  if (positionals.length === 0) throw new UsageError('at least one FILE is required')
  const file = configFileFrom(values.config, io.env)
  const config = existsSync(file) ? loadConfig(file) : configFrom({})
  let agreement = null
  if (values.carrier !== undefined) {
    agreement = loadAgreementDir(config.carriers).agreements.find(a => a.code === values.carrier) ?? null
    if (agreement === null) throw new UsageError(`no agreement for carrier ${values.carrier} in ${config.carriers}`)
  }
  const reports: InspectReport[] = []
  for (const path of positionals) {
    let bytes: Buffer
    try {
      bytes = readFileSync(path)
    } catch {
      print(io.stderr, `${path}: cannot be read`)
      return EXIT_FAILED
    }
    reports.push(inspectBytes(path, bytes, agreement ?? permissiveAgreement(bytes), config).report)
  }
  if (values.json) print(io.stdout, JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2))
  else print(io.stdout, reports.map(humanReport).join('\n\n'))
  return reports.some(r => r.outcome === 'rejected') ? EXIT_FAILED : EXIT_OK
}
