/**
 * Table-driven structure walker for one message (UNH … UNT). A table lists the segments and
 * segment groups of a message in directory order with status and maximum repetitions; the walker
 * places every segment in a group instance the way an EDIFACT reader does (ISO 9735-1 §7: a
 * segment is looked for at or after the current position of the current group, then in the
 * enclosing groups, whose instance it then closes).
 *
 * Findings (CONTRL 0085 codes): 13 mandatory segment missing (positioned where it was expected),
 * 15 segment not allowed, 35 too many repetitions, 36 too many group repetitions. A segment whose
 * tag belongs to the open group but comes earlier than the table order is placed there with a
 * `profile` finding: real carriers (and the guide's own crew example 5.2, `NAT` before `LOC`)
 * reorder segments inside a traveller group, which is no reason to reject a manifest unless the
 * agreement says so.
 */
import type { MessageEnvelope, Segment } from '../edifact/types.js'
import { componentOf } from '../edifact/index.js'
import { finding, type Finding } from '../transmission/index.js'

export type Status = 'M' | 'C'

export interface SegmentEntry {
  kind: 'segment'
  tag: string
  status: Status
  max: number
  /**
   * When set, only a segment whose first data element (the qualifier) is one of these matches.
   * Used where two groups start with the same tag (PAXLST SG1 `NAD+MS` before SG4 `NAD+FL`).
   */
  qualifiers?: ReadonlySet<string>
}

export interface GroupEntry {
  kind: 'group'
  /** Group name as the guide numbers it (`SG4`, `Gr.5`); the first entry is the trigger segment. */
  name: string
  status: Status
  max: number
  entries: Entry[]
}

export type Entry = SegmentEntry | GroupEntry

export interface MessageTable {
  /** Level-0 entries between UNH and UNT (the envelope segments are the parser's business). */
  entries: Entry[]
  /**
   * How to classify a tag the table does not know at all: 'error' for a directory-backed table,
   * 'profile' where the table's completeness is unverified (PNRGOV: the GTAS nesting of the guide's
   * groups, whose M/C status per version is not published).
   */
  unknownTags: 'error' | 'profile'
}

/** Name given to level 0 in the placement array. */
export const LEVEL0 = '0'

export function seg (tag: string, status: Status, max: number, qualifiers?: string[]): SegmentEntry {
  return qualifiers === undefined
    ? { kind: 'segment', tag, status, max }
    : { kind: 'segment', tag, status, max, qualifiers: new Set(qualifiers) }
}

export function group (name: string, status: Status, max: number, entries: Entry[]): GroupEntry {
  return { kind: 'group', name, status, max, entries }
}

interface Frame {
  name: string
  entries: Entry[]
  /** Trigger tag of each entry (the segment's own tag, or the group's first segment). */
  tags: string[]
  /** Trigger qualifiers of each entry, or null when any qualifier matches. */
  quals: (ReadonlySet<string> | null)[]
  counts: number[]
  pointer: number
}

export interface WalkResult {
  findings: Finding[]
  /**
   * For each segment of `env.segments`, the group it was placed in (`LEVEL0`, `SG4`, `Gr.2` …),
   * or null when it could not be placed (reported as unexpected).
   */
  placement: (string | null)[]
}

function triggerTag (e: Entry): string {
  return e.kind === 'segment' ? e.tag : triggerTag(e.entries[0])
}

function triggerQualifiers (e: Entry): ReadonlySet<string> | null {
  return e.kind === 'segment' ? e.qualifiers ?? null : triggerQualifiers(e.entries[0])
}

function collectTags (entries: Entry[], into: Set<string>): Set<string> {
  for (const e of entries) {
    if (e.kind === 'segment') into.add(e.tag)
    else collectTags(e.entries, into)
  }
  return into
}

const knownTagsCache = new WeakMap<MessageTable, Set<string>>()

function knownTags (table: MessageTable): Set<string> {
  let s = knownTagsCache.get(table)
  if (s === undefined) {
    s = collectTags(table.entries, new Set())
    knownTagsCache.set(table, s)
  }
  return s
}

const triggerCache = new WeakMap<Entry[], { tags: string[], quals: (ReadonlySet<string> | null)[] }>()

function newFrame (name: string, entries: Entry[], opened: boolean): Frame {
  let t = triggerCache.get(entries)
  if (t === undefined) {
    t = { tags: entries.map(triggerTag), quals: entries.map(triggerQualifiers) }
    triggerCache.set(entries, t)
  }
  const counts = new Array<number>(entries.length).fill(0)
  if (opened) counts[0] = 1
  return { name, entries, tags: t.tags, quals: t.quals, counts, pointer: 0 }
}

/** True when the segment's qualifier (first component of the first element) is in the set. */
function qualifies (s: Segment, q: ReadonlySet<string>): boolean {
  const v = componentOf(s, 0, 0)
  return v !== undefined && (q.has(v) || q.has(v.trim()))
}

/**
 * Forward match in one frame: the index of the entry the segment opens or repeats at or after the
 * pointer without exceeding its maximum, or -1. `overflow` receives the index of a match that
 * would exceed its maximum, for use when no level accommodates the segment.
 */

function forward (f: Frame, s: Segment, tag: string, overflow: { index: number }): number {
  overflow.index = -1
  const tags = f.tags
  // A group's trigger segment never repeats inside its own instance: it opens the next one.
  const from = f.name !== LEVEL0 && f.pointer === 0 ? 1 : f.pointer
  for (let j = from; j < tags.length; j++) {
    if (tags[j] !== tag) continue
    const q = f.quals[j]
    if (q !== null && !qualifies(s, q)) continue
    if (f.counts[j] < f.entries[j].max) return j
    if (overflow.index < 0) overflow.index = j
  }
  return -1
}

export function walkStructure (env: MessageEnvelope, table: MessageTable): WalkResult {
  const segs = env.segments
  const n = segs.length
  const findings: Finding[] = []
  const placement = new Array<string | null>(n).fill(null)
  const message = env.reference
  const grp = env.group
  const last = n > 0 && segs[n - 1].tag === 'UNT' ? n - 1 : n
  if (n > 0) placement[0] = LEVEL0
  if (last < n) placement[last] = LEVEL0

  const stack: Frame[] = [newFrame(LEVEL0, table.entries, false)]
  const overflow = { index: -1 }

  const missingFrom = (f: Frame, from: number, to: number, pos: number): void => {
    for (let j = from; j < to; j++) {
      const e = f.entries[j]
      if (e.status === 'M' && f.counts[j] === 0) {
        findings.push(finding('GW_ERR_MESSAGE_SEGMENT_MISSING', {
          message,
          group: grp,
          segment: pos,
          tag: triggerTag(e),
          family: null,
          text: e.kind === 'group' ? 'mandatory segment group missing' : 'mandatory segment missing'
        }))
      }
    }
  }
  const firstOpen = (f: Frame): number => f.counts[f.pointer] > 0 ? f.pointer + 1 : f.pointer
  const close = (f: Frame, pos: number): void => { missingFrom(f, firstOpen(f), f.entries.length, pos) }

  for (let i = 1; i < last; i++) {
    const s = segs[i]
    const pos = i + 1
    const tag = s.tag
    let depth = -1
    let index = -1
    let overDepth = -1
    let overIndex = -1
    for (let d = stack.length - 1; d >= 0; d--) {
      index = forward(stack[d], s, tag, overflow)
      if (index >= 0) { depth = d; break }
      if (overDepth < 0 && overflow.index >= 0) { overDepth = d; overIndex = overflow.index }
    }
    if (depth < 0 && overDepth >= 0) { depth = overDepth; index = overIndex }

    if (depth >= 0) {
      while (stack.length - 1 > depth) close(stack.pop() as Frame, pos)
      const f = stack[depth]
      missingFrom(f, firstOpen(f), index, pos)
      f.pointer = index
      f.counts[index]++
      const e = f.entries[index]
      if (f.counts[index] > e.max) {
        findings.push(finding(e.kind === 'group' ? 'GW_ERR_MESSAGE_GROUP_REPEATS' : 'GW_ERR_MESSAGE_SEGMENT_REPEATS', {
          message, group: grp, segment: pos, tag, family: null
        }))
      }
      if (e.kind === 'group') {
        stack.push(newFrame(e.name, e.entries, true))
        placement[i] = e.name
      } else {
        placement[i] = f.name
      }
      continue
    }

    // Not accommodated going forward: an earlier segment of an open group (order deviation)?
    let placed = false
    for (let d = stack.length - 1; d >= 0 && !placed; d--) {
      const f = stack[d]
      for (let j = f.name === LEVEL0 ? 0 : 1; j < f.pointer; j++) {
        const e = f.entries[j]
        if (e.kind !== 'segment' || e.tag !== tag) continue
        f.counts[j]++
        findings.push(finding('GW_ERR_MESSAGE_SEGMENT_UNEXPECTED', {
          message,
          group: grp,
          segment: pos,
          tag,
          family: 'profile',
          text: 'segment out of the order of the segment table'
        }))
        if (f.counts[j] > e.max) {
          findings.push(finding('GW_ERR_MESSAGE_SEGMENT_REPEATS', { message, group: grp, segment: pos, tag, family: null }))
        }
        while (stack.length - 1 > d) close(stack.pop() as Frame, pos)
        placement[i] = f.name
        placed = true
        break
      }
    }
    if (placed) continue

    const known = knownTags(table).has(tag)
    findings.push(finding('GW_ERR_MESSAGE_SEGMENT_UNEXPECTED', {
      message,
      group: grp,
      segment: pos,
      tag,
      family: known || table.unknownTags === 'error' ? null : 'profile',
      text: known ? 'segment not allowed in this position' : 'segment not defined for this message'
    }))
  }

  const endPos = last + 1
  while (stack.length > 0) close(stack.pop() as Frame, endPos)
  return { findings, placement }
}
