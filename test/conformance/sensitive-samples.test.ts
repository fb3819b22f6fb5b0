/**
 * The sensitive-data filter on every real PNRGOV sample (docs/sensitive-data.md): the listed SSR
 * codes (the Delta sample's `SSR+AVML`) and the remarks (OSI `IFT+4:28`, LTS history, SSR free
 * text) come out; the result re-parses with no new kind of finding, UNT counts what is left, and
 * the canonical model (PNRs, travellers, documents, itinerary) reads the same. Removed values are
 * asserted absent by code and position, never printed.
 */
import t from 'tap'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { parseInterchange, type Interchange } from '../../src/edifact/index.js'
import { mapMessage } from '../../src/messages/index.js'
import { filterSensitive, type SensitivePolicy } from '../../src/messages/pnrgov/sensitive.js'
import { SENSITIVE_SSR_CODES } from '../../src/messages/pnrgov/sensitive-codes.js'
import { buildGateway, exampleAgreement } from '../helpers/gateway.js'
import { readSample, sampleNames, SAMPLE_DIRS } from './samples.js'

const DROP: SensitivePolicy = { ssrCodes: [], freeText: 'drop' }
const KEEP: SensitivePolicy = { ssrCodes: [], freeText: 'keep' }
const LISTED = new Set(SENSITIVE_SSR_CODES.map(c => c.code))
const receivedAt = new Date('2025-01-01T00:00:00Z')
// The bad-UNA samples are read as a carrier with `unaRepair: true` would send them.
const parse = (bytes: Buffer, typeB = false): Interchange => parseInterchange(bytes, { unaRepair: true, typeB })
const untCounts = (ix: Interchange): string[] => ix.errors.filter(e => e.id === 'GW_ERR_EDIFACT_UNT_COUNT').map(e => e.message ?? '')
const models = (ix: Interchange): unknown[] => ix.messages.map(m => mapMessage(m, { receivedAt }).model)
const brief = (r: { segment: number, tag: string, what: string, code: string | null }): string =>
  `${r.segment} ${r.tag} ${r.what === 'segment' ? '-' : 'text'} ${r.code ?? ''}`.trim()

const PNRGOV = SAMPLE_DIRS.flatMap(d => sampleNames(d).filter(n => n.startsWith('pnrgov-')))

t.test('every PNRGOV sample: filtered, re-parsed, same model', async t => {
  t.ok(PNRGOV.length >= 9, 'the core samples at least')
  // Also as an agreement with `typeB: true` reads them: the body is then the unfolded copy.
  for (const [name, typeB] of PNRGOV.flatMap(n => [[n, false], [n, true]] as const)) {
    t.test(`${name}${typeB ? ' (typeB)' : ''}`, async t => {
      const ix = parse(readSample(name), typeB)
      const r = filterSensitive(ix, DROP)
      if (ix.messages.length === 0) { t.equal(r, null, 'no message, nothing to filter'); return }
      if (r === null) throw new Error('a PNRGOV interchange gives a result')
      const again = parse(r.body, typeB)
      const before = new Set(ix.errors.map(e => e.id))
      for (const e of again.errors) t.ok(before.has(e.id), `${e.id}: no new kind of finding`)
      t.same(untCounts(again), untCounts(ix), 'a right UNT count stays right, a wrong one as wrong')
      const whole = r.removals.filter(x => x.what === 'segment').length
      t.equal(again.segmentCount, ix.segmentCount - whole)
      t.same(models(again), models(ix), 'the canonical model reads nothing the filter removes')
      for (const m of again.messages) {
        for (const s of m.segments) {
          if (s.tag === 'SSR') t.notOk(LISTED.has(s.elements[0]?.[0] ?? ''), `no listed SSR left (segment ${s.index})`)
          if (s.tag === 'LTS') t.fail(`an LTS left (segment ${s.index})`)
          // An IFT without text (the 1A samples' `IFT+4:63::SQ`) holds no remark to remove.
          const data = ['15', '43'].includes(s.elements[0]?.[1] ?? '') || s.elements.length === 1
          if (s.tag === 'IFT') t.ok(data, `only fare, sponsor and empty IFT left (segment ${s.index})`)
        }
      }
    })
  }
})

t.test('pnrgov-gtas-v10-2pnrs-folded.edi: the AVML meals and the OSI remarks go', async t => {
  const ix = parse(readSample('pnrgov-gtas-v10-2pnrs-folded.edi'))
  const r = filterSensitive(ix, DROP)!
  t.same(r.removals.map(brief), [
    '8 SSR - AVML', '10 IFT -', '11 IFT -', '62 SSR - AVML', '69 SSR - AVML', '76 SSR - AVML', '83 SSR - AVML'
  ])
  t.same(r.removals.filter(x => x.code === 'AVML').map(x => x.category), Array(5).fill('religion or beliefs'))
  const text = r.body.toString('latin1')
  t.notOk(text.includes('SSR+AVML'))
  t.notOk(/IFT\+4:28/.test(text), 'no OSI remark left')
  t.equal((text.match(/SSR\+DOCS/g) ?? []).length, 4, 'every SSR DOCS kept')
  t.match(text, /UNT\+128\+1'/, 'UNT 135 lowered by the 7 removed (the sample declares one too many)')
  t.same(filterSensitive(ix, KEEP)!.removals.map(x => x.code), Array(5).fill('AVML'), 'keep: the meal codes only')
})

t.test('pnrgov-gtas-am-mxpnrgov.edi: OSI contact remarks and CKIN free text; UNT right before and after', async t => {
  const ix = parse(readSample('pnrgov-gtas-am-mxpnrgov.edi'))
  t.same(untCounts(ix), [])
  const r = filterSensitive(ix, DROP)!
  t.equal(r.removals.filter(x => x.tag === 'IFT').length, 11)
  t.same(r.removals.filter(x => x.what === 'free-text').map(x => `${x.segment} ${x.tag}`), ['50 SSR', '51 SSR'])
  const again = parse(r.body)
  t.same(untCounts(again), [])
  t.equal(again.messages[0].segments.length, 64 - 11)
  t.same(filterSensitive(ix, KEEP)!.removed, 0, 'keep: nothing here names a listed code')
})

t.test('through the gateway: the Aeromexico push reaches the outbox without its remarks', async t => {
  const b = await buildGateway(t, {
    agreements: [exampleAgreement({
      code: 'AM',
      senderIds: ['AM'],
      messages: { PNRGOV: { versions: ['11.1'], ack: 'ackres' } },
      sensitiveData: { filter: true }
    })],
    config: { identity: { receiverIds: ['MXPNRGOV'], senderId: 'MXPNRGOV' } }
  })
  const agreement = b.gateway.agreements.current().byCode('AM')!
  const bytes = readSample('pnrgov-gtas-am-mxpnrgov.edi')
  const r = await b.gateway.pipeline.process({ channel: 'https', bytes, candidates: [agreement], receivedAt: new Date() })
  t.equal(r.outcome, 'accepted')
  const body = readFileSync(join(b.dir, 'outbox', `${r.transmissionId}.edi`))
  const props = JSON.parse(readFileSync(join(b.dir, 'outbox', `${r.transmissionId}.json`), 'utf8'))
  t.same(body, filterSensitive(parse(bytes), DROP)!.body)
  t.equal(props.headers['x-sensitive-filtered'], '13')
  const again = parseInterchange(body)
  t.same(again.errors, [], 'the forwarded copy re-parses clean')
  t.notOk(/IFT\+4:28/.test(body.toString('latin1')))
})
