/**
 * ajv for config and agreement files: defaults applied, every error collected, each reported as
 * `file: /json/pointer message` so an operator can find the bad field.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { TSchema, Static } from '@sinclair/typebox'

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, coerceTypes: false })
addFormats.default(ajv, ['date-time', 'date'])

export interface ConfigProblem {
  file: string
  /** JSON pointer of the bad field ('' for the whole document). */
  path: string
  message: string
}

export function problemText (p: ConfigProblem): string {
  return `${p.file}: ${p.path === '' ? '(document)' : p.path} ${p.message}`
}

function describe (e: ErrorObject): { path: string, message: string } {
  let path = e.instancePath
  let message = e.message ?? 'is invalid'
  if (e.keyword === 'additionalProperties') {
    path = `${path}/${String((e.params as { additionalProperty: string }).additionalProperty)}`
    message = 'is not a known field'
  } else if (e.keyword === 'required') {
    path = `${path}/${String((e.params as { missingProperty: string }).missingProperty)}`
    message = 'is required'
  }
  return { path, message }
}

export interface Checker<T> {
  /** Applies defaults in place; returns the problems, or [] when `data` is a valid T. */
  (data: unknown, file: string): ConfigProblem[]
  readonly validate: ValidateFunction<T>
}

export function compileChecker<S extends TSchema> (schema: S): Checker<Static<S>> {
  const validate = ajv.compile<Static<S>>(schema)
  const check = (data: unknown, file: string): ConfigProblem[] => {
    if (validate(data)) return []
    const seen = new Set<string>()
    const out: ConfigProblem[] = []
    // Unions report one error per branch; keep the first per path so the report stays readable.
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue
      const d = describe(e)
      if (seen.has(d.path)) continue
      seen.add(d.path)
      out.push({ file, ...d })
    }
    if (out.length === 0) out.push({ file, path: '', message: 'is invalid' })
    return out
  }
  return Object.assign(check, { validate })
}

/** Freeze an object graph so a loaded config cannot change under a running gateway. */
export function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v)
  }
  return value
}
