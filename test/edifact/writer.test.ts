import t from 'tap'
import fc from 'fast-check'
import {
  DEFAULT_SEPARATORS, IATA_SEPARATORS, escapeValue, serviceStringAdvice, syntaxLevelFor, unbDateTime,
  writeInterchange, writeSegment
} from '../../src/edifact/writer.js'
import type { Separators } from '../../src/edifact/types.js'

/** Minimal release-aware splitter, independent of the parser: splits on `sep`, unescapes. */
function split (text: string, sep: string, release: string): string[] {
  const out: string[] = []
  let cur = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === release) { cur += text[++i] ?? ''; continue }
    if (c === sep) { out.push(cur); cur = ''; continue }
    cur += c
  }
  out.push(cur)
  return out
}

t.test('escapeValue releases every service character', async t => {
  t.equal(escapeValue('A+B:C\'D?E', DEFAULT_SEPARATORS), 'A?+B?:C?\'D??E')
  t.equal(escapeValue('??', DEFAULT_SEPARATORS), '????', 'release of release')
  t.equal(escapeValue('NORDEASPECIAL+TEST'), 'NORDEASPECIAL?+TEST')
  t.equal(escapeValue('APIS*ABE', DEFAULT_SEPARATORS), 'APIS*ABE', 'no repetition separator declared: * is data')
  t.equal(escapeValue('APIS*ABE', IATA_SEPARATORS), 'APIS?*ABE', 'declared repetition separator is released')
  t.equal(escapeValue('PLAIN 1.5', DEFAULT_SEPARATORS), 'PLAIN 1.5', 'decimal mark and space are data')
  const odd: Separators = { component: '(', element: '*', decimal: '.', release: ')', repetition: null, segment: '-' }
  t.equal(escapeValue('A-B*C(D)E+F', odd), 'A)-B)*C)(D))E+F', 'non-default separators, + is data')
  t.equal(
    escapeValue('^]\\', { ...DEFAULT_SEPARATORS, component: '^', element: ']', segment: '\\' }),
    '?^?]?\\',
    'regex-special separators'
  )
  t.throws(() => escapeValue('A+B', { ...DEFAULT_SEPARATORS, release: null }), RangeError)
  t.equal(escapeValue('AB', { ...DEFAULT_SEPARATORS, release: null }), 'AB', 'no escaping needed, no release needed')
})

t.test('escapeValue round-trips through a release-aware splitter (property)', async t => {
  const alphabet = fc.constantFrom(...'AB :+.?*\'Z9')
  fc.assert(fc.property(fc.array(alphabet).map(a => a.join('')), fc.constantFrom(DEFAULT_SEPARATORS, IATA_SEPARATORS), (value, seps) => {
    const escaped = escapeValue(value, seps)
    for (const sep of [seps.component, seps.element, seps.segment]) {
      const parts = split(escaped, sep, seps.release as string)
      if (parts.length !== 1 || parts[0] !== value) return false
    }
    return true
  }))
  t.pass('property held')
})

t.test('writeSegment trims trailing empty elements and components', async t => {
  t.equal(writeSegment({ tag: 'LOC', elements: ['125', 'ZZA', ''] }), 'LOC+125+ZZA')
  t.equal(writeSegment({ tag: 'MSG', elements: [[null, '22']] }), 'MSG+:22')
  t.equal(
    writeSegment({ tag: 'UCM', elements: ['1', ['PAXLST', 'D', '05B', 'UN', null], '4', null, undefined] }),
    'UCM+1+PAXLST:D:05B:UN+4'
  )
  t.equal(writeSegment({ tag: 'UNB', elements: ['A', null, 'C', ['', null]] }), 'UNB+A++C')
  t.equal(writeSegment({ tag: 'X1Y', elements: [['A', '', 'C', '', '']] }), 'X1Y+A::C')
  t.equal(writeSegment({ tag: 'SRC' }), 'SRC')
  t.equal(writeSegment({ tag: 'SRC', elements: ['', [null]] }), 'SRC')
  t.throws(() => writeSegment({ tag: 'bad' }), RangeError)
})

t.test('UNA advice and UNB date/time', async t => {
  t.equal(serviceStringAdvice(DEFAULT_SEPARATORS), 'UNA:+.? \'')
  t.equal(serviceStringAdvice(IATA_SEPARATORS), 'UNA:+.?*\'')
  t.equal(serviceStringAdvice({ ...DEFAULT_SEPARATORS, release: null }), 'UNA:+.  \'', 'no release character: space')
  t.same(unbDateTime(new Date('2025-01-04T06:05:59Z')), { date: '250104', time: '0605' })
  t.same(unbDateTime(new Date('2009-12-31T23:59:00Z')), { date: '091231', time: '2359' })
})

t.test('writeInterchange computes UNT and UNZ counts', async t => {
  const text = writeInterchange({
    sender: ['GOVPIU', 'ZZ'],
    recipient: ['XA+API', 'ZZ'],
    preparedAt: new Date('2025-01-14T06:31:00Z'),
    reference: 'REF1',
    applicationReference: 'APIS',
    ackRequest: true,
    messages: [
      { reference: 'M1', identifier: ['CONTRL', 'D', '3', 'UN'], segments: [{ tag: 'UCI', elements: ['1', 'A', 'B', '7'] }] },
      {
        reference: 'M2',
        identifier: ['CONTRL', 'D', '3', 'UN'],
        commonAccessReference: 'X/1',
        transfer: ['01', 'F'],
        segments: [{ tag: 'AAA' }, { tag: 'BBB' }, { tag: 'CCC' }]
      }
    ]
  })
  t.equal(text, [
    'UNA:+.? \'',
    'UNB+UNOA:4+GOVPIU:ZZ+XA?+API:ZZ+250114:0631+REF1++APIS++1\'',
    'UNH+M1+CONTRL:D:3:UN\'', 'UCI+1+A+B+7\'', 'UNT+3+M1\'',
    'UNH+M2+CONTRL:D:3:UN+X/1+01:F\'', 'AAA\'', 'BBB\'', 'CCC\'', 'UNT+5+M2\'',
    'UNZ+2+REF1\''
  ].join(''))
})

t.test('writeInterchange with groups, newline, PADIS separators, test indicator', async t => {
  const text = writeInterchange({
    separators: IATA_SEPARATORS,
    syntax: ['IATA', '1'],
    sender: 'GOV*PNR',
    recipient: ['ZZ'],
    preparedAt: { date: '250114', time: '0631' },
    reference: 'G1',
    test: true,
    newline: true,
    groups: [
      {
        type: 'ACKRES',
        sender: 'GOV',
        recipient: 'ZZ',
        reference: '7',
        agency: 'IA',
        version: ['13', '1'],
        messages: [
          { reference: '1', identifier: ['ACKRES', '13', '1', 'IA'], segments: [] },
          { reference: '2', identifier: ['ACKRES', '13', '1', 'IA'], segments: [{ tag: 'MSG', elements: [[null, '22']] }] }
        ]
      },
      { type: 'ACKRES', reference: '8', messages: [] }
    ]
  })
  t.equal(text, [
    'UNA:+.?*\'',
    'UNB+IATA:1+GOV?*PNR+ZZ+250114:0631+G1++++++1\'',
    'UNG+ACKRES+GOV+ZZ+250114:0631+7+IA+13:1\'',
    'UNH+1+ACKRES:13:1:IA\'', 'UNT+2+1\'',
    'UNH+2+ACKRES:13:1:IA\'', 'MSG+:22\'', 'UNT+3+2\'',
    'UNE+2+7\'',
    'UNG+ACKRES+++250114:0631+8\'',
    'UNE+0+8\'',
    'UNZ+2+G1\''
  ].join('\n') + '\n')
})

t.test('writeInterchange refuses what ISO 9735 forbids', async t => {
  const base = { sender: 'A', recipient: 'B', preparedAt: new Date(0), reference: 'R' }
  t.throws(() => writeInterchange({ ...base, reference: '123456789012345' }), RangeError, '0020 longer than 14')
  t.throws(() => writeInterchange({ ...base, reference: '' }), RangeError)
  t.throws(() => writeInterchange({
    ...base,
    messages: [{ reference: '1', identifier: ['X'], segments: [] }],
    groups: [{ type: 'X', reference: '1', messages: [] }]
  }), RangeError, 'groups and messages mixed')
  t.equal(writeInterchange({ ...base, una: false }), 'UNB+UNOA:4+A+B+700101:0000+R\'UNZ+0+R\'')
})

t.test('syntaxLevelFor picks the lowest level that carries the values', async t => {
  t.equal(syntaxLevelFor(['GOVPIU', 'APIS*ABE', 'NORDEASPECIAL+TEST', '1A/E']), 'UNOA')
  t.equal(syntaxLevelFor(['GOVPIU', 'Nordea']), 'UNOB')
  t.equal(syntaxLevelFor(['GOVPIU', 'A_B']), 'UNOC', 'level B adds only lower case')
  t.equal(syntaxLevelFor(['Nordea', 'A_B', 'abc']), 'UNOC')
  t.equal(syntaxLevelFor(['NOVÁK', 'Nordea']), 'UNOY')
  t.equal(syntaxLevelFor([]), 'UNOA')
})
