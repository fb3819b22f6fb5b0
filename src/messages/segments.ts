/**
 * Small accessors over tokenised segments.
 * Values are trimmed (the PAXLST guide's own examples carry stray spaces: `DTM+232: 1306212200`)
 * and an empty value reads as null. They read single values and elements through the engine's
 * accessors, so the values of a segment that mapping does not need stay unmaterialised.
 */
import type { MessageEnvelope, Segment } from '../edifact/types.js'
import { componentOf, elementCountOf, elementOf } from '../edifact/index.js'
import type { ErrorId } from '../errors.js'
import { finding, type Finding } from '../transmission/index.js'

/** Component `c` of element `e` (both 0-based), trimmed; null when absent or blank. */
export function val (seg: Segment, e: number, c = 0): string | null {
  const v = componentOf(seg, e, c)
  if (v === undefined || v.length === 0) return null
  // Most values need no trimming: skip the allocation then.
  if (v.charCodeAt(0) > 32 && v.charCodeAt(v.length - 1) > 32) return v
  const t = v.trim()
  return t === '' ? null : t
}

/** Every component of element `e`, trimmed (empty strings kept so positions stay meaningful). */
export function comps (seg: Segment, e: number): string[] {
  const el = elementOf(seg, e) ?? []
  for (let i = 0; i < el.length; i++) el[i] = el[i].trim()
  return el
}

/** True when the segment carries no data at all (`ORG'`, `SRC'`, `ORG++'`). */
export function isEmptySegment (seg: Segment): boolean {
  for (let e = 0, n = elementCountOf(seg); e < n; e++) {
    for (const c of elementOf(seg, e) ?? []) if (c.trim() !== '') return false
  }
  return true
}

/** Non-negative integer or null (CNT, EQN, RPI counts). */
export function count (v: string | null): number | null {
  if (v === null || v.length === 0 || v.length > 9) return null
  let n = 0
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i)
    if (c < 48 || c > 57) return null
    n = n * 10 + c - 48
  }
  return n
}

/** Reports a finding at a segment of the message being mapped (positions per CONTRL, UNH = 1). */
export type Reporter = (
  id: ErrorId,
  s: Segment,
  position: number,
  family: Finding['family'],
  text?: string,
  element?: number,
  component?: number
) => void

/** The reporter of one message's mapping: each finding it makes names that message and group. */
export function reporterFor (env: MessageEnvelope, findings: Finding[]): Reporter {
  return (id, s, position, family, text, element, component) => {
    findings.push(finding(id, {
      message: env.reference,
      group: env.group,
      segment: position,
      tag: s.tag,
      element: element ?? null,
      component: component ?? null,
      family,
      text
    }))
  }
}
