/**
 * The ledger's part of the sum of parts (docs/benchmarks.md "How it measures"): client-side CPU per
 * accepted transmission of the Ledger calls the batch pipeline makes for one HTTPS PAXLST, on SQLite
 * (a temp file) and on PostgreSQL (a throwaway schema, dropped afterwards).
 *
 * The calls, as src/pipeline/steps/ make them for an accepted transmission whose dedupe key is new:
 * - dedupe (`dedupe.ts`): `claimOriginal(row)` writes the row and takes the key; it resolves null;
 * - record and flight (`record.ts`, `flight.ts`), issued together as `pipeline.ts` does (on SQLite
 *   they share one group commit): `update(id, answered)`, the row patched with the ack as sent,
 *   and `flights.link(links)`, the message linked to its flight;
 * - answer (`answer.ts`): no call, since only a CUSRES 312 or a PNRGOV push answers a message to a carrier.
 * Each transmission awaits its calls in turn, as one request does, with `concurrency` transmissions
 * in flight: the saturation run's 32 by default, because that is the load the gateway's CPU per
 * transmission is measured under, and SQLite's group commit shares one transaction and one fsync
 * among the writes of one event-loop turn (one at a time, a transmission's writes cost several
 * times as much CPU: two commits and two fsyncs each).
 *
 * The row, the ack and the flight links come from the real checking of the e2e body
 * (checkTransmission, buildReply, flightLinksOf) under the bench carrier's agreement; each
 * transmission gets its own id, interchange reference and hash. They are built before the clock
 * starts, so only the ledger is measured: process.cpuUsage of this process over the calls, which for
 * SQLite (in-process, synchronous) is all of its work and for PostgreSQL the client side only (pg).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createLedger, type FlightLink, type Ledger, type LedgerRow } from '../src/ledger/index.js'
import { configFrom } from '../src/config/index.js'
import { validateAgreement } from '../src/agreements/store.js'
import { checkTransmission } from '../src/pipeline/check.js'
import { buildReply } from '../src/pipeline/reply.js'
import { envelopeFieldsOf } from '../src/pipeline/row.js'
import { flightLinksOf } from '../src/pipeline/steps/flight.js'
import { createAckReferences } from '../src/acknowledge/index.js'
import { newTransmissionId, sha256Hex } from '../src/intake/transmission.js'
import { newLedgerRow } from '../src/transmission/index.js'
import { benchAgreements, benchConfig } from './gateway-setup.js'
import { placeholderOffsets, stamp } from './generate.js'
import { cpuMsSince, figureOf, type Figure } from './stats.js'

export const pgUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface LedgerCostOptions {
  /** The transmission's body (the e2e runs' PAXLST, carrier XA). */
  body: Buffer
  /** Transmissions written per store, over all runs. @default 2000 */
  transmissions?: number
  /** Measured runs per store (median reported). @default 3 */
  runs?: number
  /** Transmissions written before measuring (statements prepared, pool connected, JIT). @default 100 */
  warmup?: number
  /** Transmissions in flight, each awaiting its own calls in turn. @default 32 */
  concurrency?: number
  /** PostgreSQL; the figure is null (with a note) when it cannot be reached. @default PG_URL or postgres://postgres@127.0.0.1:5432/test */
  pgUrl?: string
}

export interface StoreCost {
  /** CPU milliseconds per transmission, one value per run; null when the store could not be measured. */
  figure: Figure | null
  /** Why the figure is null. */
  note: string | null
  transmissions: number
}

export interface LedgerCostResult { sqlite: StoreCost, postgres: StoreCost }

/** What one accepted transmission hands to the ledger. */
export interface Writes { row: LedgerRow, patch: Partial<LedgerRow>, links: FlightLink[] }

/** The transmission as checked once; `writes` varies the id, the interchange reference and the hash. */
export function acceptedWrites (body: Buffer): (serial: string) => Writes {
  // The bench gateway's config (its limits, identity), with defaults applied; the folder is never read.
  const names = { exchange: 'x', queue: 'q', testQueue: 't', quarantineQueue: 'r', iapiQueue: 'i' }
  const config = configFrom(benchConfig(join(tmpdir(), 'cg-bench-ledger-unused'), names))
  const raw = benchAgreements().find(a => a.code === 'XA')
  const { agreement, problems } = validateAgreement(raw, 'XA.yaml')
  if (agreement === null) throw new Error(`bench agreement XA: ${problems.map(p => `${p.path} ${p.message}`).join('; ')}`)
  const receivedAt = new Date()
  const checked = checkTransmission({
    bytes: body,
    candidates: [agreement],
    excluded: [],
    ctx: { receiverIds: config.identity.receiverIds, receivedAt, limits: config.limits }
  })
  const a = checked.assessment
  if (a.carrier === null || a.outcome !== 'accepted') {
    throw new Error(`the e2e body is not accepted (${a.outcome}, refusal ${a.refusal ?? 'none'})`)
  }
  const carrier = a.carrier.code
  const reply = buildReply(a, 'accepted', {
    transmissionId: 'template',
    senderId: config.identity.senderId,
    now: receivedAt,
    newReference: createAckReferences()
  })
  const offsets = placeholderOffsets(body)
  const envelope = envelopeFieldsOf(a, checked.forward.messages[0] ?? 0)
  return serial => {
    const now = new Date()
    const id = newTransmissionId(now.getTime())
    const reference = serial.padStart(14, '0')
    const iso = now.toISOString()
    // The row as the dedupe step hands it to claimOriginal (admit, assess and dedupe fields).
    const row: LedgerRow = {
      ...newLedgerRow({
        id, channel: 'https', receivedAt: iso, carrier, sha256: sha256Hex(stamp(body, offsets, reference)), size: body.length
      }),
      ...envelope,
      reference,
      outcome: 'accepted',
      destination: 'production',
      errorCodes: a.warnings.map(w => w.code)
    }
    // The record step's patch of a row the claim wrote: forwarded to the target, acknowledged.
    const patch: Partial<LedgerRow> = {
      status: 'acknowledged',
      forwardedAt: iso,
      acknowledgedAt: iso,
      ackKind: reply.ackKind,
      ack: reply.ackText,
      ackSentAt: reply.ack !== null ? iso : null
    }
    const links = flightLinksOf({
      id,
      carrier,
      receivedAt: now,
      outcome: 'accepted',
      errorCodes: [],
      messages: a.messages,
      messageOutcomes: a.messageOutcomes
    })
    return { row, patch, links }
  }
}

/** One accepted transmission's ledger calls, in the pipeline's order. */
export async function writeAccepted (ledger: Ledger, w: Writes): Promise<void> {
  const held = await ledger.claimOriginal(w.row)
  if (held !== null) throw new Error('dedupe key already held: the references must be distinct')
  await Promise.all([ledger.update(w.row.id, w.patch), ledger.flights.link(w.links)])
}

let series = 0

/** Writes every transmission of `batch`, `concurrency` at a time, each one's calls in turn. */
async function writeAll (ledger: Ledger, batch: readonly Writes[], concurrency: number): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < batch.length) await writeAccepted(ledger, batch[next++])
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker))
}

type Settings = Required<Omit<LedgerCostOptions, 'pgUrl'>>

/** CPU ms per transmission on an open store, one value per run. */
async function measureStore (ledger: Ledger, writes: (serial: string) => Writes, o: Settings): Promise<number[]> {
  // References unique within this process's stores: a prefix per store and run, then a counter.
  const tag = (++series).toString(36).toUpperCase()
  const batchOf = (run: string, n: number): Writes[] =>
    Array.from({ length: n }, (_, i) => writes(`L${tag}${run}${i.toString(36).toUpperCase()}`))
  await writeAll(ledger, batchOf('W', o.warmup), o.concurrency)
  const perRun = Math.max(1, Math.round(o.transmissions / o.runs))
  const out: number[] = []
  for (let r = 0; r < o.runs; r++) {
    const batch = batchOf(`R${r}N`, perRun)
    const c0 = process.cpuUsage()
    await writeAll(ledger, batch, o.concurrency)
    out.push(cpuMsSince(c0) / perRun)
  }
  return out
}

/** The URL without its password, for a note. */
function shown (url: string): string {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return '(unparsable URL)'
  }
}

/** The error's first line, with the driver's code or message (the ledger wraps it as `cause`). */
function firstLine (err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err))
  const c = e.cause instanceof Error ? e.cause as Error & { code?: string } : null
  const cause = c === null ? '' : ` (${c.code ?? c.message.split('\n')[0]})`
  return `${e.message.split('\n')[0]}${cause}`.slice(0, 200)
}

export async function benchLedgerCost (opts: LedgerCostOptions): Promise<LedgerCostResult> {
  const o = {
    body: opts.body,
    transmissions: opts.transmissions ?? 2000,
    runs: opts.runs ?? 3,
    warmup: opts.warmup ?? 100,
    concurrency: opts.concurrency ?? 32
  }
  const writes = acceptedWrites(opts.body)
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-ledger-'))
  let sqlite: StoreCost
  try {
    const ledger = await createLedger({ kind: 'sqlite', path: join(dir, 'ledger.db') })
    try {
      sqlite = { figure: figureOf(await measureStore(ledger, writes, o), 'ms CPU'), note: null, transmissions: o.transmissions }
    } finally {
      await ledger.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return { sqlite, postgres: await postgresCost(opts.pgUrl ?? pgUrl, writes, o) }
}

/** The PostgreSQL figure, optional here: unreachable or failing, it is null with the reason, never an error. */
async function postgresCost (url: string, writes: (serial: string) => Writes, o: Settings): Promise<StoreCost> {
  const schema = `bench_ledger_${randomBytes(4).toString('hex')}`
  let ledger: Ledger
  try {
    ledger = await createLedger({ kind: 'postgres', url, schema })
  } catch (err) {
    await dropSchema(url, schema)
    return { figure: null, note: `PostgreSQL unreachable at ${shown(url)}: ${firstLine(err)}`, transmissions: 0 }
  }
  try {
    return { figure: figureOf(await measureStore(ledger, writes, o), 'ms CPU'), note: null, transmissions: o.transmissions }
  } catch (err) {
    return { figure: null, note: `PostgreSQL run failed: ${firstLine(err)}`, transmissions: 0 }
  } finally {
    await ledger.close().catch(() => {})
    await dropSchema(url, schema)
  }
}

/** Drops the throwaway schema (transmissions, outbound and flight tables with it); best effort. */
async function dropSchema (url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  c.on('error', () => {})
  try {
    await c.connect()
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } catch { /* a server gone meanwhile keeps the schema; its name says it is the bench's */ } finally {
    await c.end().catch(() => {})
  }
}
