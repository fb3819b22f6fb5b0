// build(t): a real gateway on port 0 with a test config in a temp folder, closed in t.teardown
// (docs/testing.md). Agreements are written as YAML files so they go through the same loading
// and validation as production ones. Logs go to an in-memory pino destination the test can read
// back (to assert that no passenger value is ever logged).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { stringify } from 'yaml'
import { configFrom } from '../../src/config/index.js'
import { createGateway, type Gateway } from '../../src/app.js'
import { createLogger } from '../../src/logger.js'

export interface TeardownHost { teardown: (fn: () => unknown) => void }

export const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'
export const pgUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const CERTS = join(import.meta.dirname, '..', '..', 'certs-example')

export function fingerprintOf (name: string): string {
  const line = readFileSync(join(CERTS, 'fingerprints.txt'), 'utf8').split('\n').find(l => l.startsWith(`${name} `))
  if (line === undefined) throw new Error(`no example certificate ${name}`)
  return line.split(' ')[1]
}

export function tmpDir (t: TeardownHost, prefix = 'cg-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

type Doc = Record<string, unknown>

/** An XA-like agreement over HTTPS with the example client certificate; fields overridable. */
export function exampleAgreement (overrides: Doc = {}): Doc {
  return {
    code: 'XA',
    name: 'Example Air',
    stage: 'live',
    senderIds: ['XAAPI'],
    messages: {
      PAXLST: { versions: ['D02B', 'D05B', 'D12B', 'D15B'], ack: 'contrl' },
      PNRGOV: { versions: ['10.1', '11.1', '13.1'], ack: 'ackres' }
    },
    channels: { https: { certificates: [fingerprintOf('xa-client')] } },
    ...overrides
  }
}

function isDoc (x: unknown): boolean {
  return x !== null && typeof x === 'object' && !Array.isArray(x)
}

function merge (base: Doc, over: Doc): Doc {
  const out: Doc = { ...base }
  for (const [k, v] of Object.entries(over)) {
    out[k] = isDoc(v) && isDoc(base[k]) ? merge(base[k] as Doc, v as Doc) : v
  }
  return out
}

/** Collects log lines in memory. */
export class LogSink extends Writable {
  lines: string[] = []
  override _write (chunk: Buffer, _enc: string, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(l => l !== ''))
    cb()
  }

  records (): Array<Record<string, unknown>> { return this.lines.map(l => JSON.parse(l) as Record<string, unknown>) }
  text (): string { return this.lines.join('\n') }
}

export interface BuildOptions {
  config?: Doc
  agreements?: Doc[]
  /** Skip start() (tests that start it themselves). */
  start?: boolean
  /** Reuse a folder (restart scenarios); default a new temp folder. */
  dir?: string
}

export interface Built { gateway: Gateway, dir: string, logs: LogSink, carriersDir: string }

export function testConfig (dir: string, carriersDir: string, extra: Doc = {}): Doc {
  return merge({
    identity: { receiverIds: ['GOVPIU'], senderId: 'GOVPIU' },
    https: { host: '127.0.0.1', port: 0, key: join(CERTS, 'server.key'), cert: join(CERTS, 'server.crt'), clientCa: join(CERTS, 'ca.crt') },
    admin: { host: '127.0.0.1', port: 0 },
    forward: { target: 'directory', directory: { path: join(dir, 'outbox') } },
    spool: { path: join(dir, 'spool'), relayIntervalMs: 100 },
    ledger: { kind: 'sqlite', path: join(dir, 'ledger.db') },
    quarantine: { path: join(dir, 'quarantine') },
    carriers: carriersDir,
    // Checking on the event loop: under the tests' TypeScript loader a checking worker takes ~7 s
    // (and as much CPU) to start, against ~0.3 s compiled. The tests that exercise the pool
    // (test/pipeline/check-pool.test.ts, the flight day, the sensitive-data filter) ask for it.
    limits: { checkWorkers: 0 },
    log: { level: 'info' }
  }, extra)
}

/** The production default for checking (one worker thread per core), for the tests of that path. */
export const WORKER_CHECKING = { limits: { checkWorkers: 'auto' } } as const

export function writeAgreements (carriersDir: string, agreements: Doc[]): void {
  mkdirSync(carriersDir, { recursive: true })
  for (const a of agreements) writeFileSync(join(carriersDir, `${String(a.code)}.yaml`), stringify(a))
}

export async function buildGateway (t: TeardownHost, opts: BuildOptions = {}): Promise<Built> {
  const dir = opts.dir ?? tmpDir(t)
  const carriersDir = join(dir, 'carriers')
  writeAgreements(carriersDir, opts.agreements ?? [exampleAgreement()])
  const config = configFrom(testConfig(dir, carriersDir, opts.config ?? {}))
  const logs = new LogSink()
  const gateway = await createGateway({ config, logger: createLogger(config.log.level, logs) })
  t.teardown(async () => { await gateway.close() })
  if (opts.start !== false) await gateway.start()
  return { gateway, dir, logs, carriersDir }
}

export function clientTls (name = 'xa-client'): { cert: Buffer, key: Buffer, ca: Buffer } {
  return {
    cert: readFileSync(join(CERTS, `${name}.crt`)),
    key: readFileSync(join(CERTS, `${name}.key`)),
    ca: readFileSync(join(CERTS, 'ca.crt'))
  }
}

/** Resolves when `check` holds; rejects with `what` after `ms` (test/helpers/wait.ts). */
export { waitFor } from './wait.js'

/** A metric's current value summed over the label sets matching `labels` (0 when absent). */
export async function metricValue (gateway: Gateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = gateway.metrics.registry.getSingleMetric(name)
  if (metric === undefined) return 0
  const data = await metric.get()
  let sum = 0
  for (const v of data.values) {
    if (Object.entries(labels).every(([k, val]) => String((v.labels as Record<string, unknown>)[k]) === val)) sum += v.value
  }
  return sum
}
