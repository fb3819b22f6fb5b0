// Property test over the HTTP route (docs/testing.md "Fuzzing"): mutated fixtures (test/fixtures) and random bytes,
// POSTed over real mutual TLS, always get an outcome with its documented status and shape, never
// a 5xx, never an echo of a passenger value from the input; the listener keeps serving. The run
// count is small here; `FUZZ_RUNS`/`FUZZ_SEED` raise it for a release check.
import t from 'tap'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildGateway, exampleAgreement } from '../helpers/gateway.js'
import { allFixtures } from '../fixtures/index.js'
import { call, type Response } from '../helpers/https-client.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 60)
const SEED = Number(process.env.FUZZ_SEED ?? 20251129)

const inputs = allFixtures().map(f => f.bytes)
const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'xa-paxlst.edi'))
const corpus = [EXAMPLE, ...inputs]

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: fc.uint8Array({ maxLength: 64 })
  }),
  fc.record({
    kind: fc.constant('service' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    char: fc.constantFrom(...":+'?*UNA\r\n\\")
  }),
  fc.record({
    kind: fc.constant('repeat' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    times: fc.integer({ min: 1, max: 2000 })
  })
)
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never

function mutate (input: Buffer, m: Mutation): Buffer {
  const at = Math.floor(m.at * input.length)
  switch (m.kind) {
    case 'truncate': return input.subarray(0, at)
    case 'splice': return Buffer.concat([input.subarray(0, at), Buffer.from(m.bytes), input.subarray(at + m.bytes.length)])
    case 'service': return Buffer.concat([input.subarray(0, at), Buffer.from(m.char, 'latin1'), input.subarray(at + 1)])
    case 'repeat':
      return Buffer.concat([input.subarray(0, at), Buffer.from("NAD+FL+++FUZZPAXNAME'".repeat(m.times), 'latin1'), input.subarray(at)])
  }
}

const body = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ base: fc.integer({ min: 0, max: corpus.length - 1 }), ops: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
      .map(({ base, ops }) => ops.reduce(mutate, corpus[base]))
  },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 4096 }).map(b => Buffer.from(b)) }
)

function check (res: Response): string | null {
  if (![200, 400, 413, 422].includes(res.status)) return `unexpected status ${res.status}`
  // Refusals before the pipeline (empty body, size) have no transmission; everything else has one.
  if (res.headers['x-transmission-id'] === undefined && (res.status === 200 || res.status === 422)) return 'no X-Transmission-Id'
  if (res.body.includes('FUZZPAXNAME')) return 'the reply echoes a value from the input'
  if (/node_modules|\.ts:\d+|"stack"/.test(res.body)) return 'internals in the reply'
  if (res.status === 400 || res.status === 413) {
    const p = res.json() as { type?: string, code?: string, status?: number }
    if (!/^application\/problem\+json/.test(String(res.headers['content-type'])) || p.status !== res.status || typeof p.code !== 'string') return 'not a problem+json'
  }
  return null
}

t.test('mutated samples and random bytes over HTTPS: always a documented outcome, never a crash or an echo', async t => {
  const { gateway } = await buildGateway(t, {
    agreements: [exampleAgreement({ limits: { requestsPerMinute: 100000 } })],
    config: { log: { level: 'warn' } }
  })
  const port = gateway.httpsPort()!
  await fc.assert(fc.asyncProperty(body, async bytes => {
    const res = await call(port, { body: bytes, accept: 'application/json' })
    const problem = check(res)
    if (problem !== null) throw new Error(problem)
  }), { numRuns: RUNS, seed: SEED, endOnFailure: true })
  t.pass(`${RUNS} inputs answered`)
  // A fresh reference: a mutated copy of the example may already hold the original one.
  const fresh = Buffer.from(EXAMPLE.toString('latin1').replaceAll('XA0000000217', 'FUZZFRESH0001'), 'latin1')
  t.equal((await call(port, { body: fresh })).status, 200, 'the gateway still accepts a clean interchange')
  t.equal(gateway.https?.healthy(), true)
})
