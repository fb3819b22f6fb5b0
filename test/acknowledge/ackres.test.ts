import t from 'tap'
import { buildAckres, type AckresOptions } from '../../src/acknowledge/ackres.js'
import type { AckSubject } from '../../src/acknowledge/contrl.js'
import type { MessageEnvelope, UnbFacts } from '../../src/edifact/types.js'
import type { Finding } from '../../src/transmission/index.js'

function unb (over: Partial<UnbFacts> = {}): UnbFacts {
  return {
    syntax: 'IATA:1',
    syntaxId: 'IATA',
    syntaxVersion: '1',
    sender: 'UA',
    senderQualifier: null,
    recipient: 'GOVPNR',
    recipientQualifier: null,
    senderComposite: ['UA'],
    recipientComposite: ['GOVPNR'],
    date: '180928',
    time: '1120',
    preparedAt: '2018-09-28T11:20',
    reference: '491873609401',
    applicationReference: null,
    ackRequested: false,
    test: false,
    ...over
  }
}

function pnrgov (reference: string, version = '13:1', fn = '22', group: string | null = null): MessageEnvelope {
  return {
    reference,
    type: 'PNRGOV',
    version,
    agency: 'IA',
    association: null,
    identifier: `PNRGOV:${version}:IA`,
    commonAccessReference: null,
    part: { sequence: null, final: null, first: null },
    group,
    segments: [
      { tag: 'UNH', elements: [[reference], ['PNRGOV', ...version.split(':'), 'IA']], index: 2, offset: 0 },
      { tag: 'MSG', elements: [['', fn]], index: 3, offset: 0 }
    ]
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

function subject (over: Partial<AckSubject> = {}): AckSubject {
  return {
    unb: unb(),
    groups: [],
    messages: [pnrgov('1')],
    errors: [],
    messageOutcomes: { 1: 'accepted' },
    interchangeRejected: false,
    ...over
  }
}

const opts: AckresOptions = { senderId: 'GOVPNR', reference: 'ACK0000217', now: new Date('2025-01-14T06:31:00Z') }

/** Segments as written, split on unreleased terminators. */
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
  return out
}
const body = (text: string): string[] => segments(text).slice(3, -2)

t.test('positive ACKRES, exact text', async t => {
  const ack = buildAckres(subject(), opts)
  t.equal(ack.reference, 'ACK0000217')
  t.equal(ack.text, [
    'UNA:+.?*\'',
    'UNB+IATA:1+GOVPNR+UA+250114:0631+ACK0000217++ACKRES\'',
    'UNH+1+ACKRES:13:1:IA\'',
    'MSG+:22\'',
    'RFF+TN:491873609401\'',
    'RFF+ACW:1\'',
    'UNT+5+1\'',
    'UNZ+1+ACK0000217\''
  ].join(''))
})

t.test('negative ACKRES: ERC with the 0085 code after the rejected message', async t => {
  const ack = buildAckres(subject({
    errors: [finding({ message: '1', tag: 'UNT', element: 1, segment: 40 })],
    messageOutcomes: { 1: 'rejected' }
  }), opts)
  t.same(body(ack.text), ['MSG+:22', 'RFF+TN:491873609401', 'RFF+ACW:1', 'ERC+29'])
  t.match(ack.text, /UNT\+6\+1'UNZ\+1\+ACK0000217'$/)
})

t.test('partial interchange rejects every message; partial message only the bad one', async t => {
  const s = subject({
    messages: [pnrgov('1'), pnrgov('2')],
    errors: [finding({ id: 'GW_ERR_MESSAGE_SEGMENT_MISSING', code: 13, level: 'segment', message: '2', segment: 4, tag: 'TVL' })],
    messageOutcomes: { 1: 'accepted', 2: 'rejected' }
  })
  t.same(body(buildAckres(s, opts).text), ['MSG+:22', 'RFF+TN:491873609401', 'RFF+ACW:1', 'ERC+13', 'RFF+ACW:2', 'ERC+13'])
  t.same(body(buildAckres(s, { ...opts, partial: 'message' }).text), ['MSG+:22', 'RFF+TN:491873609401', 'RFF+ACW:1', 'RFF+ACW:2', 'ERC+13'])
})

t.test('interchange-level error: ERC after the push reference, and on every message', async t => {
  const ack = buildAckres(subject({
    errors: [finding({ id: 'GW_ERR_EDIFACT_UNZ_COUNT', code: 29, level: 'interchange', tag: 'UNZ' })]
  }), opts)
  t.same(body(ack.text), ['MSG+:22', 'RFF+TN:491873609401', 'ERC+29', 'RFF+ACW:1', 'ERC+29'])
})

t.test('rejected by the caller without findings: ERC 18 (unspecified)', async t => {
  t.same(body(buildAckres(subject({ interchangeRejected: true }), opts).text), ['MSG+:22', 'RFF+TN:491873609401', 'RFF+ACW:1', 'ERC+18'])
})

t.test('a group-level error rejects the messages of its group', async t => {
  const s = subject({
    groups: [
      { type: 'PNRGOV', reference: 'G1', version: '13:1', segmentIndex: 2 },
      { type: 'PNRGOV', reference: 'G2', version: '13:1', segmentIndex: 9 }
    ],
    messages: [pnrgov('1', '13:1', '22', 'G1'), pnrgov('2', '13:1', '22', 'G2')],
    errors: [finding({ id: 'GW_ERR_EDIFACT_UNE_COUNT', code: 29, level: 'group', group: 'G2', tag: 'UNE' })],
    messageOutcomes: { 1: 'accepted', 2: 'accepted' }
  })
  t.same(body(buildAckres(s, { ...opts, partial: 'message' }).text), ['MSG+:22', 'RFF+TN:491873609401', 'RFF+ACW:1', 'RFF+ACW:2', 'ERC+29'])
  t.same(body(buildAckres(s, opts).text), ['MSG+:22', 'RFF+TN:491873609401', 'RFF+ACW:1', 'ERC+29', 'RFF+ACW:2', 'ERC+29'])
})

t.test('version and function follow the subject; version can be overridden', async t => {
  const s = subject({ messages: [pnrgov('1', '11:1', '141')] })
  t.match(buildAckres(s, opts).text, /UNH\+1\+ACKRES:11:1:IA'MSG\+:141'/)
  t.match(buildAckres(s, { ...opts, version: '16:1' }).text, /UNH\+1\+ACKRES:16:1:IA'/)
  t.match(buildAckres(subject({ messages: [] }), opts).text, /UNH\+1\+ACKRES:13:1:IA'MSG\+:22'RFF\+TN:491873609401'UNT\+4\+1'/, 'defaults without a message')
})

t.test('echoed ids are released, including the declared repetition separator', async t => {
  const ack = buildAckres(subject({
    unb: unb({ senderComposite: ['APIS*ABE', 'Z+Z'], reference: 'R:1' }),
    messages: [pnrgov('M?1')],
    messageOutcomes: { 'M?1': 'accepted' }
  }), { ...opts, senderId: 'GOV*PNR', senderQualifier: 'ZZ' })
  t.match(ack.text, /^UNA:\+\.\?\*'UNB\+IATA:1\+GOV\?\*PNR:ZZ\+APIS\?\*ABE:Z\?\+Z\+/)
  t.same(body(ack.text), ['MSG+:22', 'RFF+TN:R?:1', 'RFF+ACW:M??1'])
})
