// Carrier agreements: every invalid case named by file and path, the cross-file rules, fingerprint
// normalisation and the lookups the channels use (docs/agreements.md).
import t from 'tap'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import {
  agreementSetOf,
  createAgreementStore,
  loadAgreementDir,
  normalizeFingerprint,
  parseCidr,
  validateAgreement
} from '../../src/agreements/store.js'
import { problemText } from '../../src/config/index.js'
import { isGatewayError } from '../../src/errors.js'

type Doc = Record<string, unknown>
const root = mkdtempSync(join(tmpdir(), 'cg-agreements-'))
t.teardown(() => rmSync(root, { recursive: true, force: true }))
let n = 0
function folder (files: Record<string, Doc | string>): string {
  const dir = join(root, `c${++n}`)
  mkdirSync(dir)
  for (const [name, doc] of Object.entries(files)) writeFileSync(join(dir, name), typeof doc === 'string' ? doc : stringify(doc))
  return dir
}

/** 32 colon-separated bytes, all `byte`. */
const fp = (byte: string): string => Array(32).fill(byte).join(':')
const FP_A = fp('AB')
const FP_B = fp('0C')

function agreement (over: Doc = {}): Doc {
  return {
    code: 'XA',
    name: 'Example Air',
    stage: 'live',
    senderIds: ['XAAPI'],
    messages: { PAXLST: { versions: ['D05B'] } },
    channels: { https: { certificates: [`sha256/${FP_A}`] } },
    ...over
  }
}

/** Problems for one document checked as if read from <code>.yaml, as "path message". */
function problems (doc: Doc, fileName = 'XA.yaml'): string[] {
  return validateAgreement(doc, join('/carriers', fileName)).problems.map(p => `${p.path} ${p.message}`)
}

t.test('the shipped config/carriers/XA.yaml is valid and pinned to the example client certificate', async t => {
  const { agreements, problems } = loadAgreementDir('config/carriers')
  t.same(problems, [])
  t.same(agreements.map(a => a.code), ['XA'])
  t.equal(
    agreements[0].channels.https?.certificates[0].fingerprint,
    'A6:FD:BA:B3:D6:D6:E1:9B:C3:60:5E:23:6E:9D:ED:3D:8F:90:27:87:8A:46:94:E6:A7:4B:DA:32:35:33:7A:00'
  )
  t.equal(agreements[0].channels.sftp, undefined, 'HTTPS only')
})

t.test('defaults are applied and the agreement is frozen', async t => {
  const a = validateAgreement(agreement(), '/carriers/XA.yaml').agreement
  t.ok(a)
  if (a === null) return
  t.match(a, {
    contacts: [],
    ackWhen: 'always',
    contrl: { version: 'D:3', messageLevel: false },
    acceptTest: true,
    maxAgeHours: null,
    typeB: false,
    unaRepair: false,
    strictness: { controlCounts: 'reject', characterSet: 'warn', profile: 'warn', changedResend: 'reject', partial: 'interchange' },
    limits: { requestsPerMinute: 600 },
    expect: {},
    file: '/carriers/XA.yaml'
  })
  t.equal(a.messages.PAXLST?.ack, 'contrl')
  t.same(a.channels.https?.allowFrom, [])
  t.ok(Object.isFrozen(a) && Object.isFrozen(a.channels.https?.certificates[0]))
  t.throws(() => { (a as { stage: string }).stage = 'suspended' }, TypeError)
})

t.test('invalid agreements: each case names the path', async t => {
  const cases: Array<[string, Doc, string[], string?]> = [
    [
      'code: lower case',
      agreement({ code: 'xa' }),
      ['/code must be an IATA (2) or ICAO (3) designator in upper case', '/code must match the file name (XA)']
    ],
    ['code: too long', agreement({ code: 'XAXA' }), ['/code must be an IATA (2) or ICAO (3) designator in upper case'], 'XAXA.yaml'],
    ['code different from the file name', agreement({ code: 'XB' }), ['/code must match the file name (XA)']],
    [
      'fingerprint: not hex',
      agreement({ channels: { https: { certificates: ['sha256/zz'] } } }),
      ['/channels/https/certificates/0 must be a SHA-256 fingerprint: 32 colon-separated hex bytes, optionally prefixed sha256/']
    ],
    [
      'fingerprint: SHA-1 length',
      agreement({ channels: { https: { certificates: [Array(20).fill('AB').join(':')] } } }),
      ['/channels/https/certificates/0 must be a SHA-256 fingerprint: 32 colon-separated hex bytes, optionally prefixed sha256/']
    ],
    [
      'fingerprint in an entry object',
      agreement({ channels: { https: { certificates: [{ fingerprint: 'AB:CD', label: 'x' }] } } }),
      ['/channels/https/certificates/0/fingerprint must be a SHA-256 fingerprint: ' +
        '32 colon-separated hex bytes, optionally prefixed sha256/']
    ],
    [
      'certificate entry: unknown field',
      agreement({ channels: { https: { certificates: [{ fingerprint: FP_A, expires: '2030' }] } } }),
      ['/channels/https/certificates/0/expires is not a known field']
    ],
    [
      'no certificate',
      agreement({ channels: { https: { certificates: [] } } }),
      ['/channels/https/certificates must NOT have fewer than 1 items']
    ],
    [
      'CIDR: prefix too long',
      agreement({ channels: { https: { certificates: [FP_A], allowFrom: ['10.0.0.0/33'] } } }),
      ['/channels/https/allowFrom/0 is not an IPv4 or IPv6 address or CIDR block']
    ],
    [
      'CIDR: octet out of range',
      agreement({ channels: { https: { certificates: [FP_A], allowFrom: ['192.0.2.0/24', '300.1.1.1'] } } }),
      ['/channels/https/allowFrom/1 is not an IPv4 or IPv6 address or CIDR block']
    ],
    [
      'CIDR: not an address',
      agreement({ channels: { https: { certificates: [FP_A], allowFrom: ['example.com'] } } }),
      ['/channels/https/allowFrom/0 is not an IPv4 or IPv6 address or CIDR block']
    ],
    [
      'CIDR: bad IPv6',
      agreement({ channels: { https: { certificates: [FP_A], allowFrom: [':::1/64'] } } }),
      ['/channels/https/allowFrom/0 is not an IPv4 or IPv6 address or CIDR block']
    ],
    [
      'PAXLST version',
      agreement({ messages: { PAXLST: { versions: ['D03B'] } } }),
      ['/messages/PAXLST/versions/0 must be one of: "D02B", "D05B", "D12B", "D15B"']
    ],
    [
      'PNRGOV version',
      agreement({ messages: { PNRGOV: { versions: ['13:1'] } } }),
      ['/messages/PNRGOV/versions/0 must be a PNRGOV version from 10.1 to 17.1']
    ],
    ['no message type', agreement({ messages: {} }), ['/messages must NOT have fewer than 1 properties']],
    ['unknown message type', agreement({ messages: { CUSRES: { versions: ['D05B'] } } }), ['/messages/CUSRES is not a known field']],
    [
      'ack kind',
      agreement({ messages: { PAXLST: { versions: ['D05B'], ack: 'ackres' } } }),
      ['/messages/PAXLST/ack must be one of: "contrl", "json", "none"']
    ],
    ['missing senderIds', agreement({ senderIds: undefined }), ['/senderIds is required']],
    ['empty senderIds', agreement({ senderIds: [] }), ['/senderIds must NOT have fewer than 1 items']],
    ['unknown field', agreement({ colour: 'red' }), ['/colour is not a known field']],
    ['unknown nested field', agreement({ strictness: { counts: 'warn' } }), ['/strictness/counts is not a known field']],
    [
      'bad strictness value',
      agreement({ strictness: { controlCounts: 'lenient' } }),
      ['/strictness/controlCounts must be one of: "reject", "warn"']
    ],
    [
      'bad partial value',
      agreement({ strictness: { partial: 'segment' } }),
      ['/strictness/partial must be one of: "interchange", "message"']
    ],
    ['bad stage', agreement({ stage: 'paused' }), ['/stage must be one of: "testing", "live", "suspended"']],
    ['bad maxAgeHours', agreement({ maxAgeHours: 0 }), ['/maxAgeHours must be > 0']],
    ['no channel', agreement({ channels: {} }), ['/channels must NOT have fewer than 1 properties']],
    [
      'SFTP key inline',
      agreement({
        channels: {
          sftp: {
            host: 'h',
            username: 'u',
            privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----',
            hostKey: 'SHA256:abc',
            inbox: '/o',
            processing: '/p',
            done: '/d',
            rejected: '/r'
          }
        }
      }),
      ['/channels/sftp/privateKey must be a secret reference, env:NAME or file:PATH (secrets are never inline)']
    ],
    [
      'SFTP host key not pinned as SHA256',
      agreement({
        channels: {
          sftp: {
            host: 'h',
            username: 'u',
            privateKey: 'file:k',
            hostKey: 'MD5:ab',
            inbox: '/o',
            processing: '/p',
            done: '/d',
            rejected: '/r'
          }
        }
      }),
      ['/channels/sftp/hostKey must match pattern "^SHA256:[A-Za-z0-9+/=]+$"']
    ],
    [
      'SFTP without done/ and not deleting',
      agreement({
        channels: {
          sftp: { host: 'h', username: 'u', privateKey: 'file:k', hostKey: 'SHA256:abc', inbox: '/o', processing: '/p', rejected: '/r' }
        }
      }),
      ['/channels/sftp/done is required unless afterRead is delete']
    ]
  ]
  for (const [name, doc, want, fileName] of cases) {
    if (doc.senderIds === undefined) delete doc.senderIds
    t.same(problems(doc, fileName), want, name)
  }
})

t.test('several problems in one file are all listed', async t => {
  const doc = agreement({
    code: 'xb',
    stage: 'alive',
    strictness: { profile: 'strict' },
    extra: 1,
    channels: { https: { certificates: [FP_A], allowFrom: ['nope'] } }
  })
  t.same(problems(doc).sort(), [
    '/channels/https/allowFrom/0 is not an IPv4 or IPv6 address or CIDR block',
    '/code must be an IATA (2) or ICAO (3) designator in upper case',
    '/code must match the file name (XA)',
    '/extra is not a known field',
    '/stage must be one of: "testing", "live", "suspended"',
    '/strictness/profile must be one of: "reject", "warn"'
  ])
})

t.test('a YAML error in an agreement file names the file and line', async t => {
  const dir = folder({ 'XA.yaml': 'code: XA\nname: [Example\nstage: live\n' })
  const { agreements, problems } = loadAgreementDir(dir)
  t.same(agreements, [])
  t.equal(problems.length, 1)
  t.match(problemText(problems[0]), new RegExp(`^${join(dir, 'XA.yaml')}: \\(document\\) is not valid YAML at line \\d+, column \\d+`))
})

t.test('duplicate codes across files are refused', async t => {
  const dir = folder({ 'XA.yaml': agreement(), 'XA.yml': agreement({ channels: { https: { certificates: [FP_B] } } }) })
  const { problems } = loadAgreementDir(dir)
  t.same(problems.map(problemText), [`${join(dir, 'XA.yml')}: /code duplicates the code in ${join(dir, 'XA.yaml')}`])
})

t.test('a sender id claimed by two agreements that share a certificate is refused', async t => {
  const dir = folder({
    'XA.yaml': agreement({ senderIds: ['SITA01', 'XAAPI'], channels: { https: { certificates: [FP_A] } } }),
    'XB.yaml': agreement({ code: 'XB', senderIds: ['XAAPI'], channels: { https: { certificates: [FP_A, FP_B] } } })
  })
  const { problems } = loadAgreementDir(dir)
  t.equal(problems.length, 1, 'reported once for the pair')
  t.match(problems[0], { path: '/senderIds' })
  t.match(problems[0].message, /also claimed by XB, which shares a certificate/)
  const err = t.throws(() => createAgreementStore(dir))
  t.ok(isGatewayError(err, 'GW_ERR_AGREEMENT_INVALID'))
})

t.test('a shared certificate with distinct sender ids (a service provider) is fine', async t => {
  const dir = folder({
    'XA.yaml': agreement({ senderIds: ['XAAPI'], channels: { https: { certificates: [FP_A] } } }),
    'XB.yaml': agreement({ code: 'XB', senderIds: ['XBAPI'], channels: { https: { certificates: [`sha256/${FP_A.toLowerCase()}`] } } })
  })
  const { agreements, problems } = loadAgreementDir(dir)
  t.same(problems, [])
  const set = agreementSetOf(agreements)
  t.same(set.byFingerprint(FP_A).map(a => a.code), ['XA', 'XB'], 'one certificate, two carriers')
})

t.test('the same sender id without a shared certificate is fine', async t => {
  const dir = folder({ 'XA.yaml': agreement(), 'XB.yaml': agreement({ code: 'XB', channels: { https: { certificates: [FP_B] } } }) })
  t.same(loadAgreementDir(dir).problems, [])
})

t.test('fingerprints are normalised: upper case, no sha256/ prefix', async t => {
  t.equal(normalizeFingerprint(`sha256/${FP_A.toLowerCase()}`), FP_A)
  t.equal(normalizeFingerprint(FP_A.toLowerCase()), FP_A)
  t.equal(normalizeFingerprint(`SHA256/${FP_A}`), FP_A)
  const dir = folder({
    'XA.yaml': agreement({
      channels: {
        https: {
          certificates: [
            `sha256/${FP_A.toLowerCase()}`,
            { fingerprint: FP_B.toLowerCase(), label: 'spare', notAfter: '2030-01-01T00:00:00Z', revoked: true }
          ]
        }
      }
    })
  })
  const [a] = loadAgreementDir(dir).agreements
  t.same(a.channels.https?.certificates, [
    { fingerprint: FP_A, notAfter: null, label: null, revoked: false },
    { fingerprint: FP_B, notAfter: '2030-01-01T00:00:00Z', label: 'spare', revoked: true }
  ])
})

t.test('lookups: byCode, byFingerprint in any spelling, all sorted', async t => {
  const dir = folder({
    'XB.yaml': agreement({ code: 'XB', senderIds: ['XBAPI'], channels: { https: { certificates: [FP_B] } } }),
    'XA.yaml': agreement(),
    'notes.txt': 'not an agreement',
    '.XC.yaml': 'hidden editor file: ignored'
  })
  const store = createAgreementStore(dir)
  t.teardown(() => store.close())
  const set = store.current()
  t.same(set.all.map(a => a.code), ['XA', 'XB'])
  t.equal(set.byCode('XB')?.name, 'Example Air')
  t.equal(set.byCode('XC'), undefined)
  t.equal(set.byCode('xa'), undefined, 'codes are exact')
  for (const spelling of [FP_A, FP_A.toLowerCase(), `sha256/${FP_A}`, `sha256/${FP_A.toLowerCase()}`]) {
    t.same(set.byFingerprint(spelling).map(a => a.code), ['XA'], spelling)
  }
  t.same(set.byFingerprint(fp('EE')), [], 'unknown certificate')
  t.ok(Object.isFrozen(set.all))
})

t.test('an unreadable carriers folder is a problem, not a crash', async t => {
  const { agreements, problems } = loadAgreementDir(join(root, 'absent'))
  t.same(agreements, [])
  t.same(problems, [{ file: join(root, 'absent'), path: '', message: 'carriers folder cannot be read' }])
})

t.test('parseCidr', async t => {
  t.same(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' })
  t.same(parseCidr('192.0.2.7'), { address: '192.0.2.7', prefix: 32, family: 'ipv4' })
  t.same(parseCidr('2001:db8::/32'), { address: '2001:db8::', prefix: 32, family: 'ipv6' })
  t.same(parseCidr('::1'), { address: '::1', prefix: 128, family: 'ipv6' })
  for (const bad of ['10.0.0.0/33', '2001:db8::/129', '256.0.0.1', '1.2.3', 'fe80::1%eth0', ':::', 'abc', '10.0.0.0/', '']) {
    t.equal(parseCidr(bad), null, bad)
  }
})
