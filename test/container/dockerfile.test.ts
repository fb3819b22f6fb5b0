// The Dockerfile and .dockerignore against the image config (docs/container.md "The image"): the
// image copies what config/container/gateway.yaml names, creates the writable folders it needs for
// the uid it runs as, has openssl, and checks /health/ready. The Dockerfile is read, not built: no
// Docker engine runs here (docs/container.md "What the tests check").
import t from 'tap'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, posix, relative } from 'node:path'
import { validateConfig, type GatewayConfig } from '../../src/config/index.js'
import { auditLogPath } from '../../src/onboarding/stage.js'
import { IMAGE_CONFIG, REPO, readYamlFile } from './layout.js'

interface Instruction { op: string, args: string, line: number }

/** Instructions of the Dockerfile (comments dropped, `\` continuations joined). */
function instructions (text: string): Instruction[] {
  const out: Instruction[] = []
  let pending = ''
  let start = 0
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) return
    if (pending === '') start = i + 1
    pending += (pending === '' ? '' : ' ') + line.replace(/\\$/, '').trim()
    if (line.endsWith('\\')) return
    const m = /^(\w+)\s+(.*)$/.exec(pending)
    if (m !== null) out.push({ op: m[1].toUpperCase(), args: m[2], line: start })
    pending = ''
  })
  return out
}

const all = instructions(readFileSync(join(REPO, 'Dockerfile'), 'utf8'))
const lastFrom = all.map(i => i.op).lastIndexOf('FROM')
const runtime = all.slice(lastFrom)
const of = (op: string): Instruction[] => runtime.filter(i => i.op === op)
const runText = of('RUN').map(i => i.args).join(' && ')
const config: GatewayConfig = ((): GatewayConfig => {
  const v = validateConfig(readYamlFile(IMAGE_CONFIG), IMAGE_CONFIG)
  if (v.config === null) throw new Error(JSON.stringify(v.problems))
  return v.config
})()

/** COPY from the build context: [flags, sources, destination]. */
function contextCopies (): Array<{ flags: string[], sources: string[], dest: string }> {
  return of('COPY').map(i => i.args.split(/\s+/)).filter(w => !w.some(x => x.startsWith('--from='))).map(w => {
    const flags = w.filter(x => x.startsWith('--'))
    const rest = w.filter(x => !x.startsWith('--'))
    return { flags, sources: rest.slice(0, -1), dest: rest.at(-1) ?? '' }
  })
}

/** .dockerignore patterns (Go filepath.Match with `**`), as regular expressions. */
function ignoreRules (): RegExp[] {
  const lines = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n').map(l => l.trim())
  return lines.filter(l => l !== '' && !l.startsWith('#')).map(p => {
    if (p.startsWith('!')) throw new Error('exceptions are not used in .dockerignore; this reader does not handle them')
    const body = p.replace(/^\/+|\/+$/g, '').split(/(\*\*\/|\*\*|\*|\?)/).map(part => {
      if (part === '**/') return '(?:.*/)?'
      if (part === '**') return '.*'
      if (part === '*') return '[^/]*'
      if (part === '?') return '[^/]'
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    }).join('')
    return new RegExp(`^${body}$`)
  })
}
const rules = ignoreRules()
/** Whether the build context leaves `path` out: the path or one of its parent folders matches. */
function ignored (path: string): boolean {
  const parts = path.split('/')
  return parts.some((_, i) => rules.some(r => r.test(parts.slice(0, i + 1).join('/'))))
}
function filesUnder (path: string): string[] {
  const abs = join(REPO, path)
  if (!statSync(abs).isDirectory()) return [path]
  return readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter(f => statSync(join(abs, f)).isFile()).map(f => posix.join(path, f))
}

t.test('the image reads the container config; the default config and agreements are not in the image', async t => {
  t.match(of('ENV').map(i => i.args).join(' '), /CARRIER_GATEWAY_CONFIG=\/etc\/carrier-gateway\/gateway\.yaml/)
  const copies = contextCopies()
  const cfg = copies.find(c => c.sources.includes('config/container/gateway.yaml'))
  t.equal(cfg?.dest, '/etc/carrier-gateway/gateway.yaml', 'config/container/gateway.yaml is the file CARRIER_GATEWAY_CONFIG names')
  const carriers = copies.find(c => c.sources.some(s => s.replace(/\/$/, '') === 'config/container/carriers'))
  t.equal(carriers?.dest.replace(/\/$/, ''), config.carriers, 'the agreements folder is where the config looks for it')
  t.ok(carriers?.flags.includes('--chown=gateway:gateway'), 'and writable by the gateway (carriers add, set-stage)')
  for (const c of copies) {
    for (const s of c.sources) {
      t.ok(existsSync(join(REPO, s)), `COPY ${s} exists`)
      for (const f of filesUnder(s.replace(/\/$/, ''))) t.notOk(ignored(f), `${f} is in the build context (.dockerignore)`)
    }
  }
  const never = ['certs-example/server.key', 'certs-example/ca.crt', 'config/gateway.yaml', 'config/carriers/XA.yaml',
    'secrets/admin_token', 'certs/server.key']
  for (const path of never) {
    t.ok(ignored(path), `${path} never reaches an image`)
  }
  const broad = copies.filter(c => c.sources.some(s => s === 'config' || s.startsWith('config/carriers') || s.startsWith('certs')))
  t.same(broad, [], 'no COPY of config/ as a whole, of the development agreements or of certificates')
})

t.test('the folders the config writes exist, belong to the gateway user and are volumes', async t => {
  const state = [config.spool.path, config.quarantine.path, config.forward.directory.path, posix.dirname(config.ledger.path)]
  const mkdir = /mkdir -p ([^&]+)/.exec(runText)?.[1].split(/\s+/).filter(Boolean) ?? []
  for (const d of state) t.ok(mkdir.includes(d) || d === '/var/lib/carrier-gateway', `${d} is created`)
  t.ok(mkdir.includes('/var/lib/carrier-gateway/audit'), 'the audit folder is created')
  t.match(runText, /chown -R gateway:gateway \/var\/lib\/carrier-gateway /, 'the state folder belongs to the gateway user')
  for (const d of state) t.ok(d.startsWith('/var/lib/carrier-gateway'), `${d} is in the state folder`)
  t.match(runText, `ln -s /var/lib/carrier-gateway/audit/audit.log ${auditLogPath(config.carriers)}`,
    'the audit log (<carriers>/../audit.log) is linked into the state folder')
  const volumes = JSON.parse(of('VOLUME')[0]?.args ?? '[]') as string[]
  t.same(volumes.sort(), [config.carriers, '/var/lib/carrier-gateway'].sort(), 'agreements and state are volumes')
  t.ok(of('VOLUME')[0].line > Math.max(...of('RUN').map(i => i.line)), 'VOLUME after the folders are made (later changes to it are lost)')
  // Certificates and secrets are mounted, never in the image.
  const certFiles = [config.https.key, String(config.https.cert), config.https.clientCa, config.ca.cert]
  for (const p of certFiles) t.match(p, /^\/etc\/carrier-gateway\/certs\//)
  for (const p of [config.admin.token, config.ca.key]) t.match(p, /^file:\/run\/secrets\//)
})

t.test('non-root user with a fixed uid, openssl, the CLI on PATH', async t => {
  const user = of('USER').at(-1)?.args
  t.equal(user, 'gateway')
  t.match(runText, /useradd --system --uid \$\{GATEWAY_UID\}/)
  const uid = /ARG GATEWAY_UID=(\d+)/.exec(runtime.filter(i => i.op === 'ARG').map(i => `ARG ${i.args}`).join('\n'))?.[1]
  t.ok(uid !== undefined && Number(uid) > 0, `uid ${String(uid)} is not root`)
  t.match(runText, /apt-get install -y --no-install-recommends [^&]*\bopenssl\b/, 'openssl for certs issue')
  const bin = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['carrier-gateway']
  t.match(runText, `ln -s /app/${bin} /usr/local/bin/carrier-gateway`, 'carrier-gateway on PATH for `docker compose exec`')
  t.match(runText, `chmod 0755 ${bin}`)
  t.equal(readFileSync(join(REPO, 'src/cli/main.ts'), 'utf8').split('\n')[0], '#!/usr/bin/env node', 'the bin runs with node')
  t.same(JSON.parse(of('CMD').at(-1)?.args ?? '[]'), ['carrier-gateway', 'start'])
})

t.test('HEALTHCHECK on /health/ready of the admin port; both ports exposed', async t => {
  const hc = of('HEALTHCHECK').at(-1)?.args ?? ''
  t.match(hc, `http://127.0.0.1:${config.admin.port}/health/ready`)
  t.equal(config.admin.host, '0.0.0.0', '127.0.0.1 inside the container reaches a listener on 0.0.0.0')
  t.same(of('EXPOSE').flatMap(i => i.args.split(/\s+/)).map(Number).sort(), [config.https.port, config.admin.port].sort())
  t.equal(relative(REPO, IMAGE_CONFIG), 'config/container/gateway.yaml')
})
