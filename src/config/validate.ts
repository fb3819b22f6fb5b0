/**
 * ajv for config and agreement files: defaults applied, every error collected, each reported as
 * `file: /json/pointer message` so an operator can find the bad field (docs/configuration.md,
 * docs/agreements.md: validated at start and on reload). Messages never quote the offending value: a value
 * put where a secret reference belongs may be the secret itself.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { TSchema, Static } from '@sinclair/typebox'

// verbose: errors carry their parentSchema, so a schema can give a pattern a readable
// `errorMessage` annotation (an unknown keyword to ajv; strict: false ignores it).
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, coerceTypes: false, verbose: true })
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
  const hint = (e.parentSchema as { errorMessage?: unknown } | undefined)?.errorMessage
  if (e.keyword === 'additionalProperties') {
    path = `${path}/${String((e.params as { additionalProperty: string }).additionalProperty)}`
    message = 'is not a known field'
  } else if (e.keyword === 'required') {
    path = `${path}/${String((e.params as { missingProperty: string }).missingProperty)}`
    message = 'is required'
  } else if (e.keyword === 'pattern' && typeof hint === 'string') {
    message = hint
  }
  return { path, message }
}

/**
 * One message per path. A union (TypeBox Union → anyOf) fails once per branch: literal branches
 * become "must be one of: a, b", type branches "must be string or null"; otherwise the first.
 */
function summarise (path: string, errors: ErrorObject[]): string {
  const allowed = (e: ErrorObject): string => JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)
  if (errors.every(e => e.keyword === 'const')) {
    return `must be one of: ${errors.map(allowed).join(', ')}`
  }
  if (errors.length > 1 && errors.every(e => e.keyword === 'type' || e.keyword === 'const')) {
    const kinds = errors.map(e => e.keyword === 'type' ? String((e.params as { type: string }).type) : allowed(e))
    return `must be ${[...new Set(kinds)].join(' or ')}`
  }
  return describe(errors[0]).message
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
    const byPath = new Map<string, ErrorObject[]>()
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue
      const { path } = describe(e)
      const list = byPath.get(path) ?? []
      list.push(e)
      byPath.set(path, list)
    }
    const paths = [...byPath.keys()]
    const out: ConfigProblem[] = []
    for (const [path, errors] of byPath) {
      // A type error at a path that also has errors below it comes from a union branch that
      // expected another shape (a fingerprint string vs an object entry): the deeper errors are
      // the ones that say what is wrong.
      const deeper = paths.some(p => p.startsWith(`${path}/`))
      const kept = deeper ? errors.filter(e => e.keyword !== 'type' && e.keyword !== 'const') : errors
      if (kept.length === 0) continue
      out.push({ file, path, message: summarise(path, kept) })
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
