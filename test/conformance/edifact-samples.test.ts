/**
 * Facts of every real sample in the core samples folder (provenance and defects: its SOURCES.md), asserted
 * through `parseInterchange`: separators, envelope ids, messages, parts, segment counts, what the
 * transport layer stripped, and the exact CONTRL codes (0085) of each defect.
 */
import t, { type Test } from 'tap'
import { adviceString, parseInterchange, type Interchange, type ParseOptions } from '../../src/edifact/index.js'
import { checkCharset } from '../../src/edifact/charset.js'
import { SAMPLES, readSample, sampleNames } from './samples.js'
import type { Finding, Stripped } from '../../src/transmission/index.js'

const read = (file: string, opts: ParseOptions = {}): Interchange => parseInterchange(readSample(file), opts)
const tested = new Set<string>()

/** Findings other than character-set ones, as "code ID tag element" (ids without the prefix). */
const structural = (r: Interchange): string[] => r.errors
  .filter((e) => e.id !== 'GW_ERR_EDIFACT_CHARSET' && e.id !== 'GW_ERR_EDIFACT_HARNESS_MACRO')
  .map((e) => `${e.code} ${e.id.replace('GW_ERR_EDIFACT_', '')} ${e.tag ?? '-'} ${e.element ?? '-'}`)
const count = (r: Interchange, id: Finding['id']): number => r.errors.filter((e) => e.id === id).length
const at = (f: Finding): string => `${f.segment}/${f.tag}/${f.element}/${f.component}`

interface Part { sequence: number | null, first: boolean | null, final: boolean | null }

interface Facts {
  opts?: ParseOptions
  una: string
  /** UNB as "syntax|sender|recipient|reference". */
  unb: string
  groups: string[] // "type/reference/version"
  messages: Array<[reference: string, identifier: string, segments: number, part: Part]>
  segmentCount: number
  stripped?: Stripped[]
  errors?: string[]
  charset?: number
  macros?: number
  warnings?: string[]
  extra?: (t: Test, r: Interchange) => void
}

const noPart = { sequence: null, first: null, final: null }
const onlyPart = { sequence: 1, first: true, final: true }

function sample (file: string, f: Facts): void {
  tested.add(file)
  t.test(file, async (t) => {
    const r = read(file, f.opts)
    t.equal(
      adviceString(r.separators ?? { component: '', element: '', decimal: '', release: null, repetition: null, segment: '' }),
      f.una,
      'separators'
    )
    t.equal([r.unb?.syntax, r.unb?.sender, r.unb?.recipient, r.unb?.reference].join('|'), f.unb, 'UNB')
    t.same(r.groups.map((g) => `${g.type}/${g.reference}/${g.version}`), f.groups, 'groups')
    t.same(r.messages.map((m) => [m.reference, m.identifier, m.segments.length, m.part]), f.messages, 'messages')
    t.equal(r.segmentCount, f.segmentCount, 'segments UNB..UNZ')
    t.same(r.stripped, f.stripped ?? [], 'stripped')
    t.same(structural(r), f.errors ?? [], 'CONTRL codes')
    t.equal(count(r, 'GW_ERR_EDIFACT_CHARSET'), f.charset ?? 0, 'character set findings')
    t.equal(count(r, 'GW_ERR_EDIFACT_HARNESS_MACRO'), f.macros ?? 0, 'harness macros')
    t.same(
      r.warnings.map(w => `${w.code} ${w.id.replace('GW_ERR_EDIFACT_', '')} ${w.tag ?? '-'} ${w.element ?? '-'}`),
      f.warnings ?? [],
      'warnings'
    )
    f.extra?.(t, r)
  })
}

// ── PAXLST ─────────────────────────────────────────────────────────────────────────────────────
sample('paxlst-wcoig-ex5-1-single-sector-pax.edi', {
  una: "UNA:+.? '",
  unb: 'UNOA:4|ZZAIRLINE|CUSTOMS|000000001',
  groups: ['PAXLST/000000001/D:15B'],
  messages: [['PAX001', 'PAXLST:D:15B:UN:IATA', 30, noPart]],
  segmentCount: 34,
  extra: (t, r) => {
    const seg = r.messages[0].segments
    t.same(seg.find((s) => s.tag === 'CNT')?.elements, [['42', '160']], 'CNT is the flight total')
    t.same(seg.find((s) => s.tag === 'DTM' && s.elements[0][0] === '232')?.elements[0][1], ' 1306212200', 'leading space kept')
  }
})
sample('paxlst-wcoig-ex5-2-crew.edi', {
  una: "UNA:+.? '",
  unb: 'UNOA:4|ZZAIRLINE|CUSTOMS|QF00321',
  groups: ['PAXLST/81/D:15B'],
  messages: [['PAX001', 'PAXLST:D:15B:UN:IATA', 21, noPart]],
  segmentCount: 25,
  errors: ['29 UNT_COUNT UNT 1'],
  extra: (t, r) => t.match(r.errors[0], { message: 'PAX001', segment: 21, level: 'message', family: 'controlCounts' })
})
sample('paxlst-wcoig-ex5-3-progressive-2legs.edi', {
  una: "UNA:+.? '",
  unb: 'UNOA:4|XYZAIRLINES|CUSTOMS|123456789',
  groups: ['PAXLST/12345/D:15B'],
  messages: [['123', 'PAXLST:D:15B:UN:IATA', 43, noPart]],
  segmentCount: 47,
  extra: (t, r) => t.equal(r.messages[0].segments.filter((s) => s.tag === 'TDT').length, 2)
})
sample('paxlst-gtas-multileg-d05b.edi', {
  una: "UNA:+.? '",
  unb: 'UNOA:4|APIS*ABE|USADHS|123456789',
  groups: ['PAXLST/123456789/D:05B'],
  messages: [['123456789', 'PAXLST:D:05B:UN:IATA', 46, noPart]],
  segmentCount: 50,
  stripped: [{ kind: 'trailer', bytes: 8 }],
  extra: (t, r) => t.equal(r.messages[0].segments.filter((s) => s.tag === 'TDT').length, 3)
})
sample('paxlst-gtas-d05b-secureflight-refs.edi', {
  una: "UNA:+.?*'",
  unb: 'UNOA:4|AIR1|DHS|000006640',
  groups: ['PAXLST/1/D:05B'],
  messages: [['PAX001', 'PAXLST:D:05B:UN:IATA', 33, noPart]],
  segmentCount: 37,
  extra: (t, r) =>
    t.same(
      r.messages[0].segments.filter(s => s.tag === 'RFF').map(s => s.elements[0][0]).filter((q, i, a) => a.indexOf(q) === i).sort(),
      ['ABO', 'AEA', 'AVF', 'CR', 'TN']
    )
})
sample('paxlst-gtas-crew-malformed.edi', {
  una: "UNA:+.? '",
  unb: 'UNOA:4|APIS*C3K|USCSAPIS|1403010600',
  groups: ['PAXLST/1403010600/D:02B'],
  messages: [['1402010600', 'PAXLST:D:02B:UN:IATA', 107, noPart]],
  segmentCount: 111,
  // Not in SOURCES.md: UNG/UNB say 1403010600 while UNE/UNZ say 1402010600 (28 twice).
  errors: ['29 UNT_COUNT UNT 1', '28 UNE_REFERENCE UNE 2', '28 UNZ_REFERENCE UNZ 2'],
  charset: 32, // lower-case names and "Hartford USA" under UNOA
  extra: (t, r) => {
    t.equal(r.messages[0].segments[106].elements[0][0], '0000152')
    t.equal(at(r.errors.find((e) => e.code === 21) as Finding), '10/NAD/4/1')
  }
})
sample('paxlst-gtas-multipart-first-part.edi', {
  una: "UNA:+.? '",
  unb: 'UNOA:4|DELTAMATIC|USCSAPIS|000000001',
  groups: ['PAXLST/1/D:02B'],
  messages: [['WSPDLA', 'PAXLST:D:02B:UN:IATA', 3131, { sequence: 1, first: true, final: false }]],
  segmentCount: 3135,
  errors: ['29 UNT_COUNT UNT 1'],
  charset: 200, // capped; 1040 components have lower case
  extra: (t, r) => {
    t.equal(r.messages[0].commonAccessReference, 'ABC01')
    t.equal(r.body.length, 47179, 'the final CR is outside the interchange')
    const all = checkCharset(
      'UNOA',
      r.messages[0].segments,
      r.separators!,
      index => ({ level: 'message', message: 'WSPDLA', group: null, segment: index - r.messages[0].segments[0].index + 1 }),
      { maxFindings: 5000 }
    )
    t.equal(all.length, 1040)
    t.ok(all.some((f) => at(f) === '850/NAD/4/1'), 'the stray 0x87 byte in a surname')
  }
})
sample('paxlst-gtas-una-star-dollar.edi', {
  una: 'UNA:*.? $',
  unb: 'UNOA:4|SDT|JMAPIS|1402111800',
  groups: ['PAXLST/1402111800/D:02B'],
  messages: [['1402111800', 'PAXLST:D:02B:UN:IATA', 111, { sequence: 10, first: false, final: true }]],
  segmentCount: 115,
  errors: ['29 UNT_COUNT UNT 1', '28 UNT_REFERENCE UNT 2'],
  extra: (t, r) => t.match(r.errors[1], { message: '1402111800', segment: 111, family: 'controlCounts' })
})
sample('paxlst-ediclean-A.txt', {
  opts: { typeB: true },
  una: "UNA:+.? '",
  unb: 'UNOA:4|CICA-A9|ABCAPIS|2107130631',
  groups: ['PAXLST/1/D:05B'],
  messages: [['PAX001', 'PAXLST:D:05B:UN:IATA', 25, { sequence: 2, first: false, final: false }]],
  segmentCount: 29,
  stripped: [{ kind: 'typeb-header', bytes: 27 }, { kind: 'folding', bytes: 18 }, { kind: 'trailer', bytes: 39 }],
  errors: ['29 UNT_COUNT UNT 1'],
  extra: (t, r) => {
    t.same(r.messages[0].segments.find((s) => s.tag === 'CNT')?.elements, [['42', '47']], 'CNT+42:4 / 7 unfolded')
    t.equal(r.repaired, true)
    t.notOk(r.body.includes('\r\n'), 'body is unfolded')
    // Without Type B unfolding the folds stay in the data: UNH itself is split ("U" / "NH").
    const plain = read('paxlst-ediclean-A.txt')
    t.equal(plain.messages.length, 0)
    t.ok(plain.errors.some((e) => e.code === 33) && plain.errors.some((e) => e.code === 21))
  }
})
sample('paxlst-ediclean-B.txt', {
  opts: { typeB: true },
  una: 'UNA:*.? #',
  unb: 'UNOA:4|SDT|ABCAPIS|2108270031',
  groups: ['PAXLST/2108270031/D:05B'],
  messages: [['2108270031', 'PAXLST:D:05B:UN:IATA', 22, { sequence: 8, first: false, final: false }]],
  segmentCount: 26,
  stripped: [
    { kind: 'typeb-header', bytes: 39 },
    { kind: 'folding', bytes: 14 },
    { kind: 'control-chars', bytes: 1 },
    { kind: 'trailer', bytes: 57 }
  ],
  errors: ['29 UNT_COUNT UNT 1']
})
sample('paxlst-ediclean-C.txt', {
  opts: { typeB: true },
  una: 'UNA:*.? #',
  unb: 'UNOA:4|SDT|ABCAPIS|2108270031',
  groups: ['PAXLST/2108270031/D:05B'],
  messages: [['2108270031', 'PAXLST:D:05B:UN:IATA', 50, { sequence: 6, first: false, final: false }]],
  segmentCount: 54,
  stripped: [
    { kind: 'typeb-header', bytes: 39 },
    { kind: 'folding', bytes: 26 },
    { kind: 'control-chars', bytes: 1 },
    { kind: 'trailer', bytes: 58 }
  ],
  errors: ['29 UNT_COUNT UNT 1'],
  extra: (t, r) => t.equal(r.messages[0].segments.filter((s) => s.tag === 'NAD' && s.elements[0][0] === 'FL').length, 3)
})
sample('paxlst-ediclean-D.txt', {
  opts: { typeB: true },
  una: "UNA:-.? '",
  unb: 'UNOA:4|AUSYTUAF|ABCAPIS|53FFA822485C45',
  groups: ['PAXLST/2941E37EF0AA40/D:05B'],
  messages: [['EJFNE3423433423', 'PAXLST:D:05B:UN:IATA', 25, { sequence: 10, first: false, final: false }]],
  segmentCount: 29,
  stripped: [
    { kind: 'control-chars', bytes: 2 },
    { kind: 'typeb-header', bytes: 29 },
    { kind: 'control-chars', bytes: 1 },
    { kind: 'trailer', bytes: 1354 }
  ],
  errors: ['29 UNT_COUNT UNT 1'],
  charset: 1, // '@' of the e-mail address in COM under UNOA
  extra: (t, r) => t.equal(at(r.errors[1]), '4/COM/3/1')
})
sample('paxlst-ediclean-E.txt', {
  opts: { typeB: true },
  una: "UNA:-.? '",
  unb: 'UNOA:4|AUSYTUAF|ABCAPIS|53FFA822485C45',
  groups: ['PAXLST/2941E37EF0AA40/D:05B'],
  messages: [['EJFNE3423433423', 'PAXLST:D:05B:UN:IATA', 46, { sequence: 16, first: false, final: true }]],
  segmentCount: 50,
  stripped: [
    { kind: 'control-chars', bytes: 2 },
    { kind: 'typeb-header', bytes: 29 },
    { kind: 'control-chars', bytes: 1 },
    { kind: 'trailer', bytes: 1267 }
  ],
  errors: ['29 UNT_COUNT UNT 1'],
  charset: 1
})
sample('paxlst-ediclean-F.txt', {
  una: "UNA:+.? '",
  unb: 'UNOA:4|APIS_TK|ABCAPIS|AT3452423',
  groups: ['PAXLST/AT345242310/D:05B'],
  messages: [['AT345242311', 'PAXLST:D:05B:UN:IATA', 24, { sequence: 1, first: true, final: null }]],
  segmentCount: 28,
  stripped: [{ kind: 'trailer', bytes: 66 }],
  errors: ['29 UNT_COUNT UNT 1'],
  charset: 1, // '_' in the UNB sender under UNOA
  extra: (t, r) => {
    t.equal(r.messages[0].commonAccessReference, 'TK334 27 FRA02')
    t.match(r.errors[1], { level: 'interchange', segment: 1, tag: 'UNB', element: 2, component: 1 })
    t.same(r.messages[0].segments.filter((s) => s.tag === 'DOC').map((s) => s.elements[0][0]), ['P', 'L'])
  }
})
sample('paxlst-astra-iapi-request-sire.edi', {
  una: 'UNA:+,? "',
  unb: 'SIRE:4|CA|NIAC|$(get ediref_paxlst)0001',
  groups: ['PAXLST/1/D:05B'],
  messages: [['11085B94E1F8FA', 'PAXLST:D:05B:UN:IATA', 38, { sequence: 1, first: true, final: true }]],
  segmentCount: 42,
  errors: ['12 INVALID_VALUE UNB 4'], // xxxxxx:xxxx wildcard date
  macros: 9,
  extra: (t, r) => {
    t.same(r.errors.filter(e => e.code === 21).map(at), [
      '1/UNB/5/1', '1/UNH/3/1', '8/DTM/1/2', '10/DTM/1/2', '19/RFF/1/2', '22/DTM/1/2', '32/RFF/1/2', '35/DTM/1/2', '42/UNZ/2/1'
    ])
    t.equal(r.unb?.applicationReference, 'IAPI')
  }
})

// ── PNRGOV ─────────────────────────────────────────────────────────────────────────────────────
sample('pnrgov-gtas-v10-2pnrs-folded.edi', {
  opts: { typeB: true },
  una: "UNA:+.?*'",
  unb: 'IATA:1|DL||020A07',
  groups: [],
  messages: [['1', 'PNRGOV:10:1:IA', 134, noPart]],
  segmentCount: 136,
  stripped: [{ kind: 'folding', bytes: 20 }],
  errors: ['13 MISSING UNB 3', '29 UNT_COUNT UNT 1'],
  extra: (t, r) => {
    t.equal(r.errors[0].family, 'profile', 'empty recipient: the agreement decides')
    t.equal(r.messages[0].segments.filter((s) => s.tag === 'SRC').length, 2, 'two PNRs')
    t.equal(read('pnrgov-gtas-v10-2pnrs-folded.edi').errors.filter((e) => e.code === 21).length, 10, 'folds in values without typeB')
  }
})
sample('pnrgov-gtas-am-mxpnrgov.edi', {
  una: "UNA:+.?*'",
  unb: 'IATA:1|AM|MXPNRGOV|13052210400995',
  groups: ['PNRGOV/13052210400995/11:1'],
  messages: [['13052210400995', 'PNRGOV:11:1:IA', 64, noPart]],
  segmentCount: 68,
  extra: (t, r) => t.ok(r.messages[0].segments.some((s) => s.tag === 'EQN' && s.elements[0][0] === '1'))
})
sample('pnrgov-gtas-tz-aucbps-3pnrs.edi', {
  una: "UNA:+,? '",
  unb: 'IATA:1|TZ|AUCBPS|00102181551362',
  groups: ['PNRGOV/00102181551362/11:1'],
  messages: [['00102181551362', 'PNRGOV:11:1:IA', 173, noPart]],
  segmentCount: 177,
  // Not in SOURCES.md: two TXD currency values are broken by a line feed ("S" LF "D").
  charset: 2,
  extra: (t, r) => {
    t.equal(r.messages[0].commonAccessReference, 'AUTZ000623052013221001SIN201305 28')
    t.same(r.errors.map(at), ['63/TXD/6/3', '73/TXD/6/3'])
    t.equal(r.messages[0].segments.filter((s) => s.tag === 'SRC').length, 3)
  }
})
sample('pnrgov-gtas-1a-codeshare-bad-una.edi', {
  una: "UNA:+.\\*'",
  unb: 'IATA:1|1A|KRC|0003',
  groups: [],
  messages: [['1', 'PNRGOV:11:1:IA', 59, noPart]],
  segmentCount: 61,
  errors: ['20 UNA_MALFORMED UNA 3', '29 UNT_COUNT UNT 1'],
  extra: (t, r) => {
    t.equal(r.repaired, false)
    const fixed = read('pnrgov-gtas-1a-codeshare-bad-una.edi', { unaRepair: true })
    t.same(structural(fixed), ['29 UNT_COUNT UNT 1'])
    t.match(fixed.warnings, [{ code: 20, tag: 'UNA' }])
    t.equal(fixed.repaired, true)
    t.equal(fixed.body.subarray(0, 9).toString('latin1'), "UNA:+.\\*'")
    t.ok(fixed.messages[0].segments.some((s) => s.tag === 'LTS' && s.elements[0][0].includes('*1A/E*')), 'backslash releases *')
  }
})
sample('pnrgov-gtas-1a-infant-curly-quote-una.edi', {
  una: "UNA:+.\\*'",
  unb: 'IATA:1|1A|KRC|0003',
  groups: [],
  messages: [['1', 'PNRGOV:11:1:IA', 82, noPart]],
  segmentCount: 84,
  errors: ['20 UNA_MALFORMED UNA 6', '29 UNT_COUNT UNT 1'],
  // Not in SOURCES.md: one LTS line lacks its terminator, so two LTS merge (LF inside a value).
  charset: 1,
  extra: (t, r) => {
    const fixed = read('pnrgov-gtas-1a-infant-curly-quote-una.edi', { unaRepair: true })
    t.same(structural(fixed), ['29 UNT_COUNT UNT 1'])
    t.equal(fixed.body.subarray(0, 10).toString('latin1'), "UNA:+.\\*'U")
    t.ok(fixed.messages[0].segments.some((s) => s.tag === 'SSR' && s.elements[0][0] === 'INFT'))
  }
})
sample('pnrgov-gtas-ig-pg75-backslash-release.edi', {
  una: "UNA:+.\\*'",
  unb: 'IATA:1|1A|KRC|0003',
  groups: [],
  messages: [['1', 'PNRGOV:11:1:IA', 55, noPart]],
  segmentCount: 57,
  errors: ['29 UNT_COUNT UNT 1'],
  charset: 4, // the three ’ terminators (UTF-8 bytes) and one folded LTS line
  extra: (t, r) => t.same(r.errors.slice(1).map(at), ['14/SSR/1/9', '30/LTS/1/1', '34/RCI/2/2', '45/RCI/2/2'])
})
sample('pnrgov-gtas-una-hyphen-star.edi', {
  una: 'UNA:-.? *',
  unb: 'IATA:1|DL||0.579602',
  groups: [],
  messages: [['1', 'PNRGOV:13:1:IA', 55, noPart]],
  segmentCount: 57,
  // Not in SOURCES.md: UNT has no reference and UNZ's reference differs from UNB's.
  errors: ['13 MISSING UNB 3', '29 UNT_COUNT UNT 1', '13 MISSING UNT 2', '28 UNZ_REFERENCE UNZ 2']
})
sample('pnrgov-gtas-v13-example.edi', {
  una: "UNA:+,? '",
  unb: 'IATA:1|UA||491873609401',
  groups: [],
  messages: [['1', 'PNRGOV:13:1:IA', 134, noPart]],
  segmentCount: 136,
  // Not in SOURCES.md: UNZ reference 1636445384 differs from UNB 491873609401 (28).
  errors: ['13 MISSING UNB 3', '29 UNT_COUNT UNT 1', '13 MISSING UNT 2', '28 UNZ_REFERENCE UNZ 2'],
  extra: (t, r) => t.match(r.errors[2], { message: '1', segment: 134, tag: 'UNT', element: 2, code: 13 })
})
sample('pnrgov-gtas-badformat.txt', {
  una: "UNA:+,? '",
  unb: 'IATA:1|TZ|AUCBPS|00102181551362',
  groups: ['PNRGOV/00102181551362/11:1'],
  messages: [['00102181551362', 'PNRGOV:11:1:IA', 24, noPart]],
  segmentCount: 28,
  stripped: [{ kind: 'trailer', bytes: 45 }],
  errors: ['29 UNT_COUNT UNT 1'],
  charset: 1, // 0068 broken by a line feed
  warnings: ['13 TERMINATOR_MISSING UNZ -'],
  extra: (t, r) => t.ok(r.body.toString('latin1').endsWith('UNZ+1+00102181551362'))
})

// ── CONTRL and CUSRES ──────────────────────────────────────────────────────────────────────────
sample('contrl-nordea-via-emcken-release-char.edi', {
  una: "UNA:+.? '",
  unb: 'IATB:1|6XPPC|LHPPC|1',
  groups: [],
  messages: [['1001', 'CONTRL:D:3:UN', 5, noPart]],
  segmentCount: 7,
  // Not in SOURCES.md: UNH+1001 is closed by UNT+5+1 (28).
  errors: ['28 UNT_REFERENCE UNT 2'],
  warnings: ['13 TERMINATOR_MISSING UNZ -'],
  extra: (t, r) => t.same(r.messages[0].segments[1].elements[2], ['NORDEASPECIAL+TEST', 'ZZ'], 'released + inside UCI recipient')
})
const cusres = (
  file: string,
  sender: string,
  recipient: string,
  reference: string,
  groupRef: string,
  id: string,
  segs: number,
  part: Facts['messages'][0][3],
  macros: number,
  errors: string[] = []
): void => {
  sample(file, {
    una: 'UNA:+,? "',
    unb: `SIRE:4|${sender}|${recipient}|${reference}`,
    groups: [`CUSRES/${groupRef}/D:05B`],
    messages: [['11085B94E1F8FA', id, segs, part]],
    segmentCount: segs + 4,
    errors,
    macros
  })
}
cusres('cusres-astra-iapi-ok-to-board-sire.edi', 'NIAC', 'CA', '$(get ediref_paxlst)0001', '1', 'CUSRES:D:05B:UN:IATA', 19, onlyPart, 11)
cusres('cusres-astra-iapi-no-board-sire.edi', 'NIAC', 'ZH', '$(get ediref_paxlst)0001', '1', 'CUSRES:D:05B:UN:IATA', 14, onlyPart, 10)
cusres('cusres-astra-iapi-unsolicited-132-sire.edi', 'NIAC', 'MU', '1569312526531', '15693125265312', 'CUSRES:D:05B:UN:IATA', 13, noPart, 7)
cusres(
  'cusres-astra-iapi-312-carrier-reply-sire.edi', 'MU', 'NIAC', '1569312526531', '15693125265312', 'CUSRES:D:05B:UN', 13, noPart, 3,
  ['12 INVALID_VALUE UNB 4']
)

t.test('every sample file has a test', async (t) => {
  const files = sampleNames(SAMPLES)
  t.same(files.filter((f) => !tested.has(f)), [])
})
