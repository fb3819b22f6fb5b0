/**
 * Canonical-model validation against the JSON Schemas in `schemas/` (the models `inspect --json`
 * prints, docs/cli.md). Each schema is compiled once, at import.
 *
 * Findings say where in the model (a JSON pointer of field names and indexes) and what rule failed,
 * in ajv's words, which quote the schema (allowed formats, patterns) and never the input; ajv runs
 * without `verbose`, so errors carry no `data`. All schema findings are the agreement's `profile`
 * family: the model is derived data, and a carrier is never rejected for it unless agreed.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { ERRORS } from '../errors.js'
import type { PaxlstModel, PnrgovModel } from '../messages/model.js'
import { isCalendarDate } from '../messages/dates.js'
import type { Finding } from '../transmission/index.js'
import paxlstSchema from './schemas/paxlst.json' with { type: 'json' }
import pnrgovSchema from './schemas/pnrgov.json' with { type: 'json' }

/** A model with many bad travellers must not turn into an unbounded report. */
export const MAX_SCHEMA_FINDINGS = 100

const ajv = new Ajv({ allErrors: true, strict: true, verbose: false })
// JSON Schema's `date` (RFC 3339 full-date) as ajv-formats defines it, checked without a regular
// expression: every traveller has several dates, and the regular expression with its calendar check
// took about a quarter of the validation time (docs/benchmarks.md "Where the time goes").
ajv.addFormat('date', { type: 'string', validate: isCalendarDate })

const validators: Record<'PAXLST' | 'PNRGOV', ValidateFunction> = {
  PAXLST: ajv.compile(paxlstSchema),
  PNRGOV: ajv.compile(pnrgovSchema)
}

function describe (e: ErrorObject): string {
  const where = e.instancePath === '' ? 'model' : `model field ${e.instancePath}`
  if (e.keyword === 'additionalProperties') return `${where} has a property the schema does not define`
  if (e.keyword === 'required') return `${where} lacks a required property`
  return `${where} ${e.message ?? 'is invalid'}`
}

/**
 * Validates a canonical model; returns one GW_ERR_MESSAGE_SCHEMA finding per violation (at most
 * MAX_SCHEMA_FINDINGS, then one finding saying how the list was cut). `message` is the UNH
 * reference the findings belong to.
 */
export function validateModel (type: 'PAXLST', model: PaxlstModel, message?: string | null): Finding[]
export function validateModel (type: 'PNRGOV', model: PnrgovModel, message?: string | null): Finding[]
export function validateModel (type: 'PAXLST' | 'PNRGOV', model: PaxlstModel | PnrgovModel, message?: string | null): Finding[]
export function validateModel (type: 'PAXLST' | 'PNRGOV', model: PaxlstModel | PnrgovModel, message: string | null = null): Finding[] {
  const validate = validators[type]
  if (validate(model)) return []
  const errors = validate.errors ?? []
  const out: Finding[] = []
  const base = {
    id: 'GW_ERR_MESSAGE_SCHEMA' as const,
    code: ERRORS.GW_ERR_MESSAGE_SCHEMA.contrl ?? 12,
    level: 'message' as const,
    message,
    group: null,
    segment: null,
    tag: null,
    element: null,
    component: null,
    family: 'profile' as const
  }
  for (let i = 0; i < errors.length && i < MAX_SCHEMA_FINDINGS; i++) out.push({ ...base, text: describe(errors[i]) })
  if (errors.length > MAX_SCHEMA_FINDINGS) out.push({ ...base, text: 'further schema violations not listed' })
  return out
}
