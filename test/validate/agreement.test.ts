// The checks a carrier agreement adds to the syntax (README "Checks an agreement adds"): each
// CONTRL code at its exact position (segment / tag / element / component), and strictness
// turning a family's findings into warnings or errors.
import t from 'tap'
import { writeInterchange, type MessageSpec } from '../../src/edifact/writer.js'
import { parseInterchange } from '../../src/edifact/index.js'
import { finding } from '../../src/transmission/index.js'
import { validateAgreement } from '../../src/agreements/store.js'
import type { Agreement } from '../../src/agreements/schema.js'
import { agreementFindings, agreementVersion, applyStrictness, recipientFindings, unhVersion } from '../../src/validate/agreement.js'
import { assessTransmission } from '../../src/pipeline/assess.js'
import { paxlst, paxlstMessage } from '../helpers/edi.js'
import type { Finding } from '../../src/transmission/index.js'

const FP = Array(32).fill('AB').join(':')

function agreement (over: Record<string, unknown> = {}): Agreement {
  const r = validateAgreement({
    code: 'XA',
    name: 'Example Air',
    stage: 'live',
    senderIds: ['XAAPI'],
    messages: { PAXLST: { versions: ['D05B'] }, PNRGOV: { versions: ['13.1'] } },
    channels: { https: { certificates: [FP] } },
    ...over
  }, '/carriers/XA.yaml')
  if (r.agreement === null) throw new Error(JSON.stringify(r.problems))
  return r.agreement
}

const ctx = { receiverIds: ['GOVPIU'], receivedAt: new Date('2025-01-14T07:00:00Z'), maxParts: 999 }

function pnrgovMessage (ref: string, version = '13'): MessageSpec {
  return {
    reference: ref,
    identifier: ['PNRGOV', version, '1', 'IA'],
    segments: [
      { tag: 'MSG', elements: [[null, '22']] },
      { tag: 'ORG', elements: [['XA', 'MUC']] }
    ]
  }
}

function interchange (
  messages: MessageSpec[],
  over: { sender?: string, recipient?: string, test?: boolean, preparedAt?: { date: string, time: string } } = {}
): ReturnType<typeof parseInterchange> {
  return parseInterchange(Buffer.from(writeInterchange({
    sender: over.sender ?? 'XAAPI',
    recipient: over.recipient ?? 'GOVPIU',
    preparedAt: over.preparedAt ?? { date: '250114', time: '0630' },
    reference: 'REF1',
    test: over.test,
    messages
  }), 'latin1'))
}

/** Findings without the family and text: what a CONTRL and the report carry. */
const at = (fs: Finding[]): unknown[] =>
  fs.map(f => ({
    id: f.id,
    code: f.code,
    level: f.level,
    message: f.message,
    segment: f.segment,
    tag: f.tag,
    element: f.element,
    component: f.component
  }))
const unb = (id: Finding['id'], code: number, element: number, component: number | null): unknown => ({
  id,
  code,
  level: 'interchange',
  message: null,
  segment: 1,
  tag: 'UNB',
  element,
  component
})
const unh = (id: Finding['id'], code: number, message: string, element: number, component: number): unknown => ({
  id,
  code,
  level: 'message',
  message,
  segment: 1,
  tag: 'UNH',
  element,
  component
})

t.test('a clean interchange from the carrier has no agreement findings', async t => {
  t.same(agreementFindings(interchange([paxlstMessage('PAX001')]), agreement(), ctx), [])
})

t.test('recipient not ours: CONTRL 7 at UNB S003 0010 (element 3, component 1)', async t => {
  const ix = interchange([paxlstMessage('PAX001')], { recipient: 'OTHERPIU' })
  t.same(at(agreementFindings(ix, agreement(), ctx)), [unb('GW_ERR_EDIFACT_RECIPIENT_UNKNOWN', 7, 3, 1)])
  t.same(at(recipientFindings(ix.unb!, ['GOVPIU'])), [unb('GW_ERR_EDIFACT_RECIPIENT_UNKNOWN', 7, 3, 1)], 'also before the carrier is known')
  t.same(recipientFindings(ix.unb!, ['GOVPIU', 'OTHERPIU']), [], 'any configured receiver id')
})

t.test('sender not the carrier\'s: CONTRL 23 at UNB S002 0004 (element 2, component 1)', async t => {
  const ix = interchange([paxlstMessage('PAX001')], { sender: 'XBAPI' })
  t.same(at(agreementFindings(ix, agreement(), ctx)), [unb('GW_ERR_EDIFACT_SENDER_UNKNOWN', 23, 2, 1)])
  t.same(agreementFindings(ix, agreement({ senderIds: ['XAAPI', 'XBAPI'] }), ctx), [], 'any of the senderIds')
})

t.test('too old: CONTRL 24 at UNB S004 (element 4, component 1) only with maxAgeHours', async t => {
  const ix = interchange([paxlstMessage('PAX001')], { preparedAt: { date: '250114', time: '0630' } })
  const later = (iso: string): typeof ctx => ({ ...ctx, receivedAt: new Date(iso) })
  t.same(agreementFindings(ix, agreement(), later('2030-01-01T00:00:00Z')), [], 'no maxAgeHours: never too old')
  const strict = agreement({ maxAgeHours: 24 })
  t.same(agreementFindings(ix, strict, later('2025-01-15T06:30:00Z')), [], 'exactly 24 h old is still in time')
  t.same(
    at(agreementFindings(ix, strict, later('2025-01-15T06:31:00Z'))),
    [unb('GW_ERR_EDIFACT_TOO_OLD', 24, 4, 1)],
    'UNB time read as UTC'
  )
  t.same(
    at(agreementFindings(ix, agreement({ maxAgeHours: 0.5 }), later('2025-01-14T07:01:00Z'))),
    [unb('GW_ERR_EDIFACT_TOO_OLD', 24, 4, 1)],
    'fractional hours'
  )
})

t.test('test indicator: routed, not refused; CONTRL 25 at UNB 0035 (element 11) only with acceptTest false', async t => {
  const ix = interchange([paxlstMessage('PAX001')], { test: true })
  t.equal(ix.unb?.test, true)
  t.same(agreementFindings(ix, agreement(), ctx), [], 'acceptTest defaults to true')
  t.same(
    at(agreementFindings(ix, agreement({ acceptTest: false }), ctx)),
    [unb('GW_ERR_EDIFACT_TEST_NOT_ACCEPTED', 25, 11, null)],
    '0035 is a simple element: no component'
  )
  t.same(agreementFindings(interchange([paxlstMessage('PAX001')]), agreement({ acceptTest: false }), ctx), [], 'production traffic passes')
})

t.test('message type not agreed: CONTRL 17 at UNH S009 0065 (element 2, component 1)', async t => {
  const ix = interchange([paxlstMessage('PAX001')])
  const pnrOnly = agreement({ messages: { PNRGOV: { versions: ['13.1'] } } })
  t.same(at(agreementFindings(ix, pnrOnly, ctx)), [unh('GW_ERR_MESSAGE_TYPE_NOT_AGREED', 17, 'PAX001', 2, 1)])
})

t.test('message version not agreed: CONTRL 14 at UNH S009 0052 (element 2, component 2)', async t => {
  const d02 = agreement({ messages: { PAXLST: { versions: ['D02B'] } } })
  t.same(at(agreementFindings(interchange([paxlstMessage('PAX001')]), d02, ctx)), [
    unh('GW_ERR_MESSAGE_VERSION_NOT_AGREED', 14, 'PAX001', 2, 2)
  ])
  t.same(agreementFindings(interchange([paxlstMessage('PAX001', { version: '02B' })]), d02, ctx), [])
  t.same(
    at(agreementFindings(interchange([pnrgovMessage('PNR1', '11')]), agreement(), ctx)),
    [unh('GW_ERR_MESSAGE_VERSION_NOT_AGREED', 14, 'PNR1', 2, 2)],
    'PNRGOV 11:1 vs agreed 13.1'
  )
  t.same(agreementFindings(interchange([pnrgovMessage('PNR1', '13')]), agreement(), ctx), [], 'PNRGOV 13:1 is 13.1')
  t.equal(agreementVersion('PAXLST', 'D:05B'), 'D05B')
  t.equal(agreementVersion('PNRGOV', '13:1'), '13.1')
})

t.test('a type the gateway does not take: CONTRL 15 at UNH 2:1', async t => {
  const baplie: MessageSpec = {
    reference: 'C1',
    identifier: ['BAPLIE', 'D', '95B', 'UN', 'SMDG22'],
    segments: [{ tag: 'BGM', elements: ['962'] }]
  }
  t.same(at(agreementFindings(interchange([baplie]), agreement(), ctx)), [unh('GW_ERR_MESSAGE_TYPE_UNSUPPORTED', 15, 'C1', 2, 1)])
})

t.test('a CUSRES (a carrier answering an update) is agreed with interactive API, in its version', async t => {
  const cusres = (version: string): MessageSpec => ({
    reference: 'C1',
    identifier: ['CUSRES', 'D', version, 'UN', 'IATA'],
    segments: [{ tag: 'BGM', elements: ['312'] }]
  })
  t.same(at(agreementFindings(interchange([cusres('05B')]), agreement(), ctx)), [unh('GW_ERR_MESSAGE_TYPE_NOT_AGREED', 17, 'C1', 2, 1)])
  const iapi = agreement({ interactive: { enabled: true } })
  t.same(agreementFindings(interchange([cusres('05B')]), iapi, ctx), [], 'interactive API: agreed in D:05B')
  t.same(at(agreementFindings(interchange([cusres('12B')]), iapi, ctx)), [unh('GW_ERR_MESSAGE_VERSION_NOT_AGREED', 14, 'C1', 2, 2)])
})

t.test('mixed message types: CONTRL 31 on each message whose type differs from the first', async t => {
  const ix = interchange([paxlstMessage('PAX001'), pnrgovMessage('PNR1'), paxlstMessage('PAX002'), pnrgovMessage('PNR2')])
  t.same(at(agreementFindings(ix, agreement(), ctx)), [
    unh('GW_ERR_MESSAGE_TYPES_MIXED', 31, 'PNR1', 2, 1),
    unh('GW_ERR_MESSAGE_TYPES_MIXED', 31, 'PNR2', 2, 1)
  ])
})

t.test('part number above limits.maxParts: at UNH S010 0070 (element 4, component 1)', async t => {
  const part = (n: string): MessageSpec => ({ ...paxlstMessage('PAX001'), transfer: [n, 'C'] })
  // 0070 is n..2, so a sequence above 99 is the envelope's invalid value, not this check.
  t.same(agreementFindings(interchange([part('99')]), agreement(), ctx), [], 'under the default limit')
  t.same(agreementFindings(interchange([part('2')]), agreement(), { ...ctx, maxParts: 2 }), [], 'at the limit')
  t.same(
    at(agreementFindings(interchange([part('3')]), agreement(), { ...ctx, maxParts: 2 })),
    [unh('GW_ERR_MESSAGE_TOO_MANY_PARTS', 12, 'PAX001', 4, 1)],
    'over the configured limit'
  )
})

t.test('several findings together, interchange ones first', async t => {
  const ix = interchange([paxlstMessage('PAX001', { version: '12B' })], { sender: 'XBAPI', recipient: 'OTHER', test: true })
  t.same(agreementFindings(ix, agreement({ acceptTest: false }), ctx).map(f => f.code), [7, 23, 25, 14])
})

t.test('each finding names what was expected, never what was found (docs/acknowledgements.md "Expected values")', async t => {
  const ix = interchange([paxlstMessage('PAX001', { version: '12B' })], { sender: 'XBAPI', recipient: 'OTHER' })
  const two = agreement({ senderIds: ['XAAPI', 'XA2'], messages: { PAXLST: { versions: ['D05B', 'D02B'] } } })
  const fs = agreementFindings(ix, two, { ...ctx, receiverIds: ['GOVPIU', 'GOVPIU2'] })
  t.same(fs.map(f => [f.code, f.expected]), [[7, 'GOVPIU | GOVPIU2'], [23, 'XAAPI | XA2'], [14, 'D:05B | D:02B']])
  for (const f of fs) {
    t.notMatch(f.expected, /XBAPI|OTHER|12B/, `${f.code}: the found value is not repeated`)
  }
  const pnrOnly = agreement({ messages: { PNRGOV: { versions: ['13.1'] } } })
  t.same(agreementFindings(interchange([paxlstMessage('PAX001')]), pnrOnly, ctx).map(f => f.expected), ['PNRGOV'], '17: the agreed types')
  const pnr11 = agreementFindings(interchange([pnrgovMessage('PNR1', '11')]), agreement(), ctx)
  t.same(pnr11.map(f => f.expected), ['13:1'], 'PNRGOV as written in UNH')
  t.equal(unhVersion('PAXLST', 'D05B'), 'D:05B')
  t.equal(unhVersion('PNRGOV', '13.1'), '13:1')
  const muchLater = { ...ctx, receivedAt: new Date('2030-01-01T00:00:00Z') }
  const tooOld = agreementFindings(interchange([paxlstMessage('PAX001')]), agreement({ maxAgeHours: 1 }), muchLater)
  t.notOk('expected' in tooOld[0], 'no expected value where none is agreed data')
})

t.test('no UNB: nothing to check against the agreement', async t => {
  t.same(agreementFindings(parseInterchange(Buffer.from('garbage')), agreement(), ctx), [])
})

t.test('applyStrictness: warn vs reject per family', async t => {
  const f = (family: Finding['family']): Finding => ({ ...finding('GW_ERR_EDIFACT_UNT_COUNT', { message: 'M' }), family })
  const counts = f('controlCounts')
  const charset = f('characterSet')
  const profile = f('profile')
  const fatal = f(null)
  const all = [counts, charset, profile, fatal]
  const split = (a: Pick<Agreement, 'strictness'> | null): [Finding[], Finding[]] => {
    const r = applyStrictness(all, a)
    return [r.errors, r.warnings]
  }

  t.same(split(agreement()), [[counts, fatal], [charset, profile]], 'defaults: counts reject, character set and profile warn')
  t.same(split(null), [[counts, fatal], [charset, profile]], 'no carrier resolved: the schema defaults')
  t.same(split(agreement({ strictness: { controlCounts: 'warn' } })), [[fatal], [counts, charset, profile]])
  t.same(split(agreement({ strictness: { characterSet: 'reject' } })), [[counts, charset, fatal], [profile]])
  t.same(split(agreement({ strictness: { profile: 'reject' } })), [[counts, profile, fatal], [charset]])
  t.same(
    split(agreement({ strictness: { controlCounts: 'warn', characterSet: 'warn', profile: 'warn' } }))[0],
    [fatal],
    'a finding without a family is always fatal'
  )
})

t.test('strictness end to end: a wrong UNT count rejects or warns per agreement', async t => {
  const bytes = paxlst({ badCount: [0] })
  const assess = (a: Agreement): ReturnType<typeof assessTransmission> =>
    assessTransmission(bytes, [a], {
      receiverIds: ['GOVPIU'],
      receivedAt: ctx.receivedAt,
      limits: { maxSegments: 200000, maxValueLength: 512, maxParts: 999 }
    })
  const strict = assess(agreement())
  t.equal(strict.outcome, 'rejected')
  t.match(strict.errors, [{ code: 29, tag: 'UNT', element: 1, message: 'PAX001' }])
  const lenient = assess(agreement({ strictness: { controlCounts: 'warn' } }))
  t.equal(lenient.outcome, 'accepted_with_warnings')
  t.same(lenient.errors, [])
  t.match(lenient.warnings, [{ code: 29, tag: 'UNT', element: 1, message: 'PAX001' }])
})
