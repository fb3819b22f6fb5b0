/**
 * The load generator, run as a child process (`node dist/bench/load.js`) so that its CPU use is
 * not the gateway's: docs/benchmarks.md measures with the load in a separate process, keep-alive connections
 * from several carriers, with mutual TLS. The parent sends `{ type: 'run', id, specs }` over IPC;
 * the specs run concurrently (fairness: small transmissions beside 20 MB ones) and each answers
 * with a `LoadResult`.
 *
 * Modes:
 * - `closed`: `concurrency` requests always in flight (throughput at saturation);
 * - `open`: requests started on a fixed schedule of `rate` per second whatever the answers
 *   (latency at a fixed offered load); latency runs from the scheduled start, so a stalled server
 *   cannot hide its stall by slowing the generator down (coordinated omission);
 * - `connect`: like `closed`, but every request on a new TLS connection, with or without TLS
 *   session resumption (`resume`).
 */
import { Agent, request } from 'node:https'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { CERTS } from './paths.js'
import { iapiRequest, paxlst, paxlstOfSize, placeholderOffsets, pnrgovOfSize, stamp } from './generate.js'
import { percentile } from './stats.js'

/** A carrier identity: example client certificate and the UNB sender its agreement allows. */
export interface Identity { cert: string, carrier: string, sender: string }

export const IDENTITIES: readonly Identity[] = [
  { cert: 'xa-client', carrier: 'XA', sender: 'XAAPI' },
  { cert: 'xb-client', carrier: 'XB', sender: 'XBAPI' },
  { cert: 'xa-client-2', carrier: 'XC', sender: 'XCAPI' }
]

export function fingerprint (cert: string): string {
  return 'sha256/' + new X509Certificate(readFileSync(join(CERTS, `${cert}.crt`))).fingerprint256
}

export type BodySpec =
  | { kind: 'paxlst', bytes: number }
  | { kind: 'paxlst-pax', passengers: number }
  | { kind: 'pnrgov', bytes: number }
  | { kind: 'iapi', travellers: number }

export interface LoadSpec {
  port: number
  mode: 'closed' | 'open' | 'connect'
  /** Measured time: requests started in it are counted, however long they take to answer. */
  durationMs: number
  /** Load before measuring (connections, JIT, caches); not counted. @default 0 */
  warmupMs?: number
  /** In-flight requests for `closed` and `connect`. @default 16 */
  concurrency?: number
  /** Requests per second for `open`. */
  rate?: number
  /** Stop after this many requests (the 20 MB memory run). */
  requests?: number
  /** POST this body (a fresh interchange reference per request); GET `path` when absent. */
  body?: BodySpec
  path?: string
  identities?: readonly Identity[]
  /** Prefix of the interchange references, unique per run (2 to 4 characters). */
  refPrefix: string
  /** `connect` mode: reuse TLS sessions (tickets) across the new connections. @default false */
  resume?: boolean
  /**
   * After the window, requests still unanswered this much later are abandoned (connections
   * destroyed) and counted as failed, their time so far as their latency: an overloaded server
   * must not stretch the run without bound. @default 10000
   */
  graceMs?: number
}

export interface LoadResult {
  /** Requests started in the window that succeeded (2xx; any answer for GET). */
  ok: number
  failed: number
  /** Of the failed: abandoned after the grace period. */
  abandoned: number
  statuses: Record<string, number>
  seconds: number
  /** Successful answers received within the measured window, per second. */
  rps: number
  /**
   * Every successful answer of the run, warm-up and stragglers included: what a server's CPU over
   * the whole run is divided by (bench/e2e-phases.ts, the bare ceiling's CPU per request).
   */
  answered: number
  latencyMs: { p50: number, p90: number, p99: number, max: number, mean: number }
  /** `connect` mode: how many connections resumed a TLS session. */
  resumed: number
  errors: string[]
  bytes: number
}

const templates = new Map<string, { body: Buffer, offsets: number[] }>()

function template (spec: BodySpec, id: Identity): { body: Buffer, offsets: number[] } {
  const key = `${JSON.stringify(spec)}/${id.sender}`
  let t = templates.get(key)
  if (t === undefined) {
    const opts = { carrier: id.carrier, sender: id.sender }
    const body = spec.kind === 'paxlst'
      ? paxlstOfSize(spec.bytes, opts)
      : spec.kind === 'paxlst-pax'
        ? paxlst({ ...opts, passengers: spec.passengers })
        : spec.kind === 'iapi' ? iapiRequest({ ...opts, travellers: spec.travellers }) : pnrgovOfSize(spec.bytes, opts)
    t = { body, offsets: placeholderOffsets(body) }
    templates.set(key, t)
  }
  return t
}

function tlsOf (cert: string): { cert: Buffer, key: Buffer, ca: Buffer } {
  return {
    cert: readFileSync(join(CERTS, `${cert}.crt`)),
    key: readFileSync(join(CERTS, `${cert}.key`)),
    ca: readFileSync(join(CERTS, 'ca.crt'))
  }
}

interface Outcome { status: number, resumed: boolean, error: string | null }

function send (
  port: number,
  agent: Agent,
  tls: ReturnType<typeof tlsOf>,
  body: Buffer | null,
  path: string,
  close: boolean,
  open: Set<ClientRequest>
): Promise<Outcome> {
  return new Promise(resolve => {
    let resumed = false
    let answer: IncomingMessage | null = null
    const req = request({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      method: body === null ? 'GET' : 'POST',
      path,
      agent,
      ...tls,
      headers: {
        ...(body !== null ? { 'content-type': 'application/edifact', 'content-length': String(body.length) } : {}),
        ...(close ? { connection: 'close' } : {})
      }
    }, res => {
      answer = res
      res.on('data', () => {})
      res.on('end', () => resolve({ status: res.statusCode ?? 0, resumed, error: null }))
      res.on('error', err => resolve({ status: 0, resumed, error: err.message }))
    })
    req.on('socket', s => s.once('secureConnect', () => { resumed = (s as import('node:tls').TLSSocket).isSessionReused() }))
    req.on('error', err => resolve({ status: 0, resumed, error: (err as NodeJS.ErrnoException).code ?? err.message }))
    open.add(req)
    req.on('close', () => {
      open.delete(req)
      // Destroyed before any answer (abandoned while queued for a socket): settle it too.
      const a = answer as IncomingMessage | null
      resolve(a?.complete === true ? { status: a.statusCode ?? 0, resumed, error: null } : { status: 0, resumed, error: 'closed' })
    })
    req.end(body ?? undefined)
  })
}

/** Builds the bodies a spec will send, before any spec starts its clock. */
export function prepare (spec: LoadSpec): void {
  if (spec.body !== undefined) for (const id of spec.identities ?? IDENTITIES) template(spec.body, id)
}

export async function runLoad (spec: LoadSpec): Promise<LoadResult> {
  const ids = spec.identities ?? IDENTITIES
  const concurrency = spec.concurrency ?? 16
  const perId = Math.max(1, Math.ceil((spec.mode === 'open' ? 256 : concurrency) / ids.length))
  const clients = ids.map(id => ({
    id,
    tls: tlsOf(id.cert),
    agent: spec.mode === 'connect'
      ? new Agent({ keepAlive: false, maxCachedSessions: spec.resume === true ? 100 : 0 })
      : new Agent({ keepAlive: true, maxSockets: perId, maxFreeSockets: perId }),
    tpl: spec.body === undefined ? null : template(spec.body, id)
  }))
  const path = spec.path ?? '/v1/transmissions'
  let seq = 0
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  const errors: string[] = []
  let ok = 0
  let failed = 0
  let abandoned = 0
  let completed = 0
  let answered = 0
  let resumed = 0
  let bytes = 0
  let inFlight = 0
  const t0 = performance.now()
  const measureFrom = t0 + (spec.warmupMs ?? 0)
  const measureTo = measureFrom + spec.durationMs
  let stop = false
  let aborted = false
  const open = new Set<ClientRequest>()
  const abandon = (): void => {
    aborted = true
    for (const req of open) req.destroy()
    for (const c of clients) c.agent.destroy()
  }
  const abandonAfter = (at: number): Promise<void> =>
    new Promise(resolve => {
      setTimeout(resolve, Math.max(0, at - performance.now())).unref()
    })

  const one = async (intended: number): Promise<void> => {
    const c = clients[seq % clients.length]
    const n = seq++
    const body = c.tpl === null ? null : stamp(c.tpl.body, c.tpl.offsets, spec.refPrefix + n.toString(36).toUpperCase())
    inFlight++
    const sent = await send(spec.port, c.agent, c.tls, body, path, spec.mode === 'connect', open)
    const out = aborted && sent.status === 0 ? { ...sent, error: 'abandoned' } : sent
    inFlight--
    const end = performance.now()
    const good = (out.status >= 200 && out.status < 300) || (body === null && out.status > 0)
    if (good) answered++
    if (good && end >= measureFrom && end <= measureTo) completed++
    // Counted: every request whose (scheduled) start falls in the measured window, however long
    // it took, so that slow answers show in the latency instead of vanishing from it.
    if (intended < measureFrom || intended >= measureTo) return
    statuses[out.status] = (statuses[out.status] ?? 0) + 1
    if (out.resumed) resumed++
    if (good) {
      ok++
      bytes += body?.length ?? 0
      latencies.push(end - intended)
    } else {
      failed++
      if (out.error === 'abandoned') {
        abandoned++
        // An abandoned request took at least this long: it stays in the latency figures.
        latencies.push(end - intended)
      } else if (errors.length < 5) errors.push(out.error ?? `HTTP ${out.status}`)
    }
  }

  const done = (): boolean => stop || performance.now() >= measureTo || (spec.requests !== undefined && seq >= spec.requests)
  if (spec.mode === 'open') {
    const interval = 1000 / (spec.rate ?? 100)
    let next = t0
    const pending = new Set<Promise<void>>()
    while (!done()) {
      const now = performance.now()
      while (next <= now && !done()) {
        // A generator that cannot keep its schedule must say so rather than quietly send less.
        if (inFlight >= 5000) { failed++; if (errors.length < 5) errors.push('generator: 5000 in flight'); next += interval; continue }
        const p = one(next)
        pending.add(p)
        p.finally(() => pending.delete(p)).catch(() => {})
        next += interval
      }
      await new Promise(resolve => setTimeout(resolve, Math.max(0, Math.min(5, next - performance.now()))))
    }
    await Promise.race([Promise.all(pending), abandonAfter(measureTo + (spec.graceMs ?? 10_000))])
    abandon()
    await Promise.all(pending)
  } else {
    const worker = async (): Promise<void> => {
      while (!done()) await one(performance.now())
    }
    const all = Promise.all(Array.from({ length: concurrency }, worker))
    await Promise.race([all, abandonAfter(measureTo + (spec.graceMs ?? 10_000))])
    abandon()
    await all
  }
  stop = true
  for (const c of clients) c.agent.destroy()
  const seconds = spec.requests !== undefined ? Math.max(0.001, (performance.now() - t0) / 1000) : spec.durationMs / 1000
  const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)
  return {
    ok,
    failed,
    abandoned,
    statuses,
    seconds,
    rps: (spec.requests !== undefined ? ok : completed) / seconds,
    answered,
    latencyMs: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
      mean
    },
    resumed,
    errors,
    bytes
  }
}

// As a child: run the specs of each message concurrently and answer with their results.
if (process.send !== undefined && process.argv[1] !== undefined && /load\.[jt]s$/.test(process.argv[1])) {
  process.on('message', (msg: { type: string, id: number, specs: LoadSpec[] }) => {
    if (msg.type === 'exit') process.exit(0)
    if (msg.type !== 'run') return
    // Bodies first (a 20 MB one takes seconds to generate), so concurrent specs start together.
    for (const s of msg.specs) prepare(s)
    Promise.all(msg.specs.map(runLoad)).then(
      results => process.send?.({ type: 'result', id: msg.id, results }),
      err => process.send?.({ type: 'error', id: msg.id, message: (err as Error).message })
    )
  })
  process.send({ type: 'ready' })
}
