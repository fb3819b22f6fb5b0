/**
 * Where the checking half runs. Parsing and validating is synchronous CPU work, the largest part of what a
 * transmission costs the gateway (docs/benchmarks.md "Where the time goes"): on the event loop it
 * would use one core of the machine, and a 20 MB interchange would hold every other carrier's
 * transmission (HTTPS, SFTP, AMQP alike) for over a second. Transmissions of at least
 * `limits.checkWorkerMinBytes` (by default all) are therefore checked by a pool of worker threads
 * sized to the cores, first come first served, while the event loop serves TLS, HTTP, the ledger and
 * the broker. Large ones (`limits.checkLargeBytes`) may hold at most all workers but one, so that a
 * small transmission never waits behind a 20 MB push for a worker (docs/operations.md "Running the gateway").
 *
 * A worker that dies mid-job (out of memory, a defect) fails only that job, with a retry outcome
 * (nothing was acknowledged), and is replaced for the next one.
 */
import { Worker } from 'node:worker_threads'
import { extname } from 'node:path'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import { GatewayError } from '../errors.js'
import { checkTransmission, type Checked, type CheckJob } from './check.js'
import { fromWire, type WireAgreement, type WireJob, type WireReply } from './check-wire.js'
import type { Agreement } from '../agreements/schema.js'

export interface CheckerOptions {
  /** Worker threads for large transmissions; 0 checks everything on the event loop. */
  threads: number
  /** Transmissions of at least this many bytes go to a worker. */
  minBytes: number
  /**
   * Transmissions of at least this many bytes are large: with two workers or more, at most
   * `threads - 1` large ones are checked at a time. @default Infinity
   */
  largeBytes?: number
  logger: Logger
  /** Told the number of transmissions waiting for a worker whenever it changes (a gauge). */
  onWaiting?: (waiting: number) => void
  /**
   * Agreements a worker keeps; past it, it is told to forget them (each reload leaves the old ones
   * behind). @default 4096
   */
  agreementsKept?: number
  /** The worker module; tests substitute one that fails. @default ./check-worker */
  workerUrl?: URL
}

export interface Checker {
  check (job: CheckJob): Promise<Checked>
  /** Transmissions waiting for a free worker. */
  readonly waiting: number
  /** Stops the workers; jobs still waiting fail with a retry outcome. */
  close (): Promise<void>
}

interface Pending { job: CheckJob, large: boolean, resolve: (c: Checked) => void, reject: (e: Error) => void }
interface Slot {
  worker: Worker
  busy: (Pending & { id: number }) | null
  /** The agreements (by number) this worker was sent and keeps. */
  knows: Set<number>
}

/** The worker module beside this one: `.ts` when running from source (tests), `.js` when built. */
const WORKER_URL = new URL(`./check-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

/** `limits.checkWorkers` as a thread count: `auto` is one per core the process may use. */
export function checkThreadsOf (setting: 'auto' | number): number {
  return setting === 'auto' ? availableParallelism() : setting
}

/**
 * The bytes in a memory block of their own, moved to the worker rather than cloned: cloning a
 * Buffer copies its whole memory block, and a body may be a slice of a much larger one (posting
 * a 30 kB slice of a 1 MB block took 0.73 ms, a 30 kB block of its own 0.04 ms, on the reference
 * machine). The caller keeps its Buffer: results refer to it by offsets (check-wire.ts).
 */
function ownCopy (bytes: Buffer): Uint8Array<ArrayBuffer> {
  const own = new Uint8Array(new ArrayBuffer(bytes.length))
  own.set(bytes)
  return own
}

function failed (why: string): GatewayError {
  return new GatewayError('GW_ERR_MESSAGE_CHECK_UNAVAILABLE', why)
}

export function createChecker (opts: CheckerOptions): Checker {
  const slots: Slot[] = []
  const queue: Pending[] = []
  let nextId = 1
  let closed = false
  const largeBytes = opts.largeBytes ?? Infinity
  // One worker stays free of large jobs when there are two or more (see the module comment).
  const largeCap = opts.threads >= 2 ? opts.threads - 1 : opts.threads
  const busyLarge = (): number => slots.reduce((n, s) => n + (s.busy?.large === true ? 1 : 0), 0)

  /** The oldest waiting job a free worker may take now: arrival order, large ones within their cap. */
  function nextEligible (): number {
    const largeAllowed = busyLarge() < largeCap
    return queue.findIndex(p => !p.large || largeAllowed)
  }

  // Agreements are frozen and a reload makes new ones (agreements/store.ts): the object is its own version.
  const agreementRefs = new WeakMap<Agreement, number>()
  let nextRef = 1
  function wireAgreement (slot: Slot, agreement: Agreement): WireAgreement {
    let ref = agreementRefs.get(agreement)
    if (ref === undefined) agreementRefs.set(agreement, ref = nextRef++)
    if (slot.knows.has(ref)) return { ref }
    slot.knows.add(ref)
    return { ref, agreement }
  }

  function settle (slot: Slot, reply: WireReply): void {
    const p = slot.busy
    if (p === null || p.id !== reply.id) return
    slot.busy = null
    slot.worker.unref()
    if ('failure' in reply) p.reject(failed(`worker could not check the transmission (${reply.failure})`))
    else p.resolve(fromWire(reply.checked, p.job.bytes, p.job.candidates))
    dispatch()
  }

  function retire (slot: Slot, why: string): void {
    const i = slots.indexOf(slot)
    if (i < 0) return
    slots.splice(i, 1)
    if (slot.busy !== null) {
      opts.logger.error({ reason: why }, 'checking worker stopped mid-job; the carrier is told to retry')
      slot.busy.reject(failed(why))
      slot.busy = null
    }
    slot.worker.terminate().catch(() => {})
    if (!closed) dispatch()
  }

  function spawn (): Slot {
    const worker = new Worker(opts.workerUrl ?? WORKER_URL)
    const slot: Slot = { worker, busy: null, knows: new Set() }
    worker.on('message', (reply: WireReply) => settle(slot, reply))
    worker.on('error', err => retire(slot, err.name))
    worker.on('messageerror', () => retire(slot, 'unreadable reply'))
    worker.on('exit', code => retire(slot, `exit ${code}`))
    // An idle worker must not keep alive a process that has nothing else to do (CLI, tests); a
    // busy one must, or a caller awaiting its job could see the process end under it.
    worker.unref()
    slots.push(slot)
    return slot
  }

  function dispatch (): void {
    if (closed) return
    while (queue.length > 0) {
      const at = nextEligible()
      if (at < 0) return
      const slot = slots.find(s => s.busy === null) ?? (slots.length < opts.threads ? spawn() : null)
      if (slot === null) return
      const [p] = queue.splice(at, 1)
      opts.onWaiting?.(queue.length)
      const id = nextId++
      slot.busy = { ...p, id }
      slot.worker.ref()
      const { bytes, candidates, excluded, ctx } = p.job
      const forget = slot.knows.size + candidates.length > (opts.agreementsKept ?? 4096)
      if (forget) slot.knows.clear()
      const wired = candidates.map(a => wireAgreement(slot, a))
      const own = ownCopy(bytes)
      const message: WireJob = { id, bytes: own, candidates: wired, excluded, ctx, ...(forget ? { forget } : {}) }
      slot.worker.postMessage(message, [own.buffer])
    }
  }

  return {
    get waiting () { return queue.length },
    async check (job) {
      if (opts.threads === 0 || job.bytes.length < opts.minBytes) return checkTransmission(job)
      if (closed) throw failed('the gateway is shutting down')
      return await new Promise<Checked>((resolve, reject) => {
        queue.push({ job, large: job.bytes.length >= largeBytes, resolve, reject })
        opts.onWaiting?.(queue.length)
        dispatch()
      })
    },
    async close () {
      closed = true
      for (const p of queue.splice(0)) p.reject(failed('the gateway is shutting down'))
      opts.onWaiting?.(0)
      await Promise.all(slots.splice(0).map(async s => {
        s.busy?.reject(failed('the gateway is shutting down'))
        await s.worker.terminate()
      }))
    }
  }
}
