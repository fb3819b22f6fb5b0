/**
 * The PNR sensitive-data filter (EU PNR Directive 2016/681 Art. 13(4): data revealing racial or
 * ethnic origin, political opinions, religion or beliefs, trade-union membership, health, sex life
 * or sexual orientation are not to be processed and are deleted on receipt; docs/sensitive-data.md).
 * It decides, per PNRGOV message, what leaves the forwarded copy:
 *
 * - an SSR whose code is on the list (shipped, ./sensitive-codes.ts, plus the agreement's) is
 *   removed whole: the code alone is the sensitive fact;
 * - free text, with `freeText: drop`: every remark IFT (OSI and other remarks, not fare calculation
 *   or sponsor data) and every LTS history line is removed whole, and the free text of each SSR
 *   that is not structured data (C334 component 9 onwards) is cut from it;
 * - free text, with `freeText: keep`: the same elements only when they name a listed code as a
 *   word (an OSI `PAX NEEDS WCHR`).
 *
 * Removal of whole segments changes the UNT segment count (0074): it is lowered by the number
 * removed, so a count that was right stays right and one that was wrong stays exactly as wrong
 * (the quarantined copy still shows the defect its report names). Nothing else in PNRGOV counts
 * segments (EQN counts PNRs, which are never removed). All other bytes are copied unchanged.
 *
 * Pure: the result lists positions and codes for the officer's terminal (`inspect`, `certify`);
 * the pipeline keeps only the count and the list version (docs/sensitive-data.md "What is recorded").
 */
import type { Interchange, MessageEnvelope, Segment, Separators } from '../../edifact/types.js'
import { GatewayError } from '../../errors.js'
import { DATA_IFT_TYPES, SENSITIVE_LIST_VERSION, SENSITIVE_SSR_CODES, STRUCTURED_SSR_CODES } from './sensitive-codes.js'
import { readRawSegment, valueOf, wordsOf, type RawSegment } from './sensitive-raw.js'

export interface SensitivePolicy {
  /** Codes beyond the shipped list (`sensitiveData.ssrCodes`). */
  ssrCodes: readonly string[]
  freeText: 'drop' | 'keep'
}

export interface SensitiveRemoval {
  /** UNH 0062 of the message. */
  message: string
  /** Position in the message, UNH = 1 (as CONTRL and the reports count). */
  segment: number
  tag: string
  /** `segment`: the segment is removed; `free-text`: only the SSR's free text is cut. */
  what: 'segment' | 'free-text'
  /** The listed SSR code (for an SSR removed for its code, or a free text naming one), else null. */
  code: string | null
  /** The Art. 13(4) category of the code, or `free text` for a remark removed by `freeText: drop`. */
  category: string
}

export interface SensitiveResult {
  /** The interchange body without the removed elements (the same Buffer when nothing was removed). */
  body: Buffer
  removed: number
  listVersion: string
  removals: SensitiveRemoval[]
}

const CATEGORY = new Map(SENSITIVE_SSR_CODES.map(c => [c.code, c.category]))

interface Plan { removal: SensitiveRemoval, raw: RawSegment, cut: number | null }

function categoryOf (code: string): string {
  return CATEGORY.get(code) ?? 'listed by the agreement'
}

/** The first listed code named as a word of the free text, or null. */
function namedCode (words: string[], codes: ReadonlySet<string>): string | null {
  return words.find(w => codes.has(w)) ?? null
}

/** Decides one segment: null when it stays as it is. */
function decide (text: string, s: Segment, raw: RawSegment, sep: Separators, codes: ReadonlySet<string>, drop: boolean):
Pick<SensitiveRemoval, 'what' | 'code' | 'category'> & { cut: number | null } | null {
  const el = raw.elements
  const remark = (values: string[]): ReturnType<typeof decide> => {
    const named = namedCode(values.flatMap(wordsOf), codes)
    if (named !== null) return { what: 'segment', code: named, category: categoryOf(named), cut: null }
    return drop && values.some(v => v.trim() !== '') ? { what: 'segment', code: null, category: 'free text', cut: null } : null
  }
  switch (s.tag) {
    case 'SSR': {
      const code = valueOf(text, el[0]?.[0], sep).trim().toUpperCase()
      if (codes.has(code)) return { what: 'segment', code, category: categoryOf(code), cut: null }
      const free = (el[0] ?? []).slice(8)
      if (free.length === 0 || STRUCTURED_SSR_CODES.has(code)) return null
      const r = remark(free.map(c => valueOf(text, c, sep)))
      return r === null ? null : { ...r, what: 'free-text', cut: 8 }
    }
    case 'IFT': {
      // C346: 4451 code, 9980 free-text type; the text is in the elements after it.
      if (DATA_IFT_TYPES.has(valueOf(text, el[0]?.[1], sep).trim())) return null
      return remark(el.slice(1).flat().map(c => valueOf(text, c, sep)))
    }
    case 'LTS':
      return remark(el.flat().map(c => valueOf(text, c, sep)))
    default:
      return null
  }
}

function planMessage (text: string, m: MessageEnvelope, sep: Separators, codes: ReadonlySet<string>, drop: boolean): Plan[] {
  const plans: Plan[] = []
  for (let i = 0; i < m.segments.length; i++) {
    const s = m.segments[i]
    if (s.tag !== 'SSR' && s.tag !== 'IFT' && s.tag !== 'LTS') continue
    // The engine's offsets are into this very body; a mismatch is a defect, and forwarding the
    // unfiltered copy is never the fallback.
    if (!text.startsWith(s.tag, s.offset)) {
      throw new GatewayError('GW_ERR_MESSAGE_CHECK_UNAVAILABLE', 'sensitive-data filter: segment not found')
    }
    const raw = readRawSegment(text, s.offset, sep)
    const d = decide(text, s, raw, sep, codes, drop)
    if (d === null) continue
    const { cut, ...what } = d
    plans.push({ removal: { message: m.reference, segment: i + 1, tag: s.tag, ...what }, raw, cut })
  }
  return plans
}

function codeSet (policy: SensitivePolicy): ReadonlySet<string> {
  return new Set([...SENSITIVE_SSR_CODES.map(c => c.code), ...policy.ssrCodes.map(c => c.toUpperCase())])
}

function pnrgovMessages (ix: Interchange): MessageEnvelope[] {
  return ix.messages.filter(m => m.type === 'PNRGOV')
}

/** What the filter would remove, by message, segment position and code: for the officer's reports. */
export function findSensitive (ix: Interchange, policy: SensitivePolicy): SensitiveRemoval[] | null {
  const messages = pnrgovMessages(ix)
  if (messages.length === 0 || ix.separators === null || ix.body.length === 0) return null
  const text = ix.body.toString('latin1')
  const codes = codeSet(policy)
  return messages.flatMap(m => planMessage(text, m, ix.separators!, codes, policy.freeText === 'drop').map(p => p.removal))
}

interface Edit { start: number, end: number, insert: string }

/** The SSR element 1 without its free-text components, trailing empty components dropped (ISO 9735-1 §7.3). */
function cutFreeText (text: string, raw: RawSegment, from: number, sep: Separators): Edit {
  const comps = raw.elements[0]
  const kept = comps.slice(0, from).map(r => text.slice(r[0], r[1]))
  while (kept.length > 1 && kept[kept.length - 1] === '') kept.pop()
  return { start: comps[0][0], end: comps[comps.length - 1][1], insert: kept.join(sep.component) }
}

/** UNT 0074 lowered by `removed`, keeping its width (`UNT+0000152`). */
function untEdit (text: string, unt: Segment, removed: number, sep: Separators): Edit | null {
  const raw = readRawSegment(text, unt.offset, sep)
  const r = raw.elements[0]?.[0]
  if (r === undefined) return null
  const declared = text.slice(r[0], r[1])
  if (!/^\d+$/.test(declared)) return null
  const lowered = String(Math.max(0, Number(declared) - removed)).padStart(declared.length, '0')
  return { start: r[0], end: r[1], insert: lowered }
}

function messageEdits (text: string, m: MessageEnvelope, plans: Plan[], sep: Separators): Edit[] {
  const edits: Edit[] = []
  let whole = 0
  for (const p of plans) {
    if (p.cut !== null) { edits.push(cutFreeText(text, p.raw, p.cut, sep)); continue }
    // The segment from its tag to the next segment's tag: its terminator and the line break after it go too.
    const next = m.segments[p.removal.segment]
    const end = next !== undefined ? next.offset : Math.min(text.length, p.raw.terminator + 1)
    edits.push({ start: p.raw.start, end, insert: '' })
    whole++
  }
  const last = m.segments[m.segments.length - 1]
  if (whole > 0 && last?.tag === 'UNT') {
    const e = untEdit(text, last, whole, sep)
    if (e !== null) edits.push(e)
  }
  return edits
}

/** The body with the edits applied (they never overlap: at most one per segment). */
function applyEdits (text: string, edits: Edit[]): string {
  edits.sort((a, b) => a.start - b.start)
  const parts: string[] = []
  let at = 0
  for (const e of edits) {
    parts.push(text.slice(at, e.start), e.insert)
    at = e.end
  }
  parts.push(text.slice(at))
  return parts.join('')
}

/**
 * The forwarded copy: the interchange body without what the policy removes. Null when there is no
 * PNRGOV message to filter (or no readable interchange: nothing of it is forwarded then).
 */
export function filterSensitive (ix: Interchange, policy: SensitivePolicy): SensitiveResult | null {
  const messages = pnrgovMessages(ix)
  const sep = ix.separators
  if (messages.length === 0 || sep === null || ix.body.length === 0) return null
  const text = ix.body.toString('latin1')
  const codes = codeSet(policy)
  const removals: SensitiveRemoval[] = []
  const edits: Edit[] = []
  for (const m of messages) {
    const plans = planMessage(text, m, sep, codes, policy.freeText === 'drop')
    removals.push(...plans.map(p => p.removal))
    edits.push(...messageEdits(text, m, plans, sep))
  }
  const body = edits.length === 0 ? ix.body : Buffer.from(applyEdits(text, edits), 'latin1')
  return { body, removed: removals.length, listVersion: SENSITIVE_LIST_VERSION, removals }
}
