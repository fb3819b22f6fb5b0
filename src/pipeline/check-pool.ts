/**
 * Where the checking half runs. Parsing and validating is synchronous CPU work: about 70 ms per MB
 * on a 2-core machine, so a 20 MB interchange checked on the event loop would hold every other
 * carrier's transmission (HTTPS, SFTP, AMQP alike) for over a second. Transmissions of at least
 * `limits.checkWorkerMinBytes` are therefore checked by a small pool of worker threads, first come
 * first served; smaller ones stay on the event loop, where they cost less than a thread hop.
 *
 * A worker that dies mid-job (out of memory, a defect) fails only that job, with a retry outcome
 * (nothing was acknowledged), and is replaced for the next one.
 */
import { Worker } from 'node:worker_threads'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import { GatewayError } from '../errors.js'
import { checkTransmission, type Checked, type CheckJob } from './check.js'
import { fromWire, type WireJob, type WireReply } from './check-wire.js'

export interface CheckerOptions {
  /** Worker threads for large transmissions; 0 checks everything on the event loop. */
  threads: number
  /** Transmissions of at least this many bytes go to a worker. */
  minBytes: number
  logger: Logger
  /** Told the number of transmissions waiting for a worker whenever it changes (a gauge). */
  onWaiting?: (waiting: number) => void
  /** The worker module; tests substitute one that fails. @default ./check-worker */
  workerUrl?: URL
}

export interface Checker {
  check (job: CheckJob): Promise<Checked>
  /** Large transmissions waiting for a free worker. */
  readonly waiting: number
  /** Stops the workers; jobs still waiting fail with a retry outcome. */
  close (): Promise<void>
}

interface Pending { job: CheckJob, resolve: (c: Checked) => void, reject: (e: Error) => void }
interface Slot { worker: Worker, busy: (Pending & { id: number }) | null }

/** The worker module beside this one: `.ts` when running from source (tests), `.js` when built. */
const WORKER_URL = new URL(`./check-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

function failed (why: string): GatewayError {
  return new GatewayError('GW_ERR_MESSAGE_CHECK_UNAVAILABLE', why)
}

export function createChecker (opts: CheckerOptions): Checker {
  const slots: Slot[] = []
  const queue: Pending[] = []
  let nextId = 1
  let closed = false

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
    const slot: Slot = { worker, busy: null }
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
      const slot = slots.find(s => s.busy === null) ?? (slots.length < opts.threads ? spawn() : null)
      if (slot === null) return
      const p = queue.shift()!
      opts.onWaiting?.(queue.length)
      const id = nextId++
      slot.busy = { ...p, id }
      slot.worker.ref()
      const { bytes, candidates, excluded, ctx } = p.job
      const message: WireJob = { id, bytes, candidates, excluded, ctx }
      slot.worker.postMessage(message)
    }
  }

  return {
    get waiting () { return queue.length },
    async check (job) {
      if (opts.threads === 0 || job.bytes.length < opts.minBytes) return checkTransmission(job)
      if (closed) throw failed('the gateway is shutting down')
      return await new Promise<Checked>((resolve, reject) => {
        queue.push({ job, resolve, reject })
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
