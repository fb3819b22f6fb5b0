/**
 * `carrier-gateway check-config [--config FILE]`: validates the gateway config and every agreement;
 * prints each problem with its file and path; exit 0 or 1.
 */
import { parseArgs } from 'node:util'
import { configFileFrom, inspectConfigFile, problemText } from '../../config/index.js'
import { loadAgreementDir } from '../../agreements/store.js'
import { EXIT_FAILED, EXIT_OK, print, type CliIo } from '../io.js'

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } }, strict: true })
  const file = configFileFrom(values.config, io.env)
  const { config, problems } = inspectConfigFile(file)
  const all = [...problems]
  let carriers = 0
  if (config !== null) {
    const loaded = loadAgreementDir(config.carriers)
    carriers = loaded.agreements.length
    all.push(...loaded.problems)
  }
  if (all.length > 0) {
    for (const p of all) print(io.stderr, problemText(p))
    print(io.stderr, `${all.length} problem${all.length === 1 ? '' : 's'} found`)
    return EXIT_FAILED
  }
  print(io.stdout, `${file}: ok; ${carriers} carrier agreement${carriers === 1 ? '' : 's'} ok`)
  return EXIT_OK
}
