/**
 * PADIS TVL (travel product information): `TVL+ddmmyy:hhmm[:ddmmyy:hhmm]+dep+arr+mkt[:op]+number[:class]`.
 * Dates are day-first (DDMMYY), local time. Shapes seen in real data:
 * `121210:0915` (departure only), `121210:0915::1230` (arrival on the departure date, GTAS reads it
 * so), `280513::290513` (dates without times, history), `230220:1010:1422` (arrival time in the
 * arrival-date slot: read as a time on the departure date, reported as a profile deviation), and
 * `TVL+++++303:Y` (the operating flight of the codeshare TVL before it).
 */
import type { Segment } from '../../edifact/types.js'
import { padisDateTime, type CivilDate } from '../dates.js'
import type { Place } from '../model.js'
import { comps, val } from '../segments.js'

export interface Tvl {
  carrier: string | null
  operatingCarrier: string | null
  number: string | null
  departure: Place
  arrival: Place
  /** True when nothing but the flight number (and class) is given: a codeshare's operating flight. */
  numberOnly: boolean
  /** The departure date was present but unreadable. */
  badDeparture: boolean
  badArrival: boolean
  /** A 4-digit time where the arrival date belongs (`230220:1010:1422`). */
  timeInDateSlot: boolean
}

function isFourDigits (s: string): boolean {
  if (s.length !== 4) return false
  for (let i = 0; i < 4; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

export function readTvl (s: Segment, ref: CivilDate): Tvl {
  const c = comps(s, 0)
  const depDate = c[0] ?? ''
  const depTime = c[1] ?? ''
  let arrDate = c[2] ?? ''
  let arrTime = c[3] ?? ''
  let timeInDateSlot = false
  if (arrTime === '' && isFourDigits(arrDate)) {
    arrTime = arrDate
    arrDate = ''
    timeInDateSlot = true
  }
  let departure: string | null = null
  let arrival: string | null = null
  let badDeparture = false
  let badArrival = false
  if (depDate !== '') {
    departure = padisDateTime(depDate, depTime === '' ? null : depTime, 'nearest', ref)
    badDeparture = departure === null
  }
  const arrivalDate = arrDate !== '' ? arrDate : (arrTime !== '' ? depDate : '')
  if (arrivalDate !== '') {
    arrival = padisDateTime(arrivalDate, arrTime === '' ? null : arrTime, 'nearest', ref)
    badArrival = arrival === null && !(arrDate === '' && badDeparture)
  }
  const dep = val(s, 1)
  const arr = val(s, 2)
  const carrier = val(s, 3)
  const number = val(s, 4)
  return {
    carrier,
    operatingCarrier: val(s, 3, 1),
    number,
    departure: { airport: dep, scheduled: departure },
    arrival: { airport: arr, scheduled: arrival },
    numberOnly: depDate === '' && dep === null && arr === null && carrier === null && number !== null,
    badDeparture,
    badArrival,
    timeInDateSlot
  }
}
