// `carrier-gateway probe CODE`: real sshd and RabbitMQ; it reports and never changes anything.
import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { stringify } from 'yaml'
import { connect } from 'amqplib'
import { startSftpServer, wrongHostKeyFingerprint } from '../../helpers/sshd.js'
import { amqpUrl, exampleAgreement, testConfig, tmpDir, writeAgreements } from '../../helpers/gateway.js'
import { paxlst } from '../../helpers/edi.js'
import { main } from '../../../src/cli/main.js'
import { brokerAddress } from '../../../src/cli/commands/probe.js'
import { filesIn, sftpAgreement } from './fixtures.js'

type Doc = Record<string, unknown>

async function probe (t: Test, agreements: Doc[], args: string[]): Promise<{ code: number, out: string, err: string }> {
  const dir = tmpDir(t)
  const carriers = join(dir, 'carriers')
  writeAgreements(carriers, agreements)
  const configFile = join(dir, 'gateway.yaml')
  writeFileSync(configFile, stringify(testConfig(dir, carriers)))
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c: Buffer) => { out += c.toString() })
  stderr.on('data', (c: Buffer) => { err += c.toString() })
  const code = await main(['probe', ...args, '--config', configFile], { stdout, stderr, env: process.env })
  return { code, out, err }
}

t.test('SFTP: host key, folders and waiting files reported; nothing touched', async t => {
  const server = await startSftpServer(t)
  server.putFile('out/a.edi', paxlst({ reference: 'P1' }))
  server.putFile('out/b.edi', paxlst({ reference: 'P2' }))
  server.putFile('out/c.edi.part', 'half')
  server.putFile('out/notes.txt', 'x')
  server.putFile('out/processing/old.edi', 'claimed')
  const before = statSync(join(server.root, 'out/a.edi')).mtimeMs

  const json = await probe(t, [sftpAgreement(server)], ['XA', '--json'])
  t.equal(json.code, 0, json.err)
  const report = JSON.parse(json.out)
  t.match(report, {
    carrier: 'XA',
    ok: true,
    amqp: null,
    sftp: {
      ok: true,
      server: `${server.host}:${server.port}`,
      hostKey: { presented: server.hostKeyFingerprint, matches: true },
      authenticated: true,
      waiting: { files: 2, temporary: 1, notMatching: 1 },
      processing: { files: 1, stale: 0 }
    }
  })
  t.same(report.sftp.folders.map((f: Doc) => [f.role, f.path, f.directory, f.mode]), [
    ['inbox', '/out', true, '755'], ['processing', '/out/processing', true, '755'], ['done', '/out/done', true, '755'],
    ['rejected', '/out/rejected', true, '755'], ['ackDir', '/in', true, '755']
  ])

  const text = await probe(t, [sftpAgreement(server)], ['XA'])
  t.equal(text.code, 0)
  t.match(text.out, `host key: ${server.hostKeyFingerprint} (matches the pinned key)`)
  t.match(text.out, /waiting: 2 files \(\d+ bytes\), oldest \d+ s; 1 temporary, 1 not matching the pattern/)
  t.match(text.out, /\nsftp: ok\n/)

  t.same(filesIn(server, 'out'), ['a.edi', 'b.edi', 'c.edi.part', 'notes.txt'])
  t.same(filesIn(server, 'out/processing'), ['old.edi'])
  t.same(filesIn(server, 'in'), [])
  t.equal(statSync(join(server.root, 'out/a.edi')).mtimeMs, before, 'not even a timestamp changed')
})

t.test('SFTP: a wrong pinned key and a missing folder fail the probe', async t => {
  const server = await startSftpServer(t)
  const wrong = await probe(t, [sftpAgreement(server, { hostKey: wrongHostKeyFingerprint() })], ['XA', '--json'])
  t.equal(wrong.code, 1)
  t.match(JSON.parse(wrong.out).sftp, {
    ok: false,
    authenticated: false,
    hostKey: { presented: server.hostKeyFingerprint, matches: false },
    error: { reason: 'host_key_mismatch' }
  })
  const text = await probe(t, [sftpAgreement(server, { hostKey: wrongHostKeyFingerprint() })], ['XA'])
  t.match(text.out, /DOES NOT MATCH the pinned/)

  const missing = await probe(t, [sftpAgreement(server, { done: '/out/archive' })], ['XA'])
  t.equal(missing.code, 1)
  t.match(missing.out, /done\s+\/out\/archive: MISSING/)
  t.match(missing.out, /\nsftp: FAILED\n/)
})

t.test('AMQP: passive checks of queue and replyQueue report counts and consume nothing', async t => {
  const suffix = randomBytes(4).toString('hex')
  const queue = `probe.${suffix}.out`
  const replyQueue = `probe.${suffix}.ack`
  const conn = await connect(amqpUrl)
  t.teardown(async () => { await conn.close() })
  const ch = await conn.createConfirmChannel()
  await ch.assertQueue(queue, { autoDelete: false, durable: false })
  t.teardown(async () => { await ch.deleteQueue(queue); await ch.deleteQueue(replyQueue) })
  ch.sendToQueue(queue, Buffer.from('one'))
  ch.sendToQueue(queue, Buffer.from('two'))
  await ch.waitForConfirms()
  const agreement = exampleAgreement({ channels: { amqp: { url: amqpUrl, queue, replyQueue } } })

  const missingReply = await probe(t, [agreement], ['XA', '--json'])
  t.equal(missingReply.code, 1)
  const first = JSON.parse(missingReply.out)
  t.match(first.amqp, {
    ok: false,
    connected: true,
    queues: [
      { role: 'queue', name: queue, exists: true, messages: 2, consumers: 0 },
      { role: 'replyQueue', name: replyQueue, exists: false }
    ]
  })
  t.notMatch(missingReply.out, /guest:guest/, 'credentials are not printed')

  await ch.assertQueue(replyQueue, { durable: false })
  const ok = await probe(t, [agreement], ['XA'])
  t.equal(ok.code, 0, ok.err)
  t.match(ok.out, `queue      ${queue}: 2 ready, 0 consumers`)
  t.match(ok.out, /\namqp: ok\n/)
  t.equal((await ch.checkQueue(queue)).messageCount, 2, 'nothing was consumed')
})

t.test('AMQP: an unreachable broker fails the probe', async t => {
  const agreement = exampleAgreement({ channels: { amqp: { url: 'amqp://guest:guest@127.0.0.1:1', queue: 'q', replyQueue: 'r' } } })
  const r = await probe(t, [agreement], ['XA', '--channel', 'amqp'])
  t.equal(r.code, 1)
  t.match(r.out, /connection: failed/)
  t.notMatch(r.out, /guest:guest/)
})

t.test('usage and unknown carriers', async t => {
  t.equal((await probe(t, [exampleAgreement()], [])).code, 2, 'no carrier code: usage error')
  t.equal((await probe(t, [exampleAgreement()], ['XA', '--channel', 'ftp'])).code, 2)
  const unknown = await probe(t, [exampleAgreement()], ['ZZ'])
  t.equal(unknown.code, 2, 'an unknown carrier is a usage error (docs/cli.md "Exit codes and help")')
  t.match(unknown.err, /no valid agreement for carrier ZZ/)
  const httpsOnly = await probe(t, [exampleAgreement()], ['XA'])
  t.equal(httpsOnly.code, 2, 'nothing to probe is a usage error')
  t.match(httpsOnly.err, /no SFTP or AMQP channel configured/)
  t.equal(brokerAddress('amqp://user:secret@broker.example:5671/piu'), 'amqp://broker.example:5671/piu')
  const noKeyFile = exampleAgreement({
    channels: {
      sftp: {
        host: '127.0.0.1',
        port: 1,
        username: 'u',
        privateKey: 'file:/nonexistent',
        hostKey: 'SHA256:abc',
        inbox: '/out',
        processing: '/p',
        rejected: '/r',
        afterRead: 'delete'
      }
    }
  })
  const noKey = await probe(t, [noKeyFile], ['XA', '--json'])
  t.match(JSON.parse(noKey.out).sftp, { ok: false, error: { reason: 'secret_missing', message: /cannot be read/ } }, 'a missing key file is reported, not thrown')
})
