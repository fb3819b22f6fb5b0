/**
 * Fictional traffic for the benchmarks (docs/benchmarks.md "How it measures": generated,
 * fictional data). Names are built from syllables, documents from a seeded generator, airports and the
 * country code are the test codes the unit tests use (ZZA, ZZB, UTO), so nothing here is a real
 * person. Interchanges are built with the project's writer, so counts and escaping are right.
 *
 * Load tests need a distinct interchange per request (the same reference with the same content is
 * a duplicate; with other content a changed resend): bodies carry a fixed-width placeholder
 * reference that `stamp` overwrites in place, in UNB and UNZ.
 */
import { writeInterchange, IATA_SEPARATORS, type MessageSpec, type SegmentSpec } from '../src/edifact/writer.js'

/** 14 characters, UNB 0020 an..14: overwritten per request by `stamp`. */
export const REF_PLACEHOLDER = 'BENCHREF000000'

/** mulberry32: small, fast, seeded; the same seed gives the same interchange. */
export function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SYLLABLES = [
  'KA', 'LO', 'REN', 'MI', 'TA', 'VOR', 'SU', 'NE', 'DAL', 'BRI', 'OST', 'FEN', 'GU', 'LIR', 'PA', 'ZEM', 'TOR', 'WEL', 'HA', 'QUIN'
]
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
const DIGITS = '0123456789'

function pick<T> (r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]
}

function name (r: () => number, parts: number): string {
  let s = ''
  for (let i = 0; i < parts; i++) s += pick(r, SYLLABLES)
  return s
}

function code (r: () => number, alphabet: string, n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)]
  return s
}

function two (n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** YYMMDD of a fictional date in the given year range. */
function yymmdd (r: () => number, fromYear: number, toYear: number): string {
  const y = fromYear + Math.floor(r() * (toYear - fromYear + 1))
  return two(y % 100) + two(1 + Math.floor(r() * 12)) + two(1 + Math.floor(r() * 28))
}

export interface PaxlstOptions {
  passengers: number
  /** UNB sender id (the carrier's senderIds). @default 'XAAPI' */
  sender?: string
  /** Airline designator used in the flight number. @default 'XA' */
  carrier?: string
  /** UNB 0020; the placeholder by default so load tests can stamp it. */
  reference?: string
  seed?: number
}

function traveller (r: () => number, i: number, carrier: string): SegmentSpec[] {
  const surname = name(r, 2 + Math.floor(r() * 2))
  const given = name(r, 2)
  return [
    { tag: 'NAD', elements: ['FL', null, null, [surname, given, name(r, 1)]] },
    { tag: 'ATT', elements: ['2', null, r() < 0.5 ? 'F' : 'M'] },
    { tag: 'DTM', elements: [['329', yymmdd(r, 1950, 2010)]] },
    { tag: 'LOC', elements: ['22', 'ZZB'] },
    { tag: 'LOC', elements: ['174', 'UTO'] },
    { tag: 'LOC', elements: ['178', 'ZZA'] },
    { tag: 'LOC', elements: ['179', 'ZZB'] },
    { tag: 'LOC', elements: ['180', [null, null, null, name(r, 3)]] },
    { tag: 'NAT', elements: ['2', 'UTO'] },
    { tag: 'RFF', elements: [['AVF', code(r, LETTERS + DIGITS, 6)]] },
    { tag: 'RFF', elements: [['ABO', `${String(i + 1).padStart(4, '0')}${carrier}123`]] },
    { tag: 'RFF', elements: [['SEA', `${1 + (i % 40)}${'ABCDEF'[i % 6]}`]] },
    { tag: 'DOC', elements: [['P', '110', '111'], code(r, LETTERS, 1) + code(r, DIGITS, 8)] },
    { tag: 'DTM', elements: [['36', yymmdd(r, 2027, 2034)]] },
    { tag: 'DTM', elements: [['182', yymmdd(r, 2017, 2024)]] },
    { tag: 'LOC', elements: ['91', 'UTO'] }
  ]
}

/** A PAXLST D05B passenger list for one flight, in one group, as the API guide lays it out. */
export function paxlst (opts: PaxlstOptions): Buffer {
  const r = rng(opts.seed ?? 150)
  const carrier = opts.carrier ?? 'XA'
  const sender = opts.sender ?? `${carrier}API`
  const segments: SegmentSpec[] = [
    { tag: 'BGM', elements: ['745'] },
    { tag: 'RFF', elements: [['TN', `${carrier}123250114`, null, null, '1']] },
    { tag: 'NAD', elements: ['MS', null, null, 'APIS DESK'] },
    { tag: 'COM', elements: [['44 20 7946 0000', 'TE'], ['44 20 7946 0001', 'FX']] },
    { tag: 'TDT', elements: ['20', `${carrier}123`, null, null, carrier] },
    { tag: 'LOC', elements: ['125', 'ZZA'] },
    { tag: 'DTM', elements: [['189', '2501140915', '201']] },
    { tag: 'LOC', elements: ['87', 'ZZB'] },
    { tag: 'DTM', elements: [['232', '2501141140', '201']] }
  ]
  for (let i = 0; i < opts.passengers; i++) segments.push(...traveller(r, i, carrier))
  segments.push({ tag: 'CNT', elements: [['42', String(opts.passengers)]] })
  const message: MessageSpec = {
    reference: 'PAX001',
    identifier: ['PAXLST', 'D', '05B', 'UN', 'IATA'],
    commonAccessReference: `${carrier}123/250114/0915`,
    segments
  }
  return Buffer.from(writeInterchange({
    sender: [sender, 'ZZ'],
    recipient: ['GOVPIU', 'ZZ'],
    preparedAt: { date: '250114', time: '0630' },
    reference: opts.reference ?? REF_PLACEHOLDER,
    groups: [
      {
        type: 'PAXLST',
        sender: [sender, 'ZZ'],
        recipient: ['GOVPIU', 'ZZ'],
        reference: '1',
        agency: 'UN',
        version: ['D', '05B'],
        messages: [message]
      }
    ]
  }), 'latin1')
}

/** A PAXLST of about `bytes` bytes (within one traveller's size, ~300 bytes). */
export function paxlstOfSize (bytes: number, opts: Omit<PaxlstOptions, 'passengers'> = {}): Buffer {
  const one = paxlst({ ...opts, passengers: 1 }).length
  const per = paxlst({ ...opts, passengers: 11 }).length - one
  return paxlst({ ...opts, passengers: Math.max(1, Math.round(((bytes - one) / per) * 10) + 1) })
}

function pnr (r: () => number, i: number, carrier: string): SegmentSpec[] {
  const locator = code(r, LETTERS + DIGITS, 6)
  const out: SegmentSpec[] = [
    { tag: 'SRC' },
    { tag: 'RCI', elements: [[carrier, locator, null, '120125', '1730']] },
    { tag: 'DAT', elements: [['700', '130125', '1000']] },
    { tag: 'ORG', elements: [[carrier, 'ZZA'], ['12345678', 'XX']] }
  ]
  const travellers = 1 + Math.floor(r() * 3)
  for (let t = 1; t <= travellers; t++) {
    const surname = name(r, 2 + Math.floor(r() * 2))
    const given = name(r, 2)
    const birth = yymmdd(r, 1950, 2010)
    const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
    const docBirth = `${birth.slice(4, 6)}${months[Number(birth.slice(2, 4)) - 1]}${birth.slice(0, 2)}`
    const docNo = code(r, LETTERS, 1) + code(r, DIGITS, 8)
    out.push(
      { tag: 'TIF', elements: [surname, [`${given} MR`, 'A', String(t)]] },
      { tag: 'FTI', elements: [[carrier, code(r, DIGITS, 9)]] },
      { tag: 'IFT', elements: [['4', '28', null, carrier], `CTCE ${given}..${surname}//EXAMPLE.TEST`] },
      { tag: 'REF', elements: [[null, code(r, DIGITS, 9)]] },
      {
        tag: 'SSR',
        elements: [
          [
            'DOCS',
            'HK',
            '1',
            carrier,
            null,
            null,
            null,
            null,
            `/P/UTO/${docNo}/UTO/${docBirth}/${r() < 0.5 ? 'F' : 'M'}/31JAN30/${surname}/${given}`
          ],
          [null, null, String(t)]
        ]
      },
      { tag: 'TKT', elements: [[code(r, DIGITS, 13), 'T', '1']] },
      { tag: 'MON', elements: [['B', '754.72', 'EUR'], ['T', '800.00', 'EUR']] },
      { tag: 'PTK', elements: ['NR', null, ['120125', '1730'], carrier, '006', 'ZZA'] },
      { tag: 'TXD', elements: [null, ['4.53', null, null, 'AY'], ['6.79', null, null, 'YQ'], ['9.06', null, null, 'YC']] },
      { tag: 'DAT', elements: [['710', '120125']] },
      { tag: 'FOP', elements: [['CC', null, '800.00', 'VI', `XXXXXXXXXXXX${code(r, DIGITS, 4)}`, '1229']] }
    )
  }
  out.push(
    { tag: 'TVL', elements: [['140125', '0915', '140125', '1140'], 'ZZA', 'ZZB', carrier, ['0123', 'Y']] },
    { tag: 'RPI', elements: [String(travellers), 'HK'] },
    { tag: 'APD', elements: ['320'] },
    { tag: 'SSR', elements: [['SEAT', 'HK', String(travellers), carrier, null, null, 'ZZA', 'ZZB'], [`${1 + (i % 40)}A`, null, '1']] },
    { tag: 'DAT', elements: [['2', '140125', '0815']] },
    { tag: 'TRI', elements: [null, ['1', null, null, '1']] },
    { tag: 'TIF', elements: [name(r, 2), [name(r, 2), 'A', '1']] },
    { tag: 'SSD', elements: [`${1 + (i % 40)}A`, null, null, null, 'Y'] }
  )
  return out
}

export interface PnrgovOptions {
  /** PNRs in the push (EQN). */
  pnrs: number
  sender?: string
  carrier?: string
  reference?: string
  seed?: number
}

/** A PNRGOV 13.1 full push for one flight, PADIS service string (`UNA:+.?*'`). */
export function pnrgov (opts: PnrgovOptions): Buffer {
  const r = rng(opts.seed ?? 5)
  const carrier = opts.carrier ?? 'XA'
  const sender = opts.sender ?? `${carrier}API`
  const segments: SegmentSpec[] = [
    { tag: 'MSG', elements: [[null, '22']] },
    { tag: 'ORG', elements: [[carrier, 'ZZA']] },
    { tag: 'TVL', elements: [['140125', '0915', '140125', '1140'], 'ZZA', 'ZZB', carrier, '0123'] },
    { tag: 'EQN', elements: [String(opts.pnrs)] }
  ]
  for (let i = 0; i < opts.pnrs; i++) segments.push(...pnr(r, i, carrier))
  const message: MessageSpec = {
    reference: '1',
    identifier: ['PNRGOV', '13', '1', 'IA'],
    commonAccessReference: `${carrier}0123/140125/0915`,
    segments
  }
  return Buffer.from(writeInterchange({
    separators: IATA_SEPARATORS,
    syntax: ['IATA', '1'],
    sender,
    recipient: 'GOVPIU',
    preparedAt: { date: '250113', time: '0915' },
    reference: opts.reference ?? REF_PLACEHOLDER,
    messages: [message]
  }), 'latin1')
}

/** A PNRGOV push of about `bytes` bytes (PNR sizes vary; the seed makes it repeatable). */
export function pnrgovOfSize (bytes: number, opts: Omit<PnrgovOptions, 'pnrs'> = {}): Buffer {
  const sample = pnrgov({ ...opts, pnrs: 200 }).length
  const base = pnrgov({ ...opts, pnrs: 0 }).length
  return pnrgov({ ...opts, pnrs: Math.max(1, Math.round((bytes - base) / ((sample - base) / 200))) })
}

/** Offsets of the reference placeholder (UNB 0020 and UNZ 0020) in a generated body. */
export function placeholderOffsets (body: Buffer): number[] {
  const out: number[] = []
  let i = body.indexOf(REF_PLACEHOLDER, 0, 'latin1')
  while (i >= 0) {
    out.push(i)
    i = body.indexOf(REF_PLACEHOLDER, i + REF_PLACEHOLDER.length, 'latin1')
  }
  return out
}

/** A copy of `template` with its interchange reference set to `ref` (≤ 14 chars, left-padded). */
export function stamp (template: Buffer, offsets: readonly number[], ref: string): Buffer {
  const out = Buffer.from(template)
  const fixed = ref.padStart(REF_PLACEHOLDER.length, '0').slice(-REF_PLACEHOLDER.length)
  for (const o of offsets) out.write(fixed, o, 'latin1')
  return out
}

/**
 * An interactive API request (PAXLST BGM 745, docs/interactive.md) for `travellers` invented
 * passengers of one flight: what a check-in desk sends.
 */
export function iapiRequest (opts: { travellers: number, sender?: string, carrier?: string }): Buffer {
  const carrier = opts.carrier ?? 'XA'
  const segments: SegmentSpec[] = [
    { tag: 'BGM', elements: ['745'] },
    { tag: 'RFF', elements: [['TN', 'BENCH0001']] },
    { tag: 'TDT', elements: ['20', `${carrier}339`, null, null, carrier] },
    { tag: 'LOC', elements: ['125', 'ZZA'] },
    { tag: 'DTM', elements: [['189', '2612241620', '201']] },
    { tag: 'LOC', elements: ['87', 'ZZB'] },
    { tag: 'DTM', elements: [['232', '2612242035', '201']] }
  ]
  for (let i = 1; i <= opts.travellers; i++) {
    segments.push(
      { tag: 'NAD', elements: ['FL', null, null, ['TESTER', `PAX${i}`]] },
      { tag: 'ATT', elements: ['2', null, 'F'] },
      { tag: 'DTM', elements: [['329', '850315']] },
      { tag: 'NAT', elements: ['2', 'UTO'] },
      { tag: 'RFF', elements: [['AVF', 'BENCH1']] },
      { tag: 'RFF', elements: [['ABO', `P${i}`]] },
      { tag: 'DOC', elements: [['P', '110', '111'], `X${String(i).padStart(7, '0')}`] },
      { tag: 'DTM', elements: [['36', '310101']] },
      { tag: 'LOC', elements: ['91', 'UTO'] }
    )
  }
  segments.push({ tag: 'CNT', elements: [['42', String(opts.travellers)]] })
  return Buffer.from(writeInterchange({
    syntax: ['UNOA', '4'],
    una: true,
    sender: opts.sender ?? `${carrier}API`,
    recipient: 'GOVPIU',
    preparedAt: { date: '261224', time: '0610' },
    reference: 'IAPIBENCH',
    applicationReference: 'IAPI',
    messages: [{
      reference: 'M1',
      identifier: ['PAXLST', 'D', '05B', 'UN', 'IATA'],
      commonAccessReference: `${carrier}339/261224/1620`,
      transfer: ['01', 'F'],
      segments
    }]
  }), 'latin1')
}
