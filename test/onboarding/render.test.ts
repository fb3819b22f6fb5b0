import t from 'tap'
import { validateAgreement } from '../../src/agreements/store.js'
import { certify, type ConformanceReport } from '../../src/onboarding/report.js'
import { renderText, ackLines } from '../../src/onboarding/render-text.js'
import { renderHtml } from '../../src/onboarding/render-html.js'
import { escapeHtml } from '../../src/http/html.js'
import { explainCode, groupFindings, positionText } from '../../src/onboarding/explain.js'
import { fixture, fixturePath } from '../fixtures/index.js'

const PASSENGER_VALUES = [
  'TESTER', 'ALPHA', 'BRAVO', 'X0000001', 'X0000002', '800101', '750505', '1 TEST STREET', 'TESTVILLE', 'ZZ1 1ZZ', 'TEST ROAD',
  '0000 000 0002', 'UNIFORM', 'VICTOR', 'X0000014', '01JAN80'
]

function report (name = 'Zed <Air> & "Co"'): ConformanceReport {
  const v = validateAgreement({
    code: 'ZZ',
    name,
    stage: 'testing',
    senderIds: ['ZZAIRLINE'],
    messages: { PAXLST: { versions: ['D15B'] } },
    channels: { https: { certificates: [`sha256/${Array(32).fill('CD').join(':')}`] } }
  }, '/c/ZZ.yaml')
  const files = ['paxlst-d15b-pax.edi', 'paxlst-d15b-crew-bad-count.edi'].map(n => ({ name: fixturePath(n), bytes: fixture(n) }))
  return certify(v.agreement!, files, {
    receiverIds: ['CUSTOMS'],
    senderId: 'GOVPIU',
    limits: { maxSegments: 1000, maxValueLength: 512, maxParts: 99 }
  })
}

t.test('text report: verdict, per-file outcome, findings in words, figures, ack by segment', async t => {
  const text = renderText(report('Zed Air'))
  t.match(text, /^Conformance report for ZZ \(Zed Air\), stage testing/)
  t.match(text, /2 files: 1 accepted, 0 accepted with warnings, 1 rejected: NOT PASSED/)
  t.match(text, /File 2: paxlst-d15b-crew-bad-count\.edi \(\d+ bytes\): REJECTED/)
  t.match(text, /\[29\] message PAX001, segment 19 \(UNT\), element 1: UNT segment count does not match/)
  t.match(text, /29 = control count does not match number of instances received/)
  t.match(text, /with document number: 100% \(2 of 2\)/)
  t.match(text, /\n {4}UNH\+1\+CONTRL:D:3:UN'\n/, 'one ack segment per line')
  for (const v of PASSENGER_VALUES) t.notOk(text.includes(v), `no ${v}`)
})

t.test('HTML report: self-contained, escaped, figures present, no passenger value', async t => {
  const html = renderHtml(report())
  t.match(html, /^<!DOCTYPE html>/)
  t.notMatch(html, /<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import/i, 'loads nothing from anywhere')
  t.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/)
  t.match(html, /Zed &lt;Air&gt; &amp; &quot;Co&quot;/, 'the carrier name is escaped')
  t.notOk(html.includes('<Air>'))
  t.match(html, /NOT PASSED/)
  t.match(html, /<th>with document number<\/th><td class="n">100% \(2 of 2\)<\/td>/)
  t.match(html, /<td class="n">29<\/td><td>message PAX001, segment 19 \(UNT\), element 1<\/td>/)
  t.match(html, /<pre>UNA:\+\.\? &#39;\nUNB\+UNOA:4\+GOVPIU\+ZZAIRLINE/, 'ack text escaped, one segment per line')
  // Every tag that opens closes (a rough well-formedness check of our own markup).
  for (const tag of ['table', 'tr', 'section', 'pre', 'h2', 'h3', 'p']) {
    t.equal(
      (html.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length,
      (html.match(new RegExp(`</${tag}>`, 'g')) ?? []).length,
      `<${tag}> balanced`
    )
  }
  for (const v of PASSENGER_VALUES) t.notOk(html.includes(v), `no ${v}`)
})

t.test('helpers', async t => {
  t.equal(escapeHtml('<a href="x">\'&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  t.same(ackLines("UNA:+.? 'UNB+A?'B+C'UNZ+1+X'"), ['UNA:+.? \'', "UNB+A?'B+C'", "UNZ+1+X'"], 'a released terminator does not split')
  t.same(ackLines('{"a":1}'), ['{', '  "a": 1', '}'])
  t.equal(explainCode(29).meaning, 'control count does not match number of instances received')
  t.equal(explainCode(999).meaning, 'code 999')
  t.equal(
    positionText({ level: 'interchange', message: null, segment: 1, tag: 'UNB', element: 2, component: 1 }),
    'interchange, segment 1 (UNB), element 2, component 1'
  )
  const f = (segment: number): {
    code: number, id: string, level: string, message: string, segment: number, tag: string, element: number, component: null, text: string
  } => ({
    code: 21, id: 'GW_ERR_EDIFACT_CHARSET', level: 'element', message: 'M1', segment, tag: 'NAD', element: 4, component: null, text: 'bad'
  })
  const g = groupFindings([f(10), f(22), f(34)], 2)
  t.equal(g.length, 1)
  t.equal(g[0].count, 3)
  t.equal(g[0].position, 'message M1, segments 10, 22, … (3 in all) (NAD), element 4')
})

t.test('order: report id, files that need fixing, agreement parameters, findings, then data quality', async t => {
  const r = report('Zed Air')
  const text = renderText(r)
  t.match(text, new RegExp(`\nReport ${r.id}\n`))
  t.match(text, /Files that need fixing \(1\):\n {2}paxlst-d15b-crew-bad-count\.edi: REJECTED\n {4}first fix: \[29\] message PAX001, segment 19 \(UNT\), element 1: count again: .*\(expected: \d+\)\n/)
  t.match(text, /Agreement parameters the interchanges must match:\n {2}stage +testing\n {2}UNB sender id \(S002\), one of +ZZAIRLINE\n {2}UNB recipient id \(S003\), one of +CUSTOMS\n {2}PAXLST versions \(UNH S009\) +D:15B; ack contrl\n/)
  t.match(text, /channels +https\n/)
  t.match(text, /\[29\] message PAX001, segment 19 \(UNT\), element 1: UNT segment count does not match\n {9}expected: \d+\n/)
  const at = (s: string): number => text.indexOf(s)
  t.ok(at('Files that need fixing') < at('Agreement parameters'), 'summary first')
  t.ok(at('Agreement parameters') < at('File 1:'), 'parameters before the files')
  t.ok(at('ack the carrier would get') < at('  data quality:'), 'per file: findings and ack, then its figures')
  t.ok(at('File 2:') < at('Data quality over all files'), 'overall figures last')

  const html = renderHtml(r)
  t.match(html, new RegExp(`Report <strong>${r.id}</strong>`))
  t.match(html, /<h2>Files that need fixing \(1\)<\/h2><table><tr><th>file<\/th><th>outcome<\/th><th>first fix<\/th><\/tr><tr><td>paxlst-d15b-crew-bad-count\.edi<\/td><td><span class="rejected">REJECTED<\/span><\/td><td>\[29\] message PAX001/)
  t.match(html, /<tr><th>UNB recipient id \(S003\), one of<\/th><td>CUSTOMS<\/td><\/tr>/)
  t.match(html, /UNT segment count does not match<br>expected: <code>\d+<\/code>/)
  const h = (s: string): number => html.indexOf(s)
  t.ok(h('Files that need fixing') < h('Agreement parameters'), 'HTML: summary first')
  t.ok(
    h('Agreement parameters') < h('<h2>File 1') && h('<h2>File 2') < h('Data quality over all files'),
    'HTML: the same order as the text'
  )
  for (const v of PASSENGER_VALUES) t.notOk(html.includes(v) || text.includes(v), `no ${v}`)

  const clean = renderText({ ...r, toFix: [] })
  t.match(clean, /Files that need fixing: none/)
})
