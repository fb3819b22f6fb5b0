// The container configs (config/container/, docs/container.md "The config"): valid for the gateway's
// own schema, every path under a mounted folder, and `carrier-gateway check-config` passes on the
// folders a container gets (laid out in a temporary directory with freshly generated certificates).
// The CLI commands an operator runs inside the container (`carriers add`, `set-stage`) work on that
// layout, the audit log reaches the state folder through the image's link, and the image config
// starts a gateway that answers /health/ready.
import t from 'tap'
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { request } from 'node:http'
import { validateConfig, type GatewayConfig } from '../../src/config/index.js'
import { auditLogPath } from '../../src/onboarding/stage.js'
import { runCli } from '../helpers/cli.js'
import { startGatewayChild } from '../helpers/gateway-child.js'
import {
  COMPOSE_CONFIG, IMAGE_CARRIERS, IMAGE_CONFIG, ROOTS, absolutePaths, generateCerts, layOut, readYamlFile, type Layout
} from './layout.js'

const certs = generateCerts()
t.teardown(() => rmSync(dirname(certs.dir), { recursive: true, force: true }))
const layouts: string[] = []
t.teardown(() => { for (const d of layouts) rmSync(d, { recursive: true, force: true }) })

const IMAGE_SECRETS = { admin_token: 'container-test-admin-token\n' }
const COMPOSE_SECRETS = {
  admin_token: 'container-test-admin-token\n',
  gateway_server_key: readFileSync(certs.file('server.key'), 'utf8'),
  ledger_pg_url: 'postgres://gateway:container-test@postgres:5432/gateway\n',
  piu_amqp_url: 'amqp://gateway:container-test@rabbitmq:5672/\n'
}

function layout (secrets: Record<string, string>): Layout {
  const l = layOut(certs, secrets)
  layouts.push(l.base)
  return l
}

function valid (file: string): GatewayConfig {
  const v = validateConfig(readYamlFile(file), file)
  if (v.config === null) throw new Error(`${file}: ${JSON.stringify(v.problems)}`)
  return v.config
}

/** The paths the enabled parts of a config use (relative schema defaults of unused parts left out). */
function usedPaths (c: GatewayConfig): Record<string, string> {
  const out: Record<string, string> = {
    '/https/cert': String(c.https.cert),
    '/https/clientCa': c.https.clientCa,
    '/ca/cert': c.ca.cert,
    '/ca/key': c.ca.key.replace(/^file:/, ''),
    '/spool/path': c.spool.path,
    '/quarantine/path': c.quarantine.path,
    '/carriers': c.carriers
  }
  if (c.https.key !== null) out['/https/key'] = c.https.key
  if (c.forward.target === 'directory') out['/forward/directory/path'] = c.forward.directory.path
  if (c.ledger.kind === 'sqlite') out['/ledger/path'] = c.ledger.path
  if (c.admin.token !== null) out['/admin/token'] = c.admin.token.replace(/^file:/, '')
  return out
}

t.test('both container configs validate with the gateway config schema', async t => {
  const image = valid(IMAGE_CONFIG)
  t.equal(image.forward.target, 'directory')
  t.equal(image.ledger.kind, 'sqlite')
  const compose = valid(COMPOSE_CONFIG)
  t.equal(compose.forward.target, 'amqp', 'the stack forwards to RabbitMQ')
  t.equal(compose.forward.amqp.queueType, 'quorum')
  t.equal(compose.ledger.kind, 'postgres', 'the stack shares one PostgreSQL ledger')
  for (const c of [image, compose]) {
    t.equal(c.admin.host, '0.0.0.0', 'the admin listener is reachable for scraping')
    t.match(c.admin.token, /^file:\/run\/secrets\//, 'the admin token is a secret file')
    t.equal(c.https.host, '0.0.0.0')
  }
})

t.test('every path the container configs use is under a mounted folder', async t => {
  for (const file of [IMAGE_CONFIG, COMPOSE_CONFIG]) {
    const c = valid(file)
    for (const [at, path] of Object.entries(usedPaths(c))) {
      t.ok(ROOTS.some(r => path.startsWith(`${r}/`)), `${file} ${at} = ${path} is under ${ROOTS.join(', ')}`)
    }
    // State under /var/lib, never in the read-only config folder or the image's /app.
    for (const at of ['/spool/path', '/quarantine/path', '/forward/directory/path', '/ledger/path']) {
      const path = usedPaths(c)[at]
      if (path !== undefined) t.match(path, /^\/var\/lib\/carrier-gateway\//, `${file} ${at}`)
    }
    t.equal(c.carriers, '/etc/carrier-gateway/carriers')
    t.equal(auditLogPath(c.carriers), '/etc/carrier-gateway/audit.log', 'the audit log the Dockerfile links into /var/lib')
    // Nothing in the file names the development certificates or a relative path.
    const elsewhere = absolutePaths(readYamlFile(file)).filter(p => !ROOTS.some(r => p.path.startsWith(`${r}/`)))
    t.same(elsewhere, [], `${file}: no other absolute path`)
    t.notMatch(JSON.stringify(readYamlFile(file)), 'certs-example', `${file} names no example certificate`)
  }
})

t.test('the image ships no carrier agreement in stage live', async t => {
  const agreements = readdirSync(IMAGE_CARRIERS).filter(n => /\.ya?ml$/.test(n))
  for (const n of agreements) t.not(readYamlFile(`${IMAGE_CARRIERS}/${n}`).stage, 'live', n)
  t.pass(`${agreements.length} agreement(s) in config/container/carriers`)
})

t.test('check-config passes on the mounted folders with the image config', async t => {
  const l = layout(IMAGE_SECRETS)
  const file = l.writeConfig(readYamlFile(IMAGE_CONFIG))
  const r = await runCli(['check-config'], { CARRIER_GATEWAY_CONFIG: file })
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stderr, '')
  t.equal(r.stdout.trim(), `${file}: ok; 0 carrier agreements ok (${l.at('/etc/carrier-gateway/carriers')})`)
})

t.test('check-config names each mount that is missing', async t => {
  const l = layout({})
  for (const f of ['server.key', 'server.crt', 'ca.crt']) rmSync(l.at(`/etc/carrier-gateway/certs/${f}`))
  const file = l.writeConfig(readYamlFile(IMAGE_CONFIG))
  const r = await runCli(['check-config', '--config', file])
  t.equal(r.code, 1)
  const lines = r.stderr.trim().split('\n')
  t.same(lines.slice(0, -1).sort(), [
    `${file}: /admin/token cannot be resolved: file ${l.at('/run/secrets/admin_token')} cannot be read`,
    `${file}: /https/cert names ${l.at('/etc/carrier-gateway/certs/server.crt')}, which cannot be read`,
    `${file}: /https/clientCa names ${l.at('/etc/carrier-gateway/certs/ca.crt')}, which cannot be read`,
    `${file}: /https/key names ${l.at('/etc/carrier-gateway/certs/server.key')}, which cannot be read`
  ])
  t.equal(lines.at(-1), '4 problems found')
  t.notMatch(r.stderr, 'container-test-admin-token')
})

t.test('check-config passes on the mounted folders and secrets with the compose config', async t => {
  const l = layout(COMPOSE_SECRETS)
  const file = l.writeConfig(readYamlFile(COMPOSE_CONFIG))
  const r = await runCli(['check-config', '--config', file])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, `${file}: ok; 0 carrier agreements ok`)
  t.notMatch(r.stdout + r.stderr, /container-test/, 'no secret value is printed')
  rmSync(l.at('/run/secrets/ledger_pg_url'))
  const missing = await runCli(['check-config', '--config', file])
  t.equal(missing.code, 1)
  t.match(missing.stderr, `${file}: /ledger/url cannot be resolved: file ${l.at('/run/secrets/ledger_pg_url')} cannot be read`)
})

t.test('carriers add and set-stage inside the container layout; the audit log lands in the state folder', async t => {
  const l = layout(IMAGE_SECRETS)
  const file = l.writeConfig(readYamlFile(IMAGE_CONFIG))
  const env = { CARRIER_GATEWAY_CONFIG: file }
  const add = await runCli(['carriers', 'add', 'XT', '--name', 'Example Test Air', '--https', '--cert', certs.file('xa-client.crt')], env)
  t.equal(add.code, 0, add.stderr)
  t.match(add.stdout, `wrote ${l.at('/etc/carrier-gateway/carriers/XT.yaml')} (stage testing)`)
  const check = await runCli(['check-config'], env)
  t.equal(check.code, 0, check.stderr)
  t.match(check.stdout, '1 carrier agreement ok')
  const stage = await runCli(['carriers', 'set-stage', 'XT', 'suspended', '--reason', 'container layout test', '--by', 'tester'], env)
  t.equal(stage.code, 0, stage.stderr)
  const audit = l.at('/var/lib/carrier-gateway/audit/audit.log')
  t.ok(existsSync(audit), 'the audit log is written through /etc/carrier-gateway/audit.log into /var/lib/carrier-gateway/audit/')
  const entry = JSON.parse(readFileSync(audit, 'utf8').trim())
  t.match(entry, { action: 'set-stage', carrier: 'XT', from: 'testing', to: 'suspended', by: 'tester' })
  const show = await runCli(['carriers', 'show', 'XT', '--json'], env)
  t.equal(show.code, 0, show.stderr)
  t.match(JSON.stringify(show.json()), 'container layout test', 'carriers show reads the history back')
})

function get (port: number, path: string): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, res => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    }).on('error', reject).end()
  })
}

t.test('the image config starts a gateway on the mounted folders; /health/ready answers 200', async t => {
  const l = layout(IMAGE_SECRETS)
  // Only the ports change (0: free ones), as several test files run on this machine at once.
  const config = readYamlFile(IMAGE_CONFIG)
  config.https.port = 0
  config.admin.port = 0
  const file = l.writeConfig(config)
  // A generous start deadline: the machine's two cores are shared with other test files.
  const gw = await startGatewayChild(t, file, 90_000)
  const ready = await get(gw.adminPort, '/health/ready')
  t.equal(ready.status, 200, ready.body)
  t.ok(existsSync(l.at('/var/lib/carrier-gateway/ledger.db')), 'the SQLite ledger is in the state folder')
  const metrics = await get(gw.adminPort, '/metrics')
  t.equal(metrics.status, 200, '/metrics needs no token')
  const admin = await get(gw.adminPort, '/admin/carriers')
  t.equal(admin.status, 401, '/admin/* needs the token from the secret file')
  gw.kill('SIGTERM')
  const exit = await gw.exited
  t.equal(exit.code, 0, 'graceful stop on SIGTERM')
})
