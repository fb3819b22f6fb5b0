// Gateway config loading (docs/configuration.md; each bad-config case has a test): every bad case names the
// file and the JSON path of the bad field; defaults are applied; the result is deep-frozen.
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  configFileFrom,
  configFrom,
  DEFAULT_CONFIG_FILE,
  inspectConfigFile,
  loadConfig,
  problemText,
  readYaml,
  validateConfig
} from '../../src/config/index.js'
import { isGatewayError } from '../../src/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'cg-config-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
function file (text: string): string {
  const f = join(dir, `gateway-${++n}.yaml`)
  writeFileSync(f, text)
  return f
}

/** Problems of a config given as an object, as "path message". */
function problems (data: unknown): string[] {
  return validateConfig(data, 'gw.yaml').problems.map(p => `${p.path} ${p.message}`)
}

t.test('the shipped config/gateway.yaml is valid', async t => {
  const { config, problems } = inspectConfigFile('config/gateway.yaml')
  t.same(problems, [])
  t.equal(config?.https.port, 8443)
  t.equal(config?.carriers, 'config/carriers')
  t.equal(config?.forward.target, 'directory')
})

t.test('an empty file is a complete config: every default applied', async t => {
  const c = loadConfig(file(''))
  t.same(c.identity, { receiverIds: ['GOVPIU'], senderId: 'GOVPIU' })
  t.match(c.https, {
    enabled: true,
    host: '0.0.0.0',
    port: 8443,
    key: 'certs-example/server.key',
    cert: 'certs-example/server.crt',
    clientCa: 'certs-example/ca.crt',
    crl: null,
    minVersion: 'TLSv1.2'
  })
  t.match(c.admin, { enabled: true, host: '127.0.0.1', port: 9090, token: null })
  t.same(c.ca, { cert: 'certs-example/ca.crt', key: 'file:certs-example/ca.key' })
  t.match(c.forward, {
    target: 'directory',
    directory: { path: 'var/outbox' },
    amqp: {
      url: 'env:PIU_AMQP_URL',
      exchange: 'piu',
      queue: 'piu.inbound',
      testQueue: 'piu.test',
      quarantineQueue: 'piu.quarantine',
      queueType: 'quorum'
    }
  })
  t.match(c.spool, { path: 'var/spool', maxBytes: 1073741824 })
  t.match(c.ledger, { kind: 'sqlite', path: 'var/ledger.db', url: 'env:LEDGER_PG_URL', retentionDays: 30 })
  t.same(c.quarantine, { path: 'var/quarantine', retentionHours: 72 })
  t.equal(c.carriers, 'config/carriers')
  t.match(c.limits, { maxMessageBytes: 20971520, maxSegments: 200000, maxValueLength: 512, maxParts: 99 })
  t.equal(c.log.level, 'info')
})

t.test('defaults fill in around the keys a file sets', async t => {
  const c = configFrom({ https: { port: 9443 }, forward: { amqp: { exchange: 'other' } } })
  t.equal(c.https.port, 9443)
  t.equal(c.https.host, '0.0.0.0', 'sibling default')
  t.equal(c.forward.amqp.exchange, 'other')
  t.equal(c.forward.amqp.queue, 'piu.inbound', 'nested sibling default')
})

t.test('the loaded config is deep-frozen: a mutation throws', async t => {
  const c = configFrom({})
  t.ok(Object.isFrozen(c) && Object.isFrozen(c.https) && Object.isFrozen(c.identity.receiverIds))
  t.throws(() => { (c as { carriers: string }).carriers = 'elsewhere' }, TypeError)
  t.throws(() => { (c.https as { port: number }).port = 1 }, TypeError)
  t.throws(() => { (c.identity.receiverIds as string[]).push('X') }, TypeError)
  t.equal(c.https.port, 8443)
})

t.test('validation does not touch the caller\'s object', async t => {
  const input = { https: { port: 1 } }
  configFrom(input)
  t.same(input, { https: { port: 1 } }, 'no defaults written into the input')
  t.notOk(Object.isFrozen(input))
})

t.test('bad config cases: each names the path', async t => {
  const cases: Array<[string, unknown, string[]]> = [
    ['unknown key at top level', { colour: 'blue' }, ['/colour is not a known field']],
    ['unknown key nested', { https: { prot: 8443 } }, ['/https/prot is not a known field']],
    ['unknown key two levels down', { forward: { amqp: { exchnage: 'piu' } } }, ['/forward/amqp/exchnage is not a known field']],
    ['wrong type: string for a port', { https: { port: '8443' } }, ['/https/port must be integer']],
    ['wrong type: string for a list', { identity: { receiverIds: 'GOVPIU' } }, ['/identity/receiverIds must be array']],
    ['wrong type: a list for a section', { spool: [] }, ['/spool must be object']],
    ['wrong type: one of several', { https: { crl: 5 } }, ['/https/crl must be string or null']],
    ['bad enum: forward target', { forward: { target: 'kafka' } }, ['/forward/target must be one of: "directory", "amqp"']],
    ['bad enum: TLS version', { https: { minVersion: 'TLSv1.1' } }, ['/https/minVersion must be one of: "TLSv1.2", "TLSv1.3"']],
    ['bad enum: ledger kind', { ledger: { kind: 'mysql' } }, ['/ledger/kind must be one of: "sqlite", "postgres"']],
    ['bad port: too high', { https: { port: 70000 } }, ['/https/port must be <= 65535']],
    ['bad port: negative', { admin: { port: -1 } }, ['/admin/port must be >= 0']],
    ['bad port: fractional', { admin: { port: 90.5 } }, ['/admin/port must be integer']],
    ['empty receiver list', { identity: { receiverIds: [] } }, ['/identity/receiverIds must NOT have fewer than 1 items']],
    ['a cert pair without its key', { https: { cert: [{ cert: 'a.crt' }] } }, ['/https/cert/0/key is required']],
    ['the document is a list', ['a'], [' must be object']]
  ]
  for (const [name, data, want] of cases) t.same(problems(data), want, name)
})

t.test('a secret inline where a reference is required is refused without echoing it', async t => {
  const secret = 'amqp://piu:s3cr3t-pw@broker:5672'
  const cases: Array<[unknown, string]> = [
    [{ forward: { amqp: { url: secret } } }, '/forward/amqp/url'],
    [{ ledger: { url: 'postgres://u:s3cr3t-pw@db/piu' } }, '/ledger/url'],
    [{ admin: { token: 's3cr3t-pw' } }, '/admin/token'],
    [{ ca: { key: '-----BEGIN PRIVATE KEY-----s3cr3t-pw' } }, '/ca/key']
  ]
  for (const [data, path] of cases) {
    const r = validateConfig(data, 'gw.yaml')
    t.equal(r.config, null)
    t.same(r.problems.map(p => p.path), [path], path)
    t.match(r.problems[0].message, /secret reference, env:NAME or file:PATH/)
    t.notMatch(problemText(r.problems[0]), /s3cr3t/, 'the value is never quoted')
  }
  t.same(problems({ admin: { token: 'env:ADMIN_TOKEN' }, ledger: { url: 'file:/run/secrets/pg' } }), [], 'references are accepted')
  t.same(
    problems({ forward: { amqp: { url: 'env:9BAD' } } }),
    ['/forward/amqp/url must be a secret reference, env:NAME or file:PATH (secrets are never inline)'],
    'env: needs a variable name'
  )
})

t.test('every problem is listed at once, with the file', async t => {
  const f = file('https:\n  port: nope\nforward:\n  target: kafka\nextra: 1\n')
  const r = inspectConfigFile(f)
  t.equal(r.config, null)
  t.same(r.problems.map(problemText).sort(), [
    `${f}: /extra is not a known field`,
    `${f}: /forward/target must be one of: "directory", "amqp"`,
    `${f}: /https/port must be integer`
  ])
  const err = t.throws(() => loadConfig(f))
  t.ok(isGatewayError(err, 'GW_ERR_CONFIG_INVALID'))
  t.match((err as Error).message, '/https/port must be integer')
  t.match((err as Error).message, '/extra is not a known field')
})

t.test('YAML syntax error: reported with its line, without the file excerpt', async t => {
  const f = file('identity:\n  senderId: GOVPIU\nhttps:\n  port: [8443\nadmin:\n  token: env:T\n')
  const r = readYaml(f)
  t.equal(r.data, null)
  t.equal(r.problems.length, 1)
  t.match(r.problems[0], { file: f, path: '' })
  t.match(r.problems[0].message, /^is not valid YAML at line 5, column 1: /)
  t.notMatch(r.problems[0].message, /senderId|GOVPIU|\n/, 'no excerpt of the file')
  const dup = readYaml(file('https:\n  port: 1\nhttps:\n  port: 2\n'))
  t.match(dup.problems[0].message, /^is not valid YAML at line 3, column 1: Map keys must be unique/)
  const err = t.throws(() => loadConfig(f))
  t.ok(isGatewayError(err, 'GW_ERR_CONFIG_INVALID'))
  t.match((err as Error).message, 'line 5')
})

t.test('missing file: named, and loadConfig refuses it', async t => {
  const f = join(dir, 'nope.yaml')
  t.same(inspectConfigFile(f).problems, [{ file: f, path: '', message: 'does not exist' }])
  const err = t.throws(() => loadConfig(f))
  t.ok(isGatewayError(err, 'GW_ERR_CONFIG_INVALID'))
  t.match((err as Error).message, `${f}: (document) does not exist`)
  t.same(inspectConfigFile(dir).problems.map(p => p.message), ['cannot be read (EISDIR)'], 'a folder is not a file')
})

t.test('configFrom refuses a bad object like loadConfig refuses a bad file', async t => {
  const err = t.throws(() => configFrom({ https: { port: 'x' } }))
  t.ok(isGatewayError(err, 'GW_ERR_CONFIG_INVALID'))
  t.match((err as Error).message, '(inline): /https/port must be integer')
})

t.test('configFileFrom: --config, then CARRIER_GATEWAY_CONFIG, then the default', async t => {
  t.equal(DEFAULT_CONFIG_FILE, 'config/gateway.yaml')
  t.equal(configFileFrom('a.yaml', { CARRIER_GATEWAY_CONFIG: 'b.yaml' }), 'a.yaml', 'the flag wins')
  t.equal(configFileFrom(undefined, { CARRIER_GATEWAY_CONFIG: 'b.yaml' }), 'b.yaml', 'then the environment')
  t.equal(configFileFrom(undefined, {}), 'config/gateway.yaml', 'then the default')
  t.equal(configFileFrom(undefined, { CARRIER_GATEWAY_CONFIG: '' }), 'config/gateway.yaml', 'an empty variable is unset')
  t.equal(configFileFrom('', { CARRIER_GATEWAY_CONFIG: 'b.yaml' }), 'b.yaml', 'an empty flag is unset')
})
