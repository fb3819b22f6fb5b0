// compose.yaml (docs/container.md "The compose stack"): `docker-compose config` accepts it, and its
// normalised output has the wiring the docs describe. No Docker engine is needed for `config`, and
// none is used: the stack is not started here (docs/container.md "What the tests check").
import t from 'tap'
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { parse } from 'yaml'
import { validateConfig, type GatewayConfig } from '../../src/config/index.js'
import { COMPOSE_CONFIG, REPO, readYamlFile } from './layout.js'

const GATEWAYS = ['gateway-1', 'gateway-2']
const SERVICES = [...GATEWAYS, 'rabbitmq', 'postgres', 'prometheus', 'grafana']

function compose (...args: string[]): { status: number | null, stdout: string, stderr: string } {
  // An env without COMPOSE_* from the caller's shell: the file alone decides the result.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COMPOSE_')))
  const r = spawnSync('docker-compose', ['-f', join(REPO, 'compose.yaml'), ...args], { cwd: REPO, env, encoding: 'utf8' })
  if (r.error !== undefined) throw new Error(`docker-compose cannot be run (${r.error.message}); scripts/test-services.mjs installs it`)
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const full = compose('config')
const stack = parse(full.stdout) as any
const gatewayConfig = ((): GatewayConfig => {
  const v = validateConfig(readYamlFile(COMPOSE_CONFIG), COMPOSE_CONFIG)
  if (v.config === null) throw new Error(JSON.stringify(v.problems))
  return v.config
})()

interface Mount { source: string, target: string, mode: string }
/** A service's volumes in the normalised short form `source:target[:mode]`. */
function mounts (service: string): Mount[] {
  return (stack.services[service].volumes as string[]).map(v => {
    const [source, target, mode = 'rw'] = v.split(':')
    return { source, target, mode }
  })
}
const mountAt = (service: string, target: string): Mount | undefined => mounts(service).find(m => m.target === target)
/** The mount that holds `path` inside the service's container (the deepest one). */
function mountFor (service: string, path: string): Mount | undefined {
  return mounts(service).filter(m => path === m.target || path.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0]
}
const secretsOf = (service: string): string[] => (stack.services[service].secrets ?? []).map((s: { source: string }) => s.source)

t.test('docker-compose config accepts compose.yaml, also with --quiet', async t => {
  t.equal(full.status, 0, full.stderr)
  t.equal(full.stderr.trim(), '', 'no warning')
  const quiet = compose('config', '--quiet')
  t.equal(quiet.status, 0, quiet.stderr)
  t.equal(quiet.stdout, '', '--quiet prints nothing')
  const services = compose('config', '--services')
  t.same(services.stdout.trim().split('\n').sort(), [...SERVICES].sort())
  t.match(execFileSync('docker-compose', ['version'], { encoding: 'utf8' }), /docker-compose version/)
})

t.test('two gateways from the one image, on the shared ledger and broker, one spool each', async t => {
  for (const g of GATEWAYS) {
    const s = stack.services[g]
    t.equal(s.image, 'carrier-gateway:latest', `${g} image`)
    t.equal(s.build.context, REPO, `${g} is built from the repository's Dockerfile`)
    t.equal(s.environment.CARRIER_GATEWAY_CONFIG, '/etc/carrier-gateway/gateway.yaml')
    t.same(mountAt(g, '/etc/carrier-gateway/gateway.yaml'),
      { source: COMPOSE_CONFIG, target: '/etc/carrier-gateway/gateway.yaml', mode: 'ro' },
      `${g} reads config/container/compose/gateway.yaml`)
    t.same(s.depends_on, { postgres: { condition: 'service_healthy' }, rabbitmq: { condition: 'service_healthy' } })
    t.ok(s.healthcheck.test.join(' ').includes(`127.0.0.1:${gatewayConfig.admin.port}/health/ready`), `${g} healthcheck on /health/ready`)
    t.same(s.ports.map((p: { target: number }) => p.target), [gatewayConfig.https.port], `${g} publishes the HTTPS port only`)
    t.equal(s.read_only, true)
    t.equal(s.init, true)
  }
  t.not(stack.services['gateway-1'].ports[0].published, stack.services['gateway-2'].ports[0].published, 'distinct host ports')
  // The shared parts: the one ledger and broker (the config), the agreements and the audit log.
  t.equal(gatewayConfig.ledger.kind, 'postgres')
  t.equal(gatewayConfig.forward.target, 'amqp')
  t.equal(gatewayConfig.forward.amqp.queueType, 'quorum')
  const shared = (path: string): void => {
    const [a, b] = GATEWAYS.map(g => mountFor(g, path))
    t.ok(a !== undefined && !a.source.startsWith('/') && a.mode === 'rw', `${path} is on a writable named volume`)
    t.equal(a?.source, b?.source, `${path} is shared by both gateways`)
  }
  shared(gatewayConfig.carriers)
  shared('/var/lib/carrier-gateway/audit/audit.log')
  const spools = GATEWAYS.map(g => mountFor(g, gatewayConfig.spool.path))
  t.ok(spools.every(m => m !== undefined && !m.source.startsWith('/')), 'each spool is on a named volume')
  t.not(spools[0]?.source, spools[1]?.source, 'each gateway has its own spool')
})

t.test('the gateways get every secret file their config names, and the broker and database theirs', async t => {
  const named = [gatewayConfig.https.key, gatewayConfig.admin.token, gatewayConfig.ledger.url, gatewayConfig.forward.amqp.url]
    .map(v => String(v).replace(/^file:/, ''))
  t.ok(named.every(p => p.startsWith('/run/secrets/')), 'the key, the token and both URLs are secret files')
  for (const g of GATEWAYS) t.same(secretsOf(g).sort(), named.map(p => posix.basename(p)).sort(), `${g} secrets`)
  t.notOk(GATEWAYS.some(g => secretsOf(g).includes('ca_key')), 'the CA key is not handed to the running gateways')
  for (const [name, def] of Object.entries(stack.secrets as Record<string, { file: string }>)) {
    t.equal(posix.dirname(def.file), join(REPO, 'secrets'), `secret ${name} is a file under secrets/`)
  }
  t.equal(stack.services.postgres.environment.POSTGRES_PASSWORD_FILE, '/run/secrets/postgres_password')
  t.same(secretsOf('postgres'), ['postgres_password'])
  t.match(stack.services.rabbitmq.secrets, [{ source: 'rabbitmq_conf', target: /^\/etc\/rabbitmq\/conf\.d\/.+\.conf$/ }])
  t.equal(stack.services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD__FILE, '/run/secrets/grafana_admin_password')
})

t.test('every service has a healthcheck and keeps its data on a declared named volume', async t => {
  for (const name of SERVICES) t.ok(Array.isArray(stack.services[name].healthcheck?.test), `${name} healthcheck`)
  const declared = Object.keys(stack.volumes)
  const used = SERVICES.flatMap(s => mounts(s).filter(m => !m.source.startsWith('/')).map(m => m.source))
  t.same([...new Set(used)].sort(), declared.sort(), 'every named volume is declared and used')
  t.equal(mountFor('postgres', '/var/lib/postgresql/data')?.source, 'postgres-data')
  t.equal(mountFor('rabbitmq', '/var/lib/rabbitmq')?.source, 'rabbitmq-data')
  t.equal(stack.services.rabbitmq.hostname, 'rabbitmq', 'a fixed node name, so the broker finds its data again')
  t.equal(mountFor('prometheus', '/prometheus')?.source, 'prometheus-data')
  t.equal(mountFor('grafana', '/var/lib/grafana')?.source, 'grafana-data')
})

t.test('Prometheus scrapes both gateways and loads the shipped rules', async t => {
  const conf = mountAt('prometheus', '/etc/prometheus/prometheus.yml')
  t.ok(conf !== undefined && conf.mode === 'ro')
  const prom = parse(readFileSync(conf?.source ?? '', 'utf8')) as any
  const rules = mounts('prometheus').filter(m => m.source === join(REPO, 'monitoring/prometheus-alerts.yml'))
  t.equal(rules.length, 1, 'monitoring/prometheus-alerts.yml is mounted')
  t.same(prom.rule_files, [rules[0]?.target], 'at the path prometheus.yml loads rules from')
  const job = prom.scrape_configs.find((j: { job_name: string }) => j.job_name === 'carrier-gateway')
  t.ok(job, 'job carrier-gateway, which the alert rules match')
  const targets = job.static_configs.flatMap((c: { targets: string[] }) => c.targets)
  t.same(targets.sort(), GATEWAYS.map(g => `${g}:${gatewayConfig.admin.port}`).sort())
  t.equal(gatewayConfig.admin.host, '0.0.0.0', 'the admin listener is reachable from Prometheus')
})

t.test('Grafana provisions the Prometheus data source and the shipped dashboard', async t => {
  const prov = mountAt('grafana', '/etc/grafana/provisioning')
  t.equal(prov?.source, join(REPO, 'monitoring/grafana/provisioning'))
  const ds = parse(readFileSync(join(REPO, 'monitoring/grafana/provisioning/datasources/prometheus.yaml'), 'utf8')) as any
  t.match(ds.datasources, [{ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true }])
  const providers = parse(readFileSync(join(REPO, 'monitoring/grafana/provisioning/dashboards/carrier-gateway.yaml'), 'utf8')) as any
  const dir = providers.providers[0].options.path
  const dashboard = mounts('grafana').find(m => m.source === join(REPO, 'monitoring/grafana-dashboard.json'))
  t.ok(dashboard !== undefined && posix.dirname(dashboard.target) === dir,
    `the dashboard is mounted in the provider's folder, ${String(dir)}`)
  t.equal(JSON.parse(readFileSync(join(REPO, 'monitoring/grafana-dashboard.json'), 'utf8')).uid, 'carrier-gateway')
})

t.test('docs/container.md names every service of the stack', async t => {
  const doc = readFileSync(join(REPO, 'docs/container.md'), 'utf8')
  for (const name of SERVICES) t.match(doc, `\`${name}\``, name)
})
