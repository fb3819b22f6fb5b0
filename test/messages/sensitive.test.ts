/**
 * The PNR sensitive-data filter on hand-written PNRGOV (test/fixtures/pnrgov-sensitive*.edi,
 * invented travellers): what is removed per segment kind and `freeText`, that every other byte is
 * unchanged, UNT recomputed, and that the result re-parses clean (docs/sensitive-data.md).
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseInterchange } from '../../src/edifact/index.js'
import { mapMessage, type PnrgovModel } from '../../src/messages/index.js'
import { filterSensitive, findSensitive, type SensitivePolicy } from '../../src/messages/pnrgov/sensitive.js'
import { SENSITIVE_LIST_VERSION, SENSITIVE_SSR_CODES } from '../../src/messages/pnrgov/sensitive-codes.js'
import { paxlst } from '../helpers/edi.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures')
const read = (name: string): Buffer => readFileSync(join(FIXTURES, name))
const PLAIN = 'pnrgov-sensitive-13.edi'
const STAR = 'pnrgov-sensitive-star-dollar.edi'
const DROP: SensitivePolicy = { ssrCodes: ['XTRA'], freeText: 'drop' }
const KEEP: SensitivePolicy = { ssrCodes: [], freeText: 'keep' }

/** The values the fixture hides; none may survive the `drop` filter. */
const REMOVED_BY_DROP = ['MOML', 'KSML', 'WCHR', 'VGML', 'XTRA', 'BLND', 'WHEELCHAIR', 'INSULIN', 'DIABETIC', 'FAITH', 'EXAMPLE.COM']
/** What must stay: travel documents, the fare calculation, the seat, the PNRs. */
const KEPT = [
  '/P/GBR/X0000091/GBR/01JAN80/M/01JAN30/TESTER/ONE', '/P/GBR/X0000092', 'NUC100.00', '12A', 'TSTS01', 'TSTS02', 'SSR+OTHS:HK:1:XA+::1'
]

function model (body: Buffer): PnrgovModel {
  const ix = parseInterchange(body)
  const r = mapMessage(ix.messages[0], { receivedAt: new Date('2025-01-14T00:00:00Z') })
  if (r.type !== 'PNRGOV') throw new Error('PNRGOV expected')
  return r.model
}

const brief = (r: { segment: number, tag: string, what: string, code: string | null }): string =>
  `${r.segment} ${r.tag} ${r.what === 'segment' ? '-' : 'text'} ${r.code ?? ''}`.trim()

t.test('freeText drop: listed SSRs whole, remarks whole, SSR free text cut; positions and codes', async t => {
  const ix = parseInterchange(read(PLAIN))
  t.same(ix.errors, [], 'the fixture itself is clean')
  const r = filterSensitive(ix, DROP)!
  t.same(r.removals.map(brief), [
    '8 SSR - MOML', '9 IFT -', '10 IFT -', '14 SSR text', '15 SSR - KSML', '17 SSR - WCHR', '18 LTS -',
    '23 SSR - VGML', '24 SSR - XTRA', '27 IFT - BLND'
  ])
  t.equal(r.removed, 10)
  t.equal(r.listVersion, SENSITIVE_LIST_VERSION)
  t.same(r.removals.find(x => x.code === 'MOML')?.category, 'religion or beliefs')
  t.same(r.removals.find(x => x.code === 'WCHR')?.category, 'health')
  t.same(r.removals.find(x => x.code === 'XTRA')?.category, 'listed by the agreement')
  t.same(r.removals.find(x => x.segment === 9)?.category, 'free text')
  t.same(findSensitive(ix, DROP), r.removals, 'the reports see exactly what the forward loses')

  const text = r.body.toString('latin1')
  for (const v of REMOVED_BY_DROP) t.notOk(text.includes(v), `${v} removed`)
  for (const v of KEPT) t.ok(text.includes(v), `${v} kept`)
})

t.test('every byte not removed is the carrier\'s, and UNT counts what is left', async t => {
  const original = read(PLAIN).toString('latin1')
  const r = filterSensitive(parseInterchange(read(PLAIN)), DROP)!
  const gone = new Set([8, 9, 10, 15, 17, 18, 23, 24, 27])
  const lines = original.split('\n')
  // Line 3 holds UNH (message position 1): position p is on line p + 1 (0-based).
  const expected = lines
    .filter((_, i) => !gone.has(i - 1))
    .map(l => l.startsWith('SSR+OTHS') ? 'SSR+OTHS:HK:1:XA+::1\'' : l.startsWith('UNT+') ? 'UNT+19+1\'' : l)
    .join('\n')
  // The body ends with the UNZ terminator: the line break after it is transport, not interchange.
  t.equal(r.body.toString('latin1'), expected.replace(/\n$/, ''))
  const again = parseInterchange(r.body)
  t.same(again.errors, [], 're-parses with no error (UNT count, UNZ count)')
  t.same(again.warnings, [])
  t.equal(again.messages[0].segments.length, 19)
})

t.test('the filtered PNRs still map: same PNRs, travellers and documents', async t => {
  const before = model(read(PLAIN))
  const after = model(filterSensitive(parseInterchange(read(PLAIN)), DROP)!.body)
  t.same(after, before, 'the canonical model reads nothing the filter removes')
  t.equal(after.pnrs.length, 2)
  t.equal(after.pnrs[0].travellers[0].documents.length, 1)
})

t.test('freeText keep: listed codes only, also when a remark names one as a word', async t => {
  const ix = parseInterchange(read(PLAIN))
  const r = filterSensitive(ix, KEEP)!
  t.same(r.removals.map(brief), ['8 SSR - MOML', '15 SSR - KSML', '17 SSR - WCHR', '23 SSR - VGML', '27 IFT - BLND'])
  const text = r.body.toString('latin1')
  for (const v of ['WHEELCHAIR', 'INSULIN', 'FAITH', 'EXAMPLE.COM', 'XTRA']) t.ok(text.includes(v), `${v} kept`)
  t.match(text, /UNT\+23\+1'/)
  t.same(parseInterchange(r.body).errors, [])
})

t.test('other separators and released service characters (UNA :*.? $)', async t => {
  const ix = parseInterchange(read(STAR))
  t.same(ix.errors, [], 'the fixture itself is clean')
  const r = filterSensitive(ix, DROP)!
  t.same(r.removals.map(brief), [
    '8 SSR - MOML', '9 IFT -', '10 IFT -', '14 SSR text', '15 SSR - KSML', '17 SSR - WCHR', '18 LTS -',
    '23 SSR - VGML', '24 SSR - XTRA', '27 IFT - BLND'
  ], 'a released * inside a value neither splits it nor hides the code next to it')
  const text = r.body.toString('latin1')
  t.match(text, /\nSSR\*OTHS:HK:1:XA\*::1\$\n/)
  t.match(text, /UNT\*19\*1\$/)
  for (const v of REMOVED_BY_DROP) t.notOk(text.includes(v), `${v} removed`)
  const again = parseInterchange(r.body)
  t.same(again.errors, [])
  t.same(again.warnings, [])
})

t.test('UNT keeps its width; a UNT without a number is left alone', async t => {
  const padded = Buffer.from(read(PLAIN).toString('latin1').replace("UNT+28+1'", "UNT+0028+1'"), 'latin1')
  t.match(filterSensitive(parseInterchange(padded), DROP)!.body.toString('latin1'), /UNT\+0019\+1'/)
  const wrong = Buffer.from(read(PLAIN).toString('latin1').replace("UNT+28+1'", "UNT+40+1'"), 'latin1')
  t.match(filterSensitive(parseInterchange(wrong), DROP)!.body.toString('latin1'), /UNT\+31\+1'/,
    'a wrong count stays exactly as wrong: the report of a rejected copy still describes it')
})

t.test('a remark longer than the value limit is read whole', async t => {
  const long = 'X'.repeat(600)
  const bytes = Buffer.from(read(PLAIN).toString('latin1').replace('HISTORY PAX', `HISTORY ${long} DPNA PAX`), 'latin1')
  const ix = parseInterchange(bytes, { maxValueLength: 512 })
  const r = filterSensitive(ix, KEEP)!
  t.ok(r.removals.some(x => x.tag === 'LTS' && x.code === 'DPNA'), 'the code after 600 characters is found')
  t.notOk(r.body.toString('latin1').includes('DPNA'))
})

t.test('nothing to remove: the same buffer; no PNRGOV: no result', async t => {
  const clean = read(PLAIN).toString('latin1').split('\n')
    .filter(l => !/^(SSR\+(MOML|KSML|WCHR|VGML|XTRA|OTHS)|IFT\+4:28|LTS)/.test(l))
    .join('\n').replace("UNT+28+1'", "UNT+18+1'")
  const ix = parseInterchange(Buffer.from(clean, 'latin1'))
  t.same(ix.errors, [])
  const r = filterSensitive(ix, DROP)!
  t.equal(r.removed, 0)
  t.equal(r.body, ix.body, 'not a copy: the bytes as received')
  t.equal(filterSensitive(parseInterchange(paxlst()), DROP), null, 'PAXLST is not filtered')
  t.equal(findSensitive(parseInterchange(paxlst()), DROP), null)
  t.equal(filterSensitive(parseInterchange(Buffer.from('not edifact')), DROP), null)
})

t.test('the shipped list: unique four-character codes, each with a category and a meaning', async t => {
  const codes = SENSITIVE_SSR_CODES.map(c => c.code)
  t.equal(new Set(codes).size, codes.length)
  for (const c of SENSITIVE_SSR_CODES) {
    t.match(c.code, /^[A-Z0-9]{4}$/)
    t.ok(c.meaning.length > 0)
  }
  for (const code of ['MOML', 'KSML', 'HNML', 'MEDA', 'WCHR', 'DEAF', 'BLND', 'AVML']) t.ok(codes.includes(code), code)
  t.notOk(codes.includes('DOCS'))
})
