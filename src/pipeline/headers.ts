/**
 * The AMQP properties' `x-*` headers (docs/channels.md "What the PIU receives"). They describe the
 * first forwarded message; an interchange mixing message types never gets here (rejected, CONTRL
 * 31). Values are envelope and flight metadata, never traveller data.
 */
import type { Agreement } from '../agreements/schema.js'
import type { Assessment, AssessedMessage } from './assess.js'
import type { ChannelName } from '../transmission/index.js'
import type { SensitiveSummary } from './check.js'
import { airportTimeToUtc } from '../messages/flight-time.js'
import { IDEMPOTENCY_HEADER, idempotencyKey } from '../forward/idempotency.js'

export interface HeaderFacts {
  channel: ChannelName
  carrier: Agreement
  test: boolean
  sha256: string
  correction: boolean
  receivedAt: Date
  forwarded: readonly AssessedMessage[]
  /** Set when the agreement filters sensitive data: `x-sensitive-filtered` and `x-sensitive-list` (docs/sensitive-data.md). */
  sensitive?: SensitiveSummary
}

/**
 * Minutes from receipt to scheduled departure. The message gives local time at the airport
 * without a zone: with the departure airport it is turned into UTC through the airport's time zone
 * (null when the zone is unknown, docs/flights.md "Time zones"); without one it is read as UTC.
 */
export function minutesBeforeDeparture (scheduled: string | null, receivedAt: Date, airport?: string | null): number | null {
  if (scheduled === null) return null
  if (airport !== undefined) {
    const at = airportTimeToUtc(airport, scheduled)
    return at === null ? null : Math.round((at.getTime() - receivedAt.getTime()) / 60000)
  }
  const t = Date.parse(scheduled.length === 10 ? `${scheduled}T00:00Z` : `${scheduled}Z`)
  return Number.isNaN(t) ? null : Math.round((t - receivedAt.getTime()) / 60000)
}

export function forwardHeaders (a: Assessment, f: HeaderFacts): Record<string, string> {
  const unb = a.interchange.unb!
  const first = f.forwarded[0] ?? a.messages[0]
  const h: Record<string, string> = {
    'x-carrier': f.carrier.code,
    'x-channel': f.channel,
    'x-sender': unb.sender,
    'x-interchange-ref': unb.reference,
    'x-test': String(f.test),
    'x-validation': a.warnings.length > 0 || f.forwarded.length < a.messages.length ? 'warnings' : 'ok',
    'x-content-sha256': f.sha256,
    'x-message-count': String(f.forwarded.length),
    // Same interchange, same key, whichever transmission carries it (src/forward/idempotency.ts).
    [IDEMPOTENCY_HEADER]: idempotencyKey(
      { carrier: f.carrier.code, sender: unb.sender, reference: unb.reference, preparedAt: `${unb.date}:${unb.time}` },
      f.sha256
    )
  }
  if (first !== undefined) {
    h['x-message-type'] = first.type
    h['x-message-version'] = first.version
    if (first.part.sequence !== null) h['x-part'] = String(first.part.sequence)
    if (first.part.final !== null) h['x-part-final'] = String(first.part.final)
    if (first.part.commonAccessReference !== null) h['x-common-access-ref'] = first.part.commonAccessReference
    if (first.facts !== null) {
      const flight = first.facts.flight
      if (flight.flight !== null) h['x-flight'] = flight.flight
      if (flight.departure !== null) h['x-departure'] = flight.departure
      if (flight.arrival !== null) h['x-arrival'] = flight.arrival
      if (flight.scheduledDeparture !== null) h['x-scheduled-departure'] = flight.scheduledDeparture
      h['x-document'] = first.facts.document
      const minutes = minutesBeforeDeparture(flight.scheduledDeparture, f.receivedAt, flight.departure)
      if (minutes !== null) h['x-minutes-before-departure'] = String(minutes)
    }
  }
  if (f.correction) h['x-correction'] = 'true'
  if (a.interchange.repaired) h['x-repaired'] = 'true'
  if (f.sensitive !== undefined) Object.assign(h, sensitiveHeaders(f.sensitive))
  return h
}

/** The count of elements the filter removed and the code list it used; never what they were. */
export function sensitiveHeaders (s: SensitiveSummary): Record<string, string> {
  return { 'x-sensitive-filtered': String(s.removed), 'x-sensitive-list': s.listVersion }
}

/** `paxlst.XA`, `test.paxlst.XA`, `quarantine.paxlst.XA`. */
export function routingKey (destination: 'production' | 'test' | 'quarantine', type: string | undefined, carrier: string): string {
  const t = (type ?? 'unknown').toLowerCase().replace(/[^a-z0-9]/g, '') || 'unknown'
  return destination === 'production' ? `${t}.${carrier}` : `${destination}.${t}.${carrier}`
}
