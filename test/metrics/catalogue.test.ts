// The metrics catalogue as a scraper sees it (docs/metrics.md "Catalogue"): every name prefixed, labels bounded even
// when unknown carriers and garbage arrive, data-quality counters, the overdue gauge against the
// agreement's `expect`, the certificate expiry gauge. Everything is read back from GET /metrics
// on a real gateway after real HTTPS traffic.
import t from 'tap'
import { randomBytes, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildGateway, CERTS, exampleAgreement, fingerprintOf } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { paxlst, paxlstMessage } from '../helpers/edi.js'
import { writeInterchange } from '../../src/edifact/writer.js'
import { createMetrics, MESSAGE_TYPES } from '../../src/metrics/index.js'
import { refreshCarrierGauges } from '../../src/housekeeping.js'
import { ERRORS } from '../../src/errors.js'
import type { Gateway } from '../../src/app.js'

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'xa-paxlst.edi'))
const P = 'carrier_gateway_'

interface Sample { name: string, labels: Record<string, string>, value: number }

/** Prometheus text exposition → samples (comments skipped, label values unescaped). */
function parseExposition (text: string): Sample[] {
  const out: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (m === null) throw new Error(`unparseable exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = l[2].replace(/\\(.)/g, (_s, c: string) => c === 'n' ? '\n' : c)
    }
    out.push({ name: m[1], labels, value: Number(m[3]) })
  }
  return out
}

async function scrape (gateway: Gateway): Promise<{ text: string, samples: Sample[] }> {
  const res = await fetch(`http://127.0.0.1:${gateway.adminPort()!}/metrics`)
  const text = await res.text()
  return { text, samples: parseExposition(text) }
}

function value (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const s = samples.find(
    x =>
      x.name === name &&
      Object.entries(labels).every(([k, v]) => x.labels[k] === v) &&
      Object.keys(x.labels).length === Object.keys(labels).length
  )
  return s?.value
}

/** The default process metrics (prom-client collectDefaultMetrics) carry their own fixed labels. */
async function defaultNames (): Promise<Set<string>> {
  const all = new Set((await createMetrics().registry.getMetricsAsJSON()).map(m => m.name))
  const own = new Set((await createMetrics({ defaults: false }).registry.getMetricsAsJSON()).map(m => m.name))
  return new Set([...all].filter(n => !own.has(n)))
}

const ALLOWED_LABELS = new Set([
  'carrier', 'channel', 'type', 'outcome', 'code', 'severity', 'reason', 'kind', 'result', 'stage', 'fingerprint', 'target', 'destination',
  'via', 'field', 'action', 'decision', 'state', 'origin'
])

t.test('catalogue: every metric is prefixed, documented in help, and labelled only with bounded label names', async t => {
  const m = createMetrics()
  const metrics = m.registry.getMetricsAsArray() as unknown as Array<{ name: string, help: string, labelNames: string[] }>
  t.ok(metrics.length > 40, 'the catalogue and the process defaults are registered')
  const defaults = await defaultNames()
  t.same(metrics.filter(x => !x.name.startsWith(P)).map(x => x.name), [], `every name is prefixed ${P}`)
  t.same(metrics.filter(x => x.help.length < 10).map(x => x.name), [], 'every metric has a help text')
  const unbounded = metrics
    .filter(x => !defaults.has(x.name))
    .flatMap(x => x.labelNames.filter(l => !ALLOWED_LABELS.has(l)).map(l => `${x.name}{${l}}`))
  t.same(unbounded, [], 'only bounded label names (no ids, references, flights, senders)')
  const processMetrics = [
    'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds', 'process_resident_memory_bytes'
  ]
  for (const name of processMetrics) {
    t.ok(defaults.has(P + name), `process metric ${P}${name} (prom-client defaults)`)
  }
  const two = [createMetrics({ defaults: false }), createMetrics({ defaults: false })]
  two[0].transmissions.inc({ carrier: 'XA', channel: 'https', type: 'PAXLST', outcome: 'accepted' })
  t.equal((await two[1].transmissions.get()).values.length, 0, 'each gateway has its own registry (no global state)')
})

t.test('labels stay bounded when unknown certificates, unknown senders, unknown types and garbage arrive', async t => {
  const { gateway } = await buildGateway(t)
  const port = gateway.httpsPort()!
  const token = (): string => randomBytes(4).toString('hex').toUpperCase()
  const junk = [`J${token()}`, `S${token()}`, `R${token()}`, `Q${token().slice(0, 5)}`]
  const sent = [
    await call(port, { body: EXAMPLE }),
    await call(port, { body: EXAMPLE }),
    await call(port, { body: `${junk[0]} this is not EDIFACT at all` }),
    await call(port, { body: paxlst({ sender: junk[1], reference: junk[2] }) }),
    await call(port, {
      body: Buffer.from(paxlst({ reference: 'REFTYPE1' }).toString('latin1').replace('PAXLST:D:05B', `${junk[3]}:D:05B`), 'latin1')
    }),
    await call(port, { body: EXAMPLE, cert: 'rogue-client' }),
    await call(port, { body: EXAMPLE, cert: 'xb-client' }),
    await call(port, { body: EXAMPLE, cert: null })
  ].map(r => r.status)
  t.same(sent.slice(0, 2), [200, 200], 'the valid interchange and its duplicate are answered 200')
  t.ok(sent.slice(2, 5).every(s => s >= 400), 'garbage, a foreign sender and an unknown type are refused or rejected')
  t.ok(sent.slice(5).every(s => s === 401 || s === 403), 'unknown / untrusted / missing certificates are refused')

  const { text, samples } = await scrape(gateway)
  for (const j of junk) t.notOk(text.includes(j), `nothing the sender chose (${j}) becomes a label value`)
  const defaults = await defaultNames()
  const allowed: Record<string, (v: string) => boolean> = {
    carrier: v => v === 'XA' || v === 'unknown',
    channel: v => ['https', 'sftp', 'amqp'].includes(v),
    // message types, and the flight view's due push types (docs/flights.md)
    type: v => MESSAGE_TYPES.has(v) || v === 'unknown' || v === 'other' ||
      ['pnr', 'api-passengers', 'api-crew', 'api-final', 'govreq'].includes(v),
    state: v => ['on_time', 'late', 'missing', 'complete', 'incomplete'].includes(v) ||
      ['queued', 'delivered', 'fetched', 'answered', 'expired'].includes(v),
    outcome: v => ['accepted', 'accepted_with_warnings', 'duplicate', 'rejected', 'retry'].includes(v),
    code: v => /^\d{1,3}$/.test(v),
    severity: v => v === 'error' || v === 'warning',
    kind: v => ['contrl', 'ackres', 'json', 'cusres', 'govreq'].includes(v),
    origin: v => v === 'piu' || v === 'late-decision',
    result: v => ['positive', 'negative', 'duplicate', 'ok', 'failed', 'error'].includes(v),
    field: v => ['document_number', 'document_expiry', 'birth_date', 'nationality', 'gender'].includes(v),
    fingerprint: v => /^([0-9A-F]{2}:){7}[0-9A-F]{2}$/.test(v),
    stage: v => ['testing', 'live', 'suspended'].includes(v),
    target: v => v === 'amqp' || v === 'directory',
    destination: v => ['production', 'test', 'quarantine'].includes(v),
    via: v => ['target', 'spool', 'relay'].includes(v),
    le: () => true
  }
  // refusals carry a catalogue id; TLS failures an OpenSSL / identity reason code.
  allowed.reason = v => v in ERRORS || /^[a-z0-9_]{1,64}$/.test(v)
  const own = samples.filter(s => s.name.startsWith(P) && !defaults.has(s.name.replace(/_(bucket|sum|count)$/, '')))
  const pairs = own.flatMap(s => Object.entries(s.labels).map(([k, v]) => ({ metric: s.name, k, v })))
  t.ok(pairs.length > 20, `${pairs.length} label values checked`)
  t.same(
    pairs.filter(p => allowed[p.k]?.(p.v) !== true).map(p => `${p.metric}{${p.k}="${p.v}"}`),
    [],
    'every label value is in its allowed set'
  )

  // What the traffic above must show.
  t.equal(value(samples, `${P}transmissions_total`, { carrier: 'XA', channel: 'https', type: 'PAXLST', outcome: 'accepted' }), 1)
  t.equal(value(samples, `${P}transmissions_total`, { carrier: 'XA', channel: 'https', type: 'PAXLST', outcome: 'duplicate' }), 1)
  t.equal(
    value(samples, `${P}transmissions_total`, { carrier: 'XA', channel: 'https', type: 'other', outcome: 'rejected' }),
    1,
    'an unknown message type is counted as other'
  )
  t.equal(value(samples, `${P}acks_total`, { carrier: 'XA', kind: 'contrl', result: 'positive' }), 1)
  t.equal(value(samples, `${P}acks_total`, { carrier: 'XA', kind: 'contrl', result: 'duplicate' }), 1)
  t.ok((value(samples, `${P}acks_total`, { carrier: 'XA', kind: 'contrl', result: 'negative' }) ?? 0) >= 1, 'negative CONTRLs counted')
  t.equal(
    value(samples, `${P}validation_errors_total`, { carrier: 'XA', type: 'PAXLST', code: '23', severity: 'error' }),
    1,
    'the foreign UNB sender is CONTRL 23'
  )
  const settled = samples.filter(s => s.name === `${P}transmissions_total` && s.labels.outcome !== 'retry').reduce((n, s) => n + s.value, 0)
  t.equal(
    value(samples, `${P}receive_to_ack_seconds_count`, { channel: 'https' }),
    settled,
    'one receive→ack observation per settled transmission'
  )
  t.equal(
    value(samples, `${P}receive_to_durable_seconds_count`, { channel: 'https' }),
    1,
    'one durable hand-off (the duplicate is not forwarded again)'
  )
  t.equal(value(samples, `${P}forwarded_total`, { destination: 'production', via: 'target' }), 1)
  t.ok((value(samples, `${P}received_bytes_total`, { carrier: 'XA', channel: 'https' }) ?? 0) >= EXAMPLE.length * 2)
  const last = value(samples, `${P}last_transmission_timestamp_seconds`, { carrier: 'XA', type: 'PAXLST' })
  t.ok(last !== undefined && Math.abs(last - Date.now() / 1000) < 600, 'last transmission timestamp is now')
  t.equal(
    value(samples, `${P}minutes_before_departure_count`, { carrier: 'XA', type: 'PAXLST' }),
    1,
    'timeliness observed for the accepted transmission'
  )
  t.equal(
    value(samples, `${P}minutes_before_departure_bucket`, { carrier: 'XA', type: 'PAXLST', le: '-60' }),
    1,
    'the example flight left in 2025: received after departure'
  )
  t.ok(
    samples.some(s => s.name === `${P}tls_handshake_failures_total` && s.labels.reason === 'unknown_fingerprint'),
    'an unpinned certificate is counted'
  )
  t.ok(
    samples.some(s => s.name === `${P}tls_handshake_failures_total` && s.labels.reason === 'no_certificate'),
    'a missing certificate is counted'
  )
  t.equal(value(samples, `${P}carrier_stage`, { carrier: 'XA', stage: 'live' }), 1)
  t.ok((value(samples, `${P}ledger_rows`) ?? 0) >= 5, 'ledger size is refreshed on scrape')
  for (const d of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_resident_memory_bytes']) {
    t.ok(
      samples.some(s => s.name === P + d),
      `${P}${d} is scraped`
    )
  }
})

t.test('data quality: travellers and the API fields they lack, per carrier and type', async t => {
  const { gateway } = await buildGateway(t)
  const base = paxlstMessage('PAX001')
  const cnt = base.segments.findIndex(s => s.tag === 'CNT')
  const sparse = [
    { tag: 'NAD', elements: ['FL', null, null, ['NOVAKOVA', 'ILSE']] },
    { tag: 'ATT', elements: ['2', null, 'F'] },
    { tag: 'LOC', elements: ['178', 'LHR'] },
    { tag: 'LOC', elements: ['179', 'JFK'] }
  ]
  const message = { ...base, segments: [...base.segments.slice(0, cnt), ...sparse, { tag: 'CNT', elements: [['42', '2']] }] }
  const body = Buffer.from(
    writeInterchange({
      sender: 'XAAPI',
      recipient: 'GOVPIU',
      preparedAt: { date: '250114', time: '0630' },
      reference: 'QUAL0001',
      messages: [message],
      newline: true
    }),
    'latin1'
  )
  const res = await call(gateway.httpsPort()!, { body })
  t.match(res.headers['x-outcome'], /^accepted/, 'a traveller without documents is accepted (the profile only warns)')

  const { samples, text } = await scrape(gateway)
  t.equal(value(samples, `${P}travellers_total`, { carrier: 'XA', type: 'PAXLST' }), 2)
  for (const field of ['document_number', 'document_expiry', 'birth_date', 'nationality']) {
    t.equal(value(samples, `${P}travellers_missing_total`, { carrier: 'XA', type: 'PAXLST', field }), 1, `one traveller lacks ${field}`)
  }
  t.equal(
    value(samples, `${P}travellers_missing_total`, { carrier: 'XA', type: 'PAXLST', field: 'gender' }),
    undefined,
    'both carry a gender'
  )
  t.notOk(text.includes('NOVAKOVA') || text.includes('QUIXOTEVA'), 'no passenger value in the metrics')
})

t.test('overdue gauge: silent longer than expect.TYPE.maxSilenceMinutes, never sent counts', async t => {
  const { gateway } = await buildGateway(t, {
    agreements: [exampleAgreement({ expect: { PAXLST: { maxSilenceMinutes: 1 }, PNRGOV: { maxSilenceMinutes: 1 } } })]
  })
  t.equal((await call(gateway.httpsPort()!, { body: EXAMPLE })).status, 200)
  const { agreements, ledger, metrics } = gateway
  const now = Date.now()
  await refreshCarrierGauges(agreements, ledger, metrics, now)
  let { samples } = await scrape(gateway)
  t.equal(value(samples, `${P}carrier_overdue`, { carrier: 'XA', type: 'PAXLST' }), 0, 'a PAXLST arrived within the minute')
  t.equal(value(samples, `${P}carrier_overdue`, { carrier: 'XA', type: 'PNRGOV' }), 1, 'no PNRGOV ever: overdue')
  await refreshCarrierGauges(agreements, ledger, metrics, now + 30_000)
  samples = (await scrape(gateway)).samples
  t.equal(value(samples, `${P}carrier_overdue`, { carrier: 'XA', type: 'PAXLST' }), 0, '30 s of silence is within 1 minute')
  await refreshCarrierGauges(agreements, ledger, metrics, now + 120_000)
  samples = (await scrape(gateway)).samples
  t.equal(value(samples, `${P}carrier_overdue`, { carrier: 'XA', type: 'PAXLST' }), 1, 'two minutes of silence is overdue')
  t.notOk(
    samples.some(s => s.name === `${P}carrier_overdue` && s.labels.carrier !== 'XA'),
    'only carriers with an expectation have the gauge'
  )
})

t.test('certificate expiry gauge from the agreement, per carrier and fingerprint', async t => {
  const xa = fingerprintOf('xa-client')
  const { gateway } = await buildGateway(t, {
    agreements: [
      exampleAgreement({
        channels: { https: { certificates: [{ fingerprint: xa, notAfter: '2031-05-01T00:00:00Z', label: 'xa 2031' }] } }
      }),
      exampleAgreement({ code: 'XB', senderIds: ['XBAPI'], channels: { https: { certificates: [fingerprintOf('xb-client')] } } })
    ]
  })
  await refreshCarrierGauges(gateway.agreements, gateway.ledger, gateway.metrics)
  const { samples } = await scrape(gateway)
  const series = samples.filter(s => s.name === `${P}client_certificate_expiry_timestamp_seconds`)
  t.same(series.map(s => s.labels), [{ carrier: 'XA', fingerprint: xa.replace(/^sha256\//, '').slice(0, 23) }], 'one series, the fingerprint shortened to a bounded prefix; no notAfter declared for XB: no series')
  t.equal(series[0].value, Date.parse('2031-05-01T00:00:00Z') / 1000)
})

t.test('certificate expiry from the handshake when the agreement states none, kept across refreshes', async t => {
  const { gateway } = await buildGateway(t)
  const res = await call(gateway.httpsPort()!, { body: EXAMPLE })
  t.equal(res.status, 200)
  await refreshCarrierGauges(gateway.agreements, gateway.ledger, gateway.metrics, Date.now(), gateway.https!.certificateExpiries())
  const { samples } = await scrape(gateway)
  const series = samples.filter(s => s.name === `${P}client_certificate_expiry_timestamp_seconds`)
  const notAfter = new X509Certificate(readFileSync(join(CERTS, 'xa-client.crt'))).validTo
  t.same(series.map(s => s.labels.carrier), ['XA'])
  t.equal(series[0].value, Date.parse(notAfter) / 1000, 'the certificate\'s own notAfter')
})
