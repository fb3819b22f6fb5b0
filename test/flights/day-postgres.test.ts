// The simulated day of test/flights/scenario.ts on the shared PostgreSQL ledger, in a schema of its own.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { pgUrl } from '../helpers/gateway.js'
import { runDay } from './scenario.js'

t.test('a simulated day for two carriers on PostgreSQL: states, metrics, scorecard, restart', async t => {
  const schema = `flights_${randomBytes(4).toString('hex')}`
  // The ledger URL is a secret: given by environment variable, as in production.
  const env = `FLIGHTS_TEST_PG_URL_${randomBytes(3).toString('hex').toUpperCase()}`
  process.env[env] = pgUrl
  t.teardown(async () => {
    const c = new pg.Client({ connectionString: pgUrl })
    await c.connect()
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await c.end()
  })
  await runDay(t, { kind: 'postgres', url: `env:${env}`, schema })
})
