// Secret references (docs/configuration.md): env:NAME and file:PATH, resolved on demand;
// a failure names the variable or file, never a value.
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isSecretRef, resolveSecret, resolveSecretBytes } from '../../src/config/index.js'
import { isGatewayError } from '../../src/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'cg-secrets-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

t.test('env:NAME reads the given environment', async t => {
  t.equal(resolveSecret('env:PIU_AMQP_URL', { PIU_AMQP_URL: 'amqp://u:pw@h' }), 'amqp://u:pw@h')
  t.same(resolveSecretBytes('env:KEY', { KEY: 'abc' }), Buffer.from('abc'))
})

t.test('env:NAME unset or empty: GW_ERR_CONFIG_SECRET_MISSING naming the variable', async t => {
  for (const env of [{}, { PIU_AMQP_URL: '' }]) {
    const err = t.throws(() => resolveSecret('env:PIU_AMQP_URL', env))
    t.ok(isGatewayError(err, 'GW_ERR_CONFIG_SECRET_MISSING'))
    t.match((err as Error).message, 'environment variable PIU_AMQP_URL is not set')
  }
})

t.test('the error never carries a value of the environment', async t => {
  const env = { OTHER_SECRET: 'hunter2-value', LEDGER_PG_URL: undefined }
  const err = t.throws(() => resolveSecret('env:LEDGER_PG_URL', env)) as Error
  t.notMatch(err.message, /hunter2/)
  t.notMatch(JSON.stringify(err), /hunter2/)
})

t.test('file:PATH reads the file (text trimmed, bytes exact)', async t => {
  const f = join(dir, 'token')
  writeFileSync(f, 'tok-123\n')
  t.equal(resolveSecret(`file:${f}`), 'tok-123')
  t.same(resolveSecretBytes(`file:${f}`), Buffer.from('tok-123\n'), 'a key file is passed as is')
})

t.test('file:PATH missing: GW_ERR_CONFIG_SECRET_MISSING naming the file', async t => {
  const f = join(dir, 'absent.key')
  for (const fn of [() => resolveSecret(`file:${f}`), () => resolveSecretBytes(`file:${f}`)]) {
    const err = t.throws(fn)
    t.ok(isGatewayError(err, 'GW_ERR_CONFIG_SECRET_MISSING'))
    t.match((err as Error).message, `file ${f} cannot be read`)
  }
})

t.test('isSecretRef', async t => {
  t.ok(isSecretRef('env:X'))
  t.ok(isSecretRef('file:/x'))
  t.notOk(isSecretRef('amqp://guest:guest@127.0.0.1'))
  t.equal(resolveSecret('amqp://guest:guest@127.0.0.1', {}), 'amqp://guest:guest@127.0.0.1', 'a plain value passes through (test configs)')
})
