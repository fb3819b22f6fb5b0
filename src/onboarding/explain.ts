/**
 * Plain-language explanations of the ISO 9735 syntax error codes (data element 0085) that the
 * gateway puts in CONTRL, ACKRES and JSON acks (docs/errors.md has the catalogue). The conformance
 * report shows them beside each finding so an officer can mail the report to a carrier's developers
 * without having to decode the CONTRL first. Meaning = the ISO 9735 code name; advice = what the
 * carrier usually has to change.
 */

export interface CodeExplanation {
  meaning: string
  advice: string
}

const CODES: Readonly<Record<number, CodeExplanation>> = {
  2: {
    meaning: 'syntax version or level not supported',
    advice: 'use a syntax identifier the agreement supports (UNOA/UNOB … level 4, or IATA:1 for PNRGOV)'
  },
  7: {
    meaning: 'interchange recipient not actual recipient',
    advice: 'address the interchange (UNB recipient) to this gateway\'s receiver id'
  },
  12: { meaning: 'invalid value', advice: 'send a code or date the message guide allows in that element' },
  13: { meaning: 'missing', advice: 'add the mandatory segment, data element or component' },
  14: { meaning: 'value not supported in this position', advice: 'use a message version or code agreed with the PIU' },
  15: { meaning: 'not supported in this position', advice: 'move or remove the segment: the message guide does not allow it there' },
  16: { meaning: 'too many constituents', advice: 'check the separators: there are more data elements or components than the segment has' },
  17: { meaning: 'no agreement', advice: 'send only the message types named in the carrier agreement' },
  18: { meaning: 'unspecified error', advice: 'see the finding text' },
  19: { meaning: 'invalid decimal notation', advice: 'use the decimal mark declared in UNA' },
  20: { meaning: 'character invalid as service character', advice: 'correct the UNA service string advice (6 characters after UNA)' },
  21: {
    meaning: 'invalid character(s)',
    advice: 'send only characters of the declared syntax level (UNOA: upper case letters, digits, a few signs)'
  },
  22: { meaning: 'invalid service character(s)', advice: 'escape separators inside values with the release character' },
  23: { meaning: 'unknown interchange sender', advice: 'use a UNB sender id listed in the agreement (senderIds)' },
  24: { meaning: 'too old', advice: 'send interchanges promptly; the UNB date/time is older than the agreement allows' },
  25: { meaning: 'test indicator not supported', advice: 'remove the UNB test indicator, or ask the PIU to accept test interchanges' },
  26: { meaning: 'duplicate detected', advice: 'use a new interchange control reference (UNB 0020) for changed content' },
  27: { meaning: 'security function not supported', advice: 'remove the security headers' },
  28: { meaning: 'references do not match', advice: 'repeat the UNH/UNG/UNB reference exactly in UNT/UNE/UNZ' },
  29: {
    meaning: 'control count does not match number of instances received',
    advice: 'count again: UNT counts UNH to UNT inclusive, UNE the messages in the group, UNZ the messages or groups'
  },
  30: { meaning: 'groups and messages/packages mixed', advice: 'put every message in a UNG group, or none' },
  31: { meaning: 'more than one message type in group', advice: 'send one message type per interchange' },
  32: { meaning: 'lower level empty', advice: 'the interchange or group holds no message' },
  33: { meaning: 'invalid occurrence outside message, package or group', advice: 'remove the data between the envelope segments' },
  34: { meaning: 'nesting indicator not allowed', advice: 'remove the nesting indicator' },
  35: { meaning: 'too many segment repetitions', advice: 'send the segment no more often than the message guide allows' },
  36: { meaning: 'too many segment group repetitions', advice: 'send the segment group no more often than the message guide allows' },
  37: { meaning: 'invalid type of character(s)', advice: 'use digits in numeric data elements' },
  38: { meaning: 'missing digit in front of decimal sign', advice: 'write 0.5, not .5' },
  39: { meaning: 'data element too long', advice: 'shorten the value to the length the guide allows' },
  40: { meaning: 'data element too short', advice: 'send the full value (e.g. a 6-digit date)' },
  41: { meaning: 'permanent communication network error', advice: 'contact the PIU' },
  42: { meaning: 'temporary communication network error', advice: 'send again later' },
  43: { meaning: 'unknown interchange recipient', advice: 'address the interchange to this gateway\'s receiver id' },
  45: { meaning: 'trailing separator', advice: 'do not end a segment or composite with an empty separator' },
  46: { meaning: 'character set not supported', advice: 'use a character set the agreement supports' },
  47: { meaning: 'envelope functionality not supported', advice: 'remove the unsupported envelope feature' },
  48: { meaning: 'dependency notes condition violated', advice: 'send the data the dependency note requires' }
}

export function explainCode (code: number): CodeExplanation {
  return CODES[code] ?? { meaning: `code ${code}`, advice: 'see the finding text' }
}

/** Where a finding is, in the terms of CONTRL UCM/UCS/UCD. */
interface Position {
  level: string
  message: string | null
  segment: number | null
  tag: string | null
  element: number | null
  component: number | null
}

/** Human position of a finding: "message PAX001, segment 21 (UNT), element 1, component 2". */
export function positionText (f: Position): string {
  const parts: string[] = [f.message !== null ? `message ${f.message}` : f.level === 'group' ? 'group' : 'interchange']
  if (f.segment !== null) parts.push(`segment ${f.segment}${f.tag !== null ? ` (${f.tag})` : ''}`)
  else if (f.tag !== null) parts.push(f.tag)
  if (f.element !== null) parts.push(`element ${f.element}`)
  if (f.component !== null) parts.push(`component ${f.component}`)
  return parts.join(', ')
}

interface Positioned extends Position { code: number, id: string, text: string }

/** Findings that differ only by segment (the same defect in every traveller), shown as one line. */
export interface FindingGroup<F extends Positioned> {
  first: F
  count: number
  /** Human position covering the whole group. */
  position: string
}

export function groupFindings<F extends Positioned> (list: readonly F[], maxSegments = 8): Array<FindingGroup<F>> {
  const groups = new Map<string, { first: F, segments: number[] }>()
  for (const f of list) {
    const key = JSON.stringify([f.code, f.id, f.level, f.message, f.tag, f.element, f.component, f.text])
    const g = groups.get(key)
    if (g === undefined) groups.set(key, { first: f, segments: f.segment === null ? [] : [f.segment] })
    else if (f.segment !== null) g.segments.push(f.segment)
  }
  return [...groups.values()].map(({ first, segments }) => {
    const count = Math.max(1, segments.length)
    if (segments.length <= 1) return { first, count, position: positionText(first) }
    const shown = segments.slice(0, maxSegments).join(', ') + (segments.length > maxSegments ? `, … (${segments.length} in all)` : '')
    const owner = first.message !== null ? `message ${first.message}` : first.level === 'group' ? 'group' : 'interchange'
    const parts = [owner, `segments ${shown}${first.tag !== null ? ` (${first.tag})` : ''}`]
    if (first.element !== null) parts.push(`element ${first.element}`)
    if (first.component !== null) parts.push(`component ${first.component}`)
    return { first, count, position: parts.join(', ') }
  })
}
