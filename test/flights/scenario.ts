// The simulated day (simulate.ts) and everything an officer would check about it: the flight
// states through the admin API, the metrics, the scorecard (model, CLI JSON, CSV, HTML), a restart
// that keeps the states without counting them again, and no traveller value anywhere. Run on
// SQLite and on PostgreSQL by day-sqlite.test.ts and day-postgres.test.ts.
import type { Test } from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { metricValue } from '../helpers/gateway.js'
import { runCli } from '../helpers/cli.js'
import { buildScorecard } from '../../src/flights/scorecard.js'
import { airportZone } from '../../src/messages/flight-time.js'
import type { FlightJson } from '../../src/flights/index.js'
import {
  PASSENGER_VALUES, UNKNOWN_AIRPORT, interchange, pnrgovSpec, simGateway, simulateDay, simulateNight,
  type SimGateway
} from './simulate.js'

async function admin (s: SimGateway, path: string): Promise<{ status: number, body: any }> {
  const res = await fetch(`http://127.0.0.1:${s.gateway.adminPort() as number}${path}`)
  return { status: res.status, body: await res.json() }
}

function dueOf (f: FlightJson): Record<string, string> {
  return Object.fromEntries(f.due.map(d => [`${d.type} ${d.rule}`, d.state]))
}

function noPassengerValue (t: Test, what: string, text: string): void {
  const found = PASSENGER_VALUES.filter(v => text.includes(v))
  t.same(found, [], `no traveller value in ${what}`)
}

const XA101_DUE = {
  'pnr -24h': 'received',
  'pnr -2h': 'received',
  'pnr 0h': 'late',
  'api-crew -1h': 'received',
  'api-passengers 0h': 'received',
  'api-final 30m': 'received',
  'govreq govreq': 'received'
}
const XA202_DUE = {
  'pnr -24h': 'received',
  'pnr -2h': 'missing',
  'pnr 0h': 'received',
  'api-crew -1h': 'missing',
  'api-passengers 0h': 'received',
  'api-final 30m': 'missing',
  'govreq govreq': 'missing'
}

export async function runDay (t: Test, ledger: Record<string, unknown> | null): Promise<void> {
  t.equal(airportZone(UNKNOWN_AIRPORT), null, 'the unknown airport is really unknown to the zone data')
  const s = await simGateway(t, ledger)
  const outcomes = await simulateDay(s)
  for (const [name, outcome] of Object.entries(outcomes)) {
    t.ok(name === 'T5' ? outcome === 'rejected' : outcome.startsWith('accepted'), `${name} ${outcome}`)
  }

  // A missing push is noticed by the evaluator alone: no traffic between T10 and this tick.
  s.clock.now = new Date('2026-06-11T01:45:00Z')
  await s.gateway.flights.tick()
  const early = (await admin(s, '/admin/flights/XA/202/2026-06-11')).body as FlightJson
  t.equal(dueOf(early)['pnr -2h'], 'missing', 'T-2h of XA202 missing, without new traffic')
  t.equal(dueOf(early)['pnr 0h'], 'pending', 'T-0h not due yet')
  t.equal(await metricValue(s.gateway, 'carrier_gateway_flight_pushes_total', { carrier: 'XA', type: 'pnr', state: 'missing' }), 1)

  await simulateNight(s, outcomes)
  t.ok(outcomes.T11.startsWith('accepted') && outcomes.T12.startsWith('accepted'), 'night traffic accepted')
  s.clock.now = new Date('2026-06-12T00:00:00Z')
  await s.gateway.flights.tick()

  // ── the flights as the admin API shows them ─────────────────────────────────────────────────
  const xa = (await admin(s, '/admin/flights?carrier=XA')).body.flights as FlightJson[]
  t.same(xa.map(f => `${f.number} ${f.date}`), ['101 2026-06-10', '202 2026-06-11'], 'flight dates are UTC dates, not local ones')
  const [f101, f202] = xa
  t.same(f101.legs, [{
    departure: 'ICN',
    arrival: 'LHR',
    scheduledDeparture: '2026-06-10T16:30:00.000Z',
    scheduledDepartureLocal: '2026-06-11T01:30'
  }])
  t.equal(f202.legs[0].scheduledDeparture, '2026-06-11T03:00:00.000Z', 'LAX local 20:00 in June is 03:00Z the next day')
  t.same(dueOf(f101), XA101_DUE, 'XA101 due pushes')
  t.same(dueOf(f202), XA202_DUE, 'XA202 due pushes')
  t.equal(f101.state, 'late')
  t.equal(f202.state, 'missing')
  t.same(f101.series, [], 'single messages without S010 form no series')
  t.same(f202.series.map(x => [x.reference, x.parts, x.final, x.state]), [['XA202/260610/2000', [1], null, 'incomplete']])
  const t1 = f101.transmissions[0]
  t.same([t1.kind, t1.minutesBeforeDeparture, t1.outcome], ['pnr-full', 1435, 'accepted'],
    'T-24h push 5 minutes late of the point, within tolerance')
  t.same(f101.transmissions.map(x => x.kind), ['pnr-full', 'pnr-update', 'api-crew', 'api-passengers', 'api-passengers', 'pnr-update'])
  t.same(f202.transmissions.find(x => x.kind === 'api-passengers')?.part, { sequence: 1, final: false, reference: 'XA202/260610/2000' })

  const xb = (await admin(s, '/admin/flights?carrier=XB')).body.flights as FlightJson[]
  const f303 = xb.find(f => f.number === '303') as FlightJson
  t.equal(f303.legs[0].scheduledDeparture, '2026-06-10T09:00:00.000Z', 'LHR in June is UTC+1')
  t.same(dueOf(f303), { 'pnr -2h': 'received', 'api-passengers 0h': 'received' })
  t.same(f303.series.map(x => x.state), ['complete'], 'a 01:F message is a complete series of one')
  t.same(f303.transmissions.map(x => x.outcome === 'accepted_with_warnings' ? 'accepted' : x.outcome), ['accepted', 'accepted', 'rejected'])
  const f404 = xb.find(f => f.number === '404') as FlightJson
  t.same([f404.date, f404.unknownAirports, f404.legs[0].scheduledDeparture, f404.due], ['2026-06-10', [UNKNOWN_AIRPORT], null, []],
    'unknown airport: reported, the local date kept, nothing guessed')

  t.same(((await admin(s, '/admin/flights?state=missing')).body.flights as FlightJson[]).map(f => f.number), ['202'])
  t.same(((await admin(s, '/admin/flights?from=2026-06-11&to=2026-06-11')).body.flights as FlightJson[]).map(f => f.number), ['202'])
  const one = await admin(s, '/admin/flights/XA/XA101/2026-06-10')
  t.equal(one.status, 200)
  t.same(one.body, f101, 'the flight route answers the same flight, by number with or without the carrier')
  t.equal((await admin(s, '/admin/flights/XA/999/2026-06-10')).status, 404)
  t.equal((await admin(s, '/admin/flights?state=bogus')).status, 400)
  t.equal((await admin(s, '/admin/flights/XA/101/2026-13-45')).status, 400)

  // ── metrics: each decided push counted once ─────────────────────────────────────────────────
  const m = async (labels: Record<string, string>): Promise<number> =>
    await metricValue(s.gateway, 'carrier_gateway_flight_pushes_total', labels)
  t.same({
    onTime: await m({ carrier: 'XA', state: 'on_time' }),
    late: await m({ carrier: 'XA', state: 'late' }),
    missing: await m({ carrier: 'XA', state: 'missing' }),
    pnrOnTime: await m({ carrier: 'XA', type: 'pnr', state: 'on_time' }),
    crewMissing: await m({ carrier: 'XA', type: 'api-crew', state: 'missing' }),
    xbOnTime: await m({ carrier: 'XB', state: 'on_time' }),
    xbOther: await m({ carrier: 'XB', state: 'missing' }) + await m({ carrier: 'XB', state: 'late' })
  }, { onTime: 9, late: 1, missing: 4, pnrOnTime: 4, crewMissing: 1, xbOnTime: 2, xbOther: 0 })
  t.equal(await metricValue(s.gateway, 'carrier_gateway_series_total', { carrier: 'XA', state: 'incomplete' }), 1)
  t.equal(await metricValue(s.gateway, 'carrier_gateway_series_total', { carrier: 'XB', state: 'complete' }), 1)
  t.equal(await metricValue(s.gateway, 'carrier_gateway_flight_on_time_ratio', { carrier: 'XA' }), 9 / 14)
  t.equal(await metricValue(s.gateway, 'carrier_gateway_flight_on_time_ratio', { carrier: 'XB' }), 1)
  const again = await s.gateway.flights.tick()
  t.equal(again.settled, 0, 'a second pass at the same time settles nothing new')
  t.equal(await m({ carrier: 'XA' }), 14, 'and counts nothing twice')

  // ── the scorecard ───────────────────────────────────────────────────────────────────────────
  const card = await buildScorecard(s.gateway.ledger, s.gateway.agreements.current(), {
    carrier: 'XA',
    from: '2026-06-09',
    to: '2026-06-12'
  },
  s.clock.now)
  t.same([card.flights, card.pushes.due, card.pushes.onTime, card.pushes.late, card.pushes.missing, card.pushes.pending], [2, 14, 9, 1,
    4, 0])
  t.same([card.series.total, card.series.complete, card.series.incomplete], [1, 0, 1])
  t.same([card.transmissions.total, card.transmissions.rejected, card.transmissions.acceptanceRate], [9, 0, 1])
  t.same([card.quality.PAXLST.travellers, card.quality.PAXLST.fields.nationality.count, card.quality.PAXLST.fields.nationality.rate],
    [4, 3, 0.75], 'one passenger list without NAT: nationality 3 of 4')
  t.equal(card.quality.PAXLST.fields.documentNumber.rate, 1)
  t.same([card.quality.PNRGOV.travellers, card.quality.PNRGOV.fields.documentNumber.rate], [5, 1])
  t.same(card.weakFlights.map(w => [w.number, w.missing, w.late, w.incompleteSeries]), [['202', 4, 0, 1], ['101', 0, 1, 0]],
    'the flights that pulled the figures down, worst first')
  const xbCard = await buildScorecard(s.gateway.ledger, s.gateway.agreements.current(), {
    carrier: 'XB',
    from: '2026-06-10',
    to: '2026-06-10'
  },
  s.clock.now)
  t.same([xbCard.flights, xbCard.pushes.due, xbCard.pushes.onTime, xbCard.transmissions.total, xbCard.transmissions.rejected], [2, 2,
    2, 4, 1])
  t.same(xbCard.transmissions.rejectionsByCode.map(c => [c.code, c.transmissions]), [[29, 1]], 'UNT count wrong: CONTRL 29')
  t.equal(xbCard.transmissions.rejectionRate, 0.25)

  const config = join(s.dir, 'gateway.yaml')
  const cli = await runCli(['scorecard', 'XA', '--from', '2026-06-09', '--to', '2026-06-12', '--json', '--config', config], process.env)
  t.equal(cli.code, 0, cli.stderr)
  t.same([cli.json().pushes.due, cli.json().pushes.missing, cli.json().weakFlights[0].number], [14, 4, '202'],
    'the CLI reads the same figures')
  const html = join(s.dir, 'xa.html')
  const csv = join(s.dir, 'xa.csv')
  t.equal((await runCli(['scorecard', 'XA', '--from', '2026-06-09', '--to', '2026-06-12', '--html', html, '--config', config],
    process.env)).code, 0)
  t.equal((await runCli(['scorecard', 'XA', '--from', '2026-06-09', '--to', '2026-06-12', '--csv', csv, '--config', config],
    process.env)).code, 0)
  const htmlText = readFileSync(html, 'utf8')
  const csvText = readFileSync(csv, 'utf8')
  t.match(htmlText, /<svg id="chart-pushes"/)
  t.match(csvText, /\r\npushes,all,missing,4\r\n/)
  t.match(csvText, /\r\nquality,PAXLST nationality,rate,0\.75\r\n/)
  const flightsCli = await runCli(['flights', '--carrier', 'XA', '--date', '2026-06-11', '--json', '--config', config], process.env)
  t.equal(flightsCli.code, 0, flightsCli.stderr)
  t.same(flightsCli.json().flights.map((f: FlightJson) => [f.number, f.state]), [['202', 'missing']])
  const text = await runCli(['flights', '--date', '2026-06-10', '--config', config], process.env)
  t.match(text.stdout, /XA101 2026-06-10 16:30Z ICN-LHR {2}LATE/)
  t.equal((await runCli(['scorecard', 'XA', '--from', '2026-06-12', '--to', '2026-06-09', '--config', config], process.env)).code, 2,
    'reversed period')

  // ── no traveller value anywhere ─────────────────────────────────────────────────────────────
  const stored = await s.gateway.ledger.flights.list({})
  noPassengerValue(t, 'the flight ledger', JSON.stringify(stored))
  noPassengerValue(t, 'the transmission ledger', JSON.stringify(await s.gateway.ledger.list({ limit: 1000 })))
  noPassengerValue(t, 'the admin flights JSON', JSON.stringify((await admin(s, '/admin/flights')).body))
  noPassengerValue(t, 'the scorecard HTML', htmlText)
  noPassengerValue(t, 'the scorecard CSV', csvText)
  noPassengerValue(t, 'the logs', s.logs.text())
  noPassengerValue(t, 'the metrics', await s.gateway.metrics.registry.metrics())

  // ── a restart keeps the states and counts nothing again ─────────────────────────────────────
  const before = (await admin(s, '/admin/flights')).body
  await s.gateway.close()
  const s2 = await simGateway(t, ledger, s.dir, { now: new Date('2026-06-12T00:00:00Z') })
  const pass = await s2.gateway.flights.tick()
  t.equal(pass.settled, 0, 'nothing to settle after the restart')
  t.equal(await metricValue(s2.gateway, 'carrier_gateway_flight_pushes_total'), 0, 'nothing counted twice')
  t.same((await admin(s2, '/admin/flights')).body, before, 'the same flights and states after the restart')
  // A late push for a missing point: the state moves to late and is counted once, as late.
  await s2.gateway.pipeline.process({
    channel: 'https',
    bytes: interchange('XAAPI', 'XAT14', [pnrgovSpec('P1', {
      carrier: 'XA', number: '202', from: 'LAX', to: 'ICN', departs: ['100626', '2000'], update: true
    })]),
    candidates: [s2.gateway.agreements.current().byCode('XA')!],
    receivedAt: new Date('2026-06-11T01:40:00Z')
  })
  await s2.gateway.flights.tick()
  const after = (await admin(s2, '/admin/flights/XA/202/2026-06-11')).body as FlightJson
  t.equal(dueOf(after)['pnr -2h'], 'late', 'missing, then came after the window: late')
  t.equal(await metricValue(s2.gateway, 'carrier_gateway_flight_pushes_total', { carrier: 'XA', type: 'pnr', state: 'late' }), 1)
}
