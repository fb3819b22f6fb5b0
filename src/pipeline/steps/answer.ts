/**
 * The answer step (docs/outbound.md "Answers"): after an accepted transmission is recorded, the
 * messages to carriers it answers are marked `answered`: a CUSRES 312 answers the update with its
 * UNH 0062 and RFF+TN; a PNRGOV push answers the GOVREQ for its flight (carrier + number, and the
 * scheduled departure date when both give one). The carrier was already answered; a failure here
 * is logged and leaves the message unanswered, never the transmission unacknowledged.
 */
import type { Logger } from 'pino'
import type { Ledger, OutboundLink } from '../../ledger/index.js'
import type { Metrics } from '../../metrics/index.js'
import { isGatewayError } from '../../errors.js'
import { assessmentOf, isAcceptedSoFar, type InFlight } from './state.js'

export interface AnswerStep {
  readonly ledger: Ledger
  readonly metrics: Metrics
  readonly logger: Logger
}

export function linksOf (t: InFlight): OutboundLink[] {
  const v = t.verdict
  const a = assessmentOf(t)
  if (a === null || v.carrier === null || v.original !== null || !isAcceptedSoFar(v) || v.destination === 'quarantine') return []
  const carrier = v.carrier.code
  const out: OutboundLink[] = []
  for (const i of t.checked?.forward.messages ?? []) {
    const m = a.messages[i]
    if (m.type === 'CUSRES' && m.cusres?.document === '312') {
      out.push({ kind: 'cusres', carrier, messageRef: m.reference, transactionRef: m.cusres.transactionRef })
    } else if (m.type === 'PNRGOV' && m.facts?.flight.flight != null) {
      const date = m.facts.flight.scheduledDeparture?.slice(0, 10) ?? null
      out.push({ kind: 'govreq', carrier, flight: m.facts.flight.flight, flightDate: date })
    }
  }
  return out
}

export async function answer (t: InFlight, step: AnswerStep): Promise<void> {
  const links = linksOf(t)
  for (const link of links) {
    try {
      const ids = await step.ledger.outbound.answer(link, t.id, new Date())
      for (const id of ids) {
        step.metrics.outboundAnswered.inc({ carrier: link.carrier, kind: link.kind })
        step.logger.info({ outboundId: id, carrier: link.carrier, kind: link.kind, transmissionId: t.id }, 'message to carrier answered')
      }
    } catch (err) {
      step.logger.warn({ transmissionId: t.id, reason: isGatewayError(err) ? err.id : 'store' }, 'answer not linked to its message')
    }
  }
}
