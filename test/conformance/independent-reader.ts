/**
 * A small EDIFACT reader written for the conformance tests only, sharing no code with src/edifact:
 * the facts the external-samples tests pin (segment counts, travellers, PNRs, parts, references)
 * are counted here, so that a defect of the gateway's reader cannot confirm itself. It is naive on
 * purpose: separators from the six UNA characters as sent (or the syntax defaults), segments split
 * at unreleased terminators, line breaks inside a segment removed (Type B folding), and text in
 * front of a segment's tag (comments) set aside. It never judges; it counts.
 */

export interface Chars { component: string, element: string, release: string | null, terminator: string }

export interface Seg {
  tag: string
  /** elements[i][j]: component j of data element i after the tag, release characters removed. */
  elements: string[][]
}

export interface Reading {
  chars: Chars
  /** Every segment from UNB on (UNA is no segment). */
  segments: Seg[]
  /** How many runs of text in front of a tag were set aside (comments between segments). */
  asides: number
}

const TAG = /^[A-Z][A-Z0-9]{2}$/

/** ISO 9735-1 level A defaults; the IATA and SIRE syntaxes of the airline guides change some. */
function defaults (syntaxId: string): Chars {
  if (syntaxId === 'SIRE') return { component: ':', element: '+', release: '?', terminator: '"' }
  return { component: ':', element: '+', release: '?', terminator: "'" }
}

function splitUnreleased (text: string, sep: string, release: string | null): string[] {
  const out: string[] = []
  let cur = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === release && i + 1 < text.length) { cur += ch + text[i + 1]; i++; continue }
    if (ch === sep) { out.push(cur); cur = ''; continue }
    cur += ch
  }
  out.push(cur)
  return out
}

function unrelease (value: string, release: string | null): string {
  if (release === null) return value
  let out = ''
  for (let i = 0; i < value.length; i++) {
    if (value[i] === release && i + 1 < value.length) i++
    out += value[i]
  }
  return out
}

/** Read the interchange that starts at the first UNA or UNB in `bytes` (latin1, byte = char). */
export function readIndependently (bytes: Buffer): Reading {
  const text = bytes.toString('latin1')
  const una = text.indexOf('UNA')
  const unb = text.indexOf('UNB')
  let chars: Chars
  let from: number
  if (una >= 0 && (unb < 0 || una < unb)) {
    const six = text.slice(una + 3, una + 9)
    chars = { component: six[0], element: six[1], release: six[3] === ' ' ? null : six[3], terminator: six[5] }
    from = una + 9
  } else if (unb >= 0) {
    chars = defaults(text.slice(unb + 4, unb + 8))
    from = unb
  } else {
    // No envelope at all (a bare message): read it with the level A defaults.
    chars = defaults('')
    from = Math.max(0, text.indexOf('UNH'))
  }
  const lineTerminated = chars.terminator === '\n' || chars.terminator === '\r'
  const segments: Seg[] = []
  let asides = 0
  for (const chunk of splitUnreleased(text.slice(from), chars.terminator, chars.release)) {
    let body = lineTerminated ? chunk.replace(/\r/g, '') : chunk.replace(/[\r\n]/g, '')
    let lead = 0
    while (lead < body.length && body.charCodeAt(lead) <= 0x20) lead++ // blanks and SOH/STX framing
    body = body.slice(lead)
    if (body.trim() === '') continue
    const head = splitUnreleased(body, chars.element, chars.release)[0].split(chars.component)[0]
    if (!TAG.test(head)) {
      // A tag after a blank or punctuation further on: what precedes it is no segment.
      const m = /[\s/*)](?=[A-Z][A-Z0-9]{2}[^A-Za-z0-9])/.exec(body)
      if (m === null) {
        if (segments.length > 0 && segments[segments.length - 1].tag === 'UNZ') break // trailer after UNZ
        segments.push({ tag: head, elements: [] })
        continue
      }
      asides++
      body = body.slice(m.index + 1)
    }
    const parts = splitUnreleased(body, chars.element, chars.release)
    const tag = parts[0].split(chars.component)[0]
    const elements = parts.slice(1).map(e => splitUnreleased(e, chars.component, chars.release).map(v => unrelease(v, chars.release)))
    segments.push({ tag, elements })
    if (tag === 'UNZ') break
  }
  return { chars, segments, asides }
}

export const value = (s: Seg | undefined, e: number, c = 0): string => s?.elements[e]?.[c] ?? ''

export interface MessageCount {
  reference: string
  /** S009 as sent, components joined with ':'. */
  identifier: string
  /** UNH 0068 and S010 (0070, 0073). */
  commonAccessReference: string
  part: string
  /** Segments UNH…UNT inclusive, as counted (UNT included when present). */
  segments: number
  unt: { count: string, reference: string } | null
  tags: string[]
}

/** The messages of a reading: each UNH up to its UNT (or the next envelope segment). */
export function messagesOf (r: Reading): MessageCount[] {
  const out: MessageCount[] = []
  let cur: MessageCount | null = null
  for (const s of r.segments) {
    if (s.tag === 'UNH') {
      cur = {
        reference: value(s, 0),
        identifier: (s.elements[1] ?? []).join(':'),
        commonAccessReference: value(s, 2),
        part: (s.elements[3] ?? []).join(':'),
        segments: 1,
        unt: null,
        tags: ['UNH']
      }
      out.push(cur)
      continue
    }
    if (cur === null) continue
    if (s.tag === 'UNG' || s.tag === 'UNE' || s.tag === 'UNZ') { cur = null; continue }
    cur.segments++
    cur.tags.push(s.tag)
    if (s.tag === 'UNT') {
      cur.unt = { count: value(s, 0), reference: value(s, 1) }
      cur = null
    }
  }
  return out
}

/** PAXLST travellers: NAD segments of group 4 (every NAD qualifier but MS, the reporting party). */
export function travellersOf (r: Reading): number {
  return r.segments.filter(s => s.tag === 'NAD' && value(s, 0) !== 'MS').length
}

/**
 * PNRGOV records: each SRC opens group 1 (one PNR). A TIF before the PNR's first TVL opens a
 * traveller (group 2); a TIF after it names a traveller of a leg again (the later groups), so it
 * is no new traveller. Per PNR, the travellers by their reference (TIF 9944) or else by name.
 */
export function pnrsOf (r: Reading): { pnrs: number, travellers: number[] } {
  const travellers: number[] = []
  let inLegs = false
  for (const s of r.segments) {
    if (s.tag === 'SRC') { travellers.push(0); inLegs = false }
    if (travellers.length === 0) continue
    if (s.tag === 'TVL') inLegs = true
    if (s.tag === 'TIF' && !inLegs) travellers[travellers.length - 1]++
  }
  return { pnrs: travellers.length, travellers }
}

/** PAXLST flight: TDT 8028 of the first TDT; PNRGOV: TVL carrier + number of the level-0 TVL. */
export function flightOf (r: Reading): string {
  const tdt = r.segments.find(s => s.tag === 'TDT')
  if (tdt !== undefined) return value(tdt, 1)
  const tvl = r.segments.find(s => s.tag === 'TVL')
  return tvl === undefined ? '' : value(tvl, 3) + value(tvl, 4)
}

/** PAXLST: DOC segments per traveller (each NAD of group 4 opens one; DOC opens group 5 inside it). */
export function documentsPerTraveller (r: Reading): number[] {
  const out: number[] = []
  for (const s of r.segments) {
    if (s.tag === 'NAD' && value(s, 0) !== 'MS') out.push(0)
    else if (s.tag === 'DOC' && out.length > 0) out[out.length - 1]++
  }
  return out
}

/** The first value of each segment with this tag and first-element qualifier (`LOC`, `125` → airports). */
export function qualified (r: Reading, tag: string, qualifier: string, element = 1): string[] {
  return r.segments.filter(s => s.tag === tag && value(s, 0) === qualifier).map(s => value(s, element))
}
