// The checking half in worker threads (src/pipeline/check-pool.ts): same answers as on the event
// loop for every fixture (test/fixtures), only the compact result crosses back, failures become retries.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { Worker } from 'node:worker_threads'
import type { WireJob, WireReply } from '../../src/pipeline/check-wire.js'
import { WORKER_CHECKING, buildGateway, exampleAgreement, fingerprintOf, type TeardownHost } from '../helpers/gateway.js'
import { paxlst } from '../helpers/edi.js'
import { allFixtures } from '../fixtures/index.js'
import {
  buildReply,
  checkTransmission,
  createChecker,
  createPipeline,
  type Checked,
  type CheckJob,
  type TransmissionResult
} from '../../src/pipeline/index.js'
import type { Agreement } from '../../src/agreements/schema.js'

const silent = pino({ level: 'silent' })
const receivedAt = new Date('2025-01-14T06:30:00Z')
const limits = { maxSegments: 200000, maxValueLength: 512, maxParts: 99 }

function jobOf (bytes: Buffer, carrier: Agreement): CheckJob {
  return { bytes, candidates: [carrier], excluded: [], ctx: { receiverIds: ['GOVPIU'], receivedAt, limits } }
}

/** What both forms share: the full form without its models, and of its segments only MSG (ACKRES reads it). */
function comparable (c: Checked): unknown {
  const a = c.assessment
  return {
    ...c,
    assessment: {
      ...a,
      carrier: a.carrier?.code ?? null,
      interchange: {
        ...a.interchange,
        body: a.interchange.body.toString('latin1'),
        messages: a.interchange.messages.map(m => ({
          ...m,
          segments: m.segments.filter(s => s.tag === 'MSG').map(s => [s.index, s.offset, s.elements])
        }))
      },
      messages: a.messages.map(m => ({ ...m, model: null }))
    },
    forward: { ...c.forward, body: c.forward.body.toString('latin1') }
  }
}

function ackOf (c: Checked): string | null {
  const a = c.assessment
  if (a.interchange.unb === null || a.carrier === null) return null
  const outcome = a.outcome
  return buildReply(a, outcome, { transmissionId: 'T1', senderId: 'GOVPIU', now: receivedAt, newReference: () => 'R1' }).ackText
}

async function agreementsOf (t: TeardownHost, docs: Array<Record<string, unknown>>): Promise<Map<string, Agreement>> {
  const b = await buildGateway(t, { agreements: docs, start: false })
  return new Map(b.gateway.agreements.current().all.map(a => [a.code, a]))
}

t.test('a worker answers every fixture exactly as the event loop does, acks included', async t => {
  const carriers = await agreementsOf(t, [
    exampleAgreement({
      code: 'XA',
      messages: {
        PAXLST: { versions: ['D02B', 'D05B', 'D12B', 'D15B'], ack: 'contrl' },
        PNRGOV: { versions: ['10.1', '11.1', '13.1'], ack: 'ackres' }
      }
    }),
    exampleAgreement({
      code: 'XB',
      senderIds: ['XBAPI'],
      channels: { https: { certificates: [fingerprintOf('xb-client')] } },
      messages: {
        PAXLST: { versions: ['D02B', 'D05B', 'D12B', 'D15B'], ack: 'json' },
        PNRGOV: { versions: ['10.1', '11.1', '13.1'], ack: 'json' }
      },
      strictness: { controlCounts: 'warn', partial: 'message' }
    })
  ])
  const checker = createChecker({ threads: 2, minBytes: 0, logger: silent })
  t.teardown(async () => { await checker.close() })
  const files = allFixtures()
  t.ok(files.length >= 20, 'the fixtures are there')
  let acks = 0
  for (const { name: file, bytes } of files) {
    for (const carrier of carriers.values()) {
      const local = checkTransmission(jobOf(bytes, carrier))
      const remote = await checker.check(jobOf(bytes, carrier))
      t.same(comparable(remote), comparable(local), `${file} (${carrier.code}): same assessment`)
      const ownAgreement = local.assessment.carrier === null ? null : carrier
      t.equal(remote.assessment.carrier, ownAgreement, 'the caller\'s own agreement object comes back')
      t.ok(remote.assessment.messages.every(m => m.model === null), 'models stay in the worker')
      const ack = ackOf(local)
      if (ack !== null) acks++
      t.equal(ackOf(remote), ack, `${file} (${carrier.code}): same ack text`)
    }
  }
  t.ok(acks > 15, 'acks were compared, CONTRL and ACKRES alike')
})

t.test('partial forwarding: the subset body is built in the worker and comes back intact', async t => {
  const carriers = await agreementsOf(t, [exampleAgreement({ strictness: { partial: 'message' } })])
  const xa = carriers.get('XA')!
  const checker = createChecker({ threads: 1, minBytes: 0, logger: silent })
  t.teardown(async () => { await checker.close() })
  const bytes = paxlst({ messages: 3, badCount: [1] })
  const local = checkTransmission(jobOf(bytes, xa))
  const remote = await checker.check(jobOf(bytes, xa))
  t.same(remote.forward.messages, [0, 2])
  t.not(remote.forward.body.length, remote.assessment.interchange.body.length, 'a subset, not the whole body')
  t.equal(remote.forward.body.toString('latin1'), local.forward.body.toString('latin1'))
  t.equal(remote.forward.sha256, local.forward.sha256)
  t.equal(remote.assessment.interchange.body.buffer, bytes.buffer, 'the body is the caller\'s own bytes, re-sliced, not a copy')
  t.equal(remote.assessment.interchange.body.toString('latin1'), local.assessment.interchange.body.toString('latin1'))
})

t.test('a body that is a slice of a larger block: the worker gets a copy, the caller keeps its bytes', async t => {
  const xa = (await agreementsOf(t, [exampleAgreement()])).get('XA')!
  const bytes = paxlst()
  const block = Buffer.alloc(1 << 20, 0x20)
  bytes.copy(block, 4096)
  const slice = block.subarray(4096, 4096 + bytes.length)
  const checker = createChecker({ threads: 1, minBytes: 0, logger: silent })
  t.teardown(async () => { await checker.close() })
  const c = await checker.check(jobOf(slice, xa))
  t.equal(c.assessment.outcome, 'accepted')
  t.equal(slice.length, bytes.length, 'the caller\'s Buffer is not detached by the hand-over')
  t.equal(block.length, 1 << 20)
  t.equal(c.forward.body.buffer, block.buffer, 'the forwarded body is re-sliced from the caller\'s block')
  t.equal(c.forward.body.toString('latin1'), checkTransmission(jobOf(bytes, xa)).forward.body.toString('latin1'), 'at the right place')
})

t.test('below the size threshold, or with no threads, the event loop checks (models kept)', async t => {
  const xa = (await agreementsOf(t, [exampleAgreement()])).get('XA')!
  const bytes = paxlst()
  for (const opts of [{ threads: 1, minBytes: bytes.length + 1 }, { threads: 0, minBytes: 0 }]) {
    const checker = createChecker({ ...opts, logger: silent })
    const c = await checker.check(jobOf(bytes, xa))
    t.not(c.assessment.messages[0].model, null, `${JSON.stringify(opts)}: checked in this thread`)
    t.equal(checker.waiting, 0)
    await checker.close()
  }
  const pooled = createChecker({ threads: 1, minBytes: bytes.length, logger: silent })
  t.teardown(async () => { await pooled.close() })
  const c = await pooled.check(jobOf(bytes, xa))
  t.equal(c.assessment.messages[0].model, null, 'at the threshold: checked by a worker')
  t.equal(c.assessment.messages[0].facts?.flight.flight, 'XA123', 'with the facts the later stages need')
})

t.test('jobs beyond the thread count wait their turn and all complete', async t => {
  const xa = (await agreementsOf(t, [exampleAgreement()])).get('XA')!
  const gauge: number[] = []
  const checker = createChecker({ threads: 1, minBytes: 0, logger: silent, onWaiting: n => gauge.push(n) })
  t.teardown(async () => { await checker.close() })
  const jobs = Array.from({ length: 6 }, (_, i) => checker.check(jobOf(paxlst({ reference: `REF${i}` }), xa)))
  t.equal(checker.waiting, 5, 'one in the worker, five waiting')
  t.equal(gauge.at(-1), 5, 'the gauge says so')
  const done = await Promise.all(jobs)
  t.same(done.map(c => c.assessment.interchange.unb?.reference), ['REF0', 'REF1', 'REF2', 'REF3', 'REF4', 'REF5'])
  t.equal(checker.waiting, 0)
  t.equal(gauge.at(-1), 0)
  t.equal(Math.max(...gauge), 5)
})

t.test('large transmissions may hold every worker but one: a small one never waits behind them', async t => {
  const xa = (await agreementsOf(t, [exampleAgreement()])).get('XA')!
  const big = (ref: string): Buffer => paxlst({ reference: ref, messages: 40 })
  const small = paxlst({ reference: 'SMALL1' })
  const checker = createChecker({ threads: 2, minBytes: 0, largeBytes: small.length + 1, logger: silent })
  t.teardown(async () => { await checker.close() })
  const first = checker.check(jobOf(big('BIG1'), xa))
  const second = checker.check(jobOf(big('BIG2'), xa))
  t.equal(checker.waiting, 1, 'the second large one waits although a worker is free')
  const quick = checker.check(jobOf(small, xa))
  t.equal(checker.waiting, 1, 'the small one takes the free worker at once')
  const done = await Promise.all([first, second, quick])
  t.same(done.map(c => c.assessment.interchange.unb?.reference), ['BIG1', 'BIG2', 'SMALL1'])
  t.equal(checker.waiting, 0)

  const one = createChecker({ threads: 1, minBytes: 0, largeBytes: small.length + 1, logger: silent })
  t.teardown(async () => { await one.close() })
  const jobs = [one.check(jobOf(big('BIG3'), xa)), one.check(jobOf(small, xa))]
  t.equal(one.waiting, 1, 'with one worker, large ones still use it: arrival order')
  t.equal((await Promise.all(jobs)).length, 2)
})

t.test('a worker is sent each agreement once, and a reloaded or forgotten one again', async t => {
  const xb = { code: 'XB', senderIds: ['XBAPI'], channels: { https: { certificates: [fingerprintOf('xb-client')] } } }
  const docs = [exampleAgreement(), exampleAgreement(xb)]
  const first = await agreementsOf(t, docs)
  const reloaded = await agreementsOf(t, docs)
  const checker = createChecker({ threads: 1, minBytes: 0, agreementsKept: 1, logger: silent })
  t.teardown(async () => { await checker.close() })
  const jobs: Array<[string, Agreement]> = [
    ['XAAPI', first.get('XA')!], ['XAAPI', first.get('XA')!], ['XBAPI', first.get('XB')!],
    ['XAAPI', first.get('XA')!], ['XBAPI', reloaded.get('XB')!], ['XBAPI', reloaded.get('XB')!]
  ]
  for (const [i, [sender, agreement]] of jobs.entries()) {
    const c = await checker.check(jobOf(paxlst({ sender, reference: `REF${i}` }), agreement))
    t.equal(c.assessment.carrier, agreement, `job ${i}: the caller's own agreement object comes back`)
    t.equal(c.assessment.outcome, 'accepted', `job ${i}: checked against it`)
  }
  // Both candidates of a provider, with a worker that may keep only one: told to forget, sent both.
  const provider = [first.get('XA')!, first.get('XB')!]
  const both = await checker.check({ ...jobOf(paxlst({ sender: 'XBAPI' }), provider[0]), candidates: provider })
  t.equal(both.assessment.carrier?.code, 'XB')
})

t.test('the real worker refuses a job naming an agreement it was never sent, and goes on', async t => {
  const xa = (await agreementsOf(t, [exampleAgreement()])).get('XA')!
  const worker = new Worker(new URL('../../src/pipeline/check-worker.ts', import.meta.url))
  t.teardown(async () => { await worker.terminate() })
  const reply = (job: WireJob): Promise<WireReply> => new Promise(resolve => {
    worker.once('message', resolve)
    worker.postMessage(job)
  })
  const { ctx } = jobOf(paxlst(), xa)
  const unknown = await reply({ id: 1, bytes: paxlst(), candidates: [{ ref: 7 }], excluded: [], ctx })
  t.same(unknown, { id: 1, failure: 'GatewayError' }, 'a failure by class (GW_ERR_INTERNAL_WORKER_AGREEMENT), never a guess')
  const sent = await reply({ id: 2, bytes: paxlst(), candidates: [{ ref: 7, agreement: xa }], excluded: [], ctx })
  t.ok('checked' in sent && sent.checked.carrierIndex === 0, 'once sent, the agreement is used')
})

t.test('a worker that fails or dies fails only its job, with a retry error, and is replaced', async t => {
  const xa = (await agreementsOf(t, [exampleAgreement()])).get('XA')!
  const lines: string[] = []
  const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(l) } })
  const checker = createChecker({
    threads: 1,
    minBytes: 0,
    logger,
    workerUrl: new URL('../helpers/check-worker-fault.ts', import.meta.url)
  })
  t.teardown(async () => { await checker.close() })
  await t.rejects(checker.check(jobOf(Buffer.from('UNB+some bytes'), xa)), { id: 'GW_ERR_MESSAGE_CHECK_UNAVAILABLE', message: /TypeError/ })
  await t.rejects(checker.check(jobOf(Buffer.from('EXIT with a PAXLST value'), xa)), { id: 'GW_ERR_MESSAGE_CHECK_UNAVAILABLE', message: /exit 3/ })
  t.match(lines.join(''), /checking worker stopped mid-job/)
  t.notMatch(lines.join(''), /PAXLST value/, 'no input in the log')
  await t.rejects(checker.check(jobOf(Buffer.from('UNB+again'), xa)), { id: 'GW_ERR_MESSAGE_CHECK_UNAVAILABLE', message: /TypeError/ }, 'a new worker took over')
})

t.test('the real worker reports a job that throws by its error class only, and takes the next job', async t => {
  const xa = (await agreementsOf(t, [exampleAgreement()])).get('XA')!
  const lines: string[] = []
  const logger = pino({ level: 'info' }, { write: (l: string) => { lines.push(l) } })
  const checker = createChecker({ threads: 1, minBytes: 0, logger })
  t.teardown(async () => { await checker.close() })
  // An agreement without its strictness block makes the assessment throw a TypeError whose
  // message quotes what it was reading: the reply must carry the class, never the message.
  const broken = { ...xa, strictness: undefined } as unknown as Agreement
  const err = await checker.check(jobOf(paxlst(), broken)).then(() => null, (e: unknown) => e as Error & { id?: string })
  t.equal(err?.id, 'GW_ERR_MESSAGE_CHECK_UNAVAILABLE')
  t.match(err?.message, /\(TypeError\)$/, 'the error class')
  t.notMatch(err?.message, /reading|undefined|strictness/, 'not the thrown message')
  t.notMatch(lines.join(''), /reading|strictness/, 'nor in the log')
  const next = await checker.check(jobOf(paxlst(), xa))
  t.equal(next.assessment.outcome, 'accepted', 'the same worker goes on with the next job')
})

t.test('close fails waiting jobs with a retry error and refuses new ones', async t => {
  const xa = (await agreementsOf(t, [exampleAgreement()])).get('XA')!
  const checker = createChecker({ threads: 1, minBytes: 0, logger: silent })
  const jobs = Promise.allSettled([checker.check(jobOf(paxlst(), xa)), checker.check(jobOf(paxlst(), xa))])
  t.equal(checker.waiting, 1)
  await checker.close()
  const [running, waiting] = await jobs
  t.match(running, { status: 'rejected', reason: { id: 'GW_ERR_MESSAGE_CHECK_UNAVAILABLE' } }, 'the job in the worker')
  t.match(waiting, { status: 'rejected', reason: { id: 'GW_ERR_MESSAGE_CHECK_UNAVAILABLE' } }, 'the job waiting for it')
  await t.rejects(checker.check(jobOf(paxlst(), xa)), { id: 'GW_ERR_MESSAGE_CHECK_UNAVAILABLE', message: /shutting down/ })
})

t.test('through the gateway: a transmission checked by a worker is forwarded with full headers', async t => {
  const b = await buildGateway(t, { config: WORKER_CHECKING })
  t.equal(b.gateway.config.limits.checkWorkerMinBytes, 0, 'the default: every transmission goes to a worker')
  const xa = b.gateway.agreements.current().byCode('XA')!
  const r = await b.gateway.pipeline.process({ channel: 'https', bytes: paxlst(), candidates: [xa], receivedAt: new Date() })
  t.equal(r.outcome, 'accepted')
  const flights = await b.gateway.ledger.flights.list({ carrier: 'XA' })
  t.same(flights.map(f => `${f.carrier}${f.number} ${f.date}`), ['XA123 2025-01-14'], 'linked to its flight, from the worker\'s facts')
  t.match(r.ack?.body, /UCI\+REF0001\+XAAPI\+GOVPIU\+7/)
  const props = JSON.parse(readFileSync(join(b.dir, 'outbox', `${r.transmissionId}.json`), 'utf8')) as { headers: Record<string, string> }
  t.equal(props.headers['x-flight'], 'XA123')
  t.equal(props.headers['x-document'], 'passenger-list')
  t.equal((await b.gateway.ledger.get(r.transmissionId))?.flight, 'XA123')
  t.match(await b.gateway.metrics.registry.metrics(), /carrier_gateway_check_waiting 0/, 'the gauge is exported')
})

t.test('a large transmission being checked holds up no other, and shutting down mid-check acks nothing', async t => {
  const b = await buildGateway(t)
  const { config, ledger, forwarder, metrics } = b.gateway
  const big = paxlst({ messages: 40 })
  const checker = createChecker({
    threads: 1,
    minBytes: big.length,
    logger: silent,
    workerUrl: new URL('../helpers/check-worker-hold.ts', import.meta.url)
  })
  const pipeline = createPipeline({ config, ledger, forwarder, metrics, checker, logger: silent })
  const xa = b.gateway.agreements.current().byCode('XA')!
  const send = async (bytes: Buffer): Promise<TransmissionResult> =>
    await pipeline.process({ channel: 'https', bytes, candidates: [xa], receivedAt: new Date() })
  let bigDone = false
  const pending = send(big).finally(() => { bigDone = true })
  const small = await Promise.all([1, 2, 3].map(async i => await send(paxlst({ reference: `SMALL${i}` }))))
  t.same(small.map(r => r.outcome), ['accepted', 'accepted', 'accepted'], 'small ones settled while the large one is still being checked')
  t.equal(bigDone, false)
  t.equal(checker.waiting, 0, 'the large one is in the worker, not waiting')
  await checker.close()
  const r = await pending
  t.equal(r.outcome, 'retry')
  t.equal(r.refusal?.id, 'GW_ERR_MESSAGE_CHECK_UNAVAILABLE')
  t.equal(r.ack, null, 'no ack for what was never made durable')
  t.equal(readdirSync(join(b.dir, 'outbox')).filter(f => f.endsWith('.edi')).length, 3, 'only the small ones were forwarded')
})
