// The claim protocol and file operations on a real OpenSSH sftp-server: of two sessions renaming
// the same file exactly one wins, names are never overwritten, and reads respect the size limit.
import t, { type Test } from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { startSftpServer, type SftpServer } from '../../helpers/sshd.js'
import { connectSftp } from '../../../src/channels/sftp/connection.js'
import { claim, reclaim, stampClaim } from '../../../src/channels/sftp/claim.js'
import { moveUnique, writeAckFile } from '../../../src/channels/sftp/settle.js'
import { statusOf, type SftpSession } from '../../../src/channels/sftp/session.js'
import type { SftpSettings } from '../../../src/channels/sftp/settings.js'
import { requireFolders } from '../../../src/channels/sftp/folders.js'
import { filesIn } from './fixtures.js'

async function open (t: Test, server: SftpServer): Promise<SftpSession> {
  const session = await connectSftp({
    host: server.host,
    port: server.port,
    username: server.username,
    privateKey: Buffer.from(server.privateKey),
    hostKey: server.hostKeyFingerprint
  })
  t.teardown(() => session.end())
  return session
}

function settings (over: Partial<SftpSettings> = {}): SftpSettings {
  return {
    carrier: 'XA',
    host: '',
    port: 22,
    username: '',
    privateKey: '',
    passphrase: null,
    hostKey: '',
    inbox: '/out',
    pattern: '*',
    processing: '/out/processing',
    done: '/out/done',
    afterRead: 'move',
    rejected: '/out/rejected',
    ackDir: '/in',
    pollMs: 100,
    staleMs: 60_000,
    maxInFlight: 4,
    maxMessageBytes: 1000,
    ...over
  }
}

t.test('two sessions claiming the same files: exactly one wins each', async t => {
  const server = await startSftpServer(t)
  const [a, b] = [await open(t, server), await open(t, server)]
  const s = settings()
  const N = 30
  for (let i = 0; i < N; i++) server.putFile(`out/f${i}.edi`, `file ${i}`)
  const results = await Promise.all(Array.from({ length: N }, (_, i) => Promise.all([claim(a, s, `f${i}.edi`), claim(b, s, `f${i}.edi`)])))
  for (const [i, pair] of results.entries()) {
    t.equal(pair.filter(r => r === 'claimed').length, 1, `f${i}.edi: one winner (${pair.join('/')})`)
  }
  t.same(filesIn(server, 'out'), [])
  t.equal(filesIn(server, 'out/processing').length, N)

  // And the same for taking up a stale claim.
  const again = await Promise.all(
    Array.from({ length: N }, (_, i) => Promise.all([reclaim(a, s, `f${i}.edi`), reclaim(b, s, `f${i}.edi`)]))
  )
  for (const [i, pair] of again.entries()) t.equal(pair.filter(r => r !== null).length, 1, `f${i}.edi re-claimed once`)
  const names = filesIn(server, 'out/processing')
  t.equal(names.length, N)
  t.ok(names.every(n => /^f\d+\.edi~gw[0-9a-z]+$/.test(n)))
  t.ok(Date.now() - statSync(join(server.root, 'out/processing', names[0])).mtimeMs < 60_000, 'the re-claim set the mtime to now')
})

t.test('a claim never overwrites a file of the same name already in processing', async t => {
  const server = await startSftpServer(t)
  const session = await open(t, server)
  const s = settings()
  server.putFile('out/processing/same.edi', 'earlier')
  server.putFile('out/same.edi', 'later')
  t.equal(await claim(session, s, 'same.edi'), 'busy')
  t.equal(readFileSync(join(server.root, 'out/processing/same.edi'), 'utf8'), 'earlier')
  t.equal(readFileSync(join(server.root, 'out/same.edi'), 'utf8'), 'later')
  t.equal(await claim(session, s, 'gone.edi'), 'lost', 'a file another instance took')
  t.equal(await stampClaim(session, s, 'gone.edi'), false)
})

t.test('moveUnique suffixes taken names; a vanished source rejects with No such file', async t => {
  const server = await startSftpServer(t)
  const session = await open(t, server)
  server.putFile('out/done/a.edi', 'first')
  server.putFile('out/processing/a.edi', 'second')
  const name = await moveUnique(session, '/out/processing/a.edi', '/out/done', 'a.edi')
  t.match(name, /^a-\d{17}\.edi$/)
  t.equal(readFileSync(join(server.root, 'out/done/a.edi'), 'utf8'), 'first', 'the earlier file is untouched')
  t.equal(readFileSync(join(server.root, 'out/done', name), 'utf8'), 'second')
  const err = await moveUnique(session, '/out/processing/a.edi', '/out/done', 'a.edi').catch(e => e)
  t.equal(statusOf(err), 2)
})

t.test('ack files: written whole under a dot-name, then renamed; never over an existing ack', async t => {
  const server = await startSftpServer(t)
  const session = await open(t, server)
  t.equal(await writeAckFile(session, '/in', 'x.edi', 'contrl', 'UNA:+.? \'UNB...'), 'x.edi.contrl')
  const second = await writeAckFile(session, '/in', 'x.edi', 'contrl', 'second')
  t.match(second, /^x\.edi-\d{17}\.contrl$/)
  t.same(readdirSync(join(server.root, 'in')).sort(), ['x.edi.contrl', second].sort(), 'no temporary file left behind')
  t.equal(readFileSync(join(server.root, 'in/x.edi.contrl'), 'utf8'), 'UNA:+.? \'UNB...')
})

t.test('readLimited: refuses over the limit, reads up to it exactly', async t => {
  const server = await startSftpServer(t)
  const session = await open(t, server)
  const big = Buffer.alloc(300_000, 0x41)
  server.putFile('out/big', big)
  server.putFile('out/exact', big.subarray(0, 1000))
  server.putFile('out/empty', '')
  t.match(await session.readLimited('/out/big', 1000), { tooLarge: true, size: 300_000 })
  const exact = await session.readLimited('/out/exact', 1000)
  t.equal(exact.tooLarge, false)
  t.equal(exact.bytes?.length, 1000)
  const whole = await session.readLimited('/out/big', 300_000)
  t.ok(whole.bytes?.equals(big), 'a file larger than one SFTP read comes back whole')
  t.equal((await session.readLimited('/out/empty', 10)).bytes?.length, 0)
})

t.test('missing folders are named; after a dropped connection every request fails at once', async t => {
  const server = await startSftpServer(t, { dirs: ['out', 'out/processing'] })
  const session = await open(t, server)
  const err = await requireFolders(session, settings()).catch(e => e)
  t.match(err.message, /done \/out\/done, rejected \/out\/rejected, ackDir \/in/)
  t.ok(session.alive())
  let closed = false
  session.onClose(() => { closed = true })
  await server.stop()
  await t.rejects(session.list('/out'))
  t.notOk(session.alive())
  t.ok(closed)
})
