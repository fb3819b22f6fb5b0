// The flight ledger on both stores (src/ledger/flights*.ts): link, expected pushes, settled states,
// reads, the ledger's retention purge, and bad input refused without writing anything.
import t, { type Test } from 'tap'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createLedger, type FlightLink, type Ledger } from '../../src/ledger/index.js'
import { pgUrl, tmpDir } from '../helpers/gateway.js'

function link (over: Partial<FlightLink> = {}): FlightLink {
  return {
    carrier: 'XA',
    number: '101',
    date: '2026-06-10',
    legs: [{ departure: 'ICN', arrival: 'LHR', scheduledDeparture: '2026-06-10T16:30:00Z', scheduledDepartureLocal: '2026-06-11T01:30' }],
    departureAt: '2026-06-10T16:30:00Z',
    unknownAirports: [],
    transmissionId: 'T1',
    message: 0,
    kind: 'pnr-full',
    receivedAt: '2026-06-09T16:35:00Z',
    minutesBeforeDeparture: 1435,
    outcome: 'accepted',
    partSequence: null,
    partFinal: null,
    seriesReference: null,
    travellers: 1,
    pnrs: 1,
    quality: { travellers: 1, documentNumber: 1, documentExpiry: 1, birthDate: 1, nationality: 1, gender: 1 },
    errorCodes: [],
    ...over
  }
}

async function contract (t: Test, ledger: Ledger): Promise<void> {
  const f = ledger.flights
  await f.link([link(), link({
    transmissionId: 'T2',
    kind: 'api-passengers',
    receivedAt: '2026-06-10T16:00:00Z',
    partSequence: 1,
    partFinal: true
  })])
  await f.link([link()])
  await f.expectPush({
    carrier: 'XA',
    number: '101',
    date: '2026-06-10',
    reason: 'govreq',
    requestedAt: '2026-06-10T14:00:00Z',
    dueBy: '2026-06-10T15:00:00Z'
  })
  await f.settle({ carrier: 'XA', number: '101', date: '2026-06-10' }, [{
    item: 'due:x',
    state: 'missing',
    decidedAt: '2026-06-10T15:00:00Z'
  }], false)
  await f.settle({ carrier: 'XA', number: '101', date: '2026-06-10' }, [{
    item: 'due:x',
    state: 'late',
    decidedAt: '2026-06-10T16:00:00Z'
  }], true)
  const got = await f.get({ carrier: 'XA', number: '101', date: '2026-06-10' })
  t.same(got?.transmissions.map(x => [x.transmissionId, x.kind, x.partFinal]), [['T1', 'pnr-full', null], ['T2', 'api-passengers', true]],
    'a link written twice is kept once')
  t.same([got?.departureAt, got?.closed, got?.settled.map(s => s.state), got?.expected.map(e => e.dueBy)],
    ['2026-06-10T16:30:00.000Z', true, ['late'], ['2026-06-10T15:00:00.000Z']])
  await f.link([link({ transmissionId: 'T3', date: '2026-06-11', number: '202', receivedAt: '2026-06-11T01:00:00Z' })])
  t.same((await f.list({ from: '2026-06-11' })).map(x => x.number), ['202'])
  t.same((await f.open('2026-06-01')).map(x => x.number), ['202'], 'the closed flight is off the work list')
  await f.link([link({ transmissionId: 'T4', receivedAt: '2026-06-10T18:00:00Z' })])
  t.same((await f.open('2026-06-01')).map(x => x.number), ['101', '202'], 'new traffic reopens it')
  await t.rejects(f.link([link({ carrier: 'bad!' })]), TypeError)
  await t.rejects(f.link([link({ transmissionId: 'T9', kind: 'nonsense' as 'iapi' })]), TypeError)
  await t.rejects(f.expectPush({ carrier: 'XA', number: '1', date: '2026-6-1', reason: 'govreq', dueBy: '2026-06-10T15:00:00Z' }),
    TypeError)
  t.equal((await f.list({})).flatMap(x => x.transmissions).length, 4, 'refused input wrote nothing')
  // Retention: what is older than the cutoff goes with the ledger's own purge.
  await ledger.purge(1, new Date('2026-06-11T12:00:00Z'))
  const left = await f.list({})
  t.same(left.map(x => [x.number, x.transmissions.map(y => y.transmissionId)]), [['101', ['T2', 'T4']], ['202', ['T3']]],
    'T1, received before the cutoff, is gone')
  t.equal(left[0].expected.length, 1, 'the push requested after the cutoff stays')
  await ledger.purge(1, new Date('2026-06-20T00:00:00Z'))
  t.same(await f.list({}), [], 'flights last seen before the cutoff are purged')
}

t.test('SQLite flight store', async t => {
  const ledger = await createLedger({ kind: 'sqlite', path: join(tmpDir(t), 'ledger.db') })
  t.teardown(async () => { await ledger.close() })
  await contract(t, ledger)
})

t.test('PostgreSQL flight store', async t => {
  const schema = `flights_store_${randomBytes(4).toString('hex')}`
  const ledger = await createLedger({ kind: 'postgres', url: pgUrl, schema })
  t.teardown(async () => {
    await ledger.close()
    const c = new pg.Client({ connectionString: pgUrl })
    await c.connect()
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await c.end()
  })
  await contract(t, ledger)
})
