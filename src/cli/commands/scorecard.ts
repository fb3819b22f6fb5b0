/**
 * `carrier-gateway scorecard CODE --from DATE --to DATE [--json | --html OUT | --csv OUT]`: the
 * carrier's scorecard for the period (docs/flights.md "The scorecard"), read from the ledger.
 * Counts and rates only; the HTML page and the CSV hold no passenger data.
 */
import { writeFileSync } from 'node:fs'
import { configFileFrom, loadConfig } from '../../config/index.js'
import { agreementSetOf, loadAgreementDir } from '../../agreements/store.js'
import { openExistingLedger } from '../../onboarding/ledger.js'
import { buildScorecard, type Scorecard } from '../../flights/scorecard.js'
import { scorecardCsv, scorecardHtml, scorecardText } from '../../flights/scorecard-render.js'
import { parse } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, errnoOf, print, type CliIo } from '../io.js'
import { validDate } from './flights.js'

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(SPECS.scorecard, args)
  const [code, ...rest] = positionals
  if (code === undefined || rest.length > 0) throw new UsageError(`usage: ${SPECS.scorecard.usage[0]}`)
  if (values.from === undefined || values.to === undefined) throw new UsageError('--from DATE and --to DATE are required')
  const outputs = [values.json, values.html !== undefined, values.csv !== undefined].filter(Boolean).length
  if (outputs > 1) throw new UsageError('--json, --html and --csv cannot be combined')
  const from = validDate(values.from, '--from')
  const to = validDate(values.to, '--to')
  if (to < from) throw new UsageError('--to must not be before --from')
  const config = loadConfig(configFileFrom(values.config, io.env))
  const agreements = agreementSetOf(loadAgreementDir(config.carriers).agreements)
  if (agreements.byCode(code) === undefined) {
    print(io.stderr, `scorecard: no valid agreement for carrier ${code} in ${config.carriers}`)
    return EXIT_USAGE
  }
  const access = await openExistingLedger(config, io.env)
  if (access.ledger === null) {
    print(io.stderr, `scorecard: ${access.note}`)
    return EXIT_RUNTIME
  }
  let card: Scorecard
  try {
    card = await buildScorecard(access.ledger, agreements, { carrier: code, from, to }, new Date())
  } catch (err) {
    print(io.stderr, `scorecard: ledger unavailable (${(err as Error).message})`)
    return EXIT_RUNTIME
  } finally {
    await access.ledger.close()
  }
  if (values.json) {
    print(io.stdout, JSON.stringify(card, null, 2))
    return EXIT_OK
  }
  const file = values.html ?? values.csv
  if (file === undefined) {
    io.stdout.write(scorecardText(card))
    return EXIT_OK
  }
  try {
    writeFileSync(file, values.html !== undefined ? scorecardHtml(card) : scorecardCsv(card))
  } catch (err) {
    print(io.stderr, `scorecard: ${file} cannot be written (${errnoOf(err)})`)
    return EXIT_RUNTIME
  }
  print(io.stdout, `${file}: scorecard for ${code}, ${card.flights} flights, ${card.pushes.due} pushes due, ` +
    `${card.pushes.onTime} on time, ${card.pushes.late} late, ${card.pushes.missing} missing`)
  return EXIT_OK
}
