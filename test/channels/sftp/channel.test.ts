// The SFTP channel end to end against a real OpenSSH server: files in the carrier's inbox are
// claimed, forwarded to the directory target, acknowledged with ack files and moved to their
// final folder (architecture.md outcome table).
import t from 'tap'
import { join } from 'node:path'
import { appendFileSync, renameSync, writeFileSync } from 'node:fs'
import { startSftpServer } from '../../helpers/sshd.js'
import { buildGateway, tmpDir } from '../../helpers/gateway.js'
import { paxlst } from '../../helpers/edi.js'
import { parseInterchange } from '../../../src/edifact/index.js'
import { filesIn, metricValue, outboxBodies, readRemote, sftpAgreement, waitFor } from './fixtures.js'

t.test('accepted, rejected and duplicate files: acks and final folders', async t => {
  const server = await startSftpServer(t)
  const good = paxlst({ reference: 'SFTP0001' })
  const bad = paxlst({ reference: 'SFTP0002', badCount: [0] })
  server.putFile('out/a.edi', good)
  server.putFile('out/b.edi', bad)
  server.putFile('out/ignored.txt', good)
  const { gateway, dir, logs } = await buildGateway(t, { agreements: [sftpAgreement(server)] })

  await waitFor('a and b settled', () => filesIn(server, 'out/done').length === 1 && filesIn(server, 'out/rejected').length === 1)
  t.same(filesIn(server, 'out/done'), ['a.edi'])
  t.same(filesIn(server, 'out/rejected'), ['b.edi'])
  t.same(filesIn(server, 'out'), ['ignored.txt'], 'a file outside the pattern is left alone')
  t.same(filesIn(server, 'out/processing'), [])
  t.same(filesIn(server, 'in'), ['a.edi.contrl', 'b.edi.contrl'])

  const positive = parseInterchange(Buffer.from(readRemote(server, 'in/a.edi.contrl'), 'latin1'))
  t.same(positive.errors, [])
  const uciA = positive.messages[0].segments.find(s => s.tag === 'UCI')!
  t.same(uciA.elements.map(e => e[0]), ['SFTP0001', 'XAAPI', 'GOVPIU', '7'], 'positive CONTRL for a.edi')
  const negative = readRemote(server, 'in/b.edi.contrl')
  t.match(negative, /UCI\+SFTP0002\+XAAPI\+GOVPIU\+4'/, 'negative CONTRL for b.edi')
  t.match(negative, /UCM\+PAX001\+PAXLST:D:05B:UN:IATA\+4\+29\+UNT/)

  const outbox = join(dir, 'outbox')
  t.same(outboxBodies(outbox), [good.toString('latin1').trimEnd()], 'the accepted interchange was forwarded once')
  t.equal(readRemote(server, 'out/done/a.edi'), good.toString('latin1'), 'the carrier file is moved unchanged')

  // The same interchange again under another name: a duplicate, answered with the first ack.
  server.putFile('out/a-again.edi', good)
  // Settled means the move is done on the server and the channel has finished with the file.
  const settledLogged = (file: string): boolean => logs.records().some(r => r.msg === 'SFTP file settled' && r.file === file)
  await waitFor(
    'duplicate settled',
    () => filesIn(server, 'out/done').includes('a-again.edi') && ['a.edi', 'b.edi', 'a-again.edi'].every(settledLogged)
  )
  t.equal(
    readRemote(server, 'in/a-again.edi.contrl'),
    readRemote(server, 'in/a.edi.contrl'),
    'the duplicate gets the ack sent the first time'
  )
  t.equal(outboxBodies(outbox).length, 1, 'a duplicate is not forwarded again')

  t.ok(await metricValue(gateway, 'carrier_gateway_sftp_files_total', { carrier: 'XA', action: 'claimed' }) >= 3)
  t.equal(await metricValue(gateway, 'carrier_gateway_sftp_files_total', { carrier: 'XA', action: 'done' }), 2)
  t.equal(await metricValue(gateway, 'carrier_gateway_sftp_files_total', { carrier: 'XA', action: 'rejected' }), 1)
  t.equal(await metricValue(gateway, 'carrier_gateway_sftp_connected', { carrier: 'XA' }), 1)
  t.ok(await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA', result: 'ok' }) >= 2)
  t.equal(await metricValue(gateway, 'carrier_gateway_transmissions_total', { carrier: 'XA', channel: 'sftp', outcome: 'duplicate' }), 1)
  t.ok(await metricValue(gateway, 'carrier_gateway_received_bytes_total', { carrier: 'XA', channel: 'sftp' }) >= good.length * 2)
  const settled = logs.records().filter(r => r.msg === 'SFTP file settled')
  t.same(settled.map(r => r.file).sort(), ['a-again.edi', 'a.edi', 'b.edi'])
  t.notOk(logs.text().includes('QUIXOTEVA') || logs.text().includes('Q7777777'), 'no passenger value in any log line')
})

t.test('a reused file name gets a suffix in done/ and for its ack', async t => {
  const server = await startSftpServer(t)
  const { dir } = await buildGateway(t, { agreements: [sftpAgreement(server)] })
  server.putFile('out/daily.edi', paxlst({ reference: 'DAY1' }))
  await waitFor('first settled', () => filesIn(server, 'out/done').length === 1)
  server.putFile('out/daily.edi', paxlst({ reference: 'DAY2' }))
  await waitFor('second settled', () => filesIn(server, 'out/done').length === 2)
  const done = filesIn(server, 'out/done')
  t.ok(done.includes('daily.edi'))
  const other = done.find(n => n !== 'daily.edi')!
  t.match(other, /^daily-\d{17}\.edi$/, 'the second file keeps the extension after the suffix')
  t.match(readRemote(server, `out/done/${other}`), /DAY2/)
  const acks = filesIn(server, 'in')
  t.equal(acks.length, 2)
  t.ok(acks.includes('daily.edi.contrl'))
  t.equal(outboxBodies(join(dir, 'outbox')).length, 2)
})

t.test('afterRead: delete removes the file after the ack is written', async t => {
  const server = await startSftpServer(t)
  await buildGateway(t, { agreements: [sftpAgreement(server, { afterRead: 'delete', done: undefined })] })
  server.putFile('out/x.edi', paxlst({ reference: 'DEL1' }))
  await waitFor('ack written', () => filesIn(server, 'in').length === 1)
  await waitFor('file gone', () => filesIn(server, 'out/processing').length === 0 && filesIn(server, 'out').length === 0)
  t.same(filesIn(server, 'out/done'), [])
  t.same(filesIn(server, 'in'), ['x.edi.contrl'])
})

t.test('over the size limit: rejected/ with a JSON error ack, never forwarded', async t => {
  const server = await startSftpServer(t)
  const file = paxlst({ reference: 'BIG1' })
  const { gateway, dir, logs } = await buildGateway(t, {
    agreements: [sftpAgreement(server, {}, { limits: { maxMessageBytes: file.length - 1 } })]
  })
  server.putFile('out/big.edi', file)
  // The file shows in rejected/ as soon as the server has moved it; the channel logs once the
  // move's reply is back: wait for both.
  const logged = (): boolean => logs.records().some(r => r.msg === 'SFTP file over the size limit; moved to rejected')
  await waitFor('rejected', () => filesIn(server, 'out/rejected').length === 1 && logged())
  t.same(filesIn(server, 'in'), ['big.edi.json'])
  const ack = JSON.parse(readRemote(server, 'in/big.edi.json'))
  t.match(ack, { outcome: 'rejected', errors: [{ id: 'GW_ERR_INTAKE_TOO_LARGE' }], limitBytes: file.length - 1 })
  t.same(outboxBodies(join(dir, 'outbox')), [])
  t.ok(logs.records().some(r => r.msg === 'SFTP file over the size limit; moved to rejected' && r.size === file.length))
  // Admitted like any transmission (docs/architecture.md "The pipeline"): its own ledger row.
  t.match(await gateway.ledger.get(ack.transmissionId), { channel: 'sftp', carrier: 'XA', outcome: 'rejected', size: file.length })
})

t.test('temporary names and files still growing are not claimed until complete', async t => {
  const server = await startSftpServer(t)
  const full = paxlst({ reference: 'GROW1' })
  const { gateway, dir } = await buildGateway(t, { agreements: [sftpAgreement(server, { pollSeconds: 0.3 })] })
  const polls = () => metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA', result: 'ok' })

  // A carrier uploading under a temporary name, then renaming: never touched before the rename.
  const partPath = server.putFile('out/upload.edi.part', paxlst({ reference: 'PART1' }))
  server.putFile('out/.hidden.edi', full)
  const start = await polls()
  await waitFor('three polls', async () => await polls() >= start + 3)
  t.same(filesIn(server, 'out'), ['upload.edi.part'], 'temporary and dot-files stay in the inbox')

  // A file written in place, a chunk after every poll: each listing sees another size.
  const path = server.putFile('out/grow.edi', full.subarray(0, 100))
  for (let off = 100; off < full.length; off += 150) {
    const seen = await polls()
    await waitFor('next poll', async () => await polls() > seen)
    appendFileSync(path, full.subarray(off, Math.min(full.length, off + 150)))
  }
  await waitFor('grown file settled', () => filesIn(server, 'out/done').includes('grow.edi'))
  t.equal(readRemote(server, 'out/done/grow.edi'), full.toString('latin1'))
  t.same(outboxBodies(join(dir, 'outbox')), [full.toString('latin1').trimEnd()], 'forwarded complete, once')
  t.ok(await metricValue(gateway, 'carrier_gateway_sftp_files_total', { carrier: 'XA', action: 'skipped_unstable' }) >= 1)

  renameSync(partPath, partPath.replace(/\.part$/, ''))
  await waitFor('renamed upload settled', () => filesIn(server, 'out/done').includes('upload.edi'))
  t.same(filesIn(server, 'out'), [])
  t.equal(outboxBodies(join(dir, 'outbox')).length, 2)
})

t.test('retry: when nothing can be made durable the file goes back to the inbox, without an ack', async t => {
  const server = await startSftpServer(t)
  const blocker = join(tmpDir(t), 'not-a-folder')
  writeFileSync(blocker, 'a file where the outbox should be')
  const { gateway, logs } = await buildGateway(t, {
    agreements: [sftpAgreement(server)],
    // The directory target cannot write and the spool takes nothing: the pipeline answers retry.
    config: { forward: { directory: { path: join(blocker, 'outbox') } }, spool: { maxBytes: 0 } }
  })
  server.putFile('out/r.edi', paxlst({ reference: 'RETRY1' }))
  await waitFor(
    'returned to the inbox',
    async () => (await metricValue(gateway, 'carrier_gateway_sftp_files_total', { carrier: 'XA', action: 'returned' })) >= 1
  )
  t.same(filesIn(server, 'out'), ['r.edi'], 'back under its own name')
  t.same(filesIn(server, 'out/processing'), [])
  t.same(filesIn(server, 'out/done'), [])
  t.same(filesIn(server, 'in'), [], 'no ack for a transmission that was not accepted')
  t.match(
    logs.records().find(r => r.msg === 'SFTP file could not be made durable; returned to the inbox'),
    { carrier: 'XA', file: 'r.edi', outcome: 'retry' }
  )
})

t.test('acks written into the inbox itself are never taken for transmissions', async t => {
  const server = await startSftpServer(t)
  const { gateway } = await buildGateway(t, { agreements: [sftpAgreement(server, { ackDir: '/out', pattern: '*' })] })
  server.putFile('out/a.edi', paxlst({ reference: 'SELF1' }))
  await waitFor('settled', () => filesIn(server, 'out/done').includes('a.edi'))
  const polls = await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA', result: 'ok' })
  await waitFor(
    'three more polls',
    async () => (await metricValue(gateway, 'carrier_gateway_sftp_polls_total', { carrier: 'XA', result: 'ok' })) >= polls + 3
  )
  t.same(filesIn(server, 'out'), ['a.edi.contrl'])
  t.same(filesIn(server, 'out/rejected'), [])
  t.equal(await metricValue(gateway, 'carrier_gateway_sftp_files_total', { carrier: 'XA', action: 'claimed' }), 1)
})
