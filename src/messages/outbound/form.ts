/**
 * The JSON forms in which the PIU sends messages to carriers (docs/outbound.md "JSON forms"): an
 * unsolicited CUSRES status change for some passengers of a flight, and a GOVREQ asking for an
 * ad hoc PNRGOV push for one flight. Validated against `src/validate/schemas/outbound.json` before
 * they reach the builders here.
 */
import type { IapiDecisionCode } from '../cusres/build.js'

export interface OutboundFlight {
  carrier: string
  number: string
  departure: string
  arrival: string
  /** Local time at the departure airport, `YYYY-MM-DDTHH:MM`, as PAXLST and PNRGOV give it. */
  scheduledDeparture: string
  /** Local time at the arrival airport, when known. */
  scheduledArrival?: string
}

export interface CusresUpdateForm {
  kind: 'cusres'
  carrier: string
  flight: OutboundFlight
  /** RFF+TN: the check-in transaction the change concerns; the gateway makes one when absent. */
  transactionRef?: string
  passengers: Array<{ passengerRef?: string, locator?: string, decision: IapiDecisionCode, text?: string }>
}

export interface GovreqForm {
  kind: 'govreq'
  carrier: string
  flight: OutboundFlight
  /** Why the push is asked for; kept out of the interchange and the ledger (free text). */
  reason?: string
}

export type OutboundForm = CusresUpdateForm | GovreqForm

/** `2026-12-24T16:20` → the parts a builder formats; null when not such a local date-time. */
export function localParts (iso: string): { yy: string, mm: string, dd: string, hh: string, mi: string, date: string } | null {
  const m = /^(\d{2})(\d{2})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(iso)
  if (m === null) return null
  return { yy: m[2], mm: m[3], dd: m[4], hh: m[5], mi: m[6], date: `${m[1]}${m[2]}-${m[3]}-${m[4]}` }
}
