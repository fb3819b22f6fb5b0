/**
 * The data shapes the EDIFACT engine hands to the rest of the gateway. `edifact/` knows only the
 * syntax (ISO 9735: UNA … UNZ); message semantics live in `messages/`.
 */
import type { Finding, Stripped } from '../transmission/index.js'

/** Service characters in effect for an interchange (UNA, or the syntax identifier's defaults). */
export interface Separators {
  component: string
  element: string
  decimal: string
  /** null when UNA position 4 is a space: no release character. */
  release: string | null
  /** null unless UNA declares one (position 5 not a space); never used to split UNB ids. */
  repetition: string | null
  segment: string
}

/**
 * One segment: tag and its data elements, each a list of components, release characters removed.
 * The tokenizer's segments materialise `elements` on first read (see tokenizer.ts): copy the
 * fields into a plain object before structured cloning one.
 */
export interface Segment {
  tag: string
  /** elements[0] is the first data element after the tag; elements[i][j] is component j of it. */
  readonly elements: string[][]
  /** 1-based position of the segment in the interchange, counting from UNB (UNA is not a segment). */
  index: number
  /** Byte offset of the tag's first byte in the cleaned interchange. */
  offset: number
}

export interface UnbFacts {
  syntax: string // e.g. "UNOA:4"
  syntaxId: string // "UNOA"
  syntaxVersion: string // "4"
  sender: string // 0004
  senderQualifier: string | null // 0007
  recipient: string // 0010
  recipientQualifier: string | null
  /** The S002/S003 composites exactly as sent (components joined by the component separator, unescaped). */
  senderComposite: string[]
  recipientComposite: string[]
  date: string // 0017 as sent (YYMMDD or CCYYMMDD)
  time: string // 0019 HHMM
  /** ISO 8601 local date-time resolved from 0017/0019, or null when not a valid date. */
  preparedAt: string | null
  reference: string // 0020
  applicationReference: string | null // 0026
  ackRequested: boolean // 0031 = 1
  test: boolean // 0035 = 1
}

export interface GroupFacts {
  type: string // 0038
  reference: string // 0048
  version: string | null // S008, e.g. "D:05B"
  segmentIndex: number
}

export interface MessageEnvelope {
  reference: string // UNH 0062
  type: string // 0065
  version: string // 0052:0054, e.g. "D:05B" or "13:1"
  agency: string // 0051
  association: string | null // 0057
  /** S009 joined with ':' as it appeared, e.g. "PAXLST:D:05B:UN:IATA". */
  identifier: string
  commonAccessReference: string | null // 0068
  part: { sequence: number | null, final: boolean | null, first: boolean | null }
  group: string | null // enclosing UNG 0048
  /** Segments from UNH to UNT inclusive (UNT absent when missing). UNH has message position 1. */
  segments: Segment[]
}

/** Everything the engine learned about one byte string. Never throws to produce it. */
export interface Interchange {
  /** The bytes from UNA/UNB to the UNZ terminator, transport wrappers removed (repaired where allowed). */
  body: Buffer
  repaired: boolean
  stripped: Stripped[]
  separators: Separators | null
  unb: UnbFacts | null
  groups: GroupFacts[]
  messages: MessageEnvelope[]
  segmentCount: number
  errors: Finding[]
  warnings: Finding[]
}
