/**
 * The flight step (docs/flights.md "Flight identity"): after the record step, each message that
 * names a flight is linked to it in the flight ledger with its kind, receipt time, minutes before
 * departure (UTC through the airports' time zones), outcome, part and counts. Flight metadata and
 * counts only (invariant 4). A link that cannot be written is logged and leaves the outcome alone:
 * the transmission is already answered and in the ledger; only the flight view misses it.
 */
import type { Logger } from 'pino'
import type { FlightLink, FlightStore, TransmissionKind } from '../../ledger/index.js'
import type { Metrics } from '../../metrics/index.js'
import { flightIdentityOf, minutesBefore, transmissionKindOf } from '../../messages/flight-identity.js'
import type { CheckOutcome, Outcome } from '../../transmission/index.js'
import type { AssessedMessage } from '../assess.js'
import { assessmentOf, type InFlight } from './state.js'

export interface FlightStepDeps {
  flights: FlightStore
  metrics: Metrics
  logger: Logger
}

export interface LinkedTransmission {
  id: string
  carrier: string
  receivedAt: Date
  outcome: Outcome
  errorCodes: number[]
  messages: readonly AssessedMessage[]
  /** Per-message outcomes (partial rejection); the transmission's own outcome when absent. */
  messageOutcomes?: Readonly<Record<string, CheckOutcome>>
  /** The interactive lane's kind (`iapi`, `close-out`) instead of the one the document gives. */
  kind?: TransmissionKind
}

function messageOutcome (t: LinkedTransmission, m: AssessedMessage): Outcome {
  if (t.outcome !== 'accepted' && t.outcome !== 'accepted_with_warnings') return t.outcome
  return t.messageOutcomes?.[m.reference] ?? t.outcome
}

/** The links of a transmission's messages that name a flight. */
export function flightLinksOf (t: LinkedTransmission): FlightLink[] {
  const links: FlightLink[] = []
  for (const m of t.messages) {
    // The facts, not the model: a transmission checked by a worker thread comes back without models.
    if (m.facts === null) continue
    // The flight belongs to the carrier whose agreement it came under: the schedule, the metrics
    // and the scorecard are that carrier's (a provider's agreement names the carrier it sends for).
    const id = flightIdentityOf({ ...m.facts.modelFlight, carrier: t.carrier })
    const kind = t.kind ?? transmissionKindOf(m.type, m.facts.document)
    if (id === null || kind === null) continue
    const q = m.facts.quality
    links.push({
      carrier: id.carrier,
      number: id.number,
      date: id.date,
      legs: id.legs,
      departureAt: id.departureAt,
      unknownAirports: id.unknownAirports,
      transmissionId: t.id,
      message: m.index,
      kind,
      receivedAt: t.receivedAt.toISOString(),
      minutesBeforeDeparture: minutesBefore(id.departureAt, t.receivedAt),
      outcome: messageOutcome(t, m),
      partSequence: m.part.sequence,
      partFinal: m.part.final,
      seriesReference: m.part.commonAccessReference,
      travellers: q.travellers,
      pnrs: q.type === 'PNRGOV' ? q.pnrs : null,
      quality: {
        travellers: q.travellers,
        documentNumber: q.documentNumber,
        documentExpiry: q.documentExpiry,
        birthDate: q.birthDate,
        nationality: q.nationality,
        gender: q.gender
      },
      errorCodes: t.outcome === 'rejected' ? t.errorCodes : []
    })
  }
  return links
}

/** Links and logs; never throws. */
export async function linkTransmission (t: LinkedTransmission, deps: FlightStepDeps): Promise<void> {
  let links: FlightLink[] = []
  try {
    links = flightLinksOf(t)
    if (links.length === 0) return
    const unknown = [...new Set(links.flatMap(l => l.unknownAirports))]
    if (unknown.length > 0) {
      // Airport codes are flight metadata: naming them lets the operator see what the zone data lacks.
      deps.logger.warn({ transmissionId: t.id, carrier: t.carrier, airports: unknown }, 'airport time zone unknown; flight date kept local')
    }
    await deps.flights.link(links)
  } catch (err) {
    deps.metrics.ledgerErrors.inc()
    deps.logger.error({ transmissionId: t.id, carrier: t.carrier, err }, 'transmission not linked to its flight')
  }
}

/** The batch pipeline's flight step: every answered transmission of a known carrier. */
export async function linkFlights (t: InFlight, deps: FlightStepDeps): Promise<void> {
  const a = assessmentOf(t)
  const carrier = t.verdict.carrier
  if (a === null || carrier === null || t.verdict.refusal !== null || t.verdict.outcome === 'retry') return
  await linkTransmission({
    id: t.id,
    carrier: carrier.code,
    receivedAt: t.input.receivedAt,
    outcome: t.verdict.outcome,
    errorCodes: [...a.errors, ...t.verdict.extraErrors].map(e => e.code),
    messages: a.messages,
    messageOutcomes: a.messageOutcomes
  }, deps)
}
