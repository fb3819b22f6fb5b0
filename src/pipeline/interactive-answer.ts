/**
 * The interactive lane's answers (docs/interactive.md): the CUSRES for the PIU's decisions or the
 * agreement's `onTimeout` answer, a ready-made CUSRES from the PIU checked before it is passed
 * through, and a decision that came after the deadline turned into the unsolicited update
 * (`BGM+132`, docs/interactive.md "Late decisions"). Pure: the caller gives the references and
 * the time, and logs.
 */
import type { Agreement } from '../agreements/schema.js'
import type { LateAnswer } from '../forward/iapi.js'
import { ERRORS } from '../errors.js'
import { validateDecision } from '../validate/decision.js'
import {
  buildCusres, buildCusresError, DECISION_TEXTS, NO_ANSWER_IN_TIME, readCusres,
  type IapiAnswer, type IapiDecisionCode, type IapiRequest
} from '../messages/index.js'
import { parseInterchange } from '../edifact/index.js'

/** A late decision turned into a CUSRES `BGM+132` that mirrors the request it answers. */
export interface LateDecision {
  transmissionId: string
  carrier: Agreement
  cusres: string
  /** UNB 0020 of the update. */
  reference: string
  /** UNH 0062 and RFF+TN of the update, which the carrier's 312 repeats. */
  messageRef: string
  transactionRef: string
  flight: string | null
  /** Scheduled departure date as the request gives it (local, YYYY-MM-DD), or null. */
  flightDate: string | null
}

/** The answer to the carrier: the CUSRES, the decisions it carries, the HTTP status. */
export interface Answer { cusres: string, answer: IapiAnswer | null, status: number }

/** What a CUSRES the gateway writes needs besides the request and the decisions. */
export interface CusresOptions {
  senderId: string
  /** UNB 0020 of the CUSRES. */
  reference: string
  now: Date
}

const DECISIONS: ReadonlySet<string> = new Set(['0Z', '1Z', '2Z', '4Z'])

/**
 * A CUSRES the PIU sent ready-made, when it answers this request: it reads clean, is an answer
 * (BGM 962) to the request's transaction, and decides every traveller exactly once, in order.
 */
export function checkedCusres (body: Buffer, req: IapiRequest): { text: string, answer: IapiAnswer } | null {
  const ix = parseInterchange(body)
  const reading = ix.errors.length === 0 ? readCusres(ix) : null
  if (reading === null || reading.document !== '962' || reading.transactionRef !== req.transactionRef) return null
  const passengers = reading.passengers
  if (passengers.length !== req.travellers.length) return null
  if (passengers.some((p, i) => p.position !== i + 1 || p.decision === null || !DECISIONS.has(p.decision))) return null
  const decisions = passengers.map(p => ({ position: p.position, decision: p.decision as IapiDecisionCode, text: p.text }))
  return { text: body.toString('latin1'), answer: { passengers: decisions } }
}

/** The CUSRES for the decisions, or the agreement's `onTimeout` answer. */
export function answerOf (carrier: Agreement, req: IapiRequest, decided: IapiAnswer | null, o: CusresOptions): Answer {
  const opts = { ...o, version: carrier.interactive.cusres.version }
  if (decided !== null) return { cusres: buildCusres(req, decided, opts), answer: decided, status: 200 }
  if (carrier.interactive.onTimeout === 'advisory') {
    const advisory: IapiAnswer = {
      passengers: req.travellers.map(tr => ({ position: tr.position, decision: '2Z', text: DECISION_TEXTS['2Z'] }))
    }
    return { cusres: buildCusres(req, advisory, opts), answer: advisory, status: 200 }
  }
  const error = buildCusresError(req, { ...opts, code: NO_ANSWER_IN_TIME.code, text: NO_ANSWER_IN_TIME.text })
  return { cusres: error, answer: null, status: ERRORS.GW_ERR_IAPI_NO_DECISION.http }
}

/**
 * A decision that came after the carrier was answered, checked as an answer in time would be, as
 * the update to send; null when it is invalid (nothing is sent then).
 */
export function lateUpdateOf (
  carrier: Agreement, req: IapiRequest, late: LateAnswer, o: CusresOptions
): Omit<LateDecision, 'transmissionId' | 'carrier'> | null {
  const decided = late.contentType === 'application/edifact'
    ? checkedCusres(late.body, req)?.answer ?? null
    : (() => { const c = validateDecision(late.answer, req.travellers); return c.ok ? { passengers: c.decisions } : null })()
  if (decided === null) return null
  const cusres = buildCusres(req, decided, { ...o, version: carrier.interactive.cusres.version, document: '132' })
  const when = /^(\d{2})(\d{2})(\d{2})/.exec(req.flight.departureTime[1] ?? '')
  return {
    cusres,
    reference: o.reference,
    messageRef: req.message.reference,
    transactionRef: req.transactionRef,
    flight: req.flight.flightId === '' ? null : req.flight.flightId,
    flightDate: when === null ? null : `20${when[1]}-${when[2]}-${when[3]}`
  }
}
