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
export { problemText, deepFreeze, type ConfigProblem } from './validate.js'

export const DEFAULT_CONFIG_FILE = 'config/gateway.yaml'

const checkConfig = compileChecker(GatewayConfigSchema)

export function configFileFrom (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.CARRIER_GATEWAY_CONFIG ?? DEFAULT_CONFIG_FILE
}

/** Parses YAML text; a syntax error becomes a problem with the line. */
export function readYaml (file: string): { data: unknown, problems: ConfigProblem[] } {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return { data: null, problems: [{ file, path: '', message: 'cannot be read' }] }
  }
  try {
    return { data: parseYaml(text, { prettyErrors: true }) ?? {}, problems: [] }
  } catch (err) {
    const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line
    return { data: null, problems: [{ file, path: '', message: `is not valid YAML${line !== undefined ? ` (line ${line})` : ''}` }] }
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
