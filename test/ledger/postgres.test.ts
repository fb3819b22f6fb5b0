/**
 * What only the PostgreSQL store has: its schema and indexes, instances migrating at once, and
 * server-side failures mapped to GW_ERR_LEDGER_UNAVAILABLE. PG_URL, a throwaway schema per test.
 */
import { randomBytes } from 'node:crypto'
import t, { type Test } from 'tap'
import pg from 'pg'
import { isGatewayError } from '../../src/errors.js'
import { createLedger, type Ledger, type LedgerRow } from '../../src/ledger/index.js'

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function admin<T> (fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(PG_URL)
  await c.connect()
  try { return await fn(c) } finally { await c.end() }
}

/** A fresh schema name, dropped with everything in it at teardown (after the ledgers closed). */
function throwaway (t: Test): { schema: string, open: () => Promise<Ledger> } {
  const schema = `ledger_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const opened: Ledger[] = []
  t.teardown(async () => {
    for (const l of opened) await l.close()
    await admin(c => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))
  })
  return {
    schema,
    open: async () => {
      const l = await createLedger({ kind: 'postgres', url: PG_URL, schema })
      opened.push(l)
      return l
    }
  }
}

function row (id: string, over: Partial<LedgerRow> = {}): LedgerRow {
  return {
    id,
    carrier: 'XA',
    channel: 'amqp',
    status: 'acknowledged',
    outcome: 'accepted',
    receivedAt: '2025-01-14T06:31:00.000Z',
    forwardedAt: null,
    acknowledgedAt: null,
    sender: 'XAPNR',
    recipient: 'GOVPIU',
    reference: `R-${id}`,
    preparedAt: '250114:0630',
    messageRefs: ['PNR001'],
    parts: [],
    messageType: 'PNRGOV',
    messageVersion: '13.1',
    flight: 'XA9',
    test: false,
    destination: 'production',
    sha256: '0'.repeat(64),
    size: 100,
    errorCodes: [],
    ackKind: null,
    ack: null,
    ackSentAt: null,
    correction: false,
    duplicateOf: null,
    releasedAt: null,
    releasedBy: null,
    interactive: null,
    ...over
  }
}

const unavailable = (err: unknown): boolean => isGatewayError(err, 'GW_ERR_LEDGER_UNAVAILABLE')

async function rejectsUnavailable (t: Test, p: Promise<unknown>): Promise<void> {
  await p.then(() => t.fail('expected GW_ERR_LEDGER_UNAVAILABLE'), err => t.ok(unavailable(err), 'rejects with GW_ERR_LEDGER_UNAVAILABLE'))
}

t.test('creates the table and the partial unique dedupe index in its own schema', async t => {
  const { schema, open } = throwaway(t)
  await open()
  const indexes = await admin(async c => (await c.query('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1', [schema])).rows)
  const dedupe = indexes.find(i => i.indexname === 'transmissions_dedupe')
  t.match(dedupe?.indexdef, /UNIQUE INDEX .* \(carrier, sender, reference, prepared_at\) WHERE original/)
  const types = await admin(async c => (await c.query(`SELECT column_name, data_type FROM information_schema.columns
    WHERE table_schema = $1 AND table_name = 'transmissions'`, [schema])).rows)
  const type = Object.fromEntries(types.map(r => [r.column_name, r.data_type]))
  t.equal(type.received_at, 'timestamp with time zone')
  t.equal(type.message_refs, 'ARRAY')
  t.equal(type.original, 'boolean')
})

t.test('instances starting together migrate once and all open', async t => {
  const { open } = throwaway(t)
  const ledgers = await Promise.all(Array.from({ length: 4 }, () => open()))
  await ledgers[0].record(row('seen'))
  for (const l of ledgers) t.equal(await l.size(), 1)
})

t.test('the dedupe key holds across instances even when records race a claim', async t => {
  const { schema, open } = throwaway(t)
  const [a, b] = [await open(), await open()]
  // Plain records of eligible rows with one key, from both instances at once: one holds it.
  const rows = Array.from({ length: 30 }, (_, i) => row(`race-${i}`, { reference: 'ONE' }))
  await Promise.all(rows.map((r, i) => (i % 2 === 0 ? a : b).record(r)))
  const holders = await admin(
    async c => (await c.query(`SELECT count(*)::int AS n FROM "${schema}".transmissions WHERE original`)).rows[0].n
  )
  t.equal(holders, 1)
  const original = await b.findOriginal({ carrier: 'XA', sender: 'XAPNR', reference: 'ONE', preparedAt: '250114:0630' })
  t.ok(original)
  t.same(await a.claimOriginal(row('late', { reference: 'ONE' })), original)
})

t.test('an unreachable server is GW_ERR_LEDGER_UNAVAILABLE at open', async t => {
  await rejectsUnavailable(t, createLedger({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/test' }))
})

t.test('a schema name is an identifier, never SQL', async t => {
  await t.rejects(createLedger({ kind: 'postgres', url: PG_URL, schema: 'x"; DROP TABLE y; --' }), TypeError)
})

t.test('server-side failures reject with GW_ERR_LEDGER_UNAVAILABLE, and the pool recovers', async t => {
  const { schema, open } = throwaway(t)
  const ledger = await open()
  await ledger.record(row('kept'))

  // Connections cut by the server: the pool drops them and reconnects.
  const cut = await admin(async c => (await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%"${schema}".transmissions%'`)).rowCount)
  t.ok((cut ?? 0) >= 1, 'the ledger connections were cut')
  let size: number | undefined
  for (let i = 0; i < 3 && size === undefined; i++) {
    size = await ledger.size().catch(err => {
      t.ok(unavailable(err), 'a query on a cut connection is unavailable')
      return undefined
    })
  }
  t.equal(size, 1)

  // The table gone under a running gateway: every kind of call fails the same way.
  await admin(c => c.query(`ALTER TABLE "${schema}".transmissions RENAME TO moved`))
  const calls: Array<Promise<unknown>> = [
    ledger.record(row('a')), ledger.record(row('b')), ledger.get('kept'), ledger.update('kept', { status: 'forwarded' }),
    ledger.claimOriginal(row('c')), ledger.list({}), ledger.purge(1), ledger.size()
  ]
  const results = await Promise.allSettled(calls)
  t.ok(results.every(r => r.status === 'rejected' && unavailable(r.reason)), 'each call rejects with GW_ERR_LEDGER_UNAVAILABLE')
  await admin(c => c.query(`ALTER TABLE "${schema}".moved RENAME TO transmissions`))
  t.same(await ledger.get('kept'), row('kept'))
})

t.test('a ledger from before interactive API gains its column when opened', async t => {
  const schema = `ledger_mig_${process.pid}_${randomBytes(4).toString('hex')}`
  const c = new pg.Client(PG_URL)
  await c.connect()
  t.teardown(async () => {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await c.end()
  })
  await (await createLedger({ kind: 'postgres', url: PG_URL, schema })).close()
  await c.query(`ALTER TABLE "${schema}".transmissions DROP COLUMN interactive`)
  const column = 'SELECT 1 FROM information_schema.columns ' +
    "WHERE table_schema = $1 AND table_name = 'transmissions' AND column_name = 'interactive'"
  t.equal((await c.query(column, [schema])).rowCount, 0)
  await (await createLedger({ kind: 'postgres', url: PG_URL, schema })).close()
  t.equal((await c.query(column, [schema])).rowCount, 1, 'the column is added')
})
