/**
 * A finding (an error or a warning about a transmission) and the one factory that shapes it.
 * Positions follow CONTRL (ISO 9735-4 UCI/UCM/UCS/UCD): `segment` is the position in the message
 * with UNH = 1 (for envelope segments outside a message, the interchange index), `element` and
 * `component` are 1-based. A finding never holds a value from the input (docs/security.md "Logs").
 */
import { ERRORS, type ErrorId } from '../errors.js'

/** Where in the interchange a finding belongs; CONTRL reports it at that level. */
export type FindingLevel = 'interchange' | 'group' | 'message' | 'segment' | 'element'

/** Which agreement strictness family decides reject or warn; null = always fatal. */
export type FindingFamily = 'controlCounts' | 'characterSet' | 'profile' | null

export interface Finding {
  id: ErrorId
  /** ISO 9735 data element 0085 syntax error code. */
  code: number
  level: FindingLevel
  /** Message reference (UNH 0062) when the finding belongs to a message. */
  message: string | null
  /** Group reference (UNG 0048) when the finding belongs to a group. */
  group: string | null
  segment: number | null
  tag: string | null
  element: number | null
  component: number | null
  text: string
  family: FindingFamily
  /**
   * What was expected instead, when that is not passenger data: an agreed id, a version, a count
   * (docs/acknowledgements.md "Expected values"). Never the value that was found.
   */
  expected?: string
}

export type FindingAt = Partial<Omit<Finding, 'id' | 'code' | 'level'>> & { level?: FindingLevel }

/** ISO 9735 0085 code 18, "Unspecified error": for a catalogue entry without a CONTRL code. */
const UNSPECIFIED_ERROR = 18

/**
 * The one way to make a finding: catalogue code and text, positions from `at`. Without an explicit
 * level, a named element makes it an element finding, else a segment finding when a segment is
 * named, else an interchange finding. A component is only reported with its element (UCD).
 */
export function finding (id: ErrorId, at: FindingAt = {}): Finding {
  const def = ERRORS[id]
  const element = at.element ?? null
  // Field by field rather than by spreading `at`: a bad interchange yields hundreds of findings.
  const f: Finding = {
    id,
    code: def.contrl ?? UNSPECIFIED_ERROR,
    level: at.level ?? (element !== null ? 'element' : at.segment != null ? 'segment' : 'interchange'),
    message: at.message ?? null,
    group: at.group ?? null,
    segment: at.segment ?? null,
    tag: at.tag ?? null,
    element,
    component: element === null ? null : (at.component ?? null),
    text: at.text ?? def.text,
    family: at.family ?? null
  }
  if (at.expected !== undefined) f.expected = at.expected
  return f
}
