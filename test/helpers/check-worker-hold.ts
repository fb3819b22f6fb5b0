// A checking worker that takes jobs and never answers (test/pipeline/check-pool.test.ts): a
// check that is still running, for as long as the test needs one.
import { parentPort } from 'node:worker_threads'

parentPort?.on('message', () => {})
