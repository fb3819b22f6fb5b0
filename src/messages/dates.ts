/**
 * Date handling for PAXLST and PNRGOV values. Output is ISO 8601 local time as sent
 * (`1990-02-14`, `2025-01-14T09:15`): EDIFACT flight times are local to the airport and carry no
 * zone, so none is invented here.
 *
 * Two-digit years are resolved against a reference date (the flight date when the message gives
 * one, otherwise the receipt time), never against a fixed pivot alone (PAXLST guide, data formats: YYMMDD):
 * - birth and issue dates lie on or before the reference date: the latest century that satisfies it;
 * - expiry dates usually lie after it, at most ~20 years ahead (10-year passports, 15-year cards and
 *   licences): the century that puts the year within [reference − 79, reference + 20];
 * - flight and booking dates: the century nearest to the reference year.
 */

/** A calendar date with a four-digit year; `time` is HHMM or HHMMSS digits, or null. */
export interface CivilDate {
  year: number
  month: number
  day: number
}

export type YearRule = 'past' | 'expiry' | 'nearest'

const MONTHS = new Map<string, number>([
  ['JAN', 1], ['FEB', 2], ['MAR', 3], ['APR', 4], ['MAY', 5], ['JUN', 6],
  ['JUL', 7], ['AUG', 8], ['SEP', 9], ['OCT', 10], ['NOV', 11], ['DEC', 12]
])

/** Years ahead of the reference an expiry date may lie before the earlier century is chosen. */
const EXPIRY_YEARS_AHEAD = 20

function isDigits (s: string, from: number, to: number): boolean {
  if (to > s.length) return false
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

function num (s: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) n = n * 10 + s.charCodeAt(i) - 48
  return n
}

function daysInMonth (year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function isValidDate (year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

/**
 * Picks the century for a two-digit year. Day and month are checked against each candidate year
 * (29 February exists only in leap years), so the caller gets null for an impossible date.
 */
export function resolveYear (yy: number, month: number, day: number, rule: YearRule, ref: CivilDate): CivilDate | null {
  // Allocation-free: the candidates are compared as YYYYMMDD numbers; one date is built at the end.
  const base = Math.floor(ref.year / 100) * 100
  const refKey = dayKey(ref.year, ref.month, ref.day)
  let best = NaN
  for (let year = base - 100 + yy; year <= base + 100 + yy; year += 100) {
    if (!isValidDate(year, month, day)) continue
    if (rule === 'past') {
      const key = dayKey(year, month, day)
      if (key <= refKey && (Number.isNaN(best) || year > best)) best = year
    } else if (rule === 'expiry') {
      if (year >= ref.year - (99 - EXPIRY_YEARS_AHEAD) && year <= ref.year + EXPIRY_YEARS_AHEAD) best = year
    } else if (Number.isNaN(best) || Math.abs(year - ref.year) < Math.abs(best - ref.year)) {
      best = year
    }
  }
  return Number.isNaN(best) ? null : { year: best, month, day }
}

/** A date as the number YYYYMMDD, which orders as the dates do. */
function dayKey (year: number, month: number, day: number): number {
  return year * 10000 + month * 100 + day
}

function pad2 (n: number): string {
  return n < 10 ? '0' + n : String(n)
}

function pad4 (n: number): string {
  return n < 10 ? '000' + n : n < 100 ? '00' + n : n < 1000 ? '0' + n : String(n)
}

function isoDate (d: CivilDate): string {
  return `${pad4(d.year)}-${pad2(d.month)}-${pad2(d.day)}`
}

/** HHMM or HHMMSS digits → `HH:MM` / `HH:MM:SS`, or null when out of range. */
export function isoTime (t: string): string | null {
  if ((t.length !== 4 && t.length !== 6) || !isDigits(t, 0, t.length)) return null
  const h = num(t, 0, 2)
  const m = num(t, 2, 4)
  if (h > 23 || m > 59) return null
  if (t.length === 4) return `${pad2(h)}:${pad2(m)}`
  const s = num(t, 4, 6)
  if (s > 59) return null
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}`
}

/** True for an RFC 3339 full-date (`YYYY-MM-DD`) that exists on the calendar: JSON Schema's `date` format. */
export function isCalendarDate (s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false
  if (!isDigits(s, 0, 4) || !isDigits(s, 5, 7) || !isDigits(s, 8, 10)) return false
  return isValidDate(num(s, 0, 4), num(s, 5, 7), num(s, 8, 10))
}

/** Parses an ISO `YYYY-MM-DD…` prefix back into a civil date (for use as a reference). */
export function civilOf (iso: string | null): CivilDate | null {
  if (iso === null || iso.length < 10 || !isDigits(iso, 0, 4) || !isDigits(iso, 5, 7) || !isDigits(iso, 8, 10)) return null
  return { year: num(iso, 0, 4), month: num(iso, 5, 7), day: num(iso, 8, 10) }
}

export function civilOfDate (d: Date): CivilDate {
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}

/**
 * EDIFACT date or date-time (DTM 2380) → ISO. The length selects the format when no format
 * qualifier says otherwise: 6 = YYMMDD (102 dates in the guide are 6 digits), 8 = CCYYMMDD,
 * 10 = YYMMDDHHMM (201), 12 = CCYYMMDDHHMM (203). Returns null for anything else or an impossible date.
 */
export function edifactDate (value: string, rule: YearRule, ref: CivilDate): string | null {
  const v = value.trim()
  const n = v.length
  if ((n !== 6 && n !== 8 && n !== 10 && n !== 12) || !isDigits(v, 0, n)) return null
  const fourDigitYear = n === 8 || n === 12
  const yLen = fourDigitYear ? 4 : 2
  const month = num(v, yLen, yLen + 2)
  const day = num(v, yLen + 2, yLen + 4)
  let d: CivilDate | null
  if (fourDigitYear) {
    const year = num(v, 0, 4)
    d = isValidDate(year, month, day) ? { year, month, day } : null
  } else {
    d = resolveYear(num(v, 0, 2), month, day, rule, ref)
  }
  if (d === null) return null
  if (n === 6 || n === 8) return isoDate(d)
  const t = isoTime(v.slice(yLen + 4))
  return t === null ? null : `${isoDate(d)}T${t}`
}

/** PADIS date DDMMYY (TVL, DAT, RCI: note the day-first order, unlike PAXLST) → ISO date. */
export function padisDate (value: string, rule: YearRule, ref: CivilDate): string | null {
  const v = value.trim()
  if (v.length !== 6 || !isDigits(v, 0, 6)) return null
  const d = resolveYear(num(v, 4, 6), num(v, 2, 4), num(v, 0, 2), rule, ref)
  return d === null ? null : isoDate(d)
}

/** PADIS DDMMYY + HHMM[SS] → ISO date-time; the time may be absent (date only). */
export function padisDateTime (date: string, time: string | null, rule: YearRule, ref: CivilDate): string | null {
  const d = padisDate(date, rule, ref)
  if (d === null) return null
  const t = time === null ? '' : time.trim()
  if (t === '') return d
  const iso = isoTime(t)
  return iso === null ? null : `${d}T${iso}`
}

/** SSR free-text date DDMMMYY (`12JUL64`) → ISO date. */
export function ddmmmyy (value: string, rule: YearRule, ref: CivilDate): string | null {
  const v = value.trim().toUpperCase()
  if (v.length !== 7 || !isDigits(v, 0, 2) || !isDigits(v, 5, 7)) return null
  const month = MONTHS.get(v.slice(2, 5))
  if (month === undefined) return null
  const d = resolveYear(num(v, 5, 7), month, num(v, 0, 2), rule, ref)
  return d === null ? null : isoDate(d)
}
