// iAPI: the PAXLST request read for its answer, the CUSRES built from it (exact bytes for a fixed
// date and reference, and re-parsed clean), the error reply, the CUSRES reader and the test-stage
// responder rules (docs/acknowledgements.md "Interactive API messages"). Requests are written here
// with the project's writer from invented data.
import t, { type Test } from 'tap'
import { parseInterchange } from '../../src/edifact/index.js'
import { DEFAULT_SEPARATORS, writeInterchange, type MessageSpec, type SegmentSpec } from '../../src/edifact/writer.js'
import {
  buildCusres, buildCusresError, decideByRules, fitText, iapiRequestOf, NO_ANSWER_IN_TIME, readCusres, textElementLength,
  type CusresOptions, type IapiAnswer, type IapiRequest, type IapiTraveller
} from '../../src/messages/index.js'

interface Pax { surname: string, doc: string, locator?: string, ref?: string }

const PAX: Pax[] = [
  { surname: 'ZEPHYRA', doc: 'X1000001', locator: 'QWE123', ref: 'P0001' },
  { surname: 'ADVISORYONE', doc: 'X1000002', locator: 'QWE123', ref: 'P0002' },
  { surname: 'MORROW', doc: 'TEST1Z77', ref: 'P0003' }
]

function traveller (p: Pax): SegmentSpec[] {
  return [
    { tag: 'NAD', elements: ['FL', null, null, [p.surname, 'ANNA']] },
    { tag: 'ATT', elements: ['2', null, 'F'] },
    { tag: 'DTM', elements: [['329', '850315']] },
    { tag: 'NAT', elements: ['2', 'UTO'] },
    ...(p.locator === undefined ? [] : [{ tag: 'RFF', elements: [['AVF', p.locator]] }]),
    ...(p.ref === undefined ? [] : [{ tag: 'RFF', elements: [['ABO', p.ref]] }]),
    { tag: 'DOC', elements: [['P', '110', '111'], p.doc] },
    { tag: 'DTM', elements: [['36', '310101']] },
    { tag: 'LOC', elements: ['91', 'UTO'] }
  ]
}

interface RequestOptions {
  pax?: Pax[]
  group?: boolean
  bgm?: Array<string | null>
  syntax?: string[]
  una?: boolean
  drop?: string[]
  messages?: number
}

/** `TAG+qualifier` of a written segment, to drop it from a request. */
function key (s: SegmentSpec): string {
  const first = s.elements?.[0]
  return `${s.tag}+${typeof first === 'string' ? first : String(first?.[0] ?? '')}`
}

function requestText (o: RequestOptions = {}): string {
  const pax = o.pax ?? PAX.slice(0, 1)
  const segments: SegmentSpec[] = [
    { tag: 'BGM', elements: o.bgm ?? ['745'] },
    { tag: 'RFF', elements: [['TN', 'TX0042', null, null, '1']] },
    { tag: 'NAD', elements: ['MS', null, null, 'CHECKIN DESK'] },
    { tag: 'TDT', elements: ['20', 'ZZ339', null, null, 'ZZ'] },
    { tag: 'LOC', elements: ['125', 'ZZA'] },
    { tag: 'DTM', elements: [['189', '2612241620', '201']] },
    { tag: 'LOC', elements: ['87', 'ZZB'] },
    { tag: 'DTM', elements: [['232', '2612242035', '201']] },
    ...pax.flatMap(traveller),
    { tag: 'CNT', elements: [['42', String(pax.length)]] }
  ].filter(s => !(o.drop ?? []).includes(key(s)))
  const message = (ref: string): MessageSpec => ({
    reference: ref,
    identifier: ['PAXLST', 'D', '05B', 'UN', 'IATA'],
    commonAccessReference: 'ZZ339/261224/1620',
    transfer: ['01', 'F'],
    segments
  })
  const messages = Array.from({ length: o.messages ?? 1 }, (_, i) => message(`M${i + 1}`))
  const sire = o.syntax?.[0] === 'SIRE'
  return writeInterchange({
    // Sirena SIRE: '"' ends a segment, followed by a newline (src/edifact/una.ts).
    ...(sire ? { separators: { ...DEFAULT_SEPARATORS, decimal: ',', segment: '"' }, newline: true } : {}),
    syntax: o.syntax ?? ['UNOA', '4'],
    una: o.una ?? true,
    sender: ['ZZAIRAPI', 'ZZ'],
    recipient: ['GOVPIU', 'ZZ'],
    preparedAt: { date: '261224', time: '0610' },
    reference: 'REQ0000000001',
    applicationReference: 'IAPI',
    priority: 'O',
    ...(o.group === true
      ? {
          groups: [{
            type: 'PAXLST',
            sender: 'ZZ AIR',
            recipient: 'GOVPIU',
            reference: 'G7',
            agency: 'UN',
            version: ['D', '05B'],
            messages
          }]
        }
      : { messages })
  })
}

function request (o: RequestOptions = {}): IapiRequest {
  const ix = parseInterchange(Buffer.from(requestText(o), 'latin1'))
  const r = iapiRequestOf(ix)
  if (!r.ok) throw new Error(`not a request: ${JSON.stringify(r.problems)}`)
  return r
}

const OPTS: CusresOptions = {
  senderId: 'GOVPIU', senderQualifier: 'ZZ', reference: 'CUS00000000001', now: new Date('2026-12-24T06:11:00Z')
}

function reparsed (t: Test, text: string): ReturnType<typeof parseInterchange> {
  const ix = parseInterchange(Buffer.from(text, 'latin1'))
  t.same(ix.errors, [], 're-parses without errors')
  t.same(ix.warnings, [], 're-parses without warnings')
  return ix
}

t.test('the request is read: envelope facts, flight as sent, travellers in order', async t => {
  const r = request({ pax: PAX, group: true })
  t.same(r.unb, {
    syntax: ['UNOA', '4'],
    syntaxId: 'UNOA',
    syntaxVersion: '4',
    sender: ['ZZAIRAPI', 'ZZ'],
    recipient: ['GOVPIU', 'ZZ'],
    reference: 'REQ0000000001',
    applicationReference: 'IAPI',
    test: false
  })
  t.equal(r.una, true)
  t.same(r.group, { sender: ['ZZ AIR'], recipient: ['GOVPIU'], reference: 'G7', agency: 'UN' })
  t.same(r.message, { reference: 'M1', commonAccessReference: 'ZZ339/261224/1620', transfer: ['01', 'F'] })
  t.equal(r.documentCode, '745')
  t.equal(r.documentQualifier, null)
  t.equal(r.transactionRef, 'TX0042')
  t.same(r.transaction, ['TN', 'TX0042', '', '', '1'])
  t.same(r.flight, {
    flightId: 'ZZ339',
    departure: ['ZZA'],
    departureTime: ['189', '2612241620', '201'],
    arrival: ['ZZB'],
    arrivalTime: ['232', '2612242035', '201']
  })
  t.same(r.travellers.map(p => [p.position, p.segment, p.locator, p.passengerRef, p.documentNumber, p.surname]), [
    [1, 10, 'QWE123', 'P0001', 'X1000001', 'ZEPHYRA'],
    [2, 19, 'QWE123', 'P0002', 'X1000002', 'ADVISORYONE'],
    [3, 28, null, 'P0003', 'TEST1Z77', 'MORROW']
  ])
  t.same(request({ bgm: ['745', 'CP'] }).documentQualifier, 'CP')
  const close = request({ bgm: ['266', 'CLOB'], pax: [] })
  t.same([close.documentCode, close.documentQualifier, close.travellers.length], ['266', 'CLOB', 0])
})

t.test('what keeps an interchange from being a request is named by tag and position only', async t => {
  const problems = (o: RequestOptions): unknown => {
    const r = iapiRequestOf(parseInterchange(Buffer.from(requestText(o), 'latin1')))
    return r.ok ? null : r.problems.map(p => [p.reason, p.tag, p.qualifier, p.segment])
  }
  t.same(problems({ drop: ['RFF+TN'] }), [['missing', 'RFF', 'TN', 3]])
  t.same(problems({ drop: ['LOC+87', 'DTM+189'] }), [['missing', 'DTM', '189', 6], ['missing', 'LOC', '87', 6]])
  t.same(problems({ drop: ['TDT+20'] }), [['missing', 'TDT', null, null], ['missing', 'LOC', '125', 2], ['missing', 'LOC', '87', 2]])
  t.same(problems({ pax: [] }), [['missing', 'NAD', null, null]])
  t.same(problems({ bgm: ['250'] }), [['not-iapi-document', 'BGM', null, 2]])
  t.same(problems({ messages: 2 }), [['message-count', 'UNH', null, null]])
  const none = iapiRequestOf(parseInterchange(Buffer.from('hello')))
  t.same(none.ok ? null : none.problems.map(p => p.reason), ['no-interchange'])
  const all = iapiRequestOf(parseInterchange(Buffer.from(requestText({ pax: PAX, drop: ['RFF+TN'] }), 'latin1')))
  t.notMatch(JSON.stringify(all), /ZEPHYRA|X1000001|TX0042|QWE123/, 'no value of the request in the problems')
})

t.test('one passenger, no UNG: the exact CUSRES, and it re-parses clean', async t => {
  const req = request()
  const text = buildCusres(req, { passengers: [{ position: 1, decision: '0Z', text: 'OK TO BOARD' }] }, OPTS)
  t.equal(text, "UNA:+.? 'UNB+UNOA:4+GOVPIU:ZZ+ZZAIRAPI:ZZ+261224:0611+CUS00000000001++IAPI'" +
    "UNH+M1+CUSRES:D:05B:UN:IATA+ZZ339/261224/1620+01:F'BGM+962'RFF+TN:TX0042:::1'RFF+AF:ZZ339'" +
    "DTM+189:2612241620:201'DTM+232:2612242035:201'LOC+125+ZZA'LOC+87+ZZB'" +
    "ERP+2'RFF+AVF:QWE123'RFF+ABO:P0001'ERC+0Z'FTX+AAP+++OK TO BOARD'UNT+14+M1'UNZ+1+CUS00000000001'")
  const ix = reparsed(t, text)
  t.same([ix.messages[0].type, ix.messages[0].reference, ix.messages[0].commonAccessReference], ['CUSRES', 'M1', 'ZZ339/261224/1620'])
})

t.test('three passengers with a UNG: swapped group, request order, only the references given, released text', async t => {
  const req = request({ pax: PAX, group: true })
  const text = buildCusres(req, {
    passengers: [
      { position: 3, decision: '1Z', text: "NO BOARD: CALL +1 555 0100 (O'HARE DESK)?" },
      { position: 1, decision: '0Z', text: null },
      { position: 2, decision: '2Z', text: 'Contactez l’autorité' }
    ]
  }, { ...OPTS, version: 'D:05B' })
  t.equal(text, "UNA:+.? 'UNB+UNOA:4+GOVPIU:ZZ+ZZAIRAPI:ZZ+261224:0611+CUS00000000001++IAPI'" +
    "UNG+CUSRES+GOVPIU+ZZ AIR+261224:0611+G7+UN+D:05B'" +
    "UNH+M1+CUSRES:D:05B:UN:IATA+ZZ339/261224/1620+01:F'BGM+962'RFF+TN:TX0042:::1'RFF+AF:ZZ339'" +
    "DTM+189:2612241620:201'DTM+232:2612242035:201'LOC+125+ZZA'LOC+87+ZZB'" +
    "ERP+2'RFF+AVF:QWE123'RFF+ABO:P0001'ERC+0Z'" +
    "ERP+2'RFF+AVF:QWE123'RFF+ABO:P0002'ERC+2Z'FTX+AAP+++CONTACTEZ L AUTORITE'" +
    "ERP+2'RFF+ABO:P0003'ERC+1Z'FTX+AAP+++NO BOARD?: CALL ?+1 555 0100 (O?'HARE DESK)??'" +
    "UNT+22+M1'UNE+1+G7'UNZ+1+CUS00000000001'")
  const ix = reparsed(t, text)
  const read = readCusres(ix)
  t.same(read?.passengers.map(p => [p.position, p.segment, p.locator, p.passengerRef, p.decision, p.text]), [
    [1, 9, 'QWE123', 'P0001', '0Z', null],
    [2, 13, 'QWE123', 'P0002', '2Z', 'CONTACTEZ L AUTORITE'],
    [3, 18, null, 'P0003', '1Z', "NO BOARD: CALL +1 555 0100 (O'HARE DESK)?"]
  ])
  t.same([read?.document, read?.transactionRef, read?.flight], ['962', 'TX0042',
    { flightId: 'ZZ339', departure: 'ZZA', arrival: 'ZZB', scheduledDeparture: '2612241620', scheduledArrival: '2612242035' }])
})

t.test('syntax, UNA and test indicator follow the request; SIRE writes " and a newline', async t => {
  const sire = request({ syntax: ['SIRE', '4'], una: false })
  const answer = { passengers: [{ position: 1, decision: '4Z' as const, text: 'Données "incomplètes"' }] }
  const text = buildCusres(sire, answer, { ...OPTS, senderQualifier: null, document: '132' })
  t.equal(text, 'UNB+SIRE:4+GOVPIU+ZZAIRAPI:ZZ+261224:0611+CUS00000000001++IAPI"\n' +
    'UNH+M1+CUSRES:D:05B:UN:IATA+ZZ339/261224/1620+01:F"\nBGM+132"\nRFF+TN:TX0042:::1"\nRFF+AF:ZZ339"\n' +
    'DTM+189:2612241620:201"\nDTM+232:2612242035:201"\nLOC+125+ZZA"\nLOC+87+ZZB"\n' +
    'ERP+2"\nRFF+AVF:QWE123"\nRFF+ABO:P0001"\nERC+4Z"\nFTX+AAP+++Donnees ?"incompletes?""\nUNT+14+M1"\nUNZ+1+CUS00000000001"\n')
  reparsed(t, text)
  const testIx = parseInterchange(Buffer.from(requestText().replace("++IAPI+O'", "++IAPI+O+++1'"), 'latin1'))
  const testReq = iapiRequestOf(testIx)
  t.ok(testReq.ok && testReq.unb.test)
  if (testReq.ok) {
    const answer = buildCusres(testReq, { passengers: [{ position: 1, decision: '0Z', text: null }] }, OPTS)
    t.match(answer, /^UNA:\+\.\? 'UNB\+UNOA:4\+GOVPIU:ZZ\+ZZAIRAPI:ZZ\+261224:0611\+CUS00000000001\+\+IAPI\+\+\+\+1'/)
    t.equal(parseInterchange(Buffer.from(answer)).unb?.test, true)
  }
})

t.test('long texts continue in the next C108 line: an..70 up to D.99B, an..512 after', async t => {
  t.equal(textElementLength('D:05B'), 512)
  t.equal(textElementLength('D:99B'), 70)
  const long = 'NO BOARD ' + 'PLEASE CONTACT THE AUTHORITY DESK '.repeat(4)
  const req = request()
  const old = buildCusres(req, { passengers: [{ position: 1, decision: '1Z', text: long }] }, { ...OPTS, version: 'D:99B' })
  const ftx = /FTX\+AAP\+\+\+([^']*)'/.exec(old)?.[1] ?? ''
  t.same(ftx.split(':').map(l => l.length > 0 && l.length <= 70), [true, true, true])
  t.match(old, /UNH\+M1\+CUSRES:D:99B:UN:IATA/)
  const ix = reparsed(t, old)
  t.equal(readCusres(ix)?.passengers[0].text, long.trim())
  const now = buildCusres(req, { passengers: [{ position: 1, decision: '1Z', text: long }] }, OPTS)
  t.equal(/FTX\+AAP\+\+\+([^']*)'/.exec(now)?.[1], long.trim())
  t.equal(fitText('a\tb  c', 'UNOA', { component: ':', element: '+', decimal: '.', release: '?', repetition: null, segment: "'" }), 'A B C')
})

t.test('the answer must decide every traveller exactly once', async t => {
  const req = request({ pax: PAX })
  t.throws(() => buildCusres(req, { passengers: [{ position: 1, decision: '0Z', text: null }] }, OPTS), RangeError)
  const at = (...positions: number[]): IapiAnswer => ({ passengers: positions.map(position => ({ position, decision: '0Z', text: null })) })
  t.throws(() => buildCusres(req, at(1, 1, 2), OPTS), RangeError)
  t.throws(() => buildCusres(req, at(1, 2, 4), OPTS), RangeError)
  t.throws(() => buildCusres(request(), at(1), { ...OPTS, version: '05B' }), RangeError)
})

t.test('the error reply for no answer in time: ERP+1, ERC+118, no traveller decided', async t => {
  const req = request({ pax: PAX, group: true })
  const text = buildCusresError(req, { ...OPTS, ...NO_ANSWER_IN_TIME })
  t.equal(text, "UNA:+.? 'UNB+UNOA:4+GOVPIU:ZZ+ZZAIRAPI:ZZ+261224:0611+CUS00000000001++IAPI'" +
    "UNG+CUSRES+GOVPIU+ZZ AIR+261224:0611+G7+UN+D:05B'" +
    "UNH+M1+CUSRES:D:05B:UN:IATA+ZZ339/261224/1620+01:F'BGM+962'RFF+TN:TX0042:::1'RFF+AF:ZZ339'" +
    "DTM+189:2612241620:201'DTM+232:2612242035:201'LOC+125+ZZA'LOC+87+ZZB'" +
    "ERP+1'ERC+118'FTX+AAP+++NO ANSWER IN TIME'UNT+12+M1'UNE+1+G7'UNZ+1+CUS00000000001'")
  const read = readCusres(reparsed(t, text))
  t.same(read?.passengers, [])
  t.same(read?.errors, [{ segment: 9, code: '118', text: 'NO ANSWER IN TIME' }])
  t.throws(() => buildCusresError(req, { ...OPTS, code: '1:8' }), RangeError)
})

t.test('a 266 close-out without travellers is answered with the flight only', async t => {
  const req = request({ bgm: ['266', 'XF'], pax: [] })
  const text = buildCusres(req, { passengers: [] }, OPTS)
  t.match(text, /LOC\+87\+ZZB'UNT\+9\+M1'/)
  reparsed(t, text)
})

t.test('readCusres: null for an interchange without CUSRES', async t => {
  t.equal(readCusres(parseInterchange(Buffer.from(requestText(), 'latin1'))), null)
})

t.test('test responder: first matching rule wins, globs anywhere, fixed texts', async t => {
  const pax: IapiTraveller[] = [
    { position: 1, segment: 10, role: 'FL', locator: null, passengerRef: null, documentNumber: 'X1', surname: 'SMITH' },
    { position: 2, segment: 20, role: 'FL', locator: null, passengerRef: null, documentNumber: 'TEST1Z99', surname: 'ADVISORYJONES' },
    { position: 3, segment: 30, role: 'FL', locator: null, passengerRef: null, documentNumber: 'X3', surname: 'advisory' },
    { position: 4, segment: 40, role: 'FL', locator: null, passengerRef: null, documentNumber: 'AB4Z-CD', surname: null },
    { position: 5, segment: 50, role: 'FL', locator: null, passengerRef: null, documentNumber: null, surname: 'O.BRIEN' }
  ]
  const answer = decideByRules({
    default: '0Z',
    rules: [
      { documentNumber: 'TEST1Z*', decision: '1Z' },
      { surname: 'ADVISORY*', decision: '2Z' },
      { documentNumber: '*4Z*', decision: '4Z' },
      { surname: 'O.B*', documentNumber: 'Z*', decision: '1Z' },
      { decision: '1Z' }
    ]
  }, pax)
  t.same(answer.passengers, [
    { position: 1, decision: '0Z', text: 'OK TO BOARD' },
    { position: 2, decision: '1Z', text: 'NO BOARD' },
    { position: 3, decision: '2Z', text: 'CONTACT THE AUTHORITY' },
    { position: 4, decision: '4Z', text: 'INSUFFICIENT DATA' },
    { position: 5, decision: '0Z', text: 'OK TO BOARD' }
  ])
  t.same(decideByRules({ default: '4Z' }, pax.slice(0, 1)).passengers, [{ position: 1, decision: '4Z', text: 'INSUFFICIENT DATA' }])
  const dot = decideByRules({ default: '0Z', rules: [{ surname: 'O.B*', decision: '1Z' }] }, [{ ...pax[0], surname: 'OXBRIEN' }])
  t.equal(dot.passengers[0].decision, '0Z', 'a dot in a glob is literal')
  const req = request({ pax: PAX })
  const rules = decideByRules({
    default: '0Z',
    rules: [{ documentNumber: 'TEST1Z*', decision: '1Z' }, { surname: 'ADVISORY*', decision: '2Z' }]
  }, req.travellers)
  const built = buildCusres(req, rules, OPTS)
  t.same(readCusres(reparsed(t, built))?.passengers.map(p => p.decision), ['0Z', '2Z', '1Z'])
})
