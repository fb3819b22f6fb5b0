import t from 'tap'
import { adviceString, defaultSeparators } from '../../src/edifact/index.js'
import { inferTerminator, readServiceAdvice } from '../../src/edifact/una.js'

t.test('defaults per syntax identifier (domain §1.1)', async (t) => {
  for (const id of ['UNOA', 'UNOC', 'UNOK', 'UNOX', 'UNOY']) {
    t.same(defaultSeparators(id), { component: ':', element: '+', decimal: '.', release: '?', repetition: null, segment: "'" }, id)
  }
  t.same(defaultSeparators('IATA'), { component: ':', element: '+', decimal: ',', release: '?', repetition: null, segment: "'" })
  t.match(defaultSeparators('IATB'), { component: '\x1f', element: '\x1d', segment: '\x1c', decimal: ',', release: '?' })
  t.match(defaultSeparators('UNOB'), { component: '\x1f', element: '\x1d', segment: '\x1c' })
  t.match(defaultSeparators('SIRE'), { decimal: ',', segment: '"' })
  t.equal(defaultSeparators('XXXX'), null)
  t.equal(defaultSeparators('constructor'), null)
})

t.test('reads the six UNA characters; space in 4/5 means none', async (t) => {
  const a = readServiceAdvice("UNA:+.? 'UNB+UNOA:4+S+R+250114:0630+1'UNH+1'", 0)
  t.same(a?.separators, { component: ':', element: '+', decimal: '.', release: '?', repetition: null, segment: "'" })
  t.equal(a?.unbStart, 9)
  t.same(a?.errors, [])
  const star = readServiceAdvice("UNA:+.?*'\n UNB+IATA:1+S+R+1'UNH+1'", 0)
  t.equal(star?.separators.repetition, '*')
  t.equal(star?.unbStart, 11)
  const noRelease = readServiceAdvice('UNA:(.? )UNB(UNOA:4(S(R)UNH(1)', 0)
  t.match(noRelease?.separators, { element: '(', release: '?', repetition: null, segment: ')' })
  const amadeus = readServiceAdvice('UNA:(.) -UNB(UNOA:4(S(R-UNH(1-', 0)
  t.match(amadeus?.separators, { element: '(', release: ')', segment: '-' })
})

t.test('five-character UNA: error 20 at the first bad position, separators inferred from UNB', async (t) => {
  const text = "UNA:+\\*'\nUNB+IATA:1+1A+KRC+130527:0754+0003' UNH+1+PNRGOV:11:1:IA'"
  const a = readServiceAdvice(text, 0)
  t.equal(a?.errors.length, 1)
  t.match(a?.errors[0], { id: 'GW_ERR_EDIFACT_UNA_MALFORMED', code: 20, tag: 'UNA', element: 3, level: 'interchange' })
  t.same(a?.separators, { component: ':', element: '+', decimal: '.', release: '\\', repetition: '*', segment: "'" })
  t.equal(a?.repaired, false)
  const r = readServiceAdvice(text, 0, { unaRepair: true })
  t.equal(r?.repaired, true)
  t.same(r?.errors, [])
  t.equal(r?.warnings[0].code, 20)
  t.equal(r?.una, "UNA:+.\\*'")
})

t.test('UNA terminator disagreeing with the body (U+2019 as UTF-8) is malformed', async (t) => {
  const text = "UNA:+.\\*\xe2\x80\x99 UNB+IATA:1+1A+KRC+130527:0649+0003'\nUNH+1+PNRGOV:11:1:IA'"
  const a = readServiceAdvice(text, 0)
  t.match(a?.errors[0], { code: 20, element: 6 })
  t.equal(a?.separators.segment, "'")
  const r = readServiceAdvice(text, 0, { unaRepair: true })
  t.equal(r?.una, "UNA:+.\\*'")
  t.equal(r?.unbStart, 12)
})

t.test('well-formed UNA whose terminator is not what ends UNB', async (t) => {
  const a = readServiceAdvice("UNA:+.? #UNB+UNOA:4+S+R+1'UNH+1'", 0)
  t.match(a?.errors[0], { code: 20, element: 6 })
  t.equal(a?.separators.segment, "'")
})

t.test('UNA element separator disagreeing with the one after UNB', async (t) => {
  const a = readServiceAdvice("UNA:+.? 'UNB*UNOA:4*S*R*1'UNH*1'", 0)
  t.match(a?.errors[0], { code: 20, element: 2 })
  t.equal(a?.separators.element, '*')
})

t.test('letters, controls and duplicates are not service characters', async (t) => {
  t.equal(readServiceAdvice("UNA:X.? 'UNB+UNOA:4'", 0)?.errors[0].element, 2)
  t.equal(readServiceAdvice("UNA::.? 'UNB:UNOA:4'", 0)?.errors[0].code, 20)
  t.equal(readServiceAdvice("UNA:+;? 'UNB+UNOA:4'", 0)?.errors[0].element, 3)
})

t.test('UNA with no UNB after it is no interchange', async (t) => {
  t.equal(readServiceAdvice("UNA:+.? 'XYZ", 0), null)
})

t.test('without UNA: level A/B swap is a warning, other separators an error (22)', async (t) => {
  const b = readServiceAdvice("UNB+UNOB:3+S+R+1'UNH+1'", 0)
  t.equal(b?.separators.element, '+')
  t.equal(b?.warnings[0].code, 22)
  t.same(b?.errors, [])
  const odd = readServiceAdvice('UNB*UNOA:4*S*R*1$UNH*1$', 0)
  t.equal(odd?.errors[0].code, 22)
  t.match(odd?.separators, { element: '*', segment: '$' })
  const unknown = readServiceAdvice("UNB+ABCD:1+S+R+1'", 0)
  t.equal(unknown?.separators.element, '+')
})

t.test('inferTerminator reads what ends UNB; null when nothing follows closely', async (t) => {
  t.equal(inferTerminator("UNB+IATA:1+X'\r\n  UNG+PNRGOV'", 0, '+'), "'")
  t.equal(inferTerminator('UNB+UNOA:4+APIS*ABE+X$UNZ+0+1$', 0, '+'), '$')
  t.equal(inferTerminator("UNB+UNOA:4+X'", 0, '+'), null)
})

t.test('adviceString writes spaces for absent release/repetition', async (t) => {
  t.equal(adviceString({ component: ':', element: '+', decimal: '.', release: null, repetition: null, segment: "'" }), "UNA:+.  '")
})
