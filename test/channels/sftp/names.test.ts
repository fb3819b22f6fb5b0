// The pure parts of the SFTP channel: name rules, settings normalisation, backoff, fingerprints.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import {
  ackFileName,
  collisionSuffix,
  globToRegExp,
  isTemporaryName,
  originalName,
  reclaimName,
  remoteJoin,
  withSuffix
} from '../../../src/channels/sftp/names.js'
import { sftpSettingsOf, connectionKey } from '../../../src/channels/sftp/settings.js'
import { backoffMs } from '../../../src/channels/sftp/poller.js'
import { hostKeyFingerprint } from '../../../src/channels/sftp/connection.js'
import { validateAgreement } from '../../../src/agreements/store.js'
import { configFrom } from '../../../src/config/index.js'
import { tmpDir } from '../../helpers/gateway.js'

t.test('pattern: * and ? over the whole name, everything else literal', async t => {
  const edi = globToRegExp('*.edi')
  t.ok(edi.test('a.edi'))
  t.ok(edi.test('.edi'))
  t.notOk(edi.test('a.edi.part'))
  t.notOk(edi.test('aXedi'), 'the dot is literal')
  const pax = globToRegExp('PAX_??????.txt')
  t.ok(pax.test('PAX_250114.txt'))
  t.notOk(pax.test('PAX_2501.txt'))
  t.ok(globToRegExp('*').test('anything at all'))
  t.ok(globToRegExp('a+b(1)[x]{2}$^|\\.edi').test('a+b(1)[x]{2}$^|\\.edi'), 'regex characters are literal')
  t.notOk(globToRegExp('a+b').test('aab'))
})

t.test('temporary names are never candidates', async t => {
  for (const n of ['.a.edi', 'a.edi.tmp', 'a.edi.part', 'A.EDI.PART', 'x.TMP']) t.ok(isTemporaryName(n), n)
  for (const n of ['a.edi', 'tmp.edi', 'a.partial', 'a.edi.tmpx']) t.notOk(isTemporaryName(n), n)
})

t.test('suffixes keep the extension; stale re-claims strip back to the original name', async t => {
  t.equal(withSuffix('a.edi', 'x'), 'a-x.edi')
  t.equal(withSuffix('archive.tar.gz', 'x'), 'archive.tar-x.gz')
  t.equal(withSuffix('README', 'x'), 'README-x')
  t.equal(withSuffix('.profile', 'x'), '.profile-x')
  t.match(collisionSuffix(1, new Date('2025-01-14T09:15:00.123Z')), /^20250114091500123$/)
  t.match(collisionSuffix(2), /^\d{17}-[0-9a-f]{6}$/)
  t.not(collisionSuffix(2), collisionSuffix(2))

  const once = reclaimName('a.edi')
  t.match(once, /^a\.edi~gw[0-9a-z]+$/)
  const twice = reclaimName(once)
  t.match(twice, /^a\.edi~gw[0-9a-z]+$/, 'marks never pile up')
  t.equal(originalName(once), 'a.edi')
  t.equal(originalName(twice), 'a.edi')
  t.equal(originalName('a~gwxyz~gw123'), 'a')
  t.equal(originalName('plain.edi'), 'plain.edi')
  t.equal(remoteJoin('/out', 'a'), '/out/a')
  t.equal(remoteJoin('/', 'a'), '/a')
  t.equal(ackFileName('a.edi', 'contrl'), 'a.edi.contrl')
})

function agreement (sftp: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const { agreement, problems } = validateAgreement({
    code: 'XA',
    name: 'X',
    stage: 'live',
    senderIds: ['XAAPI'],
    messages: { PAXLST: { versions: ['D05B'] } },
    channels: {
      sftp: {
        host: 'sftp.example.test',
        username: 'piu',
        privateKey: 'file:/k',
        hostKey: 'SHA256:abc',
        inbox: '/out/',
        processing: '/out/processing/',
        rejected: '/out//rejected',
        ...sftp
      }
    },
    ...extra
  }, '/x/XA.yaml')
  if (agreement === null) throw new Error(JSON.stringify(problems))
  return agreement
}

t.test('settings: defaults, folders normalised, size limit from the agreement or the gateway', async t => {
  const config = configFrom({})
  const s = sftpSettingsOf(agreement({ done: '/out/done' }), config)
  t.match(s, {
    carrier: 'XA',
    port: 22,
    pattern: '*',
    inbox: '/out',
    processing: '/out/processing',
    rejected: '/out/rejected',
    done: '/out/done',
    afterRead: 'move',
    ackDir: null,
    pollMs: 30_000,
    staleMs: 1_800_000,
    maxInFlight: 4,
    maxMessageBytes: config.limits.maxMessageBytes,
    passphrase: null
  })
  t.equal(sftpSettingsOf(agreement({ done: '/d' }, { limits: { maxMessageBytes: 1000 } }), config).maxMessageBytes, 1000)
  const del = sftpSettingsOf(agreement({ afterRead: 'delete', ackDir: '/in', pollSeconds: 0.5, staleClaimMinutes: 2 }), config)
  t.match(del, { afterRead: 'delete', done: null, ackDir: '/in', pollMs: 500, staleMs: 120_000 })
  // afterRead move without done/ never reaches the channel: the agreement is refused at load.
  t.throws(() => agreement({}), { message: /is required unless afterRead is delete/ })
  t.not(connectionKey(s), connectionKey({ ...s, hostKey: 'SHA256:other' }))
  t.equal(connectionKey(s), connectionKey({ ...s, pollMs: 1 }), 'poll settings do not need a new session')
})

t.test('backoff doubles from about one poll to five minutes, with jitter', async t => {
  const samples = (n: number, poll: number) => Array.from({ length: 50 }, () => backoffMs(n, poll))
  const within = (xs: number[], lo: number, hi: number) => xs.every(x => x >= lo && x <= hi)
  t.ok(within(samples(1, 100), 50, 100), 'first retry after 50-100 ms for a 0.1 s poll')
  t.ok(within(samples(3, 30_000), 4000, 8000), 'a long poll interval starts at 2 s and doubles')
  t.ok(within(samples(40, 30_000), 150_000, 300_000), 'capped at five minutes')
  t.ok(new Set(samples(5, 1000)).size > 1, 'jittered')
})

t.test('host key fingerprints are what ssh-keygen -l prints', async t => {
  const file = join(tmpDir(t), 'k')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file])
  const pub = readFileSync(`${file}.pub`, 'utf8').trim()
  const expected = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(/\s+/)[1]
  t.equal(hostKeyFingerprint(Buffer.from(pub.split(' ')[1], 'base64')), expected)
  t.match(expected, /^SHA256:[A-Za-z0-9+/]{43}$/)
})
