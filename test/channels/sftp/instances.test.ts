// Several instances and crashed ones (architecture.md "Scaling past one machine", invariants 1-2):
// a claim left in processing/ by a crashed instance is taken up again without a second copy in the
// PIU queue, and two gateways polling one inbox forward every file exactly once.
import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { renameSync, rmSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { startSftpServer } from '../../helpers/sshd.js'
import { buildGateway, pgUrl } from '../../helpers/gateway.js'
import { paxlst } from '../../helpers/edi.js'
import { filesIn, metricValue, outboxBodies, readRemote, sftpAgreement, waitFor } from './fixtures.js'

const tenMinutesAgo = () => new Date(Date.now() - 600_000)

t.test('a crash between download and settle: the stale claim is taken up again, one copy forwarded', async t => {
  const server = await startSftpServer(t)
  const agreement = sftpAgreement(server, { staleClaimMinutes: 5 })
  const first = await buildGateway(t, { agreements: [agreement] })
  const forwarded = paxlst({ reference: 'CRASH1' })
  server.putFile('out/a.edi', forwarded)
  await waitFor('a.edi done', () => filesIn(server, 'out/done').includes('a.edi'))
  const firstAck = readRemote(server, 'in/a.edi.contrl')

  // The instance dies after the hand-off and before the move: its SFTP polling stops, and the file
  // is back in processing/ with its claim time ten minutes ago and no ack written.
  await first.gateway.channels.find(c => c.name === 'sftp')!.stop()
  renameSync(join(server.root, 'out/done/a.edi'), join(server.root, 'out/processing/a.edi'))
  utimesSync(join(server.root, 'out/processing/a.edi'), tenMinutesAgo(), tenMinutesAgo())
  rmSync(join(server.root, 'in/a.edi.contrl'))
  // Another died before the hand-off: nothing in the ledger for this one.
  const notForwarded = paxlst({ reference: 'CRASH2' })
  server.putFile('out/processing/b.edi', notForwarded)
  utimesSync(join(server.root, 'out/processing/b.edi'), tenMinutesAgo(), tenMinutesAgo())
  // And one claimed a moment ago by an instance that is still working on it: not taken.
  server.putFile('out/processing/c.edi', paxlst({ reference: 'CRASH3' }))

  // The restarted instance: same ledger and same outbox (buildGateway reuses the folder).
  const second = await buildGateway(t, { dir: first.dir, agreements: [agreement] })
  await waitFor('stale claims settled', () => filesIn(server, 'out/done').length === 2)
  t.same(filesIn(server, 'out/done'), ['a.edi', 'b.edi'], 'settled under their original names')
  t.same(filesIn(server, 'out/processing'), ['c.edi'], 'a fresh claim is left to its owner')
  t.same(outboxBodies(join(first.dir, 'outbox')), [forwarded, notForwarded].map(b => b.toString('latin1').trimEnd()).sort(),
    'the PIU queue holds exactly one copy of each')
  t.equal(readRemote(server, 'in/a.edi.contrl'), firstAck, 'the re-taken file is answered with the ack sent the first time')
  t.same(filesIn(server, 'in'), ['a.edi.contrl', 'b.edi.contrl'])
  t.equal(await metricValue(second.gateway, 'carrier_gateway_sftp_files_total', { carrier: 'XA', action: 'reclaimed_stale' }), 2)
  t.equal(
    await metricValue(second.gateway, 'carrier_gateway_transmissions_total', { carrier: 'XA', channel: 'sftp', outcome: 'duplicate' }),
    1
  )
  t.equal(
    await metricValue(second.gateway, 'carrier_gateway_transmissions_total', { carrier: 'XA', channel: 'sftp', outcome: 'accepted' }),
    1
  )
  t.ok(second.logs.records().some(r => r.msg === 'SFTP stale claim taken up again' && r.file === 'a.edi'))
})

async function twoInstances (t: Test, config: Record<string, unknown>): Promise<void> {
  const server = await startSftpServer(t)
  const agreement = sftpAgreement(server, { maxInFlight: 3 })
  const first = await buildGateway(t, { agreements: [agreement], config })
  const second = await buildGateway(t, { dir: first.dir, agreements: [agreement], config })
  const expected: string[] = []
  const N = 40
  for (let i = 0; i < N; i++) {
    const body = paxlst({ reference: `MULTI${String(i).padStart(4, '0')}` })
    expected.push(body.toString('latin1').trimEnd())
    server.putFile(`out/f${String(i).padStart(2, '0')}.edi`, body)
  }
  await waitFor('every file done', () => filesIn(server, 'out/done').length === N && filesIn(server, 'out/processing').length === 0, 60_000)
  t.same(
    filesIn(server, 'out/done'),
    Array.from({ length: N }, (_, i) => `f${String(i).padStart(2, '0')}.edi`),
    'no file moved twice (no suffixed copies)'
  )
  t.same(filesIn(server, 'in'), Array.from({ length: N }, (_, i) => `f${String(i).padStart(2, '0')}.edi.contrl`), 'one ack per file')
  t.same(outboxBodies(join(first.dir, 'outbox')), expected.sort(), 'every file forwarded exactly once')
  const claimed = async (g: typeof first) =>
    await metricValue(g.gateway, 'carrier_gateway_sftp_files_total', { carrier: 'XA', action: 'claimed' })
  t.equal(await claimed(first) + await claimed(second), N, 'each file claimed by exactly one instance')
  const dup = async (g: typeof first) =>
    await metricValue(g.gateway, 'carrier_gateway_transmissions_total', { channel: 'sftp', outcome: 'duplicate' })
  t.equal(await dup(first) + await dup(second), 0, 'no file was processed twice')
  const lost = async (g: typeof first) =>
    await metricValue(g.gateway, 'carrier_gateway_sftp_files_total', { action: 'lost_claim' })
  t.comment(`claims: first ${await claimed(first)}, second ${await claimed(second)}; lost races: ${await lost(first) + await lost(second)}`)
}

t.test('two instances on one inbox with a shared SQLite ledger: every file forwarded exactly once', async t => {
  await twoInstances(t, {})
})

t.test('two instances with the shared PostgreSQL ledger: every file forwarded exactly once', async t => {
  const schema = `sftp_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const env = `SFTP_TEST_PG_URL_${randomBytes(3).toString('hex').toUpperCase()}`
  process.env[env] = pgUrl
  t.teardown(async () => {
    const c = new pg.Client(pgUrl)
    await c.connect()
    try { await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`) } finally { await c.end() }
  })
  await twoInstances(t, { ledger: { kind: 'postgres', url: `env:${env}`, schema } })
})
