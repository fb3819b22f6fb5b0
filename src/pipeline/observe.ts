/**
 * One log record and the metrics for each settled transmission (docs/operations.md "Logs",
 * docs/metrics.md "Catalogue"). Envelope metadata, codes and positions only: carrier-supplied
 * envelope fields sit under `edi`, and no value from inside a segment is ever logged
 * (docs/architecture.md "Invariants", 4).
 */
import type { Logger } from 'pino'
import type { Metrics } from '../metrics/index.js'
import { typeLabel } from '../metrics/index.js'
import type { Quality } from '../messages/quality.js'
import type { Assessment } from './assess.js'
import type { TransmissionInput, TransmissionResult } from './types.js'
import { minutesBeforeDeparture } from './headers.js'

/** A refusal counts as rejected unless it asked the carrier to retry. */
function outcomeLabel (r: TransmissionResult): string {
  return r.refusal !== null && r.outcome !== 'retry' ? 'rejected' : r.outcome
}

function ackResult (outcome: TransmissionResult['outcome']): 'duplicate' | 'negative' | 'positive' {
  return outcome === 'duplicate' ? 'duplicate' : outcome === 'rejected' ? 'negative' : 'positive'
}

/** Travellers lacking each field, keyed by the `field` label of travellers_missing_total. */
function missingFields (q: Quality): Record<string, number> {
  return {
    document_number: q.travellers - q.documentNumber,
    document_expiry: q.travellers - q.documentExpiry,
    birth_date: q.travellers - q.birthDate,
    nationality: q.travellers - q.nationality,
    gender: q.travellers - q.gender
  }
}

export function observeTransmission (
  r: TransmissionResult,
  input: TransmissionInput,
  a: Assessment | null,
  metrics: Metrics,
  logger: Logger
): void {
  const carrier = r.carrier?.code ?? 'unknown'
  const type = typeLabel(a?.messages[0]?.type)
  metrics.transmissions.inc({ carrier, channel: input.channel, type, outcome: outcomeLabel(r) })
  metrics.bytes.inc({ carrier, channel: input.channel }, input.bytes.length)
  if (r.refusal !== null) metrics.refusals.inc({ channel: input.channel, reason: r.refusal.id })
  for (const e of r.errors) metrics.validationErrors.inc({ carrier, type, code: String(e.code), severity: 'error' })
  for (const w of r.warnings) metrics.validationErrors.inc({ carrier, type, code: String(w.code), severity: 'warning' })
  if (r.ack !== null) metrics.acks.inc({ carrier, kind: r.ack.kind, result: ackResult(r.outcome) })
  if (r.outcome !== 'retry') metrics.ackLatency.observe({ channel: input.channel }, (Date.now() - input.receivedAt.getTime()) / 1000)
  if (r.carrier !== null && a?.messages[0] !== undefined) metrics.lastTransmission.set({ carrier, type }, input.receivedAt.getTime() / 1000)

  if (a !== null && r.carrier !== null && (r.outcome === 'accepted' || r.outcome === 'accepted_with_warnings')) {
    for (const m of a.messages) {
      if (m.facts === null || m.outcome === 'rejected') continue
      const t = typeLabel(m.type)
      const q = m.facts.quality
      metrics.travellers.inc({ carrier, type: t }, q.travellers)
      for (const [field, n] of Object.entries(missingFields(q))) if (n > 0) metrics.travellersMissing.inc({ carrier, type: t, field }, n)
    }
    const first = a.messages.find(m => m.facts !== null)
    // The true UTC difference, through the departure airport's time zone (docs/flights.md).
    const f = first?.facts?.flight
    const minutes = f != null ? minutesBeforeDeparture(f.scheduledDeparture, input.receivedAt, f.departure) : null
    if (minutes !== null && first !== undefined) metrics.timeliness.observe({ carrier, type: typeLabel(first.type) }, minutes)
  }

  const unb = a?.interchange.unb ?? null
  logger.info({
    transmissionId: r.transmissionId,
    carrier: r.carrier?.code ?? null,
    channel: input.channel,
    outcome: r.outcome,
    refusal: r.refusal?.id,
    edi: unb === null
      ? null
      : {
          sender: unb.sender,
          reference: unb.reference,
          type: a?.messages[0]?.type ?? null,
          version: a?.messages[0]?.version ?? null,
          messages: a?.messages.length ?? 0
        },
    errorCodes: r.errors.map(e => e.code),
    warningCodes: r.warnings.map(w => w.code),
    bytes: input.bytes.length,
    ms: Date.now() - input.receivedAt.getTime()
  }, 'transmission settled')
}
