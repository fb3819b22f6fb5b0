/**
 * One parse contender on one input file, in a fresh process (bench/parse.ts `isolate`): prints
 * `{ rates, note }` as JSON. `node dist/bench/parse-child.js FILE CONTENDER [OPTIONS-JSON]`.
 * With `full-cpu` as the contender it prints `{ msPerCall }`: CPU milliseconds per full parse +
 * map + validate, one value per run (bench/e2e.ts "sum of parts").
 */
import { readFileSync } from 'node:fs'
import { CONTENDERS, FULL_CPU, fullParseCpu, measure, type Contender } from './parse.js'

const [file, contender, json] = process.argv.slice(2)
if (file === undefined || (contender !== FULL_CPU && !(CONTENDERS as readonly string[]).includes(contender))) {
  process.stderr.write(`usage: parse-child FILE ${[...CONTENDERS, FULL_CPU].join('|')} [OPTIONS-JSON]\n`)
  process.exit(2)
}
const opts = json === undefined ? {} : JSON.parse(json) as object
const bytes = readFileSync(file)
const result = contender === FULL_CPU ? { msPerCall: fullParseCpu(bytes, opts) } : measure(contender as Contender, bytes, opts)
process.stdout.write(JSON.stringify(result) + '\n')
