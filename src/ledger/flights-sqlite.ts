/**
 * The flight ledger on the SQLite store (src/ledger/flights.ts has the contract), on the ledger's
 * own connection: each call is one `BEGIN IMMEDIATE` transaction, committed and on disk (WAL,
 * fsynced: ./wal-sync.ts) when its promise resolves. Instants are canonical ISO 8601 text, so they
 * sort as time. Statements are prepared once per text: links are written with every transmission.
 */
import type Database from 'better-sqlite3'
import { sqliteTransaction } from './transaction.js'
import {
  LINK_COLUMNS, assemble, checkDate, checkExpected, checkFlightKey, checkLink, checkSettled, flightLimit, linkValues, mergedLegs,
  type FlightKey, type FlightLink, type FlightQuery, type FlightStore, type PushRequest, type SettledState, type StoredFlight
} from './flights.js'

export const FLIGHTS_SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS flights (
  carrier TEXT NOT NULL,
  number TEXT NOT NULL,
  date TEXT NOT NULL,
  departure_at TEXT,
  legs TEXT NOT NULL,
  unknown_airports TEXT NOT NULL,
  first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (carrier, number, date)
);
CREATE INDEX IF NOT EXISTS flights_date ON flights (date, carrier);
CREATE INDEX IF NOT EXISTS flights_open ON flights (closed, date);
CREATE TABLE IF NOT EXISTS flight_transmissions (
  transmission_id TEXT NOT NULL,
  message_index INTEGER NOT NULL,
  carrier TEXT NOT NULL,
  number TEXT NOT NULL,
  date TEXT NOT NULL,
  kind TEXT NOT NULL,
  received_at TEXT NOT NULL,
  minutes_before INTEGER,
  outcome TEXT NOT NULL,
  part_sequence INTEGER,
  part_final INTEGER,
  series_ref TEXT,
  travellers INTEGER,
  pnrs INTEGER,
  quality TEXT,
  error_codes TEXT NOT NULL,
  PRIMARY KEY (transmission_id, message_index)
);
CREATE INDEX IF NOT EXISTS flight_transmissions_flight ON flight_transmissions (carrier, number, date);
CREATE INDEX IF NOT EXISTS flight_transmissions_received ON flight_transmissions (received_at);
CREATE TABLE IF NOT EXISTS flight_expected (
  carrier TEXT NOT NULL,
  number TEXT NOT NULL,
  date TEXT NOT NULL,
  reason TEXT NOT NULL,
  due_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  PRIMARY KEY (carrier, number, date, reason, due_by)
);
CREATE TABLE IF NOT EXISTS flight_states (
  carrier TEXT NOT NULL,
  number TEXT NOT NULL,
  date TEXT NOT NULL,
  item TEXT NOT NULL,
  state TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  PRIMARY KEY (carrier, number, date, item)
);
`

type Row = Record<string, unknown>

const FLIGHT_COLUMNS = 'carrier, number, date, departure_at, legs, unknown_airports, first_seen_at, last_seen_at, closed'

const UPSERT_LINK = `INSERT INTO flight_transmissions (${LINK_COLUMNS.join(', ')}) VALUES (${LINK_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (transmission_id, message_index) DO UPDATE SET ${LINK_COLUMNS.slice(2).map(c => `${c} = excluded.${c}`).join(', ')}`

const FLIGHT_KEY = 'carrier = ? AND number = ? AND date = ?'

export class SqliteFlights implements FlightStore {
  private readonly db: Database.Database
  private readonly isClosed: () => boolean
  private readonly durable: () => Promise<void>
  private readonly groupCommit: (<T>(run: () => T) => Promise<T>) | null
  private readonly statements = new Map<string, Database.Statement>()

  /**
   * `durable`: resolves once what was committed is on disk (the ledger's WAL fsync). `groupCommit`:
   * the ledger's own write queue. Links are written with every transmission, so they join the
   * ledger's group commit (one fsync for the row and its links) instead of one of their own.
   */
  constructor (
    db: Database.Database, isClosed: () => boolean, durable: () => Promise<void>, groupCommit?: <T>(run: () => T) => Promise<T>
  ) {
    this.db = db
    this.isClosed = isClosed
    this.durable = durable
    this.groupCommit = groupCommit ?? null
  }

  private run<T> (fn: () => T): Promise<T> {
    return sqliteTransaction(this.db, this.isClosed(), 'sqlite flights', fn, this.durable)
  }

  /** The prepared statement for `sql` (the texts are a fixed, small set: their WHERE clauses vary only by filter). */
  private sql (text: string): Database.Statement {
    let st = this.statements.get(text)
    if (st === undefined) this.statements.set(text, st = this.db.prepare(text))
    return st
  }

  async link (links: readonly FlightLink[]): Promise<void> {
    const checked = links.map(checkLink)
    if (checked.length === 0) return
    const write = (): void => {
      for (const l of checked) {
        const f = this.sql(`SELECT legs FROM flights WHERE ${FLIGHT_KEY}`).get(l.carrier, l.number, l.date) as Row | undefined
        const legs = mergedLegs(f === undefined ? null : JSON.parse(String(f.legs)), l.legs)
        const departureAt = legs[0]?.scheduledDeparture ?? l.departureAt
        this.sql(`INSERT INTO flights (${FLIGHT_COLUMNS})
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)
          ON CONFLICT (carrier, number, date) DO UPDATE SET departure_at = excluded.departure_at, legs = excluded.legs,
            unknown_airports = excluded.unknown_airports, last_seen_at = MAX(flights.last_seen_at, excluded.last_seen_at), closed = 0`)
          .run(l.carrier, l.number, l.date, departureAt, JSON.stringify(legs), JSON.stringify(l.unknownAirports), l.receivedAt,
            l.receivedAt)
        this.sql(UPSERT_LINK).run(...linkValues(l))
      }
    }
    if (this.groupCommit !== null) await this.groupCommit(write)
    else await this.run(write)
  }

  async expectPush (push: PushRequest): Promise<void> {
    const p = checkExpected(push, new Date())
    await this.run(() => {
      // The flight exists from the request on, so the view lists it even before any traffic.
      this.sql(`INSERT INTO flights (${FLIGHT_COLUMNS})
        VALUES (?, ?, ?, NULL, '[]', '[]', ?, ?, 0)
        ON CONFLICT (carrier, number, date) DO UPDATE SET closed = 0, last_seen_at = MAX(flights.last_seen_at, excluded.last_seen_at)`)
        .run(p.carrier, p.number, p.date, p.requestedAt, p.requestedAt)
      this.sql(`INSERT INTO flight_expected (carrier, number, date, reason, due_by, requested_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT DO NOTHING`).run(p.carrier, p.number, p.date, p.reason, p.dueBy, p.requestedAt)
    })
  }

  async settle (key: FlightKey, states: readonly SettledState[], closed: boolean): Promise<void> {
    const k = checkFlightKey(key)
    const checked = states.map(checkSettled)
    await this.run(() => {
      for (const s of checked) {
        this.sql(`INSERT INTO flight_states (carrier, number, date, item, state, decided_at) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (carrier, number, date, item) DO UPDATE SET state = excluded.state, decided_at = excluded.decided_at`)
          .run(k.carrier, k.number, k.date, s.item, s.state, s.decidedAt)
      }
      this.sql(`UPDATE flights SET closed = ? WHERE ${FLIGHT_KEY}`).run(closed ? 1 : 0, k.carrier, k.number, k.date)
    })
  }

  private withChildren (flights: Row[]): StoredFlight[] {
    if (flights.length === 0) return []
    const keys = flights.map(f => [f.carrier, f.number, f.date])
    const where = keys.map(() => '(carrier = ? AND number = ? AND date = ?)').join(' OR ')
    const args = keys.flat()
    const links = this.sql(`SELECT * FROM flight_transmissions WHERE ${where}`).all(...args) as Row[]
    const expected = this.sql(`SELECT * FROM flight_expected WHERE ${where} ORDER BY due_by`).all(...args) as Row[]
    const settled = this.sql(`SELECT * FROM flight_states WHERE ${where} ORDER BY item`).all(...args) as Row[]
    return assemble(flights, links, expected, settled)
  }

  /** Flights in chunks: SQLite binds at most 32766 parameters, three per flight here. */
  private chunked (flights: Row[]): StoredFlight[] {
    const out: StoredFlight[] = []
    for (let i = 0; i < flights.length; i += 300) out.push(...this.withChildren(flights.slice(i, i + 300)))
    return out
  }

  get (key: FlightKey): Promise<StoredFlight | null> {
    const k = checkFlightKey(key)
    return this.run(() => {
      const f = this.sql(`SELECT * FROM flights WHERE ${FLIGHT_KEY}`).all(k.carrier, k.number, k.date) as Row[]
      return this.withChildren(f)[0] ?? null
    })
  }

  list (q: FlightQuery): Promise<StoredFlight[]> {
    const where: string[] = []
    const args: Array<string | number> = []
    if (q.carrier !== undefined) { where.push('carrier = ?'); args.push(q.carrier) }
    const from = checkDate(q.from, 'from')
    const to = checkDate(q.to, 'to')
    if (from !== undefined) { where.push('date >= ?'); args.push(from) }
    if (to !== undefined) { where.push('date <= ?'); args.push(to) }
    const sql = `SELECT * FROM flights ${where.length > 0 ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY date, departure_at, carrier, number LIMIT ?`
    return this.run(() => this.chunked(this.sql(sql).all(...args, flightLimit(q.limit)) as Row[]))
  }

  open (fromDate: string): Promise<StoredFlight[]> {
    const from = checkDate(fromDate, 'fromDate') as string
    return this.run(() => this.chunked(this.sql('SELECT * FROM flights WHERE closed = 0 AND date >= ? ORDER BY date')
      .all(from) as Row[]))
  }

  /** Runs inside the ledger's purge transaction: what the retention removes from `transmissions`, gone here too. */
  purgeRows (cutoff: string): void {
    this.sql('DELETE FROM flight_transmissions WHERE received_at < ?').run(cutoff)
    this.sql('DELETE FROM flight_expected WHERE requested_at < ?').run(cutoff)
    this.sql(`DELETE FROM flight_states WHERE EXISTS (SELECT 1 FROM flights f WHERE f.carrier = flight_states.carrier
      AND f.number = flight_states.number AND f.date = flight_states.date AND f.last_seen_at < ?)`).run(cutoff)
    this.sql('DELETE FROM flights WHERE last_seen_at < ?').run(cutoff)
  }
}
