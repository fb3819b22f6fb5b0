/**
 * The test-stage responder (docs/acknowledgements.md "Interactive API messages", agreement
 * `interactive.testResponder`): while a carrier is in stage `testing` (or the gateway has no
 * broker), its iAPI requests are decided by fixed rules instead of by the PIU, so the carrier can
 * exercise every decision code. Rules match the traveller's document number or surname with a glob
 * (`*` = any run of characters, anywhere, case-insensitive); the first rule that matches wins, else
 * the default. Passenger values are compared here and go nowhere else.
 */
import type { IapiAnswer, IapiDecisionCode } from './build.js'
import type { IapiTraveller } from './request.js'

export interface TestResponderRule {
  documentNumber?: string
  surname?: string
  decision: IapiDecisionCode
}

export interface TestResponder {
  default: IapiDecisionCode
  rules?: readonly TestResponderRule[]
}

/** The fixed text per decision (the ERC 9321 meanings, docs/acknowledgements.md "Interactive API messages"). */
export const DECISION_TEXTS: Readonly<Record<IapiDecisionCode, string>> = Object.freeze({
  '0Z': 'OK TO BOARD',
  '1Z': 'NO BOARD',
  '2Z': 'CONTACT THE AUTHORITY',
  '4Z': 'INSUFFICIENT DATA'
})

const globCache = new Map<string, RegExp>()

/** A glob as a whole-value, case-insensitive pattern: `*` any run, everything else literal. */
export function globPattern (glob: string): RegExp {
  let re = globCache.get(glob)
  if (re === undefined) {
    const body = glob.split('*').map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')
    re = new RegExp(`^${body}$`, 'is')
    if (globCache.size < 1000) globCache.set(glob, re)
  }
  return re
}

function matches (glob: string | undefined, value: string | null): boolean {
  if (glob === undefined) return true
  return value !== null && globPattern(glob).test(value)
}

/** A rule applies when every field it names matches; a rule that names none never applies. */
function applies (rule: TestResponderRule, t: IapiTraveller): boolean {
  if (rule.documentNumber === undefined && rule.surname === undefined) return false
  return matches(rule.documentNumber, t.documentNumber) && matches(rule.surname, t.surname)
}

/** One decision per traveller, in request order, with the decision's fixed text. */
export function decideByRules (responder: TestResponder, passengers: readonly IapiTraveller[]): IapiAnswer {
  const rules = responder.rules ?? []
  return {
    passengers: passengers.map(t => {
      const decision = rules.find(r => applies(r, t))?.decision ?? responder.default
      return { position: t.position, decision, text: DECISION_TEXTS[decision] }
    })
  }
}
