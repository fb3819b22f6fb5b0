/**
 * One parse contender on one input file, in a fresh process (bench/parse.ts `isolate`): prints
 * `{ rates, note }` as JSON. `node dist/bench/parse-child.js FILE CONTENDER [OPTIONS-JSON]`.
 */
import { readFileSync } from 'node:fs'
import { CONTENDERS, measure, type Contender } from './parse.js'

const [file, contender, json] = process.argv.slice(2)
if (file === undefined || !(CONTENDERS as readonly string[]).includes(contender)) {
  process.stderr.write(`usage: parse-child FILE ${CONTENDERS.join('|')} [OPTIONS-JSON]\n`)
  process.exit(2)
}
const result = measure(contender as Contender, readFileSync(file), json === undefined ? {} : JSON.parse(json) as object)
process.stdout.write(JSON.stringify(result) + '\n')
