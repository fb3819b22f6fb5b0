/**
 * Interchanges the gateway writes for the PIU's JSON forms (docs/outbound.md "What the carrier
 * receives"), with the project's writer (control counts computed, service characters released):
 *
 * - CUSRES update, as the State's unsolicited status change in the Astra/NIAC exchanges
 *   (PAXLST guide iAPI; `BGM+132`): `RFF+TN`, the flight group `RFF+AF`, `DTM+189` (`DTM+232`
 *   when the arrival time is given), `LOC+125`, `LOC+87`, then per passenger `ERP+2`, `RFF+AVF`,
 *   `RFF+ABO`, `ERC+<decision>`, `FTX+AAP`. The carrier answers with a CUSRES `BGM+312` that
 *   repeats UNH 0062 and `RFF+TN`, by which the gateway links the answer (docs/outbound.md "Answers").
 * - GOVREQ, the PNRGOV ad hoc request: `MSG+:22` (push PNR data), `ORG` (the gateway's sender
 *   id), `TVL` naming the flight in the PNRGOV form `ddmmyy:hhmm+dep+arr+carrier+number` (local
 *   date and time, PADIS day-first order). The guide's GOVREQ segment list is not public; this is
 *   the minimal form its description gives (ORG and TVL), written down in docs/outbound.md.
 *
 * Values from the PIU are fitted to the syntax level (UNOA: upper case, no accents).
 */
import { IATA_SEPARATORS, DEFAULT_SEPARATORS, writeInterchange, type SegmentSpec } from '../../edifact/writer.js'
import { fitText, textComponents, textElementLength } from '../cusres/build.js'
import { localParts, type CusresUpdateForm, type GovreqForm, type OutboundFlight } from './form.js'

export interface OutboundBuildOptions {
  /** UNB sender (gateway config identity.senderId). */
  senderId: string
  /** UNB recipient: the carrier's first agreed sender id. */
  recipientId: string
  /** New UNB 0020. */
  reference: string
  /** UNH 0062. */
  messageRef: string
  now: Date
}

export interface BuiltInterchange {
  text: string
  /** UNH 0062 written. */
  messageRef: string
  /** RFF+TN written (CUSRES), or null. */
  transactionRef: string | null
}

const fit = (s: string): string => fitText(s, 'UNOA', DEFAULT_SEPARATORS)

function yymmddhhmm (iso: string): string {
  const p = localParts(iso)
  if (p === null) throw new RangeError('flight times must be local date-times YYYY-MM-DDTHH:MM')
  return `${p.yy}${p.mm}${p.dd}${p.hh}${p.mi}`
}

function cusresFlight (f: OutboundFlight): SegmentSpec[] {
  const out: SegmentSpec[] = [
    { tag: 'RFF', elements: [['AF', fit(`${f.carrier}${f.number}`)]] },
    { tag: 'DTM', elements: [['189', yymmddhhmm(f.scheduledDeparture), '201']] }
  ]
  if (f.scheduledArrival !== undefined) out.push({ tag: 'DTM', elements: [['232', yymmddhhmm(f.scheduledArrival), '201']] })
  out.push({ tag: 'LOC', elements: ['125', fit(f.departure)] }, { tag: 'LOC', elements: ['87', fit(f.arrival)] })
  return out
}

/** CUSRES `BGM+132` for a status change the PIU decided on its own (no request to mirror). */
export function buildCusresUpdate (form: CusresUpdateForm, opts: OutboundBuildOptions & { version: string }): BuiltInterchange {
  const m = /^([A-Z]):([0-9]{2}[A-Z])$/.exec(opts.version)
  if (m === null) throw new RangeError('CUSRES version must look like D:05B')
  const transactionRef = fit(form.transactionRef ?? opts.messageRef)
  const segments: SegmentSpec[] = [
    { tag: 'BGM', elements: ['132'] },
    { tag: 'RFF', elements: [['TN', transactionRef]] },
    ...cusresFlight(form.flight)
  ]
  const max = textElementLength(opts.version)
  for (const p of form.passengers) {
    segments.push({ tag: 'ERP', elements: ['2'] })
    if (p.locator !== undefined) segments.push({ tag: 'RFF', elements: [['AVF', fit(p.locator)]] })
    if (p.passengerRef !== undefined) segments.push({ tag: 'RFF', elements: [['ABO', fit(p.passengerRef)]] })
    segments.push({ tag: 'ERC', elements: [p.decision] })
    const text = p.text === undefined ? '' : fit(p.text)
    if (text !== '') segments.push({ tag: 'FTX', elements: ['AAP', null, null, textComponents(text, max)] })
  }
  const text = writeInterchange({
    syntax: ['UNOA', '4'],
    sender: opts.senderId,
    recipient: opts.recipientId,
    preparedAt: opts.now,
    reference: opts.reference,
    applicationReference: 'IAPI',
    messages: [{ reference: opts.messageRef, identifier: ['CUSRES', m[1], m[2], 'UN', 'IATA'], segments }]
  })
  return { text, messageRef: opts.messageRef, transactionRef }
}

/** GOVREQ for one flight, in the agreement's newest PNRGOV version (`13.1` → `GOVREQ:13:1:IA`). */
export function buildGovreq (form: GovreqForm, opts: OutboundBuildOptions & { pnrgovVersion: string }): BuiltInterchange {
  const v = /^(\d{2})\.(\d)$/.exec(opts.pnrgovVersion)
  if (v === null) throw new RangeError('PNRGOV version must look like 13.1')
  const p = localParts(form.flight.scheduledDeparture)
  if (p === null) throw new RangeError('flight times must be local date-times YYYY-MM-DDTHH:MM')
  const f = form.flight
  const segments: SegmentSpec[] = [
    { tag: 'MSG', elements: [[null, '22']] },
    { tag: 'ORG', elements: [fit(opts.senderId)] },
    { tag: 'TVL', elements: [[`${p.dd}${p.mm}${p.yy}`, `${p.hh}${p.mi}`], fit(f.departure), fit(f.arrival), fit(f.carrier), fit(f.number)] }
  ]
  const text = writeInterchange({
    separators: IATA_SEPARATORS,
    syntax: ['IATA', '1'],
    sender: opts.senderId,
    recipient: opts.recipientId,
    preparedAt: opts.now,
    reference: opts.reference,
    applicationReference: 'GOVREQ',
    messages: [{ reference: opts.messageRef, identifier: ['GOVREQ', v[1], v[2], 'IA'], segments }]
  })
  return { text, messageRef: opts.messageRef, transactionRef: null }
}
