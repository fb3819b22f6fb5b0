// The container's mounted folders (docs/container.md "Volumes"), laid out under a temporary
// directory: /etc/carrier-gateway (config, certs, agreements), /var/lib/carrier-gateway (state) and
// /run/secrets become <base>/etc/carrier-gateway, ... The container configs name absolute paths;
// relocate() moves exactly those roots and nothing else, so what is checked is the shipped file.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parse, stringify } from 'yaml'

export const REPO = resolve('.')
export const IMAGE_CONFIG = join(REPO, 'config/container/gateway.yaml')
export const COMPOSE_CONFIG = join(REPO, 'config/container/compose/gateway.yaml')
export const IMAGE_CARRIERS = join(REPO, 'config/container/carriers')

/** The mount roots the container configs may name (docs/container.md "Volumes", "Secrets"). */
export const ROOTS = ['/etc/carrier-gateway', '/var/lib/carrier-gateway', '/run/secrets'] as const

export function readYamlFile (file: string): any {
  return parse(readFileSync(file, 'utf8'))
}

/** Every string in the config naming a path under one of ROOTS (also as `file:PATH`), moved under base. */
export function relocate (value: unknown, base: string): unknown {
  if (typeof value === 'string') {
    const prefix = value.startsWith('file:') ? 'file:' : ''
    const path = value.slice(prefix.length)
    const root = ROOTS.find(r => path === r || path.startsWith(`${r}/`))
    return root === undefined ? value : `${prefix}${join(base, path)}`
  }
  if (Array.isArray(value)) return value.map(v => relocate(v, base))
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relocate(v, base)]))
  return value
}

/** Every absolute path a config names (plain or `file:`), with its JSON pointer. */
export function absolutePaths (value: unknown, at = ''): Array<{ at: string, path: string }> {
  if (typeof value === 'string') {
    const path = value.startsWith('file:') ? value.slice(5) : value
    return path.startsWith('/') ? [{ at, path }] : []
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => absolutePaths(v, `${at}/${i}`))
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => absolutePaths(v, `${at}/${k}`))
  return []
}

export interface Certs {
  dir: string
  file: (name: string) => string
}

/**
 * A fresh certificate set from the repository's own generator: certs-example/generate.sh copied into
 * a temporary repository-shaped folder (it writes beside itself and rewrites only that folder's
 * config/carriers, which does not exist there), so the example set in the repository is untouched.
 */
export function generateCerts (): Certs {
  const work = mkdtempSync(join(tmpdir(), 'cg-container-certs-'))
  const dir = join(work, 'certs-example')
  mkdirSync(dir)
  copyFileSync(join(REPO, 'certs-example/generate.sh'), join(dir, 'generate.sh'))
  execFileSync('bash', [join(dir, 'generate.sh')], { stdio: 'pipe' })
  return { dir, file: name => join(dir, name) }
}

export interface Layout {
  base: string
  /** The container path `p` (under one of ROOTS) on this machine. */
  at: (p: string) => string
  /** Writes the relocated config as <base>/etc/carrier-gateway/gateway.yaml; returns its path. */
  writeConfig: (config: unknown) => string
}

/**
 * The folders as the image and its mounts provide them: the image's agreements folder content, the
 * state folder with audit/, the audit-log link the Dockerfile makes, the certificates a PIU mounts,
 * and the secret files. `secrets` maps a name under /run/secrets to its content.
 */
export function layOut (certs: Certs, secrets: Record<string, string>, root = mkdtempSync(join(tmpdir(), 'cg-container-'))): Layout {
  const at = (p: string): string => join(root, p)
  mkdirSync(at('/etc/carrier-gateway/certs'), { recursive: true })
  cpSync(IMAGE_CARRIERS, at('/etc/carrier-gateway/carriers'), { recursive: true })
  for (const d of ['spool', 'outbox', 'quarantine', 'audit']) mkdirSync(at(`/var/lib/carrier-gateway/${d}`), { recursive: true })
  symlinkSync(at('/var/lib/carrier-gateway/audit/audit.log'), at('/etc/carrier-gateway/audit.log'))
  for (const f of ['server.key', 'server.crt', 'ca.crt']) copyFileSync(certs.file(f), at(`/etc/carrier-gateway/certs/${f}`))
  mkdirSync(at('/run/secrets'), { recursive: true })
  for (const [name, content] of Object.entries(secrets)) writeFileSync(at(`/run/secrets/${name}`), content, { mode: 0o600 })
  const writeConfig = (config: unknown): string => {
    const file = at('/etc/carrier-gateway/gateway.yaml')
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, stringify(relocate(config, root)))
    return file
  }
  return { base: root, at, writeConfig }
}
