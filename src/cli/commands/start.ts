/** `carrier-gateway start [--config FILE]`: what `npm start` runs. */
import { parseArgs } from 'node:util'
import { configFileFrom } from '../../config/index.js'
import { runServer } from '../../server.js'
import type { CliIo } from '../io.js'

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } }, strict: true })
  await runServer(configFileFrom(values.config, io.env))
  return 0
}
