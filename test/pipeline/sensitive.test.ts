/**
 * The sensitive-data filter in the pipeline (docs/sensitive-data.md) with real stores: the
 * filtered copy is what reaches the directory target, the spool and quarantine, with
 * `x-sensitive-filtered` and an `x-content-sha256` of the bytes stored; dedupe still sees an
 * identical resend; a carrier without the filter is forwarded byte for byte; the worker threads
 * filter too; and nothing removed reaches a log line, the metrics or the ledger.
 */
import t, { type Test } from 'tap'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { pino } from 'pino'
import { WORKER_CHECKING, buildGateway, exampleAgreement, metricValue, tmpDir, type Built } from '../helpers/gateway.js'
import { parseInterchange } from '../../src/edifact/index.js'
import { filterSensitive } from '../../src/messages/pnrgov/sensitive.js'
import { SENSITIVE_LIST_VERSION } from '../../src/messages/pnrgov/sensitive-codes.js'
import { checkThreadsOf, checkTransmission, createChecker, type CheckJob } from '../../src/pipeline/index.js'
import { validateAgreement } from '../../src/agreements/store.js'
import type { TransmissionResult } from '../../src/pipeline/types.js'

const FIXTURE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'pnrgov-sensitive-13.edi'))
const FILTER = { sensitiveData: { filter: true, ssrCodes: ['XTRA'], freeText: 'drop' } }
/** Every value the filter removes from the fixture. */
const REMOVED = ['MOML', 'KSML', 'WCHR', 'VGML', 'XTRA', 'BLND', 'WHEELCHAIR', 'INSULIN', 'DIABETIC', 'FAITH', 'EXAMPLE.COM']

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const expectedBody = (bytes: Buffer): Buffer => filterSensitive(parseInterchange(bytes), { ssrCodes: ['XTRA'], freeText: 'drop' })!.body

async function send (b: Built, bytes: Buffer, code = 'XA'): Promise<TransmissionResult> {
  const a = b.gateway.agreements.current().byCode(code)!
  return await b.gateway.pipeline.process({ channel: 'https', bytes, candidates: [a], receivedAt: new Date() })
}

function stored (folder: string, id: string): { body: Buffer, props: { headers: Record<string, string> } } {
  return {
    body: readFileSync(join(folder, `${id}.edi`)),
    props: JSON.parse(readFileSync(join(folder, `${id}.json`), 'utf8'))
  }
}

/** No removed value in the log lines, the metrics text or the ledger rows. */
async function audit (t: Test, b: Built): Promise<void> {
  const metrics = await b.gateway.metrics.registry.metrics()
  const rows = JSON.stringify(await b.gateway.ledger.list({ limit: 1000 }))
  t.ok(b.logs.lines.length > 0, 'the audit reads real log lines')
  for (const v of REMOVED) {
    t.notOk(b.logs.text().includes(v), `${v} in no log line`)
    t.notOk(metrics.includes(v), `${v} in no metric`)
    t.notOk(rows.includes(v), `${v} in no ledger row`)
  }
}

function withReference (bytes: Buffer, ref: string): Buffer {
  return Buffer.from(bytes.toString('latin1').replaceAll('XS0000000001', ref), 'latin1')
}

t.test('directory target: the filtered copy, its hash, the count; an identical resend is a duplicate', async t => {
  const b = await buildGateway(t, { agreements: [exampleAgreement(FILTER)] })
  const r = await send(b, FIXTURE)
  t.equal(r.outcome, 'accepted')
  const { body, props } = stored(join(b.dir, 'outbox'), r.transmissionId)
  t.same(body, expectedBody(FIXTURE), 'the filtered copy, byte for byte')
  for (const v of REMOVED) t.notOk(body.toString('latin1').includes(v), `${v} not forwarded`)
  const again = parseInterchange(body)
  t.same(again.errors, [], 'the forwarded copy re-parses clean')
  t.equal(again.messages[0].segments.length, 19)
  t.equal(props.headers['x-sensitive-filtered'], '10')
  t.equal(props.headers['x-sensitive-list'], SENSITIVE_LIST_VERSION)
  t.equal(props.headers['x-content-sha256'], sha256(body), 'x-content-sha256 describes the body forwarded')
  const row = await b.gateway.ledger.get(r.transmissionId)
  t.equal(row?.sha256, sha256(parseInterchange(FIXTURE).body), 'the ledger keeps the hash of what was received')
  t.equal(await metricValue(b.gateway, 'carrier_gateway_sensitive_filtered_total', { carrier: 'XA' }), 10)

  const resend = await send(b, FIXTURE)
  t.equal(resend.outcome, 'duplicate', 'an identical resend is recognised')
  t.equal(resend.ack?.body, r.ack?.body)
  t.equal(readdirSync(join(b.dir, 'outbox')).filter(f => f.endsWith('.edi')).length, 1, 'not forwarded twice')
  const after = await metricValue(b.gateway, 'carrier_gateway_sensitive_filtered_total', { carrier: 'XA' })
  t.equal(after, 10, 'a duplicate removes nothing more')
  await audit(t, b)
})

t.test('a carrier without the filter: forwarded byte for byte, no sensitive headers', async t => {
  const b = await buildGateway(t)
  const r = await send(b, FIXTURE)
  t.equal(r.outcome, 'accepted')
  const { body, props } = stored(join(b.dir, 'outbox'), r.transmissionId)
  t.same(body, parseInterchange(FIXTURE).body)
  t.same(body, FIXTURE.subarray(0, FIXTURE.length - 1), 'the file as sent, without the line break after UNZ')
  t.notOk('x-sensitive-filtered' in props.headers)
  t.notOk('x-sensitive-list' in props.headers)
  t.equal(props.headers['x-content-sha256'], sha256(body))
})

t.test('quarantine holds the filtered copy of a rejected transmission', async t => {
  const b = await buildGateway(t, { agreements: [exampleAgreement(FILTER)] })
  const bad = Buffer.from(FIXTURE.toString('latin1').replace("UNT+28+1'", "UNT+40+1'"), 'latin1')
  const r = await send(b, bad)
  t.equal(r.outcome, 'rejected', 'a wrong UNT count rejects (strictness.controlCounts)')
  const { body, props } = stored(join(b.dir, 'quarantine'), r.transmissionId)
  t.same(body, expectedBody(bad))
  t.match(body.toString('latin1'), /UNT\+31\+1'/, 'the count stays as wrong as the report says')
  for (const v of REMOVED) t.notOk(body.toString('latin1').includes(v), `${v} not quarantined`)
  t.equal(props.headers['x-sensitive-filtered'], '10')
  t.equal(props.headers['x-content-sha256'], sha256(body))
  t.equal(await metricValue(b.gateway, 'carrier_gateway_sensitive_filtered_total', { carrier: 'XA' }), 10)
  await audit(t, b)
})

t.test('the spool holds the filtered copy while the target cannot take it', async t => {
  const dir = tmpDir(t)
  writeFileSync(join(dir, 'not-a-folder'), '')
  const b = await buildGateway(t, {
    dir,
    agreements: [exampleAgreement(FILTER)],
    config: { forward: { directory: { path: join(dir, 'not-a-folder', 'outbox') } } }
  })
  const r = await send(b, FIXTURE)
  t.equal(r.outcome, 'accepted')
  const files = readdirSync(join(dir, 'spool')).filter(f => f.includes(r.transmissionId))
  t.equal(files.length, 1, 'spooled')
  const data = readFileSync(join(dir, 'spool', files[0]))
  const nl = data.indexOf(0x0a)
  const meta = JSON.parse(data.subarray(0, nl).toString('utf8'))
  t.same(data.subarray(nl + 1), expectedBody(FIXTURE))
  t.equal(meta.headers['x-sensitive-filtered'], '10')
  for (const v of REMOVED) t.notOk(data.toString('latin1').includes(v), `${v} not spooled`)
  await audit(t, b)
})

t.test('partial: message forwards the filtered good message only', async t => {
  const b = await buildGateway(t, { agreements: [exampleAgreement({ ...FILTER, strictness: { partial: 'message' } })] })
  const text = FIXTURE.toString('latin1')
  const start = text.indexOf('UNH+')
  const end = text.indexOf('UNZ+')
  const second = text.slice(start, end).replaceAll('+1\'', '+2\'').replace('UNH+1+', 'UNH+2+').replace('UNT+28+2', 'UNT+99+2')
  const two = Buffer.from(text.slice(0, end) + second + "UNZ+2+XS0000000001'\n", 'latin1')
  const r = await send(b, two)
  t.equal(r.outcome, 'accepted_with_warnings')
  const { body, props } = stored(join(b.dir, 'outbox'), r.transmissionId)
  const again = parseInterchange(body)
  t.same(again.errors, [])
  t.same(again.messages.map(m => m.reference), ['1'])
  t.equal(props.headers['x-sensitive-filtered'], '20', 'the count is of the whole interchange checked')
  for (const v of REMOVED) t.notOk(body.toString('latin1').includes(v), `${v} not forwarded`)
})

/** The fixture's PNRs repeated until the interchange passes `bytes`, each PNR with its own locator. */
function large (bytes: number): Buffer {
  const text = FIXTURE.toString('latin1')
  const head = text.slice(0, text.indexOf('SRC\''))
  const pnrs = text.slice(text.indexOf('SRC\''), text.indexOf('UNT+'))
  const parts: string[] = []
  let size = head.length
  for (let i = 0; size < bytes; i++) {
    const p = pnrs.replaceAll('TSTS0', `T${String(i).padStart(5, '0')}`)
    parts.push(p)
    size += p.length
  }
  const segments = 5 + parts.join('').split('\'\n').length
  return Buffer.from(`${head}${parts.join('')}UNT+${segments}+1'\nUNZ+1+XS0000000001'\n`, 'latin1')
}

t.test('a body checked by a worker thread is filtered the same', async t => {
  const b = await buildGateway(t, { agreements: [exampleAgreement(FILTER)], config: WORKER_CHECKING })
  const { limits } = b.gateway.config
  const big = large(limits.checkLargeBytes + 1000)
  t.ok(big.length >= limits.checkWorkerMinBytes && checkThreadsOf(limits.checkWorkers) > 0, 'sized for a worker, in the large lane')
  t.same(parseInterchange(big).errors, [], 'the large interchange is itself clean')
  const r = await send(b, big)
  t.equal(r.outcome, 'accepted_with_warnings', 'EQN says 2 PNRs: a profile warning only')
  const { body, props } = stored(join(b.dir, 'outbox'), r.transmissionId)
  const want = filterSensitive(parseInterchange(big), { ssrCodes: ['XTRA'], freeText: 'drop' })!
  t.ok(body.equals(want.body), 'the worker forwarded the filtered copy')
  t.equal(props.headers['x-sensitive-filtered'], String(want.removed))
  t.ok(want.removed > 1000)
  t.equal(props.headers['x-content-sha256'], sha256(body))
  t.same(parseInterchange(body).errors, [])
  await audit(t, b)
})

t.test('the checker: a worker thread and the event loop give the same filtered result', async t => {
  const { agreement } = validateAgreement(exampleAgreement(FILTER), 'XA.yaml')
  const job: CheckJob = {
    bytes: withReference(FIXTURE, 'XS0000000002'),
    candidates: [agreement!],
    excluded: [],
    ctx: { receiverIds: ['GOVPIU'], receivedAt: new Date(), limits: { maxSegments: 200000, maxValueLength: 512, maxParts: 99 } }
  }
  const checker = createChecker({ threads: 1, minBytes: 0, logger: pino({ level: 'silent' }) })
  t.teardown(async () => { await checker.close() })
  const inWorker = await checker.check(job)
  const onLoop = checkTransmission(job)
  t.same(inWorker.forward.sensitive, { removed: 10, listVersion: SENSITIVE_LIST_VERSION })
  t.same(inWorker.forward.sensitive, onLoop.forward.sensitive)
  t.ok(inWorker.forward.body.equals(onLoop.forward.body))
  t.ok(inWorker.assessment.interchange.body.equals(onLoop.forward.body), 'what quarantine would keep is filtered too')
  t.equal(inWorker.sha256, sha256(parseInterchange(job.bytes).body), 'dedupe hashes what was received')
  t.equal(inWorker.forward.sha256, sha256(onLoop.forward.body))
})
