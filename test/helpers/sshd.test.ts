import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import SftpClient from 'ssh2-sftp-client'
import t from 'tap'
import { startSftpServer, wrongHostKeyFingerprint, type SftpServer } from './sshd.js'

/** The fingerprint form agreements pin (`hostKey: "SHA256:..."`), computed from the raw host key. */
const fingerprintOf = (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`

async function connect (server: SftpServer, expectedFingerprint = server.hostKeyFingerprint): Promise<SftpClient> {
  const client = new SftpClient()
  await client.connect({
    host: server.host,
    port: server.port,
    username: server.username,
    privateKey: server.privateKey,
    readyTimeout: 10000,
    retries: 0,
    hostVerifier: (key: Buffer) => fingerprintOf(key) === expectedFingerprint
  })
  return client
}

t.test('a real sftp-only sshd: key login, chroot, list, put, rename', async t => {
  const server = await startSftpServer(t)
  t.match(server.hostKeyFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/, 'ssh-keygen -lf form')
  t.match(server.privateKey, /BEGIN OPENSSH PRIVATE KEY/)
  t.ok(path.isAbsolute(server.root) && server.root.startsWith('/var/lib/carrier-gateway-test/'))
  t.equal(statSync(server.root).uid, 0, 'chroot is root-owned')

  const client = await connect(server)
  t.teardown(() => client.end().catch(() => {}))
  const top = (await client.list('/')).map(e => e.name).sort()
  t.same(top, ['in', 'out'], 'the session sees the chroot, not the host')
  t.same((await client.list('/out')).map(e => e.name).sort(), ['done', 'processing', 'rejected'])

  await client.put(Buffer.from('UNA:+.? \'UNB+UNOA:4\'\n'), '/out/a.edi')
  t.ok(existsSync(path.join(server.root, 'out/a.edi')), 'the put file is on disk under root')
  await client.rename('/out/a.edi', '/out/processing/a.edi')
  t.equal(readFileSync(path.join(server.root, 'out/processing/a.edi'), 'utf8'), 'UNA:+.? \'UNB+UNOA:4\'\n')

  server.putFile('out/b.edi', 'from the carrier')
  t.same((await client.list('/out', f => f.name.endsWith('.edi'))).map(e => e.name), ['b.edi'])
  await client.rename('/out/b.edi', '/out/done/b.edi')
  t.ok(existsSync(path.join(server.root, 'out/done/b.edi')), 'a file put by the test can be moved by the client')

  await t.rejects(client.put(Buffer.from('x'), '/not-allowed.edi'), 'the chroot itself is not writable')
})

t.test('host key pinning: a wrong fingerprint is refused', async t => {
  const server = await startSftpServer(t, { dirs: ['in'] })
  const wrong = wrongHostKeyFingerprint()
  t.not(wrong, server.hostKeyFingerprint)
  await t.rejects(connect(server, wrong))
  const client = await connect(server)
  t.same((await client.list('/')).map(e => e.name), ['in'])
  await client.end()
})

t.test('stop() cuts the server and its sessions; start() brings it back on the same port and key', async t => {
  const server = await startSftpServer(t)
  const { port, hostKeyFingerprint } = server
  const client = await connect(server)
  t.equal((await client.list('/out')).length, 3)

  await server.stop()
  t.notOk(server.running())
  await t.rejects(client.list('/out'), 'the open session is gone')
  await client.end().catch(() => {})
  await t.rejects(connect(server), 'no new connections while stopped')

  await server.start()
  t.ok(server.running())
  t.equal(server.port, port)
  const again = await connect(server, hostKeyFingerprint)
  t.equal((await again.list('/out')).length, 3, 'same chroot')
  await again.end()
  t.match(server.log(), /Accepted publickey for cgsftp/)
})
