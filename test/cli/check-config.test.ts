// `carrier-gateway check-config`, run in-process through main(): exit 0 for the shipped config,
// exit 1 listing every problem of a broken config and agreement folder, each with file and path.
import t from 'tap'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { stringify } from 'yaml'
import { runCli } from '../helpers/cli.js'

const CERTS = resolve('certs-example')
const FP = Array(32).fill('AB').join(':')

const cli = runCli

const root = mkdtempSync(join(tmpdir(), 'cg-check-'))
t.teardown(() => rmSync(root, { recursive: true, force: true }))
let n = 0

/** A config folder: gateway.yaml (merged over a valid base) and carriers/<files>. */
function setup (config: Record<string, unknown>, carriers: Record<string, unknown>): { file: string, carriersDir: string } {
  const dir = join(root, `s${++n}`)
  const carriersDir = join(dir, 'carriers')
  mkdirSync(carriersDir, { recursive: true })
  const file = join(dir, 'gateway.yaml')
  const base = {
    https: { key: join(CERTS, 'server.key'), cert: join(CERTS, 'server.crt'), clientCa: join(CERTS, 'ca.crt') },
    carriers: carriersDir
  }
  writeFileSync(file, typeof config.raw === 'string' ? config.raw : stringify({ ...base, ...config }))
  for (const [name, doc] of Object.entries(carriers)) writeFileSync(join(carriersDir, name), typeof doc === 'string' ? doc : stringify(doc))
  return { file, carriersDir }
}

const xa = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  code: 'XA',
  name: 'Example Air',
  stage: 'live',
  senderIds: ['XAAPI'],
  messages: { PAXLST: { versions: ['D05B'] } },
  channels: { https: { certificates: [FP] } },
  ...over
})

t.test('the shipped config/gateway.yaml and its agreements: exit 0', async t => {
  const r = await cli(['check-config', '--config', 'config/gateway.yaml'])
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stderr, '')
  t.match(r.stdout, 'config/gateway.yaml: ok; 1 carrier agreement ok')
})

t.test('the default config file and CARRIER_GATEWAY_CONFIG', async t => {
  const dflt = await cli(['check-config'])
  t.equal(dflt.code, 0, 'config/gateway.yaml by default')
  t.match(dflt.stdout, /^config\/gateway\.yaml: ok/)
  const { file } = setup({}, { 'XA.yaml': xa() })
  const env = await cli(['check-config'], { CARRIER_GATEWAY_CONFIG: file })
  t.equal(env.code, 0, env.stderr)
  t.match(env.stdout, `${file}: ok; 1 carrier agreement ok`)
  const missing = await cli(['check-config'], { CARRIER_GATEWAY_CONFIG: join(root, 'absent.yaml') })
  t.equal(missing.code, 1)
  t.match(missing.stderr, `${join(root, 'absent.yaml')}: (document) does not exist`)
})

t.test('when all is well, a line per agreement says what it switches on, in code order', async t => {
  const xb = xa({
    code: 'XB',
    stage: 'testing',
    senderIds: ['XBAPI'],
    channels: { https: { certificates: [Array(32).fill('CD').join(':')] } },
    messages: { PAXLST: { versions: ['D05B', 'D12B'], ack: 'json' }, PNRGOV: { versions: ['13.1'] } },
    interactive: { enabled: true, deadlineMs: 2000 },
    outbound: { channel: 'https' },
    schedule: { PNRGOV: { pushesAt: ['-24h', '0h'] } },
    sensitiveData: { filter: true },
    syntax: { outsideText: 'warn' }
  })
  const { file } = setup({}, { 'XB.yaml': xb, 'XA.yaml': xa() })
  const r = await cli(['check-config', '--config', file])
  t.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  t.match(lines[0], `${file}: ok; 2 carrier agreements ok`)
  t.equal(lines[1], '  XA  live  channels https  PAXLST D05B (contrl)  interactive off  outbound auto  schedule off' +
    '  sensitive-data filter off  syntax outside-text reject, line-break terminator warn', 'defaults read as defaults')
  t.equal(lines[2], '  XB  testing  channels https  PAXLST D05B,D12B (json), PNRGOV 13.1 (ackres)  interactive on (2000 ms)' +
    '  outbound https  schedule on  sensitive-data filter on  syntax outside-text warn, line-break terminator warn')
  t.equal(lines.length, 3)
})

t.test('a broken config and agreement folder: exit 1, every problem with file and path', async t => {
  const https = { port: 70000, key: join(CERTS, 'server.key'), cert: join(CERTS, 'server.crt'), clientCa: join(CERTS, 'ca.crt') }
  const { file, carriersDir } = setup({ https, forward: { target: 'kafka' }, extra: true }, {
    'XA.yaml': xa({ stage: 'paused', strictness: { controlCounts: 'lenient' } }),
    'XB.yaml': xa({ code: 'XC', channels: { https: { certificates: ['sha256/zz'], allowFrom: ['10.0.0.0/40'] } } }),
    'XD.yaml': 'code: XD\nname: [unclosed\n',
    'XE.yaml': xa({ code: 'XE' }),
    'XF.yaml': xa({ code: 'XF', senderIds: [] })
  })
  const r = await cli(['check-config', '--config', file])
  t.equal(r.code, 1)
  t.equal(r.stdout, '')
  const at = (f: string): string => join(carriersDir, f)
  const lines = r.stderr.trim().split('\n')
  t.same(lines.slice(0, -1).sort(), [
    `${at('XA.yaml')}: /stage must be one of: "testing", "live", "suspended"`,
    `${at('XA.yaml')}: /strictness/controlCounts must be one of: "reject", "warn"`,
    `${at('XB.yaml')}: /channels/https/allowFrom/0 is not an IPv4 or IPv6 address or CIDR block`,
    `${at('XB.yaml')}: /channels/https/certificates/0 must be a SHA-256 fingerprint: ` +
      '32 colon-separated hex bytes, optionally prefixed sha256/',
    `${at('XB.yaml')}: /code must match the file name (XB)`,
    `${at('XF.yaml')}: /senderIds must NOT have fewer than 1 items`,
    `${file}: /extra is not a known field`,
    `${file}: /forward/target must be one of: "directory", "amqp"`,
    `${file}: /https/port must be <= 65535`
  ].concat(lines.filter(l => l.startsWith(`${at('XD.yaml')}: (document) is not valid YAML at line `))).sort())
  t.equal(lines.filter(l => l.includes('XD.yaml')).length, 1, 'the YAML error of XD.yaml is listed with its line')
  t.equal(lines.at(-1), '10 problems found')
  t.notMatch(r.stderr, 'XE.yaml', 'the valid agreement is not mentioned')
})

t.test('a sender id claimed twice under one certificate is refused', async t => {
  const { file, carriersDir } = setup({}, { 'XA.yaml': xa(), 'XB.yaml': xa({ code: 'XB' }) })
  const r = await cli(['check-config', '--config', file])
  t.equal(r.code, 1)
  t.match(r.stderr, `${join(carriersDir, 'XA.yaml')}: /senderIds sender id is also claimed by XB, which shares a certificate`)
  t.match(r.stderr, '1 problem found')
})

t.test('the carriers folder is checked even when the config only has problems elsewhere', async t => {
  const { file, carriersDir } = setup({ https: { port: 'x' } }, { 'XA.yaml': xa({ stage: 'paused' }) })
  const r = await cli(['check-config', '--config', file])
  t.equal(r.code, 1)
  t.match(r.stderr, `${file}: /https/port must be integer`)
  t.match(r.stderr, `${join(carriersDir, 'XA.yaml')}: /stage must be one of`)
  const missingDir = setup({ carriers: join(root, 'no-such-folder') }, {})
  const m = await cli(['check-config', '--config', missingDir.file])
  t.equal(m.code, 1)
  t.match(m.stderr, `${join(root, 'no-such-folder')}: (document) carriers folder cannot be read`)
})

t.test('a YAML syntax error in the config is reported with its line', async t => {
  const { file } = setup({ raw: 'https:\n  port: 8443\nadmin:\n  port: 9090\nhttps:\n  port: 9443\n' }, {})
  const r = await cli(['check-config', '--config', file])
  t.equal(r.code, 1)
  t.match(r.stderr, new RegExp(`${file}: \\(document\\) is not valid YAML at line 5, column 1: Map keys must be unique`))
})

t.test('files the enabled HTTPS listener needs must be readable', async t => {
  const { file } = setup(
    {
      https: {
        key: join(root, 'absent.key'),
        cert: join(CERTS, 'server.crt'),
        clientCa: join(CERTS, 'ca.crt'),
        crl: join(root, 'absent.crl')
      }
    },
    { 'XA.yaml': xa() }
  )
  const r = await cli(['check-config', '--config', file])
  t.equal(r.code, 1)
  t.match(r.stderr, `${file}: /https/key names ${join(root, 'absent.key')}, which cannot be read`)
  t.match(r.stderr, `${file}: /https/crl names ${join(root, 'absent.crl')}, which cannot be read`)
  const off = setup({ https: { enabled: false, key: join(root, 'absent.key') } }, { 'XA.yaml': xa() })
  t.equal((await cli(['check-config', '--config', off.file])).code, 0, 'not when HTTPS is disabled')
})

t.test('secrets of enabled parts must resolve; the error names the variable, never a value', async t => {
  const { file } = setup({ forward: { target: 'amqp' }, admin: { token: 'env:ADMIN_TOKEN' } }, { 'XA.yaml': xa() })
  const r = await cli(['check-config', '--config', file], { OTHER: 'hunter2' })
  t.equal(r.code, 1)
  t.match(r.stderr, `${file}: /forward/amqp/url cannot be resolved: environment variable PIU_AMQP_URL is not set`)
  t.match(r.stderr, `${file}: /admin/token cannot be resolved: environment variable ADMIN_TOKEN is not set`)
  t.notMatch(r.stderr, 'LEDGER_PG_URL', 'the unused PostgreSQL ledger\'s secret is not needed')
  const ok = await cli(['check-config', '--config', file], { PIU_AMQP_URL: 'amqp://u:s3cr3t@h', ADMIN_TOKEN: 's3cr3t' })
  t.equal(ok.code, 0, ok.stderr)
  t.notMatch(ok.stdout + ok.stderr, 's3cr3t')
})

t.test('a carrier channel\'s secret reference must resolve', async t => {
  const sftp = {
    host: 'sftp.example.test',
    username: 'piu',
    privateKey: `file:${join(root, 'absent_ed25519')}`,
    hostKey: 'SHA256:abc',
    inbox: '/out',
    processing: '/out/processing',
    done: '/out/done',
    rejected: '/out/rejected'
  }
  const { file, carriersDir } = setup({}, { 'XA.yaml': xa({ channels: { sftp } }) })
  const r = await cli(['check-config', '--config', file])
  t.equal(r.code, 1)
  t.match(
    r.stderr,
    `${join(carriersDir, 'XA.yaml')}: /channels/sftp/privateKey cannot be resolved: file ${join(root, 'absent_ed25519')} cannot be read`
  )
})

t.test('usage errors exit 2', async t => {
  const r = await cli(['check-config', '--bogus'])
  t.equal(r.code, 2)
  t.match(r.stderr, /^check-config: unknown option '--bogus'/)
  t.equal((await cli(['check-config', 'extra-positional'])).code, 2)
})
