// The error catalogue (docs/errors.md): ids unique, named GW_ERR_<STAGE>_<WHAT>, each documented
// with its severity, and texts that carry no input value.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { ERRORS, GatewayError, isGatewayError, type ErrorId } from '../src/errors.js'

const ids = Object.keys(ERRORS) as ErrorId[]
const STAGES = [
  'CONFIG', 'AGREEMENT', 'INTAKE', 'EDIFACT', 'MESSAGE', 'IAPI', 'OUTBOUND', 'ACK', 'FORWARD', 'LEDGER',
  'SFTP', 'AMQP', 'ONBOARDING', 'INTERNAL', 'ADMIN'
]

t.test('ids are unique and follow GW_ERR_<STAGE>_<WHAT>', async t => {
  // Object keys cannot repeat, so also pin the source: a duplicated key would silently win.
  const source = readFileSync(new URL('../src/errors.ts', import.meta.url), 'utf8')
  const declared = [...source.matchAll(/^\s+(GW_ERR_[A-Z0-9_]+):/gm)].map(m => m[1])
  t.same(declared, ids, 'every declared id is in the catalogue, once')
  t.equal(new Set(declared).size, declared.length, 'no id declared twice')
  for (const id of ids) {
    t.match(id, /^GW_ERR_[A-Z]+_[A-Z0-9]+(_[A-Z0-9]+)*$/, id)
    t.ok(STAGES.includes(id.split('_')[2]), `${id}: a known stage`)
  }
})

t.test('each entry is complete', async t => {
  for (const id of ids) {
    const e = ERRORS[id]
    t.ok(e.http >= 400 && e.http <= 599, `${id}: HTTP status`)
    t.ok(e.contrl === null || (Number.isInteger(e.contrl) && e.contrl >= 1 && e.contrl <= 99), `${id}: CONTRL code`)
    t.ok(['accepted', 'accepted_with_warnings', 'duplicate', 'rejected', 'retry'].includes(e.outcome), `${id}: outcome`)
    t.ok(e.text.length > 0 && !/[{}$%]/.test(e.text), `${id}: a fixed sentence`)
    t.ok(['input', 'transient', 'config', 'internal'].includes(e.severity), `${id}: a severity`)
    t.ok(Object.isFrozen(e))
  }
  t.ok(Object.isFrozen(ERRORS))
})

t.test('every id is documented in docs/errors.md as it is, and no other id is', async t => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')
  const rows = new Map([...doc.matchAll(/^\| `(GW_ERR_[A-Z0-9_]+)` \| (\d+) \| ([^|]+?) \| (\w+) \| (\w+) \|/gm)]
    .map(m => [m[1], { http: Number(m[2]), contrl: m[3] === '—' ? null : Number(m[3]), outcome: m[4], severity: m[5] }]))
  const missing = ids.filter(id => !rows.has(id))
  t.same(missing, [], 'ids missing from the table in docs/errors.md')
  for (const id of ids) {
    const e = ERRORS[id]
    if (rows.has(id)) {
      t.same(rows.get(id), { http: e.http, contrl: e.contrl, outcome: e.outcome, severity: e.severity }, `${id}: documented as it is`)
    }
  }
  t.same([...rows.keys()].filter(id => !(id in ERRORS)), [], 'the table names no id the catalogue does not have')
})

t.test('GatewayError carries the id and the definition', async t => {
  const e = new GatewayError('GW_ERR_CONFIG_SECRET_MISSING', 'environment variable X is not set')
  t.equal(e.id, 'GW_ERR_CONFIG_SECRET_MISSING')
  t.equal(e.def, ERRORS.GW_ERR_CONFIG_SECRET_MISSING)
  t.equal(e.message, 'a secret reference could not be resolved: environment variable X is not set')
  t.ok(isGatewayError(e))
  t.ok(isGatewayError(e, 'GW_ERR_CONFIG_SECRET_MISSING'))
  t.notOk(isGatewayError(e, 'GW_ERR_CONFIG_INVALID'))
  t.notOk(isGatewayError(new Error('x')))
  t.equal(new GatewayError('GW_ERR_CONFIG_INVALID').message, 'configuration is invalid')
})
