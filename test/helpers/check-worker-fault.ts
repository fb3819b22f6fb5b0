// A checking worker that fails on purpose (test/pipeline/check-pool.test.ts): a job whose bytes
// start with "EXIT" ends the thread mid-job; any other job is answered with a failure reply.
import { parentPort } from 'node:worker_threads'
import type { WireJob } from '../../src/pipeline/check-wire.js'

parentPort?.on('message', (job: WireJob) => {
  if (Buffer.from(job.bytes.subarray(0, 4)).toString('latin1') === 'EXIT') process.exit(3)
  parentPort?.postMessage({ id: job.id, failure: 'TypeError' })
})
