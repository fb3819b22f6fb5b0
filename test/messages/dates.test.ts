import t from 'tap'
import fc from 'fast-check'
import {
  ddmmmyy, edifactDate, isCalendarDate, isoTime, padisDate, padisDateTime, resolveYear, type CivilDate
} from '../../src/messages/dates.js'

const flight: CivilDate = { year: 2024, month: 6, day: 1 }

t.test('birth years are never after the flight date', async t => {
  t.equal(edifactDate('900214', 'past', flight), '1990-02-14')
  t.equal(edifactDate('240101', 'past', flight), '2024-01-01', 'an infant born this year')
  t.equal(edifactDate('241201', 'past', flight), '1924-12-01', '2024-12-01 would be after the flight')
  t.equal(edifactDate('240601', 'past', flight), '2024-06-01', 'born on the day of the flight')
  t.equal(edifactDate('240602', 'past', flight), '1924-06-02')
  t.equal(ddmmmyy('12JUL64', 'past', flight), '1964-07-12')
  t.equal(ddmmmyy('15APR12', 'past', { year: 2013, month: 5, day: 28 }), '2012-04-15')
  t.equal(ddmmmyy('12JUL12', 'past', { year: 2010, month: 12, day: 12 }), '1912-07-12', 'resolved against the flight, not today')
})

t.test('expiry years lie within 20 years after the flight, else earlier', async t => {
  t.equal(edifactDate('300131', 'expiry', flight), '2030-01-31')
  t.equal(edifactDate('440131', 'expiry', flight), '2044-01-31', 'exactly 20 years ahead')
  t.equal(edifactDate('450131', 'expiry', flight), '1945-01-31', '21 years ahead is implausible')
  t.equal(edifactDate('230716', 'expiry', flight), '2023-07-16', 'an expired document stays in the recent past')
  t.equal(edifactDate('360101', 'expiry', { year: 2021, month: 8, day: 27 }), '2036-01-01', 'pilot licence of ediclean F')
  t.equal(ddmmmyy('23AUG19', 'expiry', { year: 2010, month: 12, day: 12 }), '2019-08-23')
})

t.test('issue dates are on or before the flight date', async t => {
  t.equal(edifactDate('200315', 'past', flight), '2020-03-15')
  t.equal(edifactDate('250315', 'past', flight), '1925-03-15')
})

t.test('flight dates take the century nearest the reference', async t => {
  const received: CivilDate = { year: 2025, month: 1, day: 1 }
  t.equal(edifactDate('2501140915', 'nearest', received), '2025-01-14T09:15')
  t.equal(edifactDate('0702191540', 'nearest', received), '2007-02-19T15:40')
  t.equal(edifactDate(' 1306212200', 'nearest', received), '2013-06-21T22:00', 'stray leading space trimmed')
  t.equal(edifactDate('202501140915', 'nearest', received), '2025-01-14T09:15', 'CCYYMMDDHHMM')
  t.equal(edifactDate('19900214', 'past', received), '1990-02-14', 'CCYYMMDD')
  t.equal(padisDate('121210', 'nearest', received), '2010-12-12', 'PADIS is day first')
  t.equal(padisDateTime('280513', '2225', 'nearest', received), '2013-05-28T22:25')
  t.equal(padisDateTime('120413', '175500', 'nearest', received), '2013-04-12T17:55:00')
  t.equal(padisDateTime('120413', null, 'nearest', received), '2013-04-12')
})

t.test('impossible dates and malformed values give null', async t => {
  const ref: CivilDate = { year: 2025, month: 1, day: 1 }
  for (const v of ['', '9002', '900230', '901301', '90021', 'ABCDEF', '2501142460', '2501142500', '25011409155', '$(yymmdd)1620']) {
    t.equal(edifactDate(v, 'nearest', ref), null, `'${v}'`)
  }
  t.equal(padisDate('310213', 'nearest', ref), null, '31 February')
  t.equal(padisDateTime('280513', '25', 'nearest', ref), null)
  t.equal(ddmmmyy('12XYZ64', 'past', ref), null)
  t.equal(ddmmmyy('1JUL64', 'past', ref), null)
  t.equal(isoTime('2360'), null)
  t.equal(isoTime('0000'), '00:00')
})

t.test('29 February resolves only to a leap year', async t => {
  t.same(resolveYear(0, 2, 29, 'past', { year: 2001, month: 1, day: 1 }), { year: 2000, month: 2, day: 29 })
  t.equal(resolveYear(1, 2, 29, 'past', { year: 2024, month: 6, day: 1 }), null)
  t.same(resolveYear(0, 2, 29, 'expiry', { year: 2001, month: 1, day: 1 }), { year: 2000, month: 2, day: 29 })
})

t.test('property: birth dates on or before the reference, expiry within its window', async t => {
  t.doesNotThrow(() => fc.assert(fc.property(
    fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }),
    fc.integer({ min: 1950, max: 2090 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }),
    (yy, month, day, ry, rm, rd) => {
      const ref = { year: ry, month: rm, day: rd }
      const d = resolveYear(yy, month, day, 'past', ref)
      if (d === null) return false
      const before = d.year < ry || (d.year === ry && (d.month < rm || (d.month === rm && d.day <= rd)))
      return before && ry - d.year <= 100 && d.year % 100 === yy
    })))
  t.doesNotThrow(() => fc.assert(fc.property(
    fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1950, max: 2090 }),
    (yy, ry) => {
      const d = resolveYear(yy, 6, 15, 'expiry', { year: ry, month: 1, day: 1 })
      return d !== null && d.year <= ry + 20 && d.year > ry - 80 && d.year % 100 === yy
    })))
})

t.test('isCalendarDate: the JSON Schema date format, calendar included', async t => {
  for (const ok of ['2025-01-14', '2024-02-29', '2000-02-29', '0001-12-31']) t.ok(isCalendarDate(ok), ok)
  for (const bad of ['2025-02-29', '1900-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-1-14', '2025/01/14',
    '20250114', '2025-01-14T00:00', ' 2025-01-14', '2025-01-1x', '']) t.notOk(isCalendarDate(bad), JSON.stringify(bad))
})
