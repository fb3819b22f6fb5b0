/**
 * `carrier-gateway flights [--carrier CODE] [--date YYYY-MM-DD] [--json] [--config FILE]`: the
 * flights the ledger knows, with what was due, what came and each state, evaluated now against the
 * carriers' agreement schedules (docs/flights.md "The flight view"). Reads the ledger only.
 */
import { configFileFrom, loadConfig } from '../../config/index.js'
import { agreementSetOf, loadAgreementDir } from '../../agreements/store.js'
import { openExistingLedger } from '../../onboarding/ledger.js'
import { listFlights, type FlightJson } from '../../flights/index.js'
import { parse } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_OK, EXIT_RUNTIME, UsageError, print, type CliIo } from '../io.js'

const CODE = /^[A-Z0-9]{2,3}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

export function validDate (d: string, option: string): string {
  if (!DATE.test(d) || Number.isNaN(Date.parse(d))) throw new UsageError(`${option} needs a date: YYYY-MM-DD`)
  return d
}

function flightLine (f: FlightJson): string {
  const leg = f.legs[0]
  const route = f.legs.length === 0 ? '—' : [leg.departure ?? '?', ...f.legs.map(l => l.arrival ?? '?')].join('-')
  const departs = leg?.scheduledDeparture?.slice(11, 16) ?? '??:??'
  const due = f.due.map(d => `${d.type} ${d.rule} ${d.state}`).join(', ') || 'nothing due'
  const series = f.series.map(s => `series ${s.parts.length}/${s.final ?? '?'} ${s.state}`).join(', ')
  const unknown = f.unknownAirports.length > 0 ? `  (time zone unknown: ${f.unknownAirports.join(', ')})` : ''
  return `${f.carrier}${f.number} ${f.date} ${departs}Z ${route}  ${f.state.toUpperCase()}  ${f.transmissions.length} transmissions; ` +
    `${due}${series !== '' ? `; ${series}` : ''}${unknown}`
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(SPECS.flights, args)
  if (positionals.length > 0) throw new UsageError(`usage: ${SPECS.flights.usage[0]}`)
  if (values.carrier !== undefined && !CODE.test(values.carrier)) {
    throw new UsageError('--carrier needs a carrier code (2 or 3 letters or digits)')
  }
  const now = new Date()
  const from = values.date !== undefined ? validDate(values.date, '--date') : now.toISOString().slice(0, 10)
  const to = values.date !== undefined ? from : new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10)
  const config = loadConfig(configFileFrom(values.config, io.env))
  const agreements = agreementSetOf(loadAgreementDir(config.carriers).agreements)
  const access = await openExistingLedger(config, io.env)
  if (access.ledger === null) {
    print(io.stderr, `flights: ${access.note}`)
    return EXIT_RUNTIME
  }
  let flights: FlightJson[]
  try {
    flights = await listFlights(access.ledger.flights, agreements, { carrier: values.carrier, from, to, limit: 10000 }, now)
  } catch (err) {
    print(io.stderr, `flights: ledger unavailable (${(err as Error).message})`)
    return EXIT_RUNTIME
  } finally {
    await access.ledger.close()
  }
  if (values.json) {
    print(io.stdout, JSON.stringify({ flights }, null, 2))
  } else if (flights.length === 0) {
    const which = values.carrier !== undefined ? ` for ${values.carrier}` : ''
    print(io.stdout, `no flights ${from === to ? `on ${from}` : `from ${from} to ${to}`}${which}`)
  } else {
    print(io.stdout, flights.map(flightLine).join('\n'))
  }
  return EXIT_OK
}
