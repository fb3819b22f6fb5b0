import t from 'tap'
import { parseInterchange, preparedAt, type Interchange } from '../../src/edifact/index.js'

/** Segments closed by the segment terminator ' (ISO 9735 UNA default). */
const ediText = (...segments: string[]): string => segments.map(s => `${s}'`).join('')

const UNB = "UNB+UNOA:4+SENDER:ZZ+GOVPIU:ZZ+250114:0630+REF1++APIS++1++1'"
const parse = (s: string): Interchange => parseInterchange(Buffer.from(s))
const codes = (r: Interchange): number[] => r.errors.map((e) => e.code)

t.test('UNB facts', async (t) => {
  const r = parse(UNB + "UNH+M1+PAXLST:D:05B:UN:IATA+ZZ123/250114/0915+01:C'BGM+745'UNT+3+M1'UNZ+1+REF1'")
  t.same(r.errors, [])
  t.same(r.unb, {
    syntax: 'UNOA:4',
    syntaxId: 'UNOA',
    syntaxVersion: '4',
    sender: 'SENDER',
    senderQualifier: 'ZZ',
    recipient: 'GOVPIU',
    recipientQualifier: 'ZZ',
    senderComposite: ['SENDER', 'ZZ'],
    recipientComposite: ['GOVPIU', 'ZZ'],
    date: '250114',
    time: '0630',
    preparedAt: '2025-01-14T06:30',
    reference: 'REF1',
    applicationReference: 'APIS',
    ackRequested: true,
    test: true
  })
  t.match(r.messages[0], {
    reference: 'M1',
    type: 'PAXLST',
    version: 'D:05B',
    agency: 'UN',
    association: 'IATA',
    identifier: 'PAXLST:D:05B:UN:IATA',
    commonAccessReference: 'ZZ123/250114/0915',
    part: { sequence: 1, first: true, final: false },
    group: null
  })
  t.equal(r.messages[0].segments.length, 3)
})

t.test('preparedAt: 6 or 8 digit dates, invalid dates are null', async (t) => {
  t.equal(preparedAt('20250114', '0630'), '2025-01-14T06:30')
  t.equal(preparedAt('940101', '0950'), '1994-01-01T09:50')
  t.equal(preparedAt('250230', '0630'), null)
  t.equal(preparedAt('250114', '2460'), null)
  t.equal(preparedAt('xxxxxx', 'xxxx'), null)
  const r = parse("UNB+UNOA:4+S+R+251314:0630+1'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+1'")
  t.match(r.errors, [{ id: 'GW_ERR_EDIFACT_INVALID_VALUE', code: 12, tag: 'UNB', element: 4, component: 1 }])
})

t.test('part sequence and first/final flags (S010)', async (t) => {
  const part = (s010: string): unknown => parse(UNB + `UNH+M1+PAXLST:D:05B:UN:IATA+X${s010}'UNT+2+M1'UNZ+1+REF1'`).messages[0].part
  t.same(part(''), { sequence: null, final: null, first: null })
  t.same(part('+01:F'), { sequence: 1, final: true, first: true })
  t.same(part('+10:F'), { sequence: 10, final: true, first: false })
  t.same(part('+02'), { sequence: 2, final: false, first: false })
  t.same(part('+01'), { sequence: 1, final: null, first: true })
  const bad = parse(UNB + "UNH+M1+PAXLST:D:05B:UN:IATA+X+100:X'UNT+2+M1'UNZ+1+REF1'")
  t.match(bad.errors, [{ code: 12, element: 4, component: 1 }, { code: 12, element: 4, component: 2 }])
})

t.test('UNT count (29) and reference (28) are controlCounts findings at the UNT position', async (t) => {
  const r = parse(UNB + "UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+9+M2'UNZ+1+REF1'")
  t.match(r.errors, [
    {
      id: 'GW_ERR_EDIFACT_UNT_COUNT',
      code: 29,
      level: 'message',
      message: 'M1',
      segment: 3,
      tag: 'UNT',
      element: 1,
      family: 'controlCounts'
    },
    { id: 'GW_ERR_EDIFACT_UNT_REFERENCE', code: 28, segment: 3, tag: 'UNT', element: 2, family: 'controlCounts' }
  ])
  const noRef = parse(UNB + "UNH+M1+PAXLST:D:05B:UN:IATA'UNT+2'UNZ+1+REF1'")
  t.match(noRef.errors, [{ code: 13, tag: 'UNT', element: 2 }])
  t.equal(noRef.errors.length, 1)
})

t.test('UNT missing (13) when another UNH, UNZ or the end comes first', async (t) => {
  const r = parse(UNB + "UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'UNH+M2+PAXLST:D:05B:UN:IATA'UNT+2+M2'UNZ+2+REF1'")
  t.match(r.errors, [{ id: 'GW_ERR_EDIFACT_UNT_MISSING', code: 13, message: 'M1', segment: 3, tag: 'UNT' }])
  t.equal(r.errors.length, 1)
  t.equal(r.messages.length, 2)
  const end = parse(UNB + "UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'")
  t.same(codes(end), [13, 13])
  t.match(end.errors, [{ id: 'GW_ERR_EDIFACT_UNT_MISSING' }, { id: 'GW_ERR_EDIFACT_UNZ_MISSING', level: 'interchange', tag: 'UNZ' }])
})

t.test('groups: UNE count/reference, UNZ counts groups', async (t) => {
  const ok = parse(
    UNB +
      ediText(
        'UNG+PAXLST+A+B+250114:0630+G1+UN+D:05B', 'UNH+M1+PAXLST:D:05B:UN:IATA', 'UNT+2+M1', 'UNH+M2+PAXLST:D:05B:UN:IATA', 'UNT+2+M2',
        'UNE+2+G1', 'UNZ+1+REF1'
      )
  )
  t.same(ok.errors, [])
  t.same(ok.groups, [{ type: 'PAXLST', reference: 'G1', version: 'D:05B', segmentIndex: 2 }])
  t.same(ok.messages.map((m) => m.group), ['G1', 'G1'])
  const bad = parse(UNB + "UNG+PAXLST+A+B+250114:0630+G1+UN+D:05B'UNH+M1+PAXLST:D:05B:UN:IATA'UNT+2+M1'UNE+3+G9'UNZ+2+REF9'")
  t.match(bad.errors, [
    { id: 'GW_ERR_EDIFACT_UNE_COUNT', code: 29, level: 'group', group: 'G1', segment: 5, tag: 'UNE', element: 1, family: 'controlCounts' },
    { id: 'GW_ERR_EDIFACT_UNE_REFERENCE', code: 28, element: 2 },
    { id: 'GW_ERR_EDIFACT_UNZ_COUNT', code: 29, level: 'interchange', segment: 6, tag: 'UNZ', element: 1, family: 'controlCounts' },
    { id: 'GW_ERR_EDIFACT_UNZ_REFERENCE', code: 28, element: 2 }
  ])
})

t.test('UNE missing (13), empty group (32), empty interchange (32)', async (t) => {
  const r = parse(UNB + "UNG+PAXLST+A+B+250114:0630+G1+UN+D:05B'UNH+M1+PAXLST:D:05B:UN:IATA'UNT+2+M1'UNZ+1+REF1'")
  t.match(r.errors, [{ id: 'GW_ERR_EDIFACT_UNE_MISSING', code: 13, group: 'G1' }])
  const emptyGroup = parse(UNB + "UNG+PAXLST+A+B+250114:0630+G1+UN+D:05B'UNE+0+G1'UNZ+1+REF1'")
  t.same(codes(emptyGroup), [32])
  t.equal(emptyGroup.errors[0].level, 'group')
  const empty = parse(UNB + "UNZ+0+REF1'")
  t.match(empty.errors, [{ id: 'GW_ERR_EDIFACT_EMPTY', code: 32, level: 'interchange', tag: 'UNZ' }])
})

t.test('groups mixed with bare messages (30); two message types in a group (31)', async (t) => {
  const mixed = parse(
    UNB +
      ediText(
        'UNH+M0+PAXLST:D:05B:UN:IATA', 'UNT+2+M0', 'UNG+PAXLST+A+B+250114:0630+G1+UN+D:05B', 'UNH+M1+PAXLST:D:05B:UN:IATA', 'UNT+2+M1',
        'UNE+1+G1', 'UNZ+1+REF1'
      )
  )
  t.ok(mixed.errors.some((e) => e.code === 30 && e.tag === 'UNG' && e.level === 'interchange'))
  const types = parse(
    UNB +
      ediText(
        'UNG+PAXLST+A+B+250114:0630+G1+UN+D:05B', 'UNH+M1+PAXLST:D:05B:UN:IATA', 'UNT+2+M1', 'UNH+M2+CUSRES:D:05B:UN:IATA', 'UNT+2+M2',
        'UNE+2+G1', 'UNZ+1+REF1'
      )
  )
  t.match(types.errors, [{ id: 'GW_ERR_EDIFACT_GROUP_TYPES_MIXED', code: 31, level: 'group', group: 'G1', segment: 5, tag: 'UNH' }])
})

t.test('data outside any message (33), reported once per run', async (t) => {
  const r = parse(UNB + "BGM+745'FTX+X'UNH+M1+PAXLST:D:05B:UN:IATA'UNT+2+M1'NAD+FL'UNZ+1+REF1'")
  t.match(r.errors, [{ code: 33, level: 'interchange', segment: 2, tag: 'BGM' }, { code: 33, segment: 6, tag: 'NAD' }])
  t.equal(r.errors.length, 2)
})

t.test('UNB mandatory elements (13); recipient left to the agreement (family profile)', async (t) => {
  const r = parseInterchange(Buffer.from("UNA:+.? 'UNB+UNOA:4+S+R+250114:0630+1'"))
  t.notOk(r.errors.some((e) => e.id === 'GW_ERR_EDIFACT_UNB_UNREADABLE'))
  const missing = parse("UNB+UNOA:4++++'UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'UNZ+1+'")
  t.match(missing.errors.filter((e) => e.tag === 'UNB'), [
    { code: 13, element: 2 }, { code: 13, element: 3, family: 'profile' }, { code: 13, element: 4 }, { code: 13, element: 5 }
  ])
})

t.test('syntax identifier or version not supported (2)', async (t) => {
  t.match(parse("UNB+ABCD:1+S+R+250114:0630+1'UNH+1+X:1:1:UN'UNT+2+1'UNZ+1+1'").errors, [
    { id: 'GW_ERR_EDIFACT_SYNTAX_UNSUPPORTED', code: 2, element: 1, component: 1 }
  ])
  t.match(parse("UNB+UNOA:9+S+R+250114:0630+1'UNH+1+X:1:1:UN'UNT+2+1'UNZ+1+1'").errors, [{ code: 2, element: 1, component: 2 }])
})

t.test('no finding text carries a value from the input', async (t) => {
  const r = parse("UNB+UNOA:4+SECRETSENDER+R+250114:0630+REFX'UNH+MSGREF+PAXLST:D:05B:UN:IATA'NAD+FL+++Doe'UNT+9+OTHER'UNZ+7+REFY'")
  t.ok(r.errors.length >= 4)
  for (const e of r.errors) t.notMatch(e.text, /SECRET|REF[XY]|OTHER|Doe|\b9\b|\b7\b/)
})
