/**
 * Reads a CUSRES (docs/acknowledgements.md "Interactive API messages"): the answer the gateway sent
 * (`BGM+962`), a State's unsolicited status change (`132`) or a carrier's acknowledgement of one
 * (`312`). The decisions come by position so that `inspect` can report them without a passenger
 * value, and the references (`RFF+TN`, `RFF+ABO`) so that a carrier's 312 can be linked to the
 * message it answers.
 *
 * Segment groups (UN CUSRES): SG3 starts with a level-0 `RFF` after `RFF+TN` (`RFF+AF` flight),
 * its `DTM` and `LOC` follow; SG4 starts with `ERP` and holds the traveller's `RFF`, `ERC` and
 * `FTX`. `ERP+1` is an error about the whole message (docs/acknowledgements.md "Interactive API
 * messages"), `ERP+2` a traveller.
 */
import type { Interchange, MessageEnvelope } from '../../edifact/types.js'
import { val } from '../segments.js'

export interface CusresPassenger {
  /** 1-based order of the traveller group (ERP+2) in the message. */
  position: number
  /** Message position (UNH = 1) of its ERP. */
  segment: number
  locator: string | null
  passengerRef: string | null
  /** ERC 9321: 0Z, 1Z, 2Z, 4Z (or what was sent). */
  decision: string | null
  /** FTX+AAP text, its C108 lines joined with a space, or null. */
  text: string | null
}

export interface CusresError {
  /** Message position of the ERP+1. */
  segment: number
  code: string | null
  text: string | null
}

export interface CusresReading {
  /** UNH 0062. */
  reference: string
  /** BGM 1001: '962', '132', '312' or what was sent ('' when absent). */
  document: '962' | '132' | '312' | string
  transactionRef: string | null
  flight: {
    /** RFF+AF value (`CA339`). */
    flightId: string | null
    departure: string | null
    arrival: string | null
    /** DTM+189 / DTM+232 values as sent (`2612241620`). */
    scheduledDeparture: string | null
    scheduledArrival: string | null
  }
  passengers: CusresPassenger[]
  errors: CusresError[]
}

export function readCusresMessage (env: MessageEnvelope): CusresReading {
  const out: CusresReading = {
    reference: env.reference,
    document: '',
    transactionRef: null,
    flight: { flightId: null, departure: null, arrival: null, scheduledDeparture: null, scheduledArrival: null },
    passengers: [],
    errors: []
  }
  let pax: CusresPassenger | null = null
  let err: CusresError | null = null
  const segs = env.segments
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i]
    const pos = i + 1
    const q = val(s, 0)
    switch (s.tag) {
      case 'BGM':
        out.document = q ?? ''
        break
      case 'RFF': {
        const v = val(s, 0, 1)
        if (pax !== null) {
          if (q === 'AVF' && pax.locator === null) pax.locator = v
          else if (q === 'ABO' && pax.passengerRef === null) pax.passengerRef = v
        } else if (err === null) {
          if (q === 'TN' && out.transactionRef === null) out.transactionRef = v
          else if (q === 'AF' && out.flight.flightId === null) out.flight.flightId = v
        }
        break
      }
      case 'DTM':
        if (pax === null && err === null) {
          if (q === '189' && out.flight.scheduledDeparture === null) out.flight.scheduledDeparture = val(s, 0, 1)
          else if (q === '232' && out.flight.scheduledArrival === null) out.flight.scheduledArrival = val(s, 0, 1)
        }
        break
      case 'LOC':
        if (pax === null && err === null) {
          if (q === '125' && out.flight.departure === null) out.flight.departure = val(s, 1)
          else if (q === '87' && out.flight.arrival === null) out.flight.arrival = val(s, 1)
        }
        break
      case 'ERP':
        if (q === '1') {
          pax = null
          err = { segment: pos, code: null, text: null }
          out.errors.push(err)
        } else {
          err = null
          pax = { position: out.passengers.length + 1, segment: pos, locator: null, passengerRef: null, decision: null, text: null }
          out.passengers.push(pax)
        }
        break
      case 'ERC':
        if (pax !== null && pax.decision === null) pax.decision = q
        else if (err !== null && err.code === null) err.code = q
        break
      case 'FTX': {
        if (q !== 'AAP') break
        const target = pax ?? err
        if (target === null || target.text !== null) break
        const parts = (s.elements[3] ?? []).map(c => c.trim()).filter(c => c !== '')
        target.text = parts.length > 0 ? parts.join(' ') : null
        break
      }
    }
  }
  return out
}

/** The first CUSRES message of the interchange read, or null when it holds none. */
export function readCusres (ix: Interchange): CusresReading | null {
  const env = ix.messages.find(m => m.type === 'CUSRES')
  return env === undefined ? null : readCusresMessage(env)
}

/** Every CUSRES message of the interchange, in order. */
export function readAllCusres (ix: Interchange): CusresReading[] {
  return ix.messages.filter(m => m.type === 'CUSRES').map(readCusresMessage)
}
