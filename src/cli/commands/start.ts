/**
 * `carrier-gateway start [--config FILE]`: what `npm start` runs. The files and secrets the config
 * names are checked first, as check-config does, so a missing key is one line naming the config
 * field and the path (exit 2), not an ENOENT from deep inside the TLS set-up (docs/cli.md).
 */
import { configFileFrom, loadConfig, problemText } from '../../config/index.js'
import { loadAgreementDir } from '../../agreements/store.js'
import { GatewayError } from '../../errors.js'
import { runServer } from '../../server.js'
import { parse } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_OK, UsageError, type CliIo } from '../io.js'
import { referenceProblems } from './check-config.js'

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(SPECS.start, args)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const file = configFileFrom(values.config, io.env)
  const config = loadConfig(file)
  const missing = referenceProblems(config, file, io.env)
  if (missing.length > 0) throw new GatewayError('GW_ERR_CONFIG_INVALID', missing.map(problemText).join('; '))
  const agreements = loadAgreementDir(config.carriers).problems
  if (agreements.length > 0) throw new GatewayError('GW_ERR_AGREEMENT_INVALID', agreements.map(problemText).join('; '))
  await runServer(file)
  return EXIT_OK
}
