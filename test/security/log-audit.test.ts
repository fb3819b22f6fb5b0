// The log audit (docs/security.md "Logs and metrics", docs/architecture.md invariant 4): every fixture (test/fixtures) goes
// through every channel — HTTPS, SFTP and the AMQP bridge — with every outcome (accepted,
// rejected, duplicate, changed resend, wrong sender, refused, garbage, retry). Then nothing the
// gateway wrote outside the payload stores may hold a name, document number or birth date from
// the inputs: log lines, /metrics, ledger rows, quarantine reports, outbox properties, HTTP
// replies (acks and problem bodies), SFTP ack files, AMQP replies. Payloads are exempt where they
// must rest: the outbox/quarantine `.edi` bodies (the PIU queue itself and the officers' review).
//
// The passenger values are derived, not listed: each input is run through the gateway's own
// checking half (assessTransmission) and the canonical models give the values to look for.
//
// Extension point: a new channel adds a `ChannelDriver` to `drivers()` below; it sends the inputs
// its own way and returns the artifacts it produced (replies, ack files). The sinks common to all
// channels (logs, metrics, ledger, quarantine, outbox) are collected once.
import t, { type Test } from 'tap'
import { readFileSync, readdirSync, existsSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { buildGateway, exampleAgreement, fingerprintOf, tmpDir, type Built } from '../helpers/gateway.js'
import { allFixtures } from '../fixtures/index.js'
import { waitFor } from '../helpers/wait.js'
import { call } from '../helpers/https-client.js'
import { startSftpServer, type SftpServer } from '../helpers/sshd.js'
import { carrierSide, queueNames, type CarrierSide } from '../channels/amqp/fixtures.js'
import { sftpAgreement } from '../channels/sftp/fixtures.js'
import { assessTransmission } from '../../src/pipeline/assess.js'
import { parseInterchange } from '../../src/edifact/index.js'
import { agreementSetOf, validateAgreement } from '../../src/agreements/store.js'
import type { Agreement } from '../../src/agreements/schema.js'
import { configFrom } from '../../src/config/index.js'

// ── inputs ──────────────────────────────────────────────────────────────────────────────────────
interface Input { name: string, bytes: Buffer }

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'xa-paxlst.edi'))
const samples: Input[] = allFixtures()

/** Every UNB sender and recipient in the inputs, so the audit carriers accept their envelopes. */
function envelopeIds (inputs: Input[]): { senders: string[], recipients: string[] } {
  const senders = new Set<string>(['XAAPI'])
  const recipients = new Set<string>(['GOVPIU'])
  for (const i of inputs) {
    const unb = parseInterchange(i.bytes, { typeB: true, unaRepair: true }).unb
    if (unb?.sender) senders.add(unb.sender.slice(0, 35))
    if (unb?.recipient) recipients.add(unb.recipient.slice(0, 35))
  }
  return { senders: [...senders], recipients: [...recipients] }
}

/** A sample with its envelope cut away: no readable UNB, but passenger data inside (garbage). */
function headless (bytes: Buffer): Buffer {
  const text = bytes.toString('latin1')
  const at = text.search(/UNH[+*-]/)
  return Buffer.concat([randomBytes(64), Buffer.from(text.slice(Math.max(0, at)), 'latin1')])
}

/** The inputs each channel sends, in order; duplicates and resends come after their originals. */
function inputsFor (prefix: string): { first: Input[], second: Input[] } {
  const ref = `${prefix}${Date.now().toString(36).toUpperCase().slice(-6)}`
  const example = Buffer.from(EXAMPLE.toString('latin1').replaceAll('XA0000000217', ref), 'latin1')
  const changed = Buffer.from(example.toString('latin1').replace('X0000001', 'X0000002'), 'latin1')
  const wrongSender = Buffer.from(example.toString('latin1').replace('+XAAPI+', '+ZZNOTOURS+').replaceAll(ref, `${ref}W`), 'latin1')
  const first: Input[] = [
    ...samples,
    { name: 'example.edi', bytes: example },
    { name: 'wrong-sender.edi', bytes: wrongSender },
    { name: 'headless.edi', bytes: headless(samples.find(s => s.name === 'paxlst-d15b-pax.edi')!.bytes) },
    { name: 'random.edi', bytes: randomBytes(2048) }
  ]
  const second: Input[] = [
    { name: 'example-again.edi', bytes: example },
    { name: 'example-changed.edi', bytes: changed }
  ]
  return { first, second }
}

// ── the passenger values, derived from the canonical models ─────────────────────────────────────
/** The parser bounds the gateway applies by default. */
const LIMITS = configFrom({}).limits

function travellerValues (model: unknown): Array<string | null> {
  const m = model as { travellers?: Array<Record<string, unknown>>, pnrs?: Array<{ travellers?: Array<Record<string, unknown>> }> }
  const people = [...(m.travellers ?? []), ...(m.pnrs ?? []).flatMap(p => p.travellers ?? [])]
  const out: Array<string | null> = []
  for (const p of people) {
    out.push(p.surname as string | null, p.givenNames as string | null, p.birthDate as string | null)
    for (const d of (p.documents ?? []) as Array<Record<string, string | null>>) out.push(d.number, d.surname, d.givenNames, d.birthDate)
  }
  return out
}

/** Searchable forms of the values: words of 4+ characters; numbers of 6+ digits; dates as sent. */
function needles (values: Iterable<string | null>): Set<string> {
  const out = new Set<string>()
  for (const v of values) {
    if (v === null || v === undefined) continue
    const iso = /^(\d\d)(\d\d)-(\d\d)-(\d\d)$/.exec(v)
    if (iso !== null) {
      out.add(v)
      out.add(`${iso[2]}${iso[3]}${iso[4]}`) // YYMMDD as in DTM+329
      out.add(`${iso[1]}${iso[2]}${iso[3]}${iso[4]}`)
      continue
    }
    for (const word of v.split(/[\s\r\n]+/)) {
      if (/^\d+$/.test(word) ? word.length >= 6 : word.length >= 4) out.add(word)
    }
  }
  return out
}

/** Envelope metadata of the inputs (UNB/UNH ids, references, dates; flight numbers and dates). */
function envelopeValues (a: ReturnType<typeof assessTransmission>): Array<string | null> {
  const unb = a.interchange.unb
  const out: Array<string | null> =
    unb === null ? [] : [unb.sender, unb.recipient, unb.reference, unb.date, unb.time, unb.preparedAt?.slice(0, 10) ?? null]
  for (const m of a.messages) {
    out.push(m.reference)
    const flight = (
      m.model as {
        flight?: {
          carrier: string | null
          number: string | null
          legs: Array<{ departure: { scheduled: string | null }, arrival: { scheduled: string | null } }>
        }
      } | null
    )?.flight
    if (flight === undefined) continue
    out.push(flight.carrier, flight.number)
    for (const leg of flight.legs) out.push(leg.departure.scheduled?.slice(0, 10) ?? null, leg.arrival.scheduled?.slice(0, 10) ?? null)
  }
  return out
}

/**
 * The needles to look for, and those dropped because the same characters are also envelope
 * metadata of the inputs — which the gateway logs by design (a sample whose UNB reference is
 * "123456789" and whose crew member holds document "123456789" cannot tell the two apart).
 */
function passengerNeedles (inputs: Input[], carrier: Agreement): { values: Set<string>, shared: string[] } {
  const values: Array<string | null> = []
  const envelope: Array<string | null> = []
  for (const i of inputs) {
    for (const variant of [carrier, { ...carrier, typeB: true, unaRepair: true }] as Agreement[]) {
      const a = assessTransmission(i.bytes, [variant], { receiverIds: ['GOVPIU'], receivedAt: new Date(), limits: LIMITS })
      for (const m of a.messages) if (m.model !== null) values.push(...travellerValues(m.model))
      envelope.push(...envelopeValues(a))
    }
  }
  const all = needles(values)
  const metadata = needles(envelope)
  const shared = [...all].filter(v => metadata.has(v))
  for (const v of shared) all.delete(v)
  return { values: all, shared }
}

/** Where a needle occurs in a text (numbers only as whole numbers, so a timestamp never matches). */
function occurs (text: string, needle: string): boolean {
  if (!/^\d+$/.test(needle)) return text.includes(needle)
  return new RegExp(`(?<![0-9])${needle}(?![0-9])`).test(text)
}

// ── channels ────────────────────────────────────────────────────────────────────────────────────
interface Artifact { where: string, text: string }
interface ChannelDriver {
  name: string
  agreement: Record<string, unknown>
  /** Sends the first batch, waits until settled, then the second; returns what came back. */
  run: (built: Built, first: Input[], second: Input[]) => Promise<Artifact[]>
}

async function until (what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  await waitFor(what, check, ms, 50)
}

async function ledgerCount (built: Built, carrier: string): Promise<number> {
  return (await built.gateway.ledger.list({ carrier, limit: 10000 })).length
}

function httpsDriver (base: Record<string, unknown>): ChannelDriver {
  return {
    name: 'https',
    agreement: { ...base, code: 'XA', channels: { https: { certificates: [fingerprintOf('xa-client')] } } },
    async run (built, first, second) {
      const port = built.gateway.httpsPort()!
      const out: Artifact[] = []
      const record = (where: string, r: { status: number, body: string }): void => {
        out.push({ where: `https ${where} (${r.status})`, text: r.body })
      }
      for (const i of [...first, ...second]) {
        record(i.name, await call(port, { body: i.bytes }))
        record(`${i.name} as JSON`, await call(port, { body: i.bytes, accept: 'application/json' }))
      }
      // Refusals before the pipeline: an unknown certificate, a body over the limit.
      record('unknown certificate', await call(port, { body: first[0].bytes, cert: 'xb-client' }))
      record('too large', await call(port, { body: Buffer.concat([EXAMPLE, Buffer.alloc(2 * 1024 * 1024, 0x41)]) }))
      for (const row of await built.gateway.ledger.list({ carrier: 'XA', limit: 10000 })) {
        record(`status of ${row.id}`, await call(port, { path: `/v1/transmissions/${row.id}` }))
      }
      return out
    }
  }
}

function sftpDriver (base: Record<string, unknown>, server: SftpServer): ChannelDriver {
  const settled = (): number => ['out/done', 'out/rejected'].map(d => readdirSync(join(server.root, d)).length).reduce((a, b) => a + b, 0)
  const put = async (inputs: Input[], offset: number): Promise<void> => {
    inputs.forEach((i, n) => server.putFile(`out/${String(offset + n).padStart(2, '0')}-${i.name.replace(/\.\w+$/, '')}.edi`, i.bytes))
    await until('SFTP files settled', () => settled() === offset + inputs.length)
  }
  return {
    name: 'sftp',
    agreement: { ...base, code: 'XS', channels: sftpAgreement(server).channels },
    async run (_built, first, second) {
      await put(first, 0)
      await put(second, first.length)
      const acks = join(server.root, 'in')
      return readdirSync(acks).map(f => ({ where: `sftp ack file ${f}`, text: readFileSync(join(acks, f), 'latin1') }))
    }
  }
}

function amqpDriver (base: Record<string, unknown>, side: CarrierSide): ChannelDriver {
  return {
    name: 'amqp',
    agreement: { ...base, code: 'XQ', channels: { amqp: { url: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', queue: side.q.queue, replyQueue: side.q.replyQueue, prefetch: 4 } } },
    async run (built, first, second) {
      for (const i of first) await side.publish(i.bytes)
      await until('AMQP first batch settled', async () => await ledgerCount(built, 'XQ') >= first.length)
      for (const i of second) await side.publish(i.bytes)
      await until('AMQP second batch settled', async () => await ledgerCount(built, 'XQ') >= first.length + second.length)
      return side.replies.map((m, n) => ({
        where: `amqp reply ${n} (${String(m.properties.type ?? m.properties.contentType)})`,
        text: `${JSON.stringify(m.properties.headers ?? {})}\n${m.content.toString('latin1')}`
      }))
    }
  }
}

// ── common sinks ────────────────────────────────────────────────────────────────────────────────
async function adminMetrics (port: number): Promise<string> {
  return await new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/metrics', agent: false }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    }).on('error', reject).end()
  })
}

/** The JSON files (properties, quarantine reports) in a target folder tree; `.edi` payloads exempt. */
function metadataFiles (dir: string, label: string): Artifact[] {
  if (!existsSync(dir)) return []
  const out: Artifact[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...metadataFiles(join(dir, e.name), `${label}/${e.name}`))
    else if (!e.name.endsWith('.edi')) out.push({ where: `${label}/${e.name}`, text: readFileSync(join(dir, e.name), 'utf8') })
  }
  return out
}

function filesUnder (dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)])
}

async function commonSinks (built: Built): Promise<Artifact[]> {
  return [
    ...built.logs.lines.map((l, n) => ({ where: `log line ${n}`, text: l })),
    { where: '/metrics', text: await adminMetrics(built.gateway.adminPort()!) },
    ...(await built.gateway.ledger.list({ limit: 10000 })).map(r => ({ where: `ledger row ${r.id}`, text: JSON.stringify(r) })),
    ...metadataFiles(join(built.dir, 'quarantine'), 'quarantine'),
    ...metadataFiles(join(built.dir, 'outbox'), 'outbox')
  ]
}

function audit (t: Test, artifacts: Artifact[], values: Set<string>): void {
  const leaks: string[] = []
  for (const a of artifacts) {
    for (const v of values) if (occurs(a.text, v)) leaks.push(`${a.where}: ${JSON.stringify(v)}`)
  }
  t.same(leaks, [], `no passenger value in ${artifacts.length} artifacts (${values.size} values looked for)`)
}

// ── the audit ───────────────────────────────────────────────────────────────────────────────────
const { senders, recipients } = envelopeIds(samples)
const base = exampleAgreement({
  senderIds: senders,
  messages: {
    PAXLST: { versions: ['D02B', 'D05B', 'D12B', 'D15B'], ack: 'contrl' },
    PNRGOV: { versions: ['10.1', '11.1', '12.1', '13.1', '14.1', '15.1', '16.1', '17.1'], ack: 'ackres' }
  }
})

t.test('every sample through every channel and outcome: no passenger value outside the payload stores', async t => {
  const server = await startSftpServer(t)
  const side = await carrierSide(t, queueNames('test.audit'))
  const drivers = [httpsDriver(base), sftpDriver(base, server), amqpDriver(base, side)]
  const built = await buildGateway(t, {
    config: { identity: { receiverIds: recipients }, limits: { maxMessageBytes: 1024 * 1024 } },
    agreements: drivers.map(d => d.agreement)
  })
  const inputs = inputsFor('AUD')
  const checked = validateAgreement(drivers[0].agreement, 'XA.yaml').agreement!
  const { values, shared } = passengerNeedles([...inputs.first, ...inputs.second], checked)
  t.ok(values.size > 100, `values derived from the inputs (${values.size})`)
  t.ok(shared.length <= 10, `few values are also envelope metadata and cannot be audited: ${JSON.stringify(shared)}`)
  t.ok(
    values.has('TESTER') && values.has('X0000001') && values.has('1980-01-01') && values.has('800101'),
    'the derivation finds the D15B fixture traveller'
  )
  t.ok(agreementSetOf([checked]).all.length === 1)

  const artifacts: Artifact[] = []
  for (const d of drivers) artifacts.push(...await d.run(built, inputs.first, inputs.second))
  artifacts.push(...await commonSinks(built))

  // Every outcome happened on every channel, so the audit covered them.
  for (const carrier of ['XA', 'XS', 'XQ']) {
    const outcomes = new Set((await built.gateway.ledger.list({ carrier, limit: 10000 })).map(r => r.outcome))
    for (const o of ['accepted', 'accepted_with_warnings', 'rejected', 'duplicate']) {
      t.ok(outcomes.has(o as never), `${carrier}: ${o} covered`)
    }
    const codes = (await built.gateway.ledger.list({ carrier, limit: 10000 })).flatMap(r => r.errorCodes)
    t.ok(codes.includes(23) && codes.includes(26), `${carrier}: wrong sender (23) and changed resend (26) covered`)
  }
  const settled = built.logs.records().filter(r => r.msg === 'transmission settled')
  for (const ch of ['https', 'sftp', 'amqp']) {
    t.ok(settled.filter(r => r.channel === ch).length >= inputs.first.length, `${ch}: every transmission logged`)
  }
  t.ok(artifacts.some(a => a.where.startsWith('https unknown certificate (403)')), 'a refusal before the pipeline')
  t.ok(artifacts.some(a => /^https headless\.edi \(400\)/.test(a.where)), 'garbage with passenger data inside')
  t.ok(artifacts.some(a => a.where.startsWith('quarantine/')), 'quarantine reports present')
  t.ok(
    artifacts.some(a => a.where.startsWith('sftp ack file')) && artifacts.some(a => a.where.startsWith('amqp reply')),
    'acks from every channel'
  )

  // The payload stores do hold the data: the audit would see a leak if it were copied elsewhere.
  const payloads = readdirSync(join(built.dir, 'quarantine'))
    .filter(f => f.endsWith('.edi'))
    .map(f => readFileSync(join(built.dir, 'quarantine', f), 'latin1'))
    .join('\n')
  t.ok([...values].some(v => occurs(payloads, v)), 'sanity: the needles match the quarantined payloads')

  // At rest, payloads are readable by the gateway's user alone (invariant 4).
  const loose = [join(built.dir, 'outbox'), join(built.dir, 'quarantine')]
    .flatMap(d => filesUnder(d))
    .filter(f => (statSync(f).mode & 0o077) !== 0)
  t.same(loose, [], 'every outbox and quarantine file is mode 0600')

  audit(t, artifacts, values)
})

t.test('the retry outcome (target and spool both refusing) leaks nothing either', async t => {
  const dir = tmpDir(t)
  const notADirectory = join(dir, 'outbox-is-a-file')
  writeFileSync(notADirectory, '')
  const built = await buildGateway(t, {
    config: { forward: { directory: { path: notADirectory } }, spool: { maxBytes: 0 } },
    agreements: [httpsDriver(base).agreement]
  })
  const inputs = inputsFor('RTY')
  const example = inputs.first.find(i => i.name === 'example.edi')!
  const res = await call(built.gateway.httpsPort()!, { body: example.bytes })
  t.equal(res.status, 503)
  t.equal(res.headers['x-outcome'], 'retry')
  t.ok(Number(res.headers['retry-after']) > 0)
  const { values } = passengerNeedles([example], validateAgreement(httpsDriver(base).agreement, 'XA.yaml').agreement!)
  t.ok(values.has('SPECIMEN'))
  audit(t, [{ where: 'https reply (503)', text: res.body }, ...await commonSinks(built)], values)
})
