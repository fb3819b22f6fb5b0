/**
 * A checking worker thread (./check-pool.ts): runs `checkTransmission` for large transmissions so
 * that parsing a 20 MB interchange never holds the event loop that serves every other carrier.
 * Posts back only the compact result; a job that throws is reported, never swallowed.
 */
import { parentPort } from 'node:worker_threads'
import { checkTransmission, compactChecked } from './check.js'
import { toWire, type WireJob, type WireReply } from './check-wire.js'
import { GatewayError } from '../errors.js'
import type { Agreement } from '../agreements/schema.js'

const port = parentPort
if (port === null) throw new GatewayError('GW_ERR_INTERNAL_NOT_A_WORKER')

/** The agreements this worker was sent, by the pool's numbers (check-wire.ts `WireAgreement`). */
const agreements = new Map<number, Agreement>()

function candidatesOf (job: WireJob): Agreement[] {
  if (job.forget === true) agreements.clear()
  return job.candidates.map(c => {
    if ('agreement' in c) agreements.set(c.ref, c.agreement)
    const a = agreements.get(c.ref)
    if (a === undefined) throw new GatewayError('GW_ERR_INTERNAL_WORKER_AGREEMENT')
    return a
  })
}

port.on('message', (job: WireJob) => {
  let reply: WireReply
  try {
    const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.length)
    const candidates = candidatesOf(job)
    const checked = compactChecked(checkTransmission({ bytes, candidates, excluded: job.excluded, ctx: job.ctx }))
    reply = { id: job.id, checked: toWire(checked, bytes, candidates) }
  } catch (err) {
    // Only the error's class: a message could quote input.
    reply = { id: job.id, failure: err instanceof Error ? err.name : 'unknown' }
  }
  port.postMessage(reply)
})
