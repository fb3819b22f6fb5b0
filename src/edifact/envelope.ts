/**
 * Interchange envelope (ISO 9735-1 §5–6, UNH S010 for multi-part messages): UNB…UNZ, optional
 * UNG…UNE groups and UNH…UNT messages, with the integrity checks CONTRL reports (ISO 9735-4 data
 * element 0085 codes, docs/errors.md). Agreement-
 * dependent checks (sender, recipient, age, test indicator) are made elsewhere from `UnbFacts`.
 */
import type { ErrorId } from '../errors.js'
import type { GroupFacts, MessageEnvelope, Segment, UnbFacts } from './types.js'
import { safeTag } from './tokenizer.js'
import { finding } from '../transmission/index.js'
import { isSupportedSyntax } from './una.js'
import type { Finding, FindingLevel } from '../transmission/index.js'

/** Where an interchange segment sits: inside a message (UNH = 1), a group, or the interchange. */
export interface Place {
  level: FindingLevel
  message: string | null
  group: string | null
  segment: number
}

export interface EnvelopeResult {
  unb: UnbFacts | null
  groups: GroupFacts[]
  messages: MessageEnvelope[]
  errors: Finding[]
  warnings: Finding[]
  /** Position of an interchange segment index in CONTRL terms. */
  locate: (index: number) => Place
}

const val = (seg: Segment, e: number, c = 0): string => seg.elements[e]?.[c] ?? ''
const opt = (seg: Segment, e: number, c = 0): string | null => {
  const v = val(seg, e, c)
  return v === '' ? null : v
}
const hasMacro = (seg: Segment, e: number): boolean => (seg.elements[e] ?? []).some((v) => v.includes('$('))

function validDate (y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

/** S004: YYMMDD (syntax ≤ 3, and every guide example) or CCYYMMDD (syntax 4), HHMM. */
export function preparedAt (date: string, time: string): string | null {
  if (!/^(\d{6}|\d{8})$/.test(date) || !/^([01]\d|2[0-3])[0-5]\d$/.test(time)) return null
  // Two-digit years: 70–99 are 19xx (the CONTRL sample's 940101), the rest 20xx.
  const yy = Number(date.slice(0, date.length - 4))
  const y = date.length === 8 ? yy : yy >= 70 ? 1900 + yy : 2000 + yy
  const m = Number(date.slice(-4, -2))
  const d = Number(date.slice(-2))
  if (!validDate(y, m, d)) return null
  return `${String(y).padStart(4, '0')}-${date.slice(-4, -2)}-${date.slice(-2)}T${time.slice(0, 2)}:${time.slice(2)}`
}

function readUnb (seg: Segment, errors: Finding[]): UnbFacts {
  const at = (id: ErrorId, element: number, component: number | null, family: Finding['family'] = null): void => {
    errors.push(finding(id, { level: 'interchange', segment: seg.index, tag: 'UNB', element, component, family }))
  }
  const syntaxId = val(seg, 0, 0)
  const syntaxVersion = val(seg, 0, 1)
  if (!isSupportedSyntax(syntaxId)) at('GW_ERR_EDIFACT_SYNTAX_UNSUPPORTED', 1, 1)
  else if (!/^[1-4]$/.test(syntaxVersion)) at('GW_ERR_EDIFACT_SYNTAX_UNSUPPORTED', 1, 2)
  const date = val(seg, 3, 0)
  const time = val(seg, 3, 1)
  const when = preparedAt(date, time)
  if (val(seg, 1) === '') at('GW_ERR_EDIFACT_MISSING', 2, 1)
  // Real PNRGOV pushes leave S003 empty (`UNB+IATA:1+DL++…`): the agreement decides.
  if (val(seg, 2) === '') at('GW_ERR_EDIFACT_MISSING', 3, 1, 'profile')
  if (date === '' || time === '') at('GW_ERR_EDIFACT_MISSING', 4, date === '' ? 1 : 2)
  else if (when === null && !hasMacro(seg, 3)) {
    // A readable date points at the time (component 2), anything else at the date (component 1).
    const dateReadable = /^(\d{6}|\d{8})$/.test(date) && preparedAt(date, '0000') !== null
    at('GW_ERR_EDIFACT_INVALID_VALUE', 4, dateReadable ? 2 : 1)
  }
  if (val(seg, 4) === '') at('GW_ERR_EDIFACT_MISSING', 5, null)
  return {
    syntax: `${syntaxId}:${syntaxVersion}`,
    syntaxId,
    syntaxVersion,
    sender: val(seg, 1, 0),
    senderQualifier: opt(seg, 1, 1),
    recipient: val(seg, 2, 0),
    recipientQualifier: opt(seg, 2, 1),
    senderComposite: [...(seg.elements[1] ?? [])],
    recipientComposite: [...(seg.elements[2] ?? [])],
    date,
    time,
    preparedAt: when,
    reference: val(seg, 4),
    applicationReference: opt(seg, 6),
    ackRequested: val(seg, 8) === '1',
    test: val(seg, 10) === '1'
  }
}

function readUnh (seg: Segment, group: string | null, errors: Finding[]): MessageEnvelope {
  const reference = val(seg, 0)
  const at = (id: ErrorId, element: number, component: number | null): void => {
    errors.push(finding(id, { level: 'message', message: reference, group, segment: 1, tag: 'UNH', element, component }))
  }
  if (reference === '') at('GW_ERR_EDIFACT_MISSING', 1, null)
  for (let c = 0; c < 4; c++) if (val(seg, 1, c) === '') at('GW_ERR_EDIFACT_MISSING', 2, c + 1)
  const seqText = val(seg, 3, 0)
  const flag = val(seg, 3, 1)
  // S010 0070 is n..2 (at most 99 parts); 0073 is C (first) or F (final), ISO 9735-1 UNH.
  const sequence = /^\d{1,2}$/.test(seqText) ? Number(seqText) : null
  if (seqText !== '' && sequence === null) at('GW_ERR_EDIFACT_INVALID_VALUE', 4, 1)
  if (flag !== '' && flag !== 'C' && flag !== 'F') at('GW_ERR_EDIFACT_INVALID_VALUE', 4, 2)
  const noPart = seqText === '' && flag === ''
  return {
    reference,
    type: val(seg, 1, 0),
    version: val(seg, 1, 1) === '' && val(seg, 1, 2) === '' ? '' : `${val(seg, 1, 1)}:${val(seg, 1, 2)}`,
    agency: val(seg, 1, 3),
    association: opt(seg, 1, 4),
    identifier: (seg.elements[1] ?? []).join(':'),
    commonAccessReference: opt(seg, 2),
    part: {
      sequence,
      // "01" alone may be a single message or the first of several: final stays unknown.
      final: noPart ? null : flag === 'F' ? true : flag === 'C' ? false : sequence !== null && sequence > 1 ? false : null,
      first: noPart ? null : flag === 'C' ? true : sequence === null ? null : sequence === 1
    },
    group,
    segments: [seg]
  }
}

/**
 * Check a trailer's count and reference (UNT/UNE/UNZ): 13 when absent, 12 when the count is not a
 * number, 29 count mismatch, 28 reference mismatch. All carry family 'controlCounts' because real
 * traffic often gets them wrong and the agreement decides whether that rejects (docs/agreements.md, `strictness.controlCounts`).
 */
function checkTrailer (
  seg: Segment,
  counted: number,
  reference: string,
  ids: [ErrorId, ErrorId],
  where: Partial<Finding>,
  errors: Finding[]
): void {
  const at = (id: ErrorId, element: number, expected?: string): void => {
    errors.push(finding(id, { ...where, tag: seg.tag, element, family: 'controlCounts', expected }))
  }
  const declared = val(seg, 0)
  if (declared === '') at('GW_ERR_EDIFACT_MISSING', 1)
  else if (!/^\d{1,10}$/.test(declared)) at('GW_ERR_EDIFACT_INVALID_VALUE', 1)
  // The count the gateway made is structure, not passenger data (docs/acknowledgements.md "Expected values").
  else if (Number(declared) !== counted) at(ids[0], 1, String(counted))
  const ref = val(seg, 1)
  if (ref === '') at('GW_ERR_EDIFACT_MISSING', 2)
  else if (ref !== reference) at(ids[1], 2)
}

/**
 * UNG positions that are mandatory beside 0048 (element 5): under syntax versions 1–3 every one up
 * to S008 (0038, S006, S007, S004, 0051, S008; ISO 9735:1988 and its 1990 amendment), under
 * version 4 none (ISO 9735-2:2002 made them conditional).
 */
function mandatoryUngElements (syntaxVersion: string): number[] {
  return /^[1-3]$/.test(syntaxVersion) ? [1, 2, 3, 4, 6, 7] : []
}

interface OpenGroup { facts: GroupFacts, count: number, mixedReported: boolean, start: number }

/** Walk the segments of one interchange (UNB first) and build its envelope. */
export function readEnvelope (segments: Segment[], complete: boolean): EnvelopeResult {
  const errors: Finding[] = []
  const warnings: Finding[] = []
  const groups: GroupFacts[] = []
  const messages: MessageEnvelope[] = []
  const groupRanges: Array<[number, number, string]> = []
  const locate = (index: number): Place => {
    let lo = 0
    let hi = messages.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const m = messages[mid]
      const first = m.segments[0].index
      if (index < first) hi = mid - 1
      else if (index > m.segments[m.segments.length - 1].index) lo = mid + 1
      else return { level: 'message', message: m.reference, group: m.group, segment: index - first + 1 }
    }
    const g = groupRanges.find(([s, e]) => index >= s && index <= e)
    return { level: g === undefined ? 'interchange' : 'group', message: null, group: g?.[2] ?? null, segment: index }
  }
  const result: EnvelopeResult = { unb: null, groups, messages, errors, warnings, locate }
  const first = segments[0]
  if (first === undefined || first.tag !== 'UNB') {
    errors.push(finding('GW_ERR_EDIFACT_UNB_UNREADABLE', { level: 'interchange', segment: 1, tag: 'UNB' }))
    return result
  }
  result.unb = readUnb(first, errors)

  let msg: MessageEnvelope | null = null
  let msgFrom = 0 // where the open message's UNH is in `segments`
  let group: OpenGroup | null = null
  let unz: Segment | null = null
  let bare = 0
  let outside = false
  let mixedAt: Segment | null = null
  /** Ends the open message before `segments[to]`; `expectedAt` is what came where UNT was due. */
  const closeMessage = (expectedAt: Segment | null, to: number): void => {
    if (msg === null) return
    const m = msg
    msg = null
    // A message is a run of the interchange's segments: one slice, rather than a push per segment.
    m.segments = segments.slice(msgFrom, to)
    const trailer = m.segments[m.segments.length - 1]
    const where = { level: 'message' as const, message: m.reference, group: m.group, segment: m.segments.length }
    if (expectedAt !== null || trailer.tag !== 'UNT') {
      errors.push(finding('GW_ERR_EDIFACT_UNT_MISSING', { ...where, segment: m.segments.length + 1, tag: 'UNT' }))
      return
    }
    checkTrailer(trailer, m.segments.length, m.reference, ['GW_ERR_EDIFACT_UNT_COUNT', 'GW_ERR_EDIFACT_UNT_REFERENCE'], where, errors)
  }
  const closeGroup = (trailer: Segment | null, at: number): void => {
    if (group === null) return
    const g = group
    group = null
    groupRanges.push([g.start, trailer?.index ?? at - 1, g.facts.reference])
    const where = { level: 'group' as const, group: g.facts.reference, segment: trailer?.index ?? at }
    if (g.count === 0) errors.push(finding('GW_ERR_EDIFACT_EMPTY', { ...where, tag: trailer === null ? null : 'UNE' }))
    if (trailer === null) errors.push(finding('GW_ERR_EDIFACT_UNE_MISSING', { ...where, tag: 'UNE' }))
    else checkTrailer(trailer, g.count, g.facts.reference, ['GW_ERR_EDIFACT_UNE_COUNT', 'GW_ERR_EDIFACT_UNE_REFERENCE'], where, errors)
  }
  const stray = (seg: Segment): void => {
    // ISO 9735 §5: between UNB and UNZ only groups or messages; report each run once (code 33).
    if (!outside) {
      const g = group as OpenGroup | null
      errors.push(finding('GW_ERR_EDIFACT_OUTSIDE_MESSAGE', {
        level: g === null ? 'interchange' : 'group',
        group: g?.facts.reference ?? null,
        segment: seg.index,
        tag: safeTag(seg.tag)
      }))
    }
    outside = true
  }

  for (let i = 1; i < segments.length && unz === null; i++) {
    const seg = segments[i]
    if (seg.tag === 'UNH') {
      closeMessage(seg, i)
      outside = false
      msg = readUnh(seg, group?.facts.reference ?? null, errors)
      msgFrom = i
      messages.push(msg)
      if (group === null) {
        bare++
        if (groups.length > 0 && mixedAt === null) mixedAt = seg
      } else {
        group.count++
        // Code 31: UNG 0038 names the one message type of the group.
        if (msg.type !== group.facts.type && !group.mixedReported) {
          group.mixedReported = true
          errors.push(finding('GW_ERR_EDIFACT_GROUP_TYPES_MIXED', {
            level: 'group',
            group: group.facts.reference,
            segment: seg.index,
            tag: 'UNH',
            element: 2,
            component: 1
          }))
        }
      }
    } else if (msg !== null && seg.tag !== 'UNG' && seg.tag !== 'UNE' && seg.tag !== 'UNZ') {
      // Part of the open message, which its UNT ends.
      if (seg.tag === 'UNT') closeMessage(null, i + 1)
    } else if (seg.tag === 'UNG') {
      closeMessage(seg, i)
      closeGroup(null, seg.index)
      outside = false
      if (bare > 0 && mixedAt === null) mixedAt = seg
      const facts: GroupFacts = {
        type: val(seg, 0),
        reference: val(seg, 4),
        version: seg.elements[6] === undefined ? null : seg.elements[6].join(':'),
        segmentIndex: seg.index
      }
      if (facts.reference === '') {
        errors.push(finding('GW_ERR_EDIFACT_MISSING', { level: 'group', segment: seg.index, tag: 'UNG', element: 5 }))
      }
      for (const element of mandatoryUngElements(result.unb.syntaxVersion)) {
        if (val(seg, element - 1) !== '') continue
        const where = { level: 'group' as const, group: facts.reference || null, segment: seg.index, tag: 'UNG', element }
        errors.push(finding('GW_ERR_EDIFACT_MISSING', where))
      }
      groups.push(facts)
      group = { facts, count: 0, mixedReported: false, start: seg.index }
    } else if (seg.tag === 'UNE' && group !== null) {
      closeMessage(seg, i)
      closeGroup(seg, seg.index)
      outside = false
    } else if (seg.tag === 'UNZ') {
      closeMessage(seg, i)
      closeGroup(null, seg.index)
      unz = seg
    } else {
      stray(seg)
    }
  }
  const end = segments.length + 1
  closeMessage(msg === null ? null : { tag: '', elements: [], index: end, offset: 0 }, segments.length)
  closeGroup(null, end)
  if (mixedAt !== null) {
    errors.push(finding('GW_ERR_EDIFACT_GROUPS_MIXED', { level: 'interchange', segment: mixedAt.index, tag: mixedAt.tag }))
  }
  if (groups.length === 0 && messages.length === 0) {
    errors.push(finding('GW_ERR_EDIFACT_EMPTY', { level: 'interchange', segment: unz?.index ?? end, tag: unz === null ? null : 'UNZ' }))
  }
  if (unz !== null) {
    // UNZ 0036 counts groups when UNG is used, otherwise messages (ISO 9735-1).
    const counted = groups.length > 0 ? groups.length : messages.length
    const ids: [ErrorId, ErrorId] = ['GW_ERR_EDIFACT_UNZ_COUNT', 'GW_ERR_EDIFACT_UNZ_REFERENCE']
    checkTrailer(unz, counted, result.unb.reference, ids, { level: 'interchange', segment: unz.index }, errors)
  } else if (complete) {
    errors.push(finding('GW_ERR_EDIFACT_UNZ_MISSING', { level: 'interchange', segment: end, tag: 'UNZ' }))
  }
  return result
}
