/**
 * The PIU's iAPI decision (docs/acknowledgements.md "Interactive API messages"), checked before a
 * CUSRES is built from it: the JSON Schema `schemas/iapi-decision.json` (compiled once, at import),
 * then what the schema cannot know, that every passenger of the request is answered exactly once.
 * `passengerRef` is mapped to the position through the request.
 *
 * Problems name places (`passengers[2].decision`) and rules, never a value of the answer: ajv runs
 * without `verbose`, and its messages quote the schema only. Positions named in problems are the
 * request's own (1-based order), not taken from the answer.
 */
import { Ajv, type ErrorObject } from 'ajv'
import type { IapiDecisionCode } from '../messages/index.js'
import decisionSchema from './schemas/iapi-decision.json' with { type: 'json' }

export interface Decision {
  /** The passenger's 1-based order in the request. */
  position: number
  decision: IapiDecisionCode
  text: string | null
}

export type DecisionResult = { ok: true, decisions: Decision[] } | { ok: false, problems: string[] }

/** A passenger of the request as the mapping needs it (IapiTraveller fits). */
export interface RequestPassenger {
  position: number
  passengerRef: string | null
}

/** An answer listing many bad passengers must not turn into an unbounded report. */
export const MAX_DECISION_PROBLEMS = 50

interface RawPassenger { position?: number, passengerRef?: string, decision: IapiDecisionCode, text?: string | null }
interface RawDecision { transmissionId: string, passengers: RawPassenger[] }

const ajv = new Ajv({ allErrors: true, strict: true, verbose: false })
const validate = ajv.compile<RawDecision>(decisionSchema)

function describe (e: ErrorObject): string {
  const where = e.instancePath === '' ? 'the answer' : e.instancePath.slice(1).split('/').map((p, i) => i === 0 ? p : /^\d+$/.test(p) ? `[${p}]` : `.${p}`).join('')
  if (e.keyword === 'additionalProperties') return `${where} has a property the schema does not define`
  if (e.keyword === 'required') return `${where} lacks a required property`
  if (e.keyword === 'enum') return `${where} must be one of 0Z, 1Z, 2Z, 4Z`
  return `${where} ${e.message ?? 'is invalid'}`
}

function cap (problems: string[]): string[] {
  if (problems.length <= MAX_DECISION_PROBLEMS) return problems
  return [...problems.slice(0, MAX_DECISION_PROBLEMS), 'further problems not listed']
}

/**
 * Checks a PIU answer against the request. `passengers` is the request's passengers, or only their
 * number (then `passengerRef` cannot be mapped and is a problem).
 */
export function validateDecision (json: unknown, passengers: number | readonly RequestPassenger[]): DecisionResult {
  if (!validate(json)) return { ok: false, problems: cap((validate.errors ?? []).map(describe)) }
  const count = typeof passengers === 'number' ? passengers : passengers.length
  const byRef = new Map<string, number>()
  if (typeof passengers !== 'number') {
    for (const p of passengers) if (p.passengerRef !== null && !byRef.has(p.passengerRef)) byRef.set(p.passengerRef, p.position)
  }
  const problems: string[] = []
  const answered = new Map<number, number>()
  const decisions: Decision[] = []
  json.passengers.forEach((p, i) => {
    const at = `passengers[${i}]`
    let position: number | undefined
    // "One of position and passengerRef" is checked here: ajv's strict mode wants a required
    // property defined beside it, which an anyOf of two `required` is not.
    if (p.position === undefined && p.passengerRef === undefined) {
      problems.push(`${at} names no passenger: give position or passengerRef`)
      return
    }
    if (p.position !== undefined) {
      if (p.position > count) {
        problems.push(`${at}.position names no passenger of the request (it has ${count})`)
        return
      }
      position = p.position
    }
    if (p.passengerRef !== undefined) {
      const mapped = byRef.get(p.passengerRef)
      if (mapped === undefined) {
        problems.push(`${at}.passengerRef names no passenger of the request`)
        return
      }
      if (position !== undefined && position !== mapped) {
        problems.push(`${at}: position and passengerRef name different passengers`)
        return
      }
      position = mapped
    }
    const pos = position as number
    const first = answered.get(pos)
    if (first !== undefined) {
      problems.push(`${at} answers the same passenger as passengers[${first}]`)
      return
    }
    answered.set(pos, i)
    decisions.push({ position: pos, decision: p.decision, text: p.text ?? null })
  })
  for (let pos = 1; pos <= count; pos++) {
    if (!answered.has(pos) && problems.length <= MAX_DECISION_PROBLEMS) problems.push(`passenger ${pos} of the request is not answered`)
  }
  if (problems.length > 0) return { ok: false, problems: cap(problems) }
  return { ok: true, decisions: decisions.sort((a, b) => a.position - b.position) }
}
