import t from 'tap'
import { buildContrl, type AckSubject, type ContrlOptions } from '../../src/acknowledge/contrl.js'
import type { MessageEnvelope, UnbFacts } from '../../src/edifact/types.js'
import type { Finding } from '../../src/transmission/index.js'

function unb (over: Partial<UnbFacts> = {}): UnbFacts {
  return {
    syntax: 'UNOA:4',
    syntaxId: 'UNOA',
    syntaxVersion: '4',
    sender: 'ZZAIRAPI',
    senderQualifier: 'ZZ',
    recipient: 'GOVPIU',
    recipientQualifier: 'ZZ',
    senderComposite: ['ZZAIRAPI', 'ZZ'],
    recipientComposite: ['GOVPIU', 'ZZ'],
    date: '250114',
    time: '0630',
    preparedAt: '2025-01-14T06:30',
    reference: '00000000000217',
    applicationReference: 'APIS',
    ackRequested: false,
    test: false,
    ...over
  }
}

function msg (reference: string, group: string | null = null, identifier = 'PAXLST:D:05B:UN:IATA'): MessageEnvelope {
  const [type, release, revision, agency, association] = identifier.split(':')
  return {
    reference,
    type,
    version: `${release}:${revision}`,
    agency,
    association: association ?? null,
    identifier,
    commonAccessReference: null,
    part: { sequence: null, final: null, first: null },
    group,
    segments: []
  }
}

function finding (over: Partial<Finding>): Finding {
  return {
    id: 'GW_ERR_EDIFACT_UNT_COUNT',
    code: 29,
    level: 'message',
    message: null,
    group: null,
    segment: null,
    tag: null,
    element: null,
    component: null,
    text: 'x',
    family: null,
    ...over
  }
}

const untCount = (message: string, segment = 37): Finding =>
  finding({ id: 'GW_ERR_EDIFACT_UNT_COUNT', code: 29, level: 'message', message, segment, tag: 'UNT', element: 1 })
const cntMissing = (message: string): Finding =>
  finding({ id: 'GW_ERR_MESSAGE_SEGMENT_MISSING', code: 13, level: 'segment', message, segment: 26, tag: 'CNT' })

function subject (over: Partial<AckSubject> = {}): AckSubject {
  return {
    unb: unb(),
    separators: null,
    groups: [],
    messages: [msg('PAX001')],
    errors: [],
    warnings: [],
    messageOutcomes: { PAX001: 'accepted' },
    interchangeRejected: false,
    ...over
  }
}

const opts: ContrlOptions = { senderId: 'GOVPIU', senderQualifier: 'ZZ', reference: 'C0000000051', now: new Date('2025-01-14T06:31:00Z') }
const HEAD = 'UNA:+.? \'UNB+UNOA:4+GOVPIU:ZZ+ZZAIRAPI:ZZ+250114:0631+C0000000051\'UNH+1+CONTRL:D:3:UN\''

/** Segments as written (escapes kept), split on unreleased terminators. */
function segments (text: string): string[] {
  const out: string[] = []
  let cur = ''
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '?') {
      cur += text[i] + (text[i + 1] ?? '')
      i++
    } else if (text[i] === '\'') {
      out.push(cur)
      cur = ''
    } else cur += text[i]
  }
  if (cur !== '') out.push(cur)
  return out
}

/** The segments between UNH and UNT. */
function body (text: string): string[] {
  const segs = segments(text)
  const unh = segs.findIndex(s => s.startsWith('UNH+'))
  const unt = segs.findIndex(s => s.startsWith('UNT+'))
  return segs.slice(unh + 1, unt)
}

t.test('clean interchange: UCI 7 only, exact text', async t => {
  const ack = buildContrl(subject(), opts)
  t.equal(ack.reference, 'C0000000051')
  t.equal(ack.text, HEAD + 'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7\'UNT+3+1\'UNZ+1+C0000000051\'')
})

t.test('version, sender without qualifier, newline', async t => {
  const ack = buildContrl(subject(), { senderId: 'GOVPIU', reference: 'R1', now: opts.now, version: 'D:4', newline: true })
  t.equal(ack.text, [
    'UNA:+.? \'', 'UNB+UNOA:4+GOVPIU+ZZAIRAPI:ZZ+250114:0631+R1\'', 'UNH+1+CONTRL:D:4:UN\'',
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7\'', 'UNT+3+1\'', 'UNZ+1+R1\''
  ].join('\n') + '\n')
})

t.test('messageLevel: a UCM 7 for every message', async t => {
  const ack = buildContrl(
    subject({ messages: [msg('PAX001'), msg('PAX002')], messageOutcomes: { PAX001: 'accepted', PAX002: 'accepted_with_warnings' } }),
    { ...opts, messageLevel: true }
  )
  t.same(body(ack.text), [
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7',
    'UCM+PAX001+PAXLST:D:05B:UN:IATA+7',
    'UCM+PAX002+PAXLST:D:05B:UN:IATA+7'
  ])
  t.match(ack.text, /UNT\+5\+1'UNZ\+1\+C0000000051'$/)
})

t.test('wrong UNT count, partial interchange: UCI 4 + UCM 4 29 UNT', async t => {
  const ack = buildContrl(subject({
    messages: [msg('PAX001'), msg('PAX002')],
    errors: [untCount('PAX002')],
    messageOutcomes: { PAX001: 'accepted', PAX002: 'rejected' }
  }), opts)
  t.same(body(ack.text), [
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+4',
    'UCM+PAX002+PAXLST:D:05B:UN:IATA+4+29+UNT'
  ])
})

t.test('partial interchange with messageLevel: good messages are rejected with it (UCM 4, no code)', async t => {
  const ack = buildContrl(subject({
    messages: [msg('PAX001'), msg('PAX002')],
    errors: [untCount('PAX002')],
    messageOutcomes: { PAX001: 'accepted', PAX002: 'rejected' }
  }), { ...opts, messageLevel: true })
  t.same(body(ack.text), [
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+4',
    'UCM+PAX001+PAXLST:D:05B:UN:IATA+4',
    'UCM+PAX002+PAXLST:D:05B:UN:IATA+4+29+UNT'
  ])
})

t.test('wrong UNT count + missing CNT, partial message: UCI 7, UCM 4/29 and UCS 26/13 exactly (ISO 9735-4)', async t => {
  const ack = buildContrl(subject({
    errors: [untCount('PAX001'), cntMissing('PAX001')],
    messageOutcomes: { PAX001: 'rejected' }
  }), { ...opts, partial: 'message' })
  t.equal(ack.text, [
    'UNA:+.? \'',
    'UNB+UNOA:4+GOVPIU:ZZ+ZZAIRAPI:ZZ+250114:0631+C0000000051\'',
    'UNH+1+CONTRL:D:3:UN\'',
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7\'',
    'UCM+PAX001+PAXLST:D:05B:UN:IATA+4+29+UNT\'',
    'UCS+26+13\'',
    'UNT+5+1\'',
    'UNZ+1+C0000000051\''
  ].join(''))
})

t.test('partial message with messageLevel: UCM 7 for good, UCM 4 for bad', async t => {
  const ack = buildContrl(subject({
    messages: [msg('PAX001'), msg('PAX002')],
    errors: [untCount('PAX002')],
    messageOutcomes: { PAX001: 'accepted', PAX002: 'rejected' }
  }), { ...opts, partial: 'message', messageLevel: true })
  t.same(body(ack.text), [
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7',
    'UCM+PAX001+PAXLST:D:05B:UN:IATA+7',
    'UCM+PAX002+PAXLST:D:05B:UN:IATA+4+29+UNT'
  ])
})

t.test('segment and element details: UCS per position, UCD per element, sorted', async t => {
  const ack = buildContrl(subject({
    errors: [
      finding({
        id: 'GW_ERR_MESSAGE_CODE_INVALID',
        code: 12,
        level: 'element',
        message: 'PAX001',
        segment: 9,
        tag: 'ATT',
        element: 3,
        component: 1
      }),
      finding({ id: 'GW_ERR_EDIFACT_TOO_MANY_CONSTITUENTS', code: 16, level: 'segment', message: 'PAX001', segment: 5, tag: 'CNT' }),
      finding({ id: 'GW_ERR_EDIFACT_MISSING', code: 13, level: 'element', message: 'PAX001', segment: 9, tag: 'ATT', element: 2 }),
      finding({ id: 'GW_ERR_MESSAGE_SEGMENT_REPEATS', code: 35, level: 'segment', message: 'PAX001', segment: 5, tag: 'CNT' })
    ],
    messageOutcomes: { PAX001: 'rejected' }
  }), opts)
  t.same(body(ack.text), [
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+4',
    'UCM+PAX001+PAXLST:D:05B:UN:IATA+4',
    'UCS+5+16',
    'UCS+5+35',
    'UCS+9',
    'UCD+12+3:1',
    'UCD+13+2'
  ])
})

t.test('message outcome rejected without findings still gets UCM 4', async t => {
  const ack = buildContrl(subject({ messageOutcomes: { PAX001: 'rejected' } }), { ...opts, partial: 'message' })
  t.same(body(ack.text), ['UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7', 'UCM+PAX001+PAXLST:D:05B:UN:IATA+4'])
})

t.test('interchange-level errors: UCI 4 + code + service tag', async t => {
  const cases: Array<[Finding, string]> = [
    [finding({ id: 'GW_ERR_EDIFACT_UNZ_COUNT', code: 29, level: 'interchange', segment: 40, tag: 'UNZ', element: 1 }), '+4+29+UNZ'],
    [finding({ id: 'GW_ERR_EDIFACT_UNZ_REFERENCE', code: 28, level: 'interchange', tag: 'UNZ', element: 2 }), '+4+28+UNZ'],
    [
      finding({ id: 'GW_ERR_EDIFACT_SENDER_UNKNOWN', code: 23, level: 'interchange', segment: 1, tag: 'UNB', element: 2, component: 1 }),
      '+4+23+UNB+2:1'
    ],
    [finding({ id: 'GW_ERR_EDIFACT_RECIPIENT_UNKNOWN', code: 7, level: 'interchange', tag: 'UNB', element: 3 }), '+4+7+UNB+3'],
    [finding({ id: 'GW_ERR_EDIFACT_TOO_OLD', code: 24, level: 'interchange', tag: 'UNB', element: 4 }), '+4+24+UNB+4'],
    [finding({ id: 'GW_ERR_EDIFACT_TEST_NOT_ACCEPTED', code: 25, level: 'interchange', tag: 'UNB', element: 11 }), '+4+25+UNB+11'],
    [finding({ id: 'GW_ERR_ACK_DUPLICATE_CHANGED', code: 26, level: 'interchange', tag: 'UNB', element: 5 }), '+4+26+UNB+5'],
    // 0013 carries only a service segment tag of the interchange level.
    [finding({ id: 'GW_ERR_EDIFACT_OUTSIDE_MESSAGE', code: 33, level: 'interchange', segment: 12, tag: 'BGM' }), '+4+33'],
    // A message finding for an unknown message reference is reported on the interchange.
    [finding({ id: 'GW_ERR_EDIFACT_UNT_MISSING', code: 13, level: 'message', message: 'NOSUCH', tag: 'UNT' }), '+4+13']
  ]
  for (const [f, tail] of cases) {
    const ack = buildContrl(subject({ errors: [f], interchangeRejected: true }), opts)
    t.same(body(ack.text), ['UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ' + tail], f.id)
  }
  // Interchange error + a message error: UCI 4 with the code, and the message detail too.
  const ack = buildContrl(subject({
    errors: [untCount('PAX001'), finding({ id: 'GW_ERR_EDIFACT_UNZ_COUNT', code: 29, level: 'interchange', tag: 'UNZ', element: 1 })],
    messageOutcomes: { PAX001: 'rejected' }
  }), { ...opts, partial: 'message' })
  t.same(body(ack.text), ['UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+4+29+UNZ', 'UCM+PAX001+PAXLST:D:05B:UN:IATA+4+29+UNT'])
})

t.test('interchangeRejected from the caller gives UCI 4 even without findings', async t => {
  const ack = buildContrl(subject({ interchangeRejected: true }), opts)
  t.same(body(ack.text), ['UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+4'])
})

t.test('warnings are not reported in CONTRL', async t => {
  const ack = buildContrl(subject({ warnings: [cntMissing('PAX001')], messageOutcomes: { PAX001: 'accepted_with_warnings' } }), opts)
  t.same(body(ack.text), ['UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7'])
})

t.test('UNH errors go in the UCM with S011 (Nordea sample shape); ids are release-escaped', async t => {
  const ack = buildContrl(subject({
    unb: unb({
      sender: '333666999',
      senderQualifier: null,
      senderComposite: ['333666999'],
      recipient: 'NORDEASPECIAL+TEST',
      recipientComposite: ['NORDEASPECIAL+TEST', 'ZZ'],
      reference: '131'
    }),
    messages: [msg('1', null, 'PAYMUL:D:96A:UN')],
    errors: [
      finding({ id: 'GW_ERR_EDIFACT_MISSING', code: 13, level: 'element', message: '1', segment: 1, tag: 'UNH', element: 2, component: 4 }),
      finding({ id: 'GW_ERR_EDIFACT_TOO_MANY_CONSTITUENTS', code: 16, level: 'segment', message: '1', segment: 17, tag: 'FII' })
    ],
    messageOutcomes: { 1: 'rejected' }
  }), { ...opts, partial: 'message' })
  t.same(body(ack.text), [
    'UCI+131+333666999+NORDEASPECIAL?+TEST:ZZ+7',
    'UCM+1+PAYMUL:D:96A:UN+4+13+UNH+2:4',
    'UCS+17+16'
  ])
  t.match(ack.text, /^UNA:\+\.\? 'UNB\+UNOA:4\+GOVPIU:ZZ\+333666999\+/)
})

t.test('service characters in every echoed id are released', async t => {
  const ack = buildContrl(subject({
    unb: unb({ senderComposite: ['XA+API', 'Z:Z'], recipientComposite: ['GOV\'PIU', 'Z?'], reference: 'R+1' }),
    messages: [msg('P:1')],
    messageOutcomes: { 'P:1': 'accepted' }
  }), { ...opts, senderId: 'GOV+PIU', senderQualifier: null, messageLevel: true })
  t.match(ack.text, /UNB\+UNOA:4\+GOV\?\+PIU\+XA\?\+API:Z\?:Z\+/)
  t.same(body(ack.text), ['UCI+R?+1+XA?+API:Z?:Z+GOV?\'PIU:Z??+7', 'UCM+P?:1+PAXLST:D:05B:UN:IATA+7'])
})

t.test('control characters (Type B folding left in a reference) are not echoed', async t => {
  const ack = buildContrl(subject({
    unb: unb({ reference: '2107130631\r\n', senderComposite: ['ZZ\x01AIRAPI', 'ZZ'] }),
    messages: [msg('21\n08270031')],
    messageOutcomes: { '21\n08270031': 'rejected' }
  }), opts)
  t.same(body(ack.text), ['UCI+2107130631+ZZAIRAPI:ZZ+GOVPIU:ZZ+4', 'UCM+2108270031+PAXLST:D:05B:UN:IATA+4'])
  t.match(ack.text, /^UNA:\+\.\? 'UNB\+UNOA:4\+GOVPIU:ZZ\+ZZAIRAPI:ZZ\+/)
})

t.test('lower-case ids move the envelope to UNOB, other ASCII to UNOC, non-ASCII to UNOY', async t => {
  t.match(buildContrl(subject({ unb: unb({ senderComposite: ['Nordea', 'ZZ'] }) }), opts).text, /UNB\+UNOB:4\+/)
  t.match(buildContrl(subject({ unb: unb({ senderComposite: ['APIS_TK', 'ZZ'] }) }), opts).text, /UNB\+UNOC:4\+/)
  t.match(buildContrl(subject({ unb: unb({ senderComposite: ['NORDÉA', 'ZZ'] }) }), opts).text, /UNB\+UNOY:4\+/)
})

t.test('functional groups: SG3 UCF with its UCMs', async t => {
  const groups = [
    { type: 'PAXLST', reference: 'G1', version: 'D:05B', segmentIndex: 2, sender: ['ZZ AIRLINES'], recipient: ['GOVPIU'] },
    { type: 'PAXLST', reference: 'G2', version: 'D:05B', segmentIndex: 20 }
  ]
  const messages = [msg('M1', 'G1'), msg('M2', 'G1'), msg('M3', 'G2')]
  const clean = subject({ groups, messages, messageOutcomes: { M1: 'accepted', M2: 'accepted', M3: 'accepted' } })

  t.same(body(buildContrl(clean, opts).text), ['UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7'], 'clean: UCI only')
  t.same(body(buildContrl(clean, { ...opts, messageLevel: true }).text), [
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7',
    'UCF+G1+ZZ AIRLINES+GOVPIU+7',
    'UCM+M1+PAXLST:D:05B:UN:IATA+7',
    'UCM+M2+PAXLST:D:05B:UN:IATA+7',
    'UCF+G2+++7',
    'UCM+M3+PAXLST:D:05B:UN:IATA+7'
  ], 'messageLevel: every group and message')

  const bad = { ...clean, errors: [untCount('M2')], messageOutcomes: { M1: 'accepted', M2: 'rejected', M3: 'accepted' } as const }
  t.same(body(buildContrl(bad, opts).text), [
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+4',
    'UCF+G1+ZZ AIRLINES+GOVPIU+4',
    'UCM+M2+PAXLST:D:05B:UN:IATA+4+29+UNT'
  ], 'partial interchange: UCI 4, the failing group and message')
  t.same(body(buildContrl(bad, { ...opts, partial: 'message' }).text), [
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7',
    'UCF+G1+ZZ AIRLINES+GOVPIU+7',
    'UCM+M2+PAXLST:D:05B:UN:IATA+4+29+UNT'
  ], 'partial message: UCI 7, UCF 7, UCM 4')

  const uneCount = finding({ id: 'GW_ERR_EDIFACT_UNE_COUNT', code: 29, level: 'group', group: 'G2', tag: 'UNE', element: 1 })
  const groupBad = { ...clean, errors: [uneCount] }
  t.same(body(buildContrl(groupBad, { ...opts, partial: 'message', messageLevel: true }).text), [
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+7',
    'UCF+G1+ZZ AIRLINES+GOVPIU+7',
    'UCM+M1+PAXLST:D:05B:UN:IATA+7',
    'UCM+M2+PAXLST:D:05B:UN:IATA+7',
    'UCF+G2+++4+29+UNE',
    'UCM+M3+PAXLST:D:05B:UN:IATA+4'
  ], 'group error, partial message: only that group rejected')
  t.same(body(buildContrl(groupBad, opts).text), [
    'UCI+00000000000217+ZZAIRAPI:ZZ+GOVPIU:ZZ+4',
    'UCF+G2+++4+29+UNE'
  ], 'group error, partial interchange: UCI 4')
})

t.test('never includes data values: only what the envelope and findings identify', async t => {
  const m = msg('PAX001')
  m.segments = [{ tag: 'NAD', elements: [['FL'], ['SMITH', 'JOHN']], index: 5, offset: 100 }]
  const ack = buildContrl(subject({
    messages: [m],
    errors: [
      finding({
        id: 'GW_ERR_MESSAGE_CODE_INVALID',
        code: 12,
        level: 'element',
        message: 'PAX001',
        segment: 5,
        tag: 'NAD',
        element: 1,
        text: 'invalid SMITH'
      })
    ],
    messageOutcomes: { PAX001: 'rejected' }
  }), opts)
  t.notMatch(ack.text, /SMITH|JOHN|NAD/)
})
