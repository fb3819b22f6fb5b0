// Smoke run of every benchmark with tiny sizes, so that `npm run bench` keeps working
// (docs/benchmarks.md). Nothing here asserts a speed: performance is measured by `npm run bench`,
// never by a test (docs/testing.md).
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fixture } from '../fixtures/index.js'
import { parseInterchange } from '../../src/edifact/index.js'
import { mapMessage } from '../../src/messages/index.js'
import { validateModel } from '../../src/validate/schema.js'
import { paxlst, paxlstOfSize, placeholderOffsets, pnrgovOfSize, stamp } from '../../bench/generate.js'
import { bareScan, benchParse, fullParseCpu, measureIsolated, peerTokenize } from '../../bench/parse.js'
import { acceptedWrites, benchLedgerCost, writeAccepted } from '../../bench/ledger-cost.js'
import { createLedger } from '../../src/ledger/index.js'
import { benchEndToEnd } from '../../bench/e2e.js'
import { benchChannels, figureFrom } from '../../bench/channels.js'
import { benchInteractive } from '../../bench/interactive.js'
import { channelRows, e2eRows } from '../../bench/report.js'
import { cpuPerCall, figureOf, formatTable, percentile, ratio, sumFigures } from '../../bench/stats.js'

// Every benchmark runs against its real services and child processes: on a shared two-core machine
// the file takes one and a half to two and a half minutes, over the suite's default of 120 s.
t.setTimeout(300_000)

const receivedAt = new Date('2025-01-14T06:30:00Z')

t.test('generated traffic is valid, fictional and stampable', async t => {
  for (const bytes of [paxlst({ passengers: 150 }), pnrgovOfSize(40_000)]) {
    const ix = parseInterchange(bytes)
    t.same(ix.errors, [], 'no engine error')
    t.same(ix.warnings, [], 'no engine warning')
    for (const m of ix.messages) {
      const r = mapMessage(m, { receivedAt })
      t.same(r.findings, [], `${m.type}: no profile finding`)
      if (r.type === 'PAXLST') t.same(validateModel('PAXLST', r.model), [])
      if (r.type === 'PNRGOV') t.same(validateModel('PNRGOV', r.model), [])
    }
  }
  const pax = mapMessage(parseInterchange(paxlst({ passengers: 150 })).messages[0], { receivedAt })
  t.equal(pax.type === 'PAXLST' && pax.model.travellers.length, 150)
  t.equal(pax.type === 'PAXLST' && pax.model.travellers[0].nationality, 'UTO', 'test country code, not a real one')

  const sized = paxlstOfSize(30_000)
  t.ok(Math.abs(sized.length - 30_000) < 400, `30 kB body within one traveller (${sized.length})`)
  const offsets = placeholderOffsets(sized)
  t.equal(offsets.length, 2, 'UNB and UNZ carry the reference')
  const stamped = stamp(sized, offsets, 'Q7ZZ')
  t.equal(parseInterchange(stamped).unb?.reference, '0000000000Q7ZZ')
  t.same(parseInterchange(stamped).errors, [], 'UNZ reference still matches UNB')
  t.not(stamped.toString('latin1'), sized.toString('latin1'))
})

t.test('parse benchmark: every contender on tiny inputs', async t => {
  // A fixture stands in for the largest real sample: it too carries a C1 byte under UNOA.
  const multipart = fixture('paxlst-d02b-multipart-first.edi')
  const inputs = [{ name: 'fixture paxlst-d02b-multipart-first.edi', bytes: multipart }]
  const { results, rows } = benchParse({ inputs, sample: false, passengers: 3, pnrgovBytes: 20_000, runs: 2, runMs: 5, warmupMs: 0 })
  t.equal(results.length, 3, 'fixture, PAXLST, PNRGOV')
  for (const r of results) {
    for (const k of ['bare', 'tokenize', 'parseInterchange', 'full'] as const) t.ok((r.mbps[k]?.median ?? 0) > 0, `${r.input}: ${k}`)
    t.ok(r.mbps.peer !== null, `${r.input}: the peer tokenized it (${r.peerError ?? 'as is'})`)
  }
  t.match(results[0].peerError ?? '', /C1 byte/, 'the fixture needs its C1 byte replaced for the peer')
  t.ok(rows.some(r => r.name === 'ratio tokenizer / peer' && r.figure !== null))
  const pax = paxlst({ passengers: 2 })
  const sep = parseInterchange(pax).separators
  if (sep === null) return t.fail('separators')
  t.equal(bareScan(pax, 0x27), parseInterchange(pax).segmentCount + 1, 'bare scan counts the terminators (UNA ends with one)')
  t.equal(peerTokenize(pax, sep), parseInterchange(pax).segmentCount, 'peer sees the same segments')

  // npm run bench measures each contender in a fresh process (bench/parse-child.ts).
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-smoke-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'sample.edi'), multipart)
  const isolated = measureIsolated('peer', join(dir, 'sample.edi'), { runs: 2, runMs: 5, warmupMs: 0 })
  t.equal(isolated.rates.length, 2, 'two runs measured in the child')
  t.match(isolated.note ?? '', /C1 byte/)
  const cpu = fullParseCpu(pax, { runs: 2, runMs: 5, warmupMs: 0 })
  t.equal(cpu.length, 2, 'CPU per body: one value per run')
  t.ok(cpu.every(ms => ms > 0 && Number.isFinite(ms)), 'CPU per body measured')
})

t.test('ledger cost: the pipeline\'s calls for one accepted transmission, on both stores', async t => {
  const body = paxlstOfSize(3000)
  // The calls leave the row as the pipeline does: acknowledged with its ack, linked to its flight.
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-smoke-ledger-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const ledger = await createLedger({ kind: 'sqlite', path: join(dir, 'ledger.db') })
  t.teardown(async () => await ledger.close())
  const writes = acceptedWrites(body)
  const w = writes('SMOKE1')
  t.ok(w.links.length > 0, 'the PAXLST names its flight')
  await writeAccepted(ledger, w)
  const row = await ledger.get(w.row.id)
  t.match(row, { status: 'acknowledged', outcome: 'accepted', ackKind: 'contrl', reference: '00000000SMOKE1' })
  t.match(row?.ack ?? '', /^UNA|^UNB/, 'the CONTRL as sent')
  const flight = await ledger.flights.get(w.links[0])
  t.same(flight?.transmissions.map(x => x.transmissionId), [w.row.id], 'linked to its flight')
  await t.rejects(writeAccepted(ledger, writes('SMOKE1')), /already held/, 'a reused reference is caught, not measured')

  const cost = await benchLedgerCost({ body, transmissions: 8, runs: 2, warmup: 2, concurrency: 4 })
  t.ok((cost.sqlite.figure?.median ?? 0) > 0, 'SQLite measured')
  t.equal(cost.sqlite.figure?.runs, 2)
  t.ok((cost.postgres.figure?.median ?? 0) > 0, `PostgreSQL measured (${cost.postgres.note ?? 'reachable'})`)
  const away = await benchLedgerCost({ body, transmissions: 2, runs: 1, warmup: 0, pgUrl: 'postgres://bench:secret@127.0.0.1:1/none' })
  t.equal(away.postgres.figure, null, 'PostgreSQL unreachable: no figure')
  t.match(away.postgres.note ?? '', /unreachable/, 'and a note instead of an error')
  t.notMatch(away.postgres.note ?? '', /secret/, 'without the password')
})

t.test('end-to-end benchmark: ceilings, gateway, connections, fairness, memory', async t => {
  const t0 = Date.now()
  const r = await benchEndToEnd({
    log: line => t.comment(`${Date.now() - t0} ms ${line}`),
    runs: 1,
    durationMs: 400,
    warmupMs: 100,
    handshakeMs: 300,
    concurrency: 4,
    bodyBytes: 3000,
    bigBytes: 300_000,
    smallPassengers: 2,
    smallRate: 10,
    besideWarmupMs: 200,
    partRunMs: 20,
    ledgerTransmissions: 12
  })
  t.same(r.notes, [], 'nothing failed to run')
  t.same(r.failures, {}, 'every request was answered as expected')
  const figures = {
    https: r.ceilingHttps,
    publish: r.ceilingPublish,
    gateway: r.saturation,
    handshakes: r.handshakes.gatewayFull,
    resumed: r.handshakes.gatewayResumed,
    alone: r.fairness?.alone,
    beside: r.fairness?.beside,
    bigPeak: r.memory.bigPeakMb,
    parse: r.parts.parse,
    publishCpu: r.parts.publish,
    sqlite: r.parts.sqlite,
    postgres: r.parts.postgres
  }
  for (const [name, f] of Object.entries(figures)) {
    t.ok(f !== null && f !== undefined && f.median > 0, `${name} measured`)
  }
  t.ok(r.fixedRate !== null && r.fixedRate.p99.median > 0, 'latency at a fixed offered load')
  t.equal(r.offeredRate?.basis, 'half of saturation', 'no rate given: half of saturation')
  t.equal(r.offeredRate?.perSecond, Math.max(1, Math.round((r.saturation?.median ?? NaN) / 2)))
  // A tiny run may take less than one clock tick of the bare server's CPU: measured, maybe 0.
  t.ok(r.parts.https !== null && r.parts.https.median >= 0, 'bare server CPU per request')
  t.ok((r.memory.bigBodyBytes ?? 0) > 200_000, `large body size recorded (${r.memory.bigBodyBytes ?? '?'} bytes)`)
  t.ok((r.handshakes.resumedShare ?? 0) > 0.5, 'TLS sessions are resumed')
  t.ok((r.memory.idleMb ?? 0) > 0, 'RSS read from /proc')
  t.ok(Object.keys(r.gatewayCounters).some(k => k.includes('forwarded_total')), 'gateway counters collected')
  const rows = e2eRows(r, { bodyKb: 3, bigMb: 0.3 })
  t.ok(rows.find(x => x.name === 'ratio gateway / min(ceilings)')?.figure !== null)
  t.match(formatTable(rows), /gateway at saturation/)
  const named = (name: string) => rows.find(x => x.name === name)
  for (const name of [
    'bare mTLS request, body read (bare Fastify ceiling process)',
    'full parse + map + validate',
    'confirmed publish (bare publisher ceiling, client side)',
    'ledger writes, SQLite',
    'ledger writes, PostgreSQL (client side, for the record)',
    'sum of parts (SQLite ledger)',
    'ratio CPU per transmission / sum of parts',
    'achieved at half of saturation',
    'p50 at half of saturation',
    'p99 at half of saturation',
    'ratio peak RSS / body',
    'peak under half of saturation'
  ]) {
    t.ok(named(name)?.figure != null, `row with a figure: ${name}`)
  }
  t.match(named('p99 at half of saturation'), { target: { text: '≤ 25 ms' }, note: `${r.offeredRate?.perSecond ?? '?'}/s offered` })
  t.match(named('ratio CPU per transmission / sum of parts'), { target: { text: '≤ 1.3' } })
  t.match(named('ratio peak RSS / body'), { target: { text: '≤ 10' } })
  t.match(named('ratio gateway / min(ceilings)'), { target: { text: '≥ 0.25' } })
  const given = e2eRows({ ...r, offeredRate: { perSecond: 20, basis: 'option' } }, { bodyKb: 3, bigMb: 0.3 })
  t.ok(given.some(x => x.name === 'p99 at 20/s offered'), 'a rate given: the rows are named after it')
})

t.test('channel benchmarks run when their modules exist', async t => {
  const c = await benchChannels({ files: 5, messages: 20, sizeKb: 2, runs: 1 })
  for (const [name, x] of Object.entries(c)) {
    t.ok(x.figure !== null || /^not available/.test(x.note ?? ''), `${name}: ${x.figure !== null ? 'measured' : String(x.note)}`)
  }
  t.equal(channelRows(c).length, 2)
})

t.test('the interactive benchmark runs: the responder answers, every request decided', async t => {
  const i = await benchInteractive({ rates: [20], durationMs: 600, warmupMs: 200, bigBytes: 200_000 })
  t.equal(i.result.alone.length, 1)
  t.ok(i.result.alone[0].result.ok > 0, 'requests answered')
  t.equal(i.result.alone[0].result.failed, 0, 'none failed')
  t.same(i.result.alone[0].result.statuses, { 200: i.result.alone[0].result.ok }, 'every answer 200 (decided by the responder)')
  t.ok(i.result.beside !== null && i.result.beside.big.ok > 0, 'large pushes answered beside')
  t.same(i.rows.map(r => r.name), [
    'round trip p50 at 20/s', 'gateway-added p99 at 20/s', 'p99 beside two 20 MB pushes at 20/s', 'ratio p99 beside 20 MB pushes / alone'
  ])
})

t.test('statistics helpers', async t => {
  t.same(figureOf([3, 1, 2], 'x'), { median: 2, min: 1, max: 3, runs: 3, unit: 'x' })
  t.equal(figureOf([1, 2, 3, 4], 'x').median, 2.5)
  t.equal(percentile([5, 1, 4, 2, 3], 50), 3)
  t.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99), 99)
  t.same(ratio(figureOf([10], 'a'), figureOf([5], 'b')), { median: 2, min: 2, max: 2, runs: 1, unit: '×' })
  t.equal(ratio(null, figureOf([1], 'b')), null)
  t.same(sumFigures([figureOf([1, 2, 3], 'ms'), figureOf([10, 20], 'ms')], 'ms'), { median: 17, min: 11, max: 23, runs: 2, unit: 'ms' })
  t.equal(sumFigures([figureOf([1], 'ms'), null], 'ms'), null, 'a missing part: no sum')
  let calls = 0
  const perCall = cpuPerCall(() => { for (let i = 0; i < 1e4; i++) calls += i & 1 }, { runs: 2, runMs: 5, warmupMs: 0 })
  t.equal(perCall.length, 2)
  t.ok(calls > 0 && perCall.every(ms => ms >= 0 && Number.isFinite(ms)), 'CPU per call')
  t.same(figureFrom({ messagesPerSecond: 12.5, seconds: 2 }, 'msg/s'), { median: 12.5, min: 12.5, max: 12.5, runs: 1, unit: 'msg/s' })
  t.same(figureFrom(7, 'files/s')?.median, 7)
  t.equal(figureFrom({ nothing: 'here' }, 'x'), null)
})
