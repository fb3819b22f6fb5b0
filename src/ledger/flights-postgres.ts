/**
 * The flight ledger on the shared PostgreSQL store (src/ledger/flights.ts has the contract), on the
 * ledger's pool and schema. Instants are kept as canonical ISO 8601 text, as on SQLite, so both
 * stores sort and answer alike. Several instances link traffic for the same flight: every write is
 * an upsert, and the evaluator's settled states are keyed by item, so whichever instance writes
 * last writes the same state.
 */
import type pg from 'pg'
import { storeFailure } from './types.js'
import { pgTransaction } from './transaction.js'
import {
  LINK_COLUMNS, assemble, checkDate, checkExpected, checkFlightKey, checkLink, checkSettled, flightLimit, linkValues, mergedLegs,
  type FlightKey, type FlightLink, type FlightQuery, type FlightStore, type PushRequest, type SettledState, type StoredFlight
} from './flights.js'

/** `schema` is the ledger's schema, already checked and quoted. */
export function flightsPostgresSchema (schema: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${schema}.flights (
  carrier text COLLATE "C" NOT NULL,
  number text COLLATE "C" NOT NULL,
  date text COLLATE "C" NOT NULL,
  departure_at text COLLATE "C",
  legs text NOT NULL,
  unknown_airports text NOT NULL,
  first_seen_at text COLLATE "C" NOT NULL,
  last_seen_at text COLLATE "C" NOT NULL,
  closed integer NOT NULL DEFAULT 0,
  PRIMARY KEY (carrier, number, date)
);
CREATE INDEX IF NOT EXISTS flights_date ON ${schema}.flights (date, carrier);
CREATE INDEX IF NOT EXISTS flights_open ON ${schema}.flights (closed, date);
CREATE TABLE IF NOT EXISTS ${schema}.flight_transmissions (
  transmission_id text COLLATE "C" NOT NULL,
  message_index integer NOT NULL,
  carrier text COLLATE "C" NOT NULL,
  number text COLLATE "C" NOT NULL,
  date text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  received_at text COLLATE "C" NOT NULL,
  minutes_before integer,
  outcome text NOT NULL,
  part_sequence integer,
  part_final integer,
  series_ref text,
  travellers integer,
  pnrs integer,
  quality text,
  error_codes text NOT NULL,
  PRIMARY KEY (transmission_id, message_index)
);
CREATE INDEX IF NOT EXISTS flight_transmissions_flight ON ${schema}.flight_transmissions (carrier, number, date);
CREATE INDEX IF NOT EXISTS flight_transmissions_received ON ${schema}.flight_transmissions (received_at);
CREATE TABLE IF NOT EXISTS ${schema}.flight_expected (
  carrier text COLLATE "C" NOT NULL,
  number text COLLATE "C" NOT NULL,
  date text COLLATE "C" NOT NULL,
  reason text NOT NULL,
  due_by text COLLATE "C" NOT NULL,
  requested_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (carrier, number, date, reason, due_by)
);
CREATE TABLE IF NOT EXISTS ${schema}.flight_states (
  carrier text COLLATE "C" NOT NULL,
  number text COLLATE "C" NOT NULL,
  date text COLLATE "C" NOT NULL,
  item text COLLATE "C" NOT NULL,
  state text NOT NULL,
  decided_at text NOT NULL,
  PRIMARY KEY (carrier, number, date, item)
);
`
}

type Row = Record<string, unknown>

const FLIGHT_COLUMNS = 'carrier, number, date, departure_at, legs, unknown_airports, first_seen_at, last_seen_at, closed'

export class PostgresFlights implements FlightStore {
  private readonly pool: pg.Pool
  private readonly s: string

  constructor (pool: pg.Pool, schema: string) {
    this.pool = pool
    this.s = schema
  }

  private async tx<T> (where: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return await pgTransaction(this.pool, `postgres flights ${where}`, fn)
  }

  private async q (sql: string, args: unknown[], where: string): Promise<Row[]> {
    try {
      return (await this.pool.query(sql, args)).rows as Row[]
    } catch (err) {
      throw storeFailure(err, `postgres flights ${where}`)
    }
  }

  async link (links: readonly FlightLink[]): Promise<void> {
    const checked = links.map(checkLink)
    if (checked.length === 0) return
    const s = this.s
    const upsertLink = `INSERT INTO ${s}.flight_transmissions (${LINK_COLUMNS.join(', ')})
      VALUES (${LINK_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
      ON CONFLICT (transmission_id, message_index) DO UPDATE SET ${LINK_COLUMNS.slice(2).map(c => `${c} = excluded.${c}`).join(', ')}`
    await this.tx('link', async c => {
      for (const l of checked) {
        // Row lock on the flight: two instances linking parts of one flight merge their legs in turn.
        const f = (await c.query(`SELECT legs FROM ${s}.flights WHERE carrier = $1 AND number = $2 AND date = $3 FOR UPDATE`,
          [l.carrier, l.number, l.date])).rows[0] as Row | undefined
        const legs = mergedLegs(f === undefined ? null : JSON.parse(String(f.legs)), l.legs)
        const departureAt = legs[0]?.scheduledDeparture ?? l.departureAt
        await c.query(`INSERT INTO ${s}.flights (${FLIGHT_COLUMNS})
          VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0)
          ON CONFLICT (carrier, number, date) DO UPDATE SET departure_at = excluded.departure_at, legs = excluded.legs,
            unknown_airports = excluded.unknown_airports, closed = 0,
            last_seen_at = GREATEST(${s}.flights.last_seen_at, excluded.last_seen_at)`,
        [l.carrier, l.number, l.date, departureAt, JSON.stringify(legs), JSON.stringify(l.unknownAirports), l.receivedAt])
        await c.query(upsertLink, linkValues(l))
      }
    })
  }

  async expectPush (push: PushRequest): Promise<void> {
    const p = checkExpected(push, new Date())
    const s = this.s
    await this.tx('expect', async c => {
      await c.query(`INSERT INTO ${s}.flights (${FLIGHT_COLUMNS})
        VALUES ($1, $2, $3, NULL, '[]', '[]', $4, $4, 0)
        ON CONFLICT (carrier, number, date) DO UPDATE SET closed = 0,
          last_seen_at = GREATEST(${s}.flights.last_seen_at, excluded.last_seen_at)`, [p.carrier, p.number, p.date, p.requestedAt])
      await c.query(`INSERT INTO ${s}.flight_expected (carrier, number, date, reason, due_by, requested_at)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, [p.carrier, p.number, p.date, p.reason, p.dueBy, p.requestedAt])
    })
  }

  async settle (key: FlightKey, states: readonly SettledState[], closed: boolean): Promise<void> {
    const k = checkFlightKey(key)
    const checked = states.map(checkSettled)
    const s = this.s
    await this.tx('settle', async c => {
      for (const st of checked) {
        await c.query(`INSERT INTO ${s}.flight_states (carrier, number, date, item, state, decided_at) VALUES ($1, $2, $3, $4, $5, $6)
          ON CONFLICT (carrier, number, date, item) DO UPDATE SET state = excluded.state, decided_at = excluded.decided_at`,
        [k.carrier, k.number, k.date, st.item, st.state, st.decidedAt])
      }
      await c.query(`UPDATE ${s}.flights SET closed = $4 WHERE carrier = $1 AND number = $2 AND date = $3`,
        [k.carrier, k.number, k.date, closed ? 1 : 0])
    })
  }

  private async withChildren (flights: Row[]): Promise<StoredFlight[]> {
    if (flights.length === 0) return []
    const s = this.s
    // One array per key column: the children of every listed flight in one query each.
    const args = [flights.map(f => f.carrier), flights.map(f => f.number), flights.map(f => f.date)]
    const join = (t: string, order: string): string => `SELECT x.* FROM ${s}.${t} x
      JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(carrier, number, date)
        ON x.carrier = k.carrier AND x.number = k.number AND x.date = k.date ORDER BY ${order}`
    const links = await this.q(join('flight_transmissions', 'x.received_at, x.message_index'), args, 'read')
    const expected = await this.q(join('flight_expected', 'x.due_by'), args, 'read')
    const settled = await this.q(join('flight_states', 'x.item'), args, 'read')
    return assemble(flights, links, expected, settled)
  }

  async get (key: FlightKey): Promise<StoredFlight | null> {
    const k = checkFlightKey(key)
    const sql = `SELECT * FROM ${this.s}.flights WHERE carrier = $1 AND number = $2 AND date = $3`
    const f = await this.q(sql, [k.carrier, k.number, k.date], 'get')
    return (await this.withChildren(f))[0] ?? null
  }

  async list (q: FlightQuery): Promise<StoredFlight[]> {
    const where: string[] = []
    const args: unknown[] = []
    if (q.carrier !== undefined) { args.push(q.carrier); where.push(`carrier = $${args.length}`) }
    const from = checkDate(q.from, 'from')
    const to = checkDate(q.to, 'to')
    if (from !== undefined) { args.push(from); where.push(`date >= $${args.length}`) }
    if (to !== undefined) { args.push(to); where.push(`date <= $${args.length}`) }
    args.push(flightLimit(q.limit))
    const f = await this.q(`SELECT * FROM ${this.s}.flights ${where.length > 0 ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY date, departure_at NULLS FIRST, carrier, number LIMIT $${args.length}`, args, 'list')
    return await this.withChildren(f)
  }

  async open (fromDate: string): Promise<StoredFlight[]> {
    const from = checkDate(fromDate, 'fromDate') as string
    const f = await this.q(`SELECT * FROM ${this.s}.flights WHERE closed = 0 AND date >= $1 ORDER BY date`, [from], 'open')
    return await this.withChildren(f)
  }

  /** The ledger's purge calls it with the same cutoff as for `transmissions`. */
  async purgeRows (cutoff: string): Promise<void> {
    const s = this.s
    await this.tx('purge', async c => {
      await c.query(`DELETE FROM ${s}.flight_transmissions WHERE received_at < $1`, [cutoff])
      await c.query(`DELETE FROM ${s}.flight_expected WHERE requested_at < $1`, [cutoff])
      await c.query(`DELETE FROM ${s}.flight_states x USING ${s}.flights f WHERE f.carrier = x.carrier AND f.number = x.number
        AND f.date = x.date AND f.last_seen_at < $1`, [cutoff])
      await c.query(`DELETE FROM ${s}.flights WHERE last_seen_at < $1`, [cutoff])
    })
  }
}
