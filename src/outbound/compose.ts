/**
 * A PIU message read for delivery (docs/outbound.md "What the PIU sends"): routing key
 * `<kind>.<carrier>`, body a JSON form (validated, then built into the interchange with the
 * agreement's versions and the gateway's sender id) or a ready-made EDIFACT interchange (read by
 * the gateway's own reader, refused unless it is clean and one CUSRES `BGM+132` or one GOVREQ).
 *
 * A refusal names a catalogue id and fixed-sentence problems; no value of the message appears in
 * it, because the PIU's dead-letter queue and the log both carry it.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Agreement } from '../agreements/schema.js'
import type { ErrorId } from '../errors.js'
import { parseInterchange } from '../edifact/index.js'
import type { Interchange } from '../edifact/types.js'
import { readCusresMessage } from '../messages/index.js'
import { val } from '../messages/segments.js'
import { buildCusresUpdate, buildGovreq, localParts, type OutboundForm } from '../messages/outbound/index.js'
import { validateOutboundForm } from '../validate/outbound.js'
import type { FirstLeg } from '../messages/flight-identity.js'
import type { OutboundKind } from '../ledger/index.js'

export interface PiuMessage {
  routingKey: string
  contentType: string | null
  messageId: string | null
  body: Buffer
}

export interface Composed {
  ok: true
  carrier: Agreement
  kind: OutboundKind
  /** The interchange to deliver. */
  payload: Buffer
  reference: string
  messageRef: string | null
  transactionRef: string | null
  flight: string | null
  flightDate: string | null
  /** The flight's first leg, for the flight view's expected push (GOVREQ); null when not known. */
  leg: FirstLeg | null
  /** A redelivery of the same PIU message has the same key. */
  sourceKey: string
}

export interface Refused { ok: false, error: ErrorId, problems: string[] }

export interface ComposeContext {
  senderId: string
  /** The carrier's agreement by code, or undefined. */
  agreement: (code: string) => Agreement | undefined
  maxBytes: number
  now: Date
}

const refuse = (error: ErrorId, problems: string[] = []): Refused => ({ ok: false, error, problems })

/** UNB 0020 / UNH 0062 the gateway writes: 14 upper-case hex characters, unique enough per carrier and day. */
export function newReference (): string {
  return randomBytes(7).toString('hex').toUpperCase()
}

function routed (routingKey: string): { kind: OutboundKind, carrier: string } | null {
  const m = /^(cusres|govreq)\.([A-Z0-9]{2,3})$/.exec(routingKey)
  return m === null ? null : { kind: m[1] as OutboundKind, carrier: m[2] }
}

function sourceKeyOf (msg: PiuMessage): string {
  if (msg.messageId !== null && msg.messageId !== '') return `id:${msg.messageId}`
  return `sha256:${createHash('sha256').update(msg.routingKey).update('\n').update(msg.body).digest('hex')}`
}

function looksLikeJson (msg: PiuMessage): boolean {
  if (msg.contentType !== null) return /^application\/([a-z.+-]*\+)?json\b/i.test(msg.contentType)
  const first = msg.body.subarray(0, 64).toString('utf8').trimStart()
  return first.startsWith('{')
}

export function compose (msg: PiuMessage, ctx: ComposeContext): Composed | Refused {
  if (msg.body.length > ctx.maxBytes) return refuse('GW_ERR_OUTBOUND_TOO_LARGE')
  const route = routed(msg.routingKey)
  if (route === null) return refuse('GW_ERR_OUTBOUND_UNKNOWN_CARRIER', ['the routing key is not <cusres|govreq>.<carrier code>'])
  const carrier = ctx.agreement(route.carrier)
  if (carrier === undefined) return refuse('GW_ERR_OUTBOUND_UNKNOWN_CARRIER')
  if (carrier.stage === 'suspended') return refuse('GW_ERR_OUTBOUND_CARRIER_SUSPENDED')
  // A carrier answers a CUSRES update with a CUSRES 312, accepted only under interactive API.
  if (route.kind === 'cusres' && !carrier.interactive.enabled) {
    return refuse('GW_ERR_OUTBOUND_WRONG_MESSAGE', ['CUSRES updates need interactive API enabled in the carrier agreement'])
  }
  const sourceKey = sourceKeyOf(msg)
  return looksLikeJson(msg)
    ? fromJson(msg, route, carrier, sourceKey, ctx)
    : fromEdifact(msg, route, carrier, sourceKey)
}

function fromJson (
  msg: PiuMessage, route: { kind: OutboundKind, carrier: string }, carrier: Agreement, sourceKey: string, ctx: ComposeContext
): Composed | Refused {
  let json: unknown
  try {
    json = JSON.parse(msg.body.toString('utf8'))
  } catch {
    return refuse('GW_ERR_OUTBOUND_UNREADABLE', ['the body is not JSON'])
  }
  const checked = validateOutboundForm(json)
  if (!checked.ok) return refuse('GW_ERR_OUTBOUND_FORM_INVALID', checked.problems)
  const form: OutboundForm = checked.form
  if (form.kind !== route.kind || form.carrier !== route.carrier) {
    return refuse('GW_ERR_OUTBOUND_CARRIER_MISMATCH', ['kind and carrier must match the routing key'])
  }
  const opts = {
    senderId: ctx.senderId, recipientId: carrier.senderIds[0], reference: newReference(), messageRef: newReference(), now: ctx.now
  }
  let built
  try {
    if (form.kind === 'cusres') {
      built = buildCusresUpdate(form, { ...opts, version: carrier.interactive.cusres.version })
    } else {
      const versions = carrier.messages.PNRGOV?.versions
      if (versions === undefined) return refuse('GW_ERR_OUTBOUND_WRONG_MESSAGE', ['the carrier agreement names no PNRGOV version'])
      built = buildGovreq(form, { ...opts, pnrgovVersion: newestVersion(versions) })
    }
  } catch (err) {
    return refuse('GW_ERR_OUTBOUND_FORM_INVALID', [(err as Error).message])
  }
  const f = form.flight
  return {
    ok: true,
    carrier,
    kind: form.kind,
    payload: Buffer.from(built.text, 'utf8'),
    reference: opts.reference,
    messageRef: built.messageRef,
    transactionRef: built.transactionRef,
    flight: `${f.carrier}${f.number}`,
    flightDate: localParts(f.scheduledDeparture)?.date ?? null,
    leg: { carrier: f.carrier, number: f.number, departure: f.departure, arrival: f.arrival, scheduledDeparture: f.scheduledDeparture },
    sourceKey
  }
}

function newestVersion (versions: readonly string[]): string {
  return [...versions].sort((a, b) => Number(a) - Number(b))[versions.length - 1]
}

function fromEdifact (
  msg: PiuMessage, route: { kind: OutboundKind, carrier: string }, carrier: Agreement, sourceKey: string
): Composed | Refused {
  const ix = parseInterchange(msg.body)
  if (ix.unb === null || ix.errors.length > 0) {
    return refuse('GW_ERR_OUTBOUND_UNREADABLE', ix.errors.slice(0, 10).map(e => `ISO 9735 code ${e.code}: ${e.text}`))
  }
  if (!carrier.senderIds.includes(ix.unb.recipient)) {
    return refuse('GW_ERR_OUTBOUND_CARRIER_MISMATCH', ['the UNB recipient is none of the carrier\'s agreed sender ids'])
  }
  if (ix.messages.length !== 1) return refuse('GW_ERR_OUTBOUND_WRONG_MESSAGE', ['the interchange must hold exactly one message'])
  const m = ix.messages[0]
  const expected = route.kind === 'cusres' ? 'CUSRES' : 'GOVREQ'
  if (m.type !== expected) return refuse('GW_ERR_OUTBOUND_WRONG_MESSAGE', [`the routing key announces ${expected}`])
  const base = { ok: true as const, carrier, kind: route.kind, payload: ix.body, reference: ix.unb.reference, sourceKey }
  if (route.kind === 'cusres') {
    const reading = readCusresMessage(m)
    if (reading.document !== '132') {
      return refuse('GW_ERR_OUTBOUND_WRONG_MESSAGE', ['a CUSRES to a carrier must be a status change, BGM 132'])
    }
    const flight = reading.flight.flightId
    return {
      ...base,
      messageRef: m.reference,
      transactionRef: reading.transactionRef,
      flight,
      flightDate: cusresDate(reading.flight.scheduledDeparture),
      leg: null
    }
  }
  const tvl = govreqFlight(ix)
  return { ...base, messageRef: m.reference, transactionRef: null, flight: tvl.flight, flightDate: tvl.date, leg: tvl.leg }
}

/** DTM+189 `YYMMDDHHMM` (format 201) → `20YY-MM-DD`. */
function cusresDate (v: string | null): string | null {
  const m = v === null ? null : /^(\d{2})(\d{2})(\d{2})/.exec(v)
  return m === null ? null : `20${m[1]}-${m[2]}-${m[3]}`
}

/** The GOVREQ's level-0 TVL (`ddmmyy:hhmm+dep+arr+carrier+number`, PADIS day-first). */
function govreqFlight (ix: Interchange): { flight: string | null, date: string | null, leg: FirstLeg | null } {
  const tvl = ix.messages[0].segments.find(s => s.tag === 'TVL')
  if (tvl === undefined) return { flight: null, date: null, leg: null }
  const d = /^(\d{2})(\d{2})(\d{2})$/.exec(val(tvl, 0) ?? '')
  const t = /^(\d{2})(\d{2})$/.exec(val(tvl, 0, 1) ?? '')
  const carrier = val(tvl, 3)
  const number = val(tvl, 4)
  const date = d === null ? null : `20${d[3]}-${d[2]}-${d[1]}`
  return {
    flight: carrier !== null && number !== null ? `${carrier}${number}` : null,
    date,
    leg: {
      carrier,
      number,
      departure: val(tvl, 1),
      arrival: val(tvl, 2),
      scheduledDeparture: date === null ? null : `${date}T${t === null ? '00:00' : `${t[1]}:${t[2]}`}`
    }
  }
}
