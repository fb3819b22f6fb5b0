// `carrier-gateway outbound list | show | resend` (docs/cli.md, docs/outbound.md "Operations") on a
// real ledger file the way an operator runs it beside the gateway: metadata only, never a payload.
import { randomBytes, randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import pg from 'pg'
import { stringify } from 'yaml'
import { createLedger, type OutboundRow } from '../../src/ledger/index.js'
import { outboundRow } from '../helpers/outbound.js'
import { pgUrl, testConfig, tmpDir } from '../helpers/gateway.js'
import { runCli } from '../helpers/cli.js'

/** A value only the payloads hold: it must never be printed. */
const MARKER = 'QZPASSENGERMARKER'

const row = (over: Partial<OutboundRow>): OutboundRow => outboundRow(over)

t.test('list, show and resend; a purged message cannot be resent; no payload is printed', async t => {
  const dir = tmpDir(t)
  const config = join(dir, 'gateway.yaml')
  writeFileSync(config, stringify(testConfig(dir, join(dir, 'carriers'))))
  const ledger = await createLedger({ kind: 'sqlite', path: join(dir, 'ledger.db') })
  const queued = row({ attempts: 2, lastError: 'GW_ERR_OUTBOUND_DELIVERY_FAILED' })
  const delivered = row({ carrier: 'XB', kind: 'govreq', channel: 'amqp', answerDueAt: new Date(Date.now() - 60_000).toISOString() })
  for (const r of [queued, delivered]) await ledger.outbound.add(r, Buffer.from(`UNA... ${MARKER}`))
  await ledger.outbound.lease(delivered.id, new Date(), new Date(Date.now() + 1000))
  await ledger.outbound.delivered(delivered.id, new Date(), 'xb.piu.in', true)
  await ledger.close()
  const cli = async (...args: string[]): ReturnType<typeof runCli> => await runCli(['outbound', ...args, '--config', config])

  const all = await cli('list')
  t.equal(all.code, 0, all.stderr)
  t.match(all.stdout, new RegExp(`^${queued.id} +XA +cusres +https +queued `, 'm'))
  t.match(all.stdout, new RegExp(`^${delivered.id} +XB +govreq +amqp +delivered \\(overdue\\) `, 'm'), 'an unanswered GOVREQ is marked')
  const json = (await cli('list', '--carrier', 'XB', '--json')).json()
  t.same(json.messages.map((m: OutboundRow) => m.id), [delivered.id])
  t.equal(json.messages[0].overdue, true)
  t.same((await cli('list', '--state', 'queued', '--json')).json().messages.map((m: OutboundRow) => m.id), [queued.id])

  const show = await cli('show', queued.id)
  t.equal(show.code, 0)
  t.match(show.stdout, /^last error +GW_ERR_OUTBOUND_DELIVERY_FAILED \(the carrier's side did not take the message; it is retried\)$/m)

  const resent = await cli('resend', queued.id)
  t.equal(resent.code, 0, resent.stderr)
  t.match(resent.stdout, /queued again/)
  const purged = await cli('resend', delivered.id)
  t.equal(purged.code, 1)
  t.match(purged.stderr, /payload purged; ask the PIU to send it again/)
  const missing = await cli('show', `ob_${randomUUID()}`)
  t.equal(missing.code, 1)
  t.match(missing.stderr, /no message/)

  t.equal((await cli('list', '--state', 'lost')).code, 2, 'a malformed filter is a usage error')
  t.equal((await cli('show', 'nonsense')).code, 2)
  for (const r of [all, show, resent, purged]) t.notOk(r.stdout.includes(MARKER) || r.stderr.includes(MARKER), 'no payload printed')
})

t.test('list reads a PostgreSQL ledger the same way (its own schema, dropped afterwards)', async t => {
  const dir = tmpDir(t)
  const schema = `cli_outbound_${process.pid}_${randomBytes(4).toString('hex')}`
  const config = join(dir, 'gateway.yaml')
  // The URL is a secret reference (docs/configuration.md), resolved from the environment the CLI is given.
  const ledgerConfig = { ledger: { kind: 'postgres', url: 'env:CG_TEST_OUTBOUND_PG_URL', schema } }
  writeFileSync(config, stringify(testConfig(dir, join(dir, 'carriers'), ledgerConfig)))
  const ledger = await createLedger({ kind: 'postgres', url: pgUrl, schema })
  t.teardown(async () => {
    const c = new pg.Client(pgUrl)
    await c.connect()
    try { await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`) } finally { await c.end() }
  })
  const xa = row({})
  const xb = row({ carrier: 'XB', kind: 'govreq', channel: 'sftp', messageRef: null, transactionRef: null })
  try {
    for (const r of [xa, xb]) await ledger.outbound.add(r, Buffer.from(`UNA... ${MARKER}`))
  } finally {
    await ledger.close()
  }
  const env = { CG_TEST_OUTBOUND_PG_URL: pgUrl }
  const all = await runCli(['outbound', 'list', '--config', config], env)
  t.equal(all.code, 0, all.stderr)
  t.match(all.stdout, new RegExp(`^${xa.id} +XA +cusres +https +queued `, 'm'))
  t.match(all.stdout, new RegExp(`^${xb.id} +XB +govreq +sftp +queued `, 'm'))
  const govreqs = await runCli(['outbound', 'list', '--kind', 'govreq', '--json', '--config', config], env)
  t.equal(govreqs.code, 0, govreqs.stderr)
  t.same(govreqs.json().messages.map((m: OutboundRow) => [m.id, m.carrier, m.kind]), [[xb.id, 'XB', 'govreq']])
  const unset = await runCli(['outbound', 'list', '--config', config], {})
  t.equal(unset.code, 3, 'the ledger cannot be opened without its URL')
  t.match(unset.stderr, /CG_TEST_OUTBOUND_PG_URL is not set/, 'the message names the missing secret, not its value')
  for (const r of [all, govreqs]) t.notOk(r.stdout.includes(MARKER) || r.stderr.includes(MARKER), 'no payload printed')
})
