// Connection handling against a real sshd: the pinned host key, refused credentials, a server
// that goes away and comes back, and a carrier suspended by an agreement reload.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { startSftpServer, wrongHostKeyFingerprint } from '../../helpers/sshd.js'
import { buildGateway, tmpDir, writeAgreements } from '../../helpers/gateway.js'
import { paxlst } from '../../helpers/edi.js'
import { filesIn, metricValue, outboxBodies, sftpAgreement, waitFor } from './fixtures.js'

t.test('a wrong host key is refused before any credential is sent; nothing is touched', async t => {
  const server = await startSftpServer(t)
  server.putFile('out/a.edi', paxlst({ reference: 'HK1' }))
  const pinned = wrongHostKeyFingerprint()
  const { gateway, dir, logs } = await buildGateway(t, { agreements: [sftpAgreement(server, { hostKey: pinned })] })
  await waitFor(
    'two refusals',
    async () => (await metricValue(gateway, 'carrier_gateway_sftp_host_key_mismatch_total', { carrier: 'XA' })) >= 2
  )
  const record = logs.records().find(r => r.msg === 'SFTP server host key does not match the pinned key; connection refused')
  t.match(record, { carrier: 'XA', level: 50, pinned, presented: server.hostKeyFingerprint })
  t.same(filesIn(server, 'out'), ['a.edi'], 'the file stays in the inbox')
  t.same(filesIn(server, 'out/processing'), [])
  t.same(outboxBodies(join(dir, 'outbox')), [])
  t.equal(await metricValue(gateway, 'carrier_gateway_sftp_connected', { carrier: 'XA' }), 0)
  t.ok(await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA', result: 'error' }) >= 2)
  t.notMatch(server.log(), /Accepted publickey|Failed publickey|userauth/i, 'the server never saw an authentication attempt')
})

t.test('refused credentials: polls fail with auth_failed and back off; nothing is touched', async t => {
  const server = await startSftpServer(t)
  const keyDir = tmpDir(t)
  const otherKey = join(keyDir, 'other_ed25519')
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey])
  server.putFile('out/a.edi', paxlst({ reference: 'AUTH1' }))
  const { gateway, logs } = await buildGateway(t, { agreements: [sftpAgreement(server, { privateKey: `file:${otherKey}` })] })
  await waitFor(
    'two failed polls',
    async () => (await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA', result: 'error' })) >= 2
  )
  const record = logs.records().find(r => r.msg === 'SFTP poll failed; backing off')
  t.match(record, { carrier: 'XA', reason: 'auth_failed', level: 40 })
  t.equal(await metricValue(gateway, 'carrier_gateway_sftp_host_key_mismatch_total', { carrier: 'XA' }), 0)
  t.same(filesIn(server, 'out'), ['a.edi'])
  t.notOk(logs.text().includes('PRIVATE KEY'), 'the key never reaches a log line')
})

t.test('the server goes away mid-session and comes back: the poller reconnects and carries on', async t => {
  const server = await startSftpServer(t)
  const { gateway, dir, logs } = await buildGateway(t, { agreements: [sftpAgreement(server)] })
  server.putFile('out/one.edi', paxlst({ reference: 'UP1' }))
  await waitFor('first file done', () => filesIn(server, 'out/done').includes('one.edi'))
  t.equal(await metricValue(gateway, 'carrier_gateway_sftp_connected', { carrier: 'XA' }), 1)

  await server.stop()
  server.putFile('out/two.edi', paxlst({ reference: 'UP2' }))
  const errors = await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA', result: 'error' })
  await waitFor(
    'a failed poll while down',
    async () => (await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA', result: 'error' })) > errors
  )
  t.equal(await metricValue(gateway, 'carrier_gateway_sftp_connected', { carrier: 'XA' }), 0, 'the dropped session is noticed')
  t.same(filesIn(server, 'out'), ['two.edi'])

  await server.start()
  await waitFor('second file done after the restart', () => filesIn(server, 'out/done').includes('two.edi'))
  t.equal(await metricValue(gateway, 'carrier_gateway_sftp_connected', { carrier: 'XA' }), 1)
  t.same(filesIn(server, 'in'), ['one.edi.contrl', 'two.edi.contrl'])
  t.equal(outboxBodies(join(dir, 'outbox')).length, 2)
  t.ok(logs.records().filter(r => r.msg === 'SFTP session opened').length >= 2, 'a new session was opened')
})

t.test('a suspended carrier is not polled and its files stay; resuming picks them up', async t => {
  const server = await startSftpServer(t)
  const live = sftpAgreement(server)
  const { gateway, carriersDir } = await buildGateway(t, { agreements: [live] })
  server.putFile('out/before.edi', paxlst({ reference: 'SUS1' }))
  await waitFor('processed while live', () => filesIn(server, 'out/done').includes('before.edi'))

  writeAgreements(carriersDir, [{ ...live, stage: 'suspended' }])
  t.same(gateway.reload().problems, [])
  await waitFor('session closed', async () => await metricValue(gateway, 'carrier_gateway_sftp_connected', { carrier: 'XA' }) === 0)
  const polls = await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA' })
  server.putFile('out/during.edi', paxlst({ reference: 'SUS2' }))
  await new Promise(resolve => setTimeout(resolve, 1000))
  t.equal(await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA' }), polls, 'no poll while suspended')
  t.same(filesIn(server, 'out'), ['during.edi'], 'the file is left where it is')
  t.same(filesIn(server, 'out/processing'), [])

  writeAgreements(carriersDir, [live])
  t.same(gateway.reload().problems, [])
  await waitFor('processed after resuming', () => filesIn(server, 'out/done').includes('during.edi'))
})

t.test('agreement reloads start and stop pollers', async t => {
  const server = await startSftpServer(t)
  const { gateway, carriersDir, logs } = await buildGateway(t, {
    agreements: [{ ...sftpAgreement(server), code: 'XB', senderIds: ['XBAPI'] }]
  })
  server.putFile('out/xa.edi', paxlst({ reference: 'REL1' }))
  // XB's poller claims XA's file: the pipeline rejects it (UNB sender is not XB's, CONTRL 23).
  await waitFor('rejected for XB', () => filesIn(server, 'out/rejected').includes('xa.edi'))

  writeAgreements(carriersDir, [sftpAgreement(server)])
  const { rmSync } = await import('node:fs')
  rmSync(join(carriersDir, 'XB.yaml'))
  t.same(gateway.reload().problems, [])
  server.putFile('out/xa2.edi', paxlst({ reference: 'REL2' }))
  await waitFor('accepted for XA', () => filesIn(server, 'out/done').includes('xa2.edi'))
  t.ok(logs.records().some(r => r.msg === 'SFTP polling stopped: channel removed from the agreement' && r.carrier === 'XB'))
  t.ok(logs.records().some(r => r.msg === 'SFTP polling started' && r.carrier === 'XA'))
})

t.test('the server dies while files are in flight: after it is back every file is forwarded once', async t => {
  const server = await startSftpServer(t)
  // A short stale age so that claims stranded by the cut are taken up again within the test.
  const { gateway, dir } = await buildGateway(t, { agreements: [sftpAgreement(server, { maxInFlight: 2, staleClaimMinutes: 0.02 })] })
  const N = 24
  const expected: string[] = []
  for (let i = 0; i < N; i++) {
    const body = paxlst({ reference: `CUT${String(i).padStart(3, '0')}` })
    expected.push(body.toString('latin1').trimEnd())
    server.putFile(`out/c${String(i).padStart(2, '0')}.edi`, body)
  }
  await waitFor('some files done', () => filesIn(server, 'out/done').length >= 2)
  await server.stop()
  const stoppedAt = filesIn(server, 'out/done').length
  t.ok(stoppedAt < N, `cut with ${N - stoppedAt} files not yet settled`)
  const errors = await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA', result: 'error' })
  await waitFor(
    'a failed poll while down',
    async () => (await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA', result: 'error' })) > errors
  )
  await server.start()
  await waitFor(
    'every file settled',
    () => filesIn(server, 'out/done').length === N && filesIn(server, 'out/processing').length === 0 && filesIn(server, 'out').length === 0,
    60_000
  )
  t.same(outboxBodies(join(dir, 'outbox')), expected.sort(), 'each interchange forwarded exactly once')
  const acks = filesIn(server, 'in')
  for (let i = 0; i < N; i++) t.ok(acks.includes(`c${String(i).padStart(2, '0')}.edi.contrl`), `c${i} acknowledged`)
  t.same(filesIn(server, 'out/rejected'), [])
  const reclaimed = await metricValue(gateway, 'carrier_gateway_sftp_files_total', { action: 'reclaimed_stale' })
  t.comment(`cut after ${stoppedAt} files; stale claims taken up again: ${reclaimed}`)
})
