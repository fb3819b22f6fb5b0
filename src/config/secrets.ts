/**
 * Secret references (`env:NAME`, `file:PATH`). They are resolved only when the part of the config
 * that needs them is enabled (docs/configuration.md), so an unused channel's missing secret never stops a
 * start. A resolved secret is never logged; errors name the reference, not the value.
 */
import { readFileSync } from 'node:fs'
import { GatewayError } from '../errors.js'

export function isSecretRef (value: string): boolean {
  return value.startsWith('env:') || value.startsWith('file:')
}

/**
 * The secret's value. Plain values (a literal `amqp://` URL in a test config) pass through so that
 * tests and development setups need no environment; docs/configuration.md recommends references.
 */
export function resolveSecret (ref: string, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4)
    const v = env[name]
    if (v === undefined || v === '') throw new GatewayError('GW_ERR_CONFIG_SECRET_MISSING', `environment variable ${name} is not set`)
    return v
  }
  if (ref.startsWith('file:')) {
    const path = ref.slice(5)
    try {
      return readFileSync(path, 'utf8').trim()
    } catch (err) {
      throw new GatewayError('GW_ERR_CONFIG_SECRET_MISSING', `file ${path} cannot be read`, { cause: err })
    }
  }
  return ref
}

/** As resolveSecret, but as bytes (private keys). */
export function resolveSecretBytes (ref: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (ref.startsWith('file:')) {
    const path = ref.slice(5)
    try {
      return readFileSync(path)
    } catch (err) {
      throw new GatewayError('GW_ERR_CONFIG_SECRET_MISSING', `file ${path} cannot be read`, { cause: err })
    }
  }
  return Buffer.from(resolveSecret(ref, env))
}
