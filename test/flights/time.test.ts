// Local flight times to UTC through the airports' time zones, the flight identity built on them,
// and the forward header `x-minutes-before-departure` that now uses the true UTC difference.
import t from 'tap'
import { airportTimeToUtc, airportZone, flightDateUtc, localToUtcMs } from '../../src/messages/flight-time.js'
import { flightIdentityOf, transmissionKindOf } from '../../src/messages/flight-identity.js'
import { minutesBeforeDeparture } from '../../src/pipeline/headers.js'

const utc = (airport: string, local: string): string | undefined => airportTimeToUtc(airport, local)?.toISOString()

t.test('airports east and west of UTC, with and without summer time', async t => {
  t.equal(airportZone('ICN'), 'Asia/Seoul')
  t.equal(utc('ICN', '2026-06-11T01:30'), '2026-06-10T16:30:00.000Z', 'Seoul UTC+9: the UTC date is the day before')
  t.equal(utc('LAX', '2026-06-10T20:00'), '2026-06-11T03:00:00.000Z', 'Los Angeles in summer UTC-7: the UTC date is the day after')
  t.equal(utc('LAX', '2026-01-10T20:00'), '2026-01-11T04:00:00.000Z', 'Los Angeles in winter UTC-8')
  t.equal(utc('LHR', '2026-01-14T09:15'), '2026-01-14T09:15:00.000Z', 'London in winter is UTC')
  t.equal(utc('LHR', '2026-07-14T09:15'), '2026-07-14T08:15:00.000Z', 'London in summer UTC+1')
  t.equal(utc('SYD', '2026-01-05T08:00'), '2026-01-04T21:00:00.000Z', 'Sydney in its summer UTC+11')
  t.equal(flightDateUtc('ICN', '2026-06-11T01:30'), '2026-06-10')
})

t.test('summer-time change: a local time in the spring gap resolves to the offset after it', async t => {
  // 2026-03-08 02:30 does not exist in New York (clocks jump from 02:00 to 03:00 EST→EDT).
  t.equal(utc('JFK', '2026-03-08T01:30'), '2026-03-08T06:30:00.000Z')
  t.equal(utc('JFK', '2026-03-08T03:30'), '2026-03-08T07:30:00.000Z')
  t.ok(localToUtcMs('2026-03-08T02:30', 'America/New_York') !== null)
})

t.test('unknown, ambiguous or malformed: reported as null, never guessed', async t => {
  t.equal(airportZone('QQQ'), null, 'not in the data')
  t.equal(airportZone('AAD'), null, 'listed with two different zones')
  t.equal(airportZone('lhr'), null, 'not an IATA code as sent')
  t.equal(airportTimeToUtc('QQQ', '2026-06-10T10:00'), null)
  t.equal(airportTimeToUtc('LHR', 'not a time'), null)
  t.equal(airportTimeToUtc(null, '2026-06-10T10:00'), null)
})

t.test('flight identity: carrier, number, UTC date at the first departure airport, legs', async t => {
  const id = flightIdentityOf({
    carrier: 'XA',
    number: '0101',
    legs: [
      {
        carrier: 'XA',
        number: '0101',
        departure: { airport: 'ICN', scheduled: '2026-06-11T01:30' },
        arrival: {
          airport: 'FRA',
          scheduled: null
        }
      },
      {
        carrier: 'XA',
        number: '0101',
        departure: { airport: 'FRA', scheduled: '2026-06-11T09:00' },
        arrival: {
          airport: 'LHR',
          scheduled: null
        }
      }
    ]
  })
  t.same(id, {
    carrier: 'XA',
    number: '101',
    date: '2026-06-10',
    departureAt: '2026-06-10T16:30:00.000Z',
    unknownAirports: [],
    legs: [
      { departure: 'ICN', arrival: 'FRA', scheduledDeparture: '2026-06-10T16:30:00.000Z', scheduledDepartureLocal: '2026-06-11T01:30' },
      { departure: 'FRA', arrival: 'LHR', scheduledDeparture: '2026-06-11T07:00:00.000Z', scheduledDepartureLocal: '2026-06-11T09:00' }
    ]
  }, 'leading zeros dropped; both legs in UTC')
  const unknown = flightIdentityOf({ carrier: 'XA', number: '9', departure: 'QQQ', arrival: 'LHR', scheduledDeparture: '2026-06-11T01:30' })
  t.same([unknown?.date, unknown?.departureAt, unknown?.unknownAirports], ['2026-06-11', null, ['QQQ']],
    'unknown zone: the local date, reported')
  t.equal(flightIdentityOf({ carrier: 'XA', number: null, legs: [] }), null, 'no flight number: no flight')
  t.equal(flightIdentityOf({ carrier: 'XA', number: '1', departure: 'LHR', arrival: 'JFK', scheduledDeparture: null }), null,
    'no date: no flight')
})

t.test('transmission kinds from the document', async t => {
  t.same([
    transmissionKindOf('PAXLST', 'passenger-list'), transmissionKindOf('PAXLST', 'crew-list'), transmissionKindOf('PAXLST',
      'flight-status'),
    transmissionKindOf('PNRGOV', 'full-push'), transmissionKindOf('PNRGOV', 'update-push'), transmissionKindOf('CUSRES', 'x')
  ], ['api-passengers', 'api-crew', 'close-out', 'pnr-full', 'pnr-update', null])
})

t.test('x-minutes-before-departure: the true UTC difference at the departure airport', async t => {
  const received = new Date('2026-06-10T14:30:00Z')
  t.equal(minutesBeforeDeparture('2026-06-11T01:30', received, 'ICN'), 120, 'Seoul 01:30 local is 16:30Z, two hours on')
  t.equal(minutesBeforeDeparture('2026-06-10T10:00', received, 'LAX'), 150, 'Los Angeles 10:00 PDT is 17:00Z')
  t.equal(minutesBeforeDeparture('2026-06-10T10:00', received, 'QQQ'), null, 'unknown zone: no figure rather than a wrong one')
  t.equal(minutesBeforeDeparture('2026-06-10T16:30', received), 120, 'without an airport the old reading as UTC stays')
})
