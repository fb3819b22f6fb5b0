/**
 * Loads `config/gateway.yaml` (or `--config`, or CARRIER_GATEWAY_CONFIG): YAML → ajv (defaults,
 * `additionalProperties: false`) → deep-frozen GatewayConfig. Relative paths in the file are
 * resolved against the working directory, as the example config expects (`npm start` from the
 * repository root, WORKDIR /app in the container).
 */
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { GatewayError } from '../errors.js'
import { GatewayConfigSchema, type GatewayConfig } from './schema.js'
import { compileChecker, deepFreeze, problemText, type ConfigProblem } from './validate.js'

export type { GatewayConfig } from './schema.js'
export { resolveSecret, resolveSecretBytes, isSecretRef } from './secrets.js'
export { problemText, type ConfigProblem } from './validate.js'

export const DEFAULT_CONFIG_FILE = 'config/gateway.yaml'
/** The schema's default for `carriers`. */
export const DEFAULT_CARRIERS_DIR = 'config/carriers'

const checkConfig = compileChecker(GatewayConfigSchema)

/** `--config` first, then CARRIER_GATEWAY_CONFIG, then the default (docs/configuration.md). */
export function configFileFrom (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  // An empty flag or variable (`CARRIER_GATEWAY_CONFIG=` in a compose file) means "not set".
  if (flag !== undefined && flag !== '') return flag
  const fromEnv = env.CARRIER_GATEWAY_CONFIG
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_CONFIG_FILE
}

/**
 * Parses YAML text; a syntax error becomes a problem with its line and column. Only the parser's
 * own sentence is kept, never its excerpt of the file: the excerpt could show a secret.
 */
export function readYaml (file: string): { data: unknown, problems: ConfigProblem[] } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const message = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`
    return { data: null, problems: [{ file, path: '', message }] }
  }
  try {
    return { data: parseYaml(text, { prettyErrors: true }) ?? {}, problems: [] }
  } catch (err) {
    const pos = (err as { linePos?: Array<{ line: number, col: number }> }).linePos?.[0]
    const reason = String((err as Error).message).split(/ at line \d+|\n/)[0].trim()
    const where = pos !== undefined ? ` at line ${pos.line}, column ${pos.col}` : ''
    return { data: null, problems: [{ file, path: '', message: `is not valid YAML${where}${reason !== '' ? `: ${reason}` : ''}` }] }
  }
}

/** Validates a parsed config object (defaults applied); returns the frozen config or the problems. */
export function validateConfig (data: unknown, file: string): { config: GatewayConfig | null, problems: ConfigProblem[] } {
  const copy = structuredClone(data ?? {})
  const problems = checkConfig(copy, file)
  if (problems.length > 0) return { config: null, problems }
  return { config: deepFreeze(copy as GatewayConfig), problems: [] }
}

export function inspectConfigFile (file: string): { config: GatewayConfig | null, problems: ConfigProblem[] } {
  const read = readYaml(file)
  if (read.problems.length > 0) return { config: null, problems: read.problems }
  return validateConfig(read.data, file)
}

/** Loads the config or throws GW_ERR_CONFIG_INVALID listing every problem. */
export function loadConfig (file: string): GatewayConfig {
  const { config, problems } = inspectConfigFile(file)
  if (config === null) throw new GatewayError('GW_ERR_CONFIG_INVALID', problems.map(problemText).join('; '))
  return config
}

/** A config from an object (tests, embedding), with defaults applied. */
export function configFrom (data: unknown): GatewayConfig {
  const { config, problems } = validateConfig(data, '(inline)')
  if (config === null) throw new GatewayError('GW_ERR_CONFIG_INVALID', problems.map(problemText).join('; '))
  return config
}
