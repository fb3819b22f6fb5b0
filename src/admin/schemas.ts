/**
 * JSON Schemas the admin routes share for their query strings and path parameters: Fastify
 * validates them, so a malformed filter is a 400 before any route reads the ledger.
 */

/** A carrier code as agreements name carriers: IATA (2) or ICAO (3), upper case. */
export const CARRIER_CODE = { type: 'string', pattern: '^[A-Z0-9]{2,3}$' } as const

/** A calendar date, `YYYY-MM-DD`. */
export const ISO_DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const

/** How many rows a listing returns at most. */
export const LIST_LIMIT = { type: 'integer', minimum: 1, maximum: 10000 } as const

/** A query string of these parameters only: an unknown one is refused rather than ignored. */
export function strictQuery (properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, properties }
}
