import t from 'tap'
import { validateAgreement } from '../../src/agreements/store.js'
import { certify, certifyFile } from '../../src/onboarding/report.js'
import type { Agreement } from '../../src/agreements/schema.js'
import { fixture, fixturePath } from '../fixtures/index.js'

const sample = (name: string): { name: string, bytes: Buffer } => ({ name: fixturePath(name), bytes: fixture(name) })
const FP = `sha256/${Array(32).fill('AB').join(':')}`

/** Values from inside the fixtures' segments (names, document numbers, dates, addresses, phones). */
const PASSENGER_VALUES = [
  'TESTER', 'ALPHA', 'BRAVO', 'X0000001', 'X0000002', '800101', '750505', '1 TEST STREET', 'TESTVILLE', 'ZZ1 1ZZ', 'TEST ROAD',
  '0000 000 0002', 'UNIFORM', 'VICTOR', 'X0000014', '01JAN80'
]

function agreement (overrides: Record<string, unknown> = {}): Agreement {
  const v = validateAgreement({
    code: 'ZZ',
    name: 'Zed Air',
    stage: 'testing',
    senderIds: ['ZZAIRLINE', 'ZZ'],
    messages: { PAXLST: { versions: ['D15B'], ack: 'contrl' }, PNRGOV: { versions: ['11.1'], ack: 'ackres' } },
    channels: { https: { certificates: [FP] } },
    ...overrides
  }, '/carriers/ZZ.yaml')
  if (v.agreement === null) throw new Error(JSON.stringify(v.problems))
  return v.agreement
}

const ctx = {
  receiverIds: ['CUSTOMS', 'PIUPNR'],
  senderId: 'GOVPIU',
  limits: { maxSegments: 200000, maxValueLength: 512, maxParts: 999 },
  now: new Date('2025-01-14T06:31:00Z')
}

t.test('an accepted PAXLST: outcome, positive CONTRL, figures', async t => {
  const { report: r, parts } = certifyFile(agreement(), 'x/ex51.edi', sample('paxlst-d15b-pax.edi').bytes, ctx)
  t.equal(r.file, 'ex51.edi', 'only the base name')
  t.equal(r.outcome, 'accepted')
  t.equal(r.refusal, null)
  t.same(r.interchange, { syntax: 'UNOA:4', sender: 'ZZAIRLINE', recipient: 'CUSTOMS', reference: '000000001', test: false })
  t.same(r.messages, [
    { reference: 'PAX001', type: 'PAXLST', version: 'D:15B', part: { sequence: null, final: null }, outcome: 'accepted' }
  ])
  t.same(r.errors, [])
  t.equal(r.ack?.kind, 'contrl')
  t.match(r.ack?.text, /UCI\+000000001\+ZZAIRLINE\+CUSTOMS\+7'/)
  t.same(r.quality, {
    messages: 1,
    travellers: 1,
    documentNumber: 1,
    documentExpiry: 1,
    birthDate: 1,
    nationality: 1,
    gender: 1,
    pnrs: 0,
    cancelledPnrs: 0,
    pnrsWithAllDocs: 0
  })
  t.same(parts.map(p => [p.sequence, p.final]), [[null, null]])
})

t.test('a wrong UNT count: rejected, code 29 at UNT explained, negative CONTRL', async t => {
  const { report: r } = certifyFile(agreement(), 'ex52.edi', sample('paxlst-d15b-crew-bad-count.edi').bytes, ctx)
  t.equal(r.outcome, 'rejected')
  t.equal(r.errors.length, 1)
  const e = r.errors[0]
  t.match(e, {
    code: 29,
    id: 'GW_ERR_EDIFACT_UNT_COUNT',
    message: 'PAX001',
    segment: 19,
    tag: 'UNT',
    element: 1,
    meaning: 'control count does not match number of instances received'
  })
  t.equal(e.position, 'message PAX001, segment 19 (UNT), element 1')
  t.match(e.advice, /UNT counts UNH to UNT inclusive/)
  t.ok(r.warnings.length > 0, 'profile findings are warnings under the default strictness')
  t.match(r.ack?.text, /UCM\+PAX001\+PAXLST:D:15B:UN:IATA\+4\+29\+UNT'/)
})

t.test('agreement strictness and versions decide, as in the gateway', async t => {
  const warn = certifyFile(
    agreement({ strictness: { controlCounts: 'warn' } }),
    'ex52.edi',
    sample('paxlst-d15b-crew-bad-count.edi').bytes,
    ctx
  ).report
  t.equal(warn.outcome, 'accepted_with_warnings', 'controlCounts: warn forwards it')
  t.ok(warn.warnings.some(w => w.code === 29))
  const d05 = certifyFile(
    agreement({ messages: { PAXLST: { versions: ['D05B'] } } }),
    'ex51.edi',
    sample('paxlst-d15b-pax.edi').bytes,
    ctx
  ).report
  t.equal(d05.outcome, 'rejected')
  t.ok(d05.errors.some(e => e.code === 14 && e.id === 'GW_ERR_MESSAGE_VERSION_NOT_AGREED'))
  const sender = certifyFile(agreement({ senderIds: ['OTHER'] }), 'ex51.edi', sample('paxlst-d15b-pax.edi').bytes, ctx).report
  t.ok(sender.errors.some(e => e.code === 23), 'sender id outside the agreement: CONTRL 23')
})

t.test('no ack due, and transport refusals', async t => {
  const none = certifyFile(
    agreement({ messages: { PAXLST: { versions: ['D15B'], ack: 'none' } } }),
    'a',
    sample('paxlst-d15b-pax.edi').bytes,
    ctx
  ).report
  t.equal(none.ack, null)
  t.match(none.ackNote, /asks for no ack for PAXLST/)
  const onError = certifyFile(agreement({ ackWhen: 'on-error' }), 'a', sample('paxlst-d15b-pax.edi').bytes, ctx).report
  t.equal(onError.ack, null)
  t.match(onError.ackNote, /only on errors or warnings/)
  const garbage = certifyFile(agreement(), 'junk.txt', Buffer.from('hello, not EDIFACT'), ctx).report
  t.equal(garbage.outcome, 'rejected')
  t.match(garbage.refusal, { id: 'GW_ERR_EDIFACT_NO_INTERCHANGE', status: 400 })
  t.equal(garbage.ack, null)
  const suspended = certifyFile(agreement({ stage: 'suspended' }), 'a', sample('paxlst-d15b-pax.edi').bytes, ctx).report
  t.match(suspended.refusal, { id: 'GW_ERR_INTAKE_CARRIER_SUSPENDED', status: 403 })
})

t.test('PNRGOV: ACKRES and PNR figures', async t => {
  const { report: r } = certifyFile(agreement(), 'pnr.edi', sample('pnrgov-11-split.edi').bytes, ctx)
  t.equal(r.outcome, 'accepted')
  t.equal(r.ack?.kind, 'ackres')
  t.match(r.quality, { messages: 1, travellers: 3, documentNumber: 2, pnrs: 2, pnrsWithAllDocs: 1 })
})

t.test('certify: summary over all files, passed only when none is rejected, series across files', async t => {
  const files = [sample('paxlst-d15b-pax.edi'), sample('paxlst-d15b-crew-bad-count.edi'), sample('pnrgov-11-split.edi')]
  const r = certify(agreement(), files, ctx)
  t.same(r.summary, { files: 3, accepted: 2, acceptedWithWarnings: 0, rejected: 1, passed: false })
  t.same(r.carrier, { code: 'ZZ', name: 'Zed Air', stage: 'testing' })
  t.equal(r.generatedAt, '2025-01-14T06:31:00.000Z')
  t.match(r.quality, { messages: 3, travellers: 5, documentNumber: 4, pnrs: 2, series: { total: 3, complete: 3, incomplete: 0 } })
  const ok = certify(agreement(), files.filter((_, i) => i !== 1), ctx)
  t.equal(ok.summary.passed, true)
  const text = JSON.stringify(r)
  for (const v of PASSENGER_VALUES) t.notOk(text.includes(v), `no passenger value ${v} in the report`)
})

t.test('a first part alone is an incomplete series', async t => {
  const r = certify(
    agreement({ messages: { PAXLST: { versions: ['D02B'] } }, strictness: { controlCounts: 'warn' } }),
    [sample('paxlst-d02b-multipart-first.edi')],
    { ...ctx, receiverIds: ['GOVPIU'] }
  )
  t.equal(r.files[0].messages[0].part.sequence, 1)
  t.equal(r.files[0].messages[0].part.final, false)
  t.same(r.quality.series, { total: 1, complete: 0, incomplete: 1 })
  t.equal(r.quality.travellers, 6)
})

t.test('report id, agreement parameters and the files that need fixing, rejected first', async t => {
  const files = [sample('paxlst-d15b-pax.edi'), sample('pnrgov-11-split.edi'), sample('paxlst-d15b-crew-bad-count.edi')]
  const r = certify(agreement(), files, ctx)
  t.match(r.id, /^CR-20250114-[0-9a-f]{8}$/)
  t.equal(certify(agreement(), files, ctx).id, r.id, 'the same inputs at the same moment: the same id')
  t.not(certify(agreement(), files.slice(0, 2), ctx).id, r.id, 'other files: another id')
  t.same(r.agreement, {
    stage: 'testing',
    senderIds: ['ZZAIRLINE', 'ZZ'],
    receiverIds: ['CUSTOMS', 'PIUPNR'],
    messages: [{ type: 'PAXLST', versions: ['D:15B'], ack: 'contrl' }, { type: 'PNRGOV', versions: ['11:1'], ack: 'ackres' }],
    ackWhen: 'always',
    acceptTest: true,
    maxAgeHours: null,
    channels: ['https']
  })
  t.equal(r.toFix.length, 1, 'only the rejected file')
  const x = r.toFix[0]
  t.match(x, {
    file: 'paxlst-d15b-crew-bad-count.edi', outcome: 'rejected', code: 29, position: 'message PAX001, segment 19 (UNT), element 1', more: 0
  })
  t.match(x.fix, /^count again: UNT counts UNH to UNT inclusive.* \(expected: \d+\)$/, 'the advice with the counted number')
  t.equal(r.files[2].errors[0].expected, x.fix.match(/expected: (\d+)/)?.[1])
})

t.test('expected values: the agreed sender ids, receiver ids and versions (docs/acknowledgements.md "Expected values")', async t => {
  const wrongVersion = agreement({ messages: { PAXLST: { versions: ['D05B', 'D12B'] } } })
  const v = certifyFile(wrongVersion, 'a.edi', sample('paxlst-d15b-pax.edi').bytes, ctx).report
  t.match(v.errors, [{ code: 14, expected: 'D:05B | D:12B' }])
  const wrongSender = certifyFile(agreement({ senderIds: ['ZZOTHER'] }), 'b.edi', sample('paxlst-d15b-pax.edi').bytes, ctx).report
  t.match(wrongSender.errors, [{ code: 23, expected: 'ZZOTHER' }])
  const wrongRecipient = certifyFile(agreement(), 'c.edi', sample('paxlst-d15b-pax.edi').bytes, { ...ctx, receiverIds: ['GOVPIU'] }).report
  t.match(wrongRecipient.errors, [{ code: 7, expected: 'GOVPIU' }])
  const r = certify(wrongVersion, [{ name: 'a.edi', bytes: sample('paxlst-d15b-pax.edi').bytes }], ctx)
  t.match(r.toFix, [{ file: 'a.edi', code: 14, fix: /agreed with the PIU \(expected: D:05B \| D:12B\)$/ }])
})
