/**
 * A PIU message to a carrier in JSON (docs/outbound.md "JSON forms"), checked against
 * `schemas/outbound.json` (compiled once, at import) before an interchange is built from it.
 * Problems name places (`passengers[1].decision`) and rules, never a value: ajv runs without
 * `verbose`, its messages quote the schema only.
 */
import { Ajv, type ErrorObject } from 'ajv'
import type { OutboundForm } from '../messages/outbound/index.js'
import outboundSchema from './schemas/outbound.json' with { type: 'json' }

export type OutboundFormResult = { ok: true, form: OutboundForm } | { ok: false, problems: string[] }

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: false })
const validate = ajv.compile<OutboundForm>(outboundSchema)

function describe (e: ErrorObject): string {
  const where = e.instancePath === ''
    ? 'the message'
    : e.instancePath.slice(1).split('/').map((p, i) => i === 0 ? p : /^\d+$/.test(p) ? `[${p}]` : `.${p}`).join('')
  if (e.keyword === 'additionalProperties') return `${where} has a property the schema does not define`
  if (e.keyword === 'required') return `${where} lacks a required property`
  if (e.keyword === 'enum') return `${where} must be one of the values the schema lists`
  return `${where} ${e.message ?? 'is invalid'}`
}

export function validateOutboundForm (json: unknown): OutboundFormResult {
  if (validate(json)) return { ok: true, form: json }
  const problems = [...new Set((validate.errors ?? []).filter(e => e.keyword !== 'if').map(describe))]
  return { ok: false, problems: problems.slice(0, 20) }
}
