// The simulated day of test/flights/scenario.ts on the embedded SQLite ledger.
import t from 'tap'
import { runDay } from './scenario.js'

t.test('a simulated day for two carriers on SQLite: states, metrics, scorecard, restart', async t => {
  await runDay(t, null)
})
