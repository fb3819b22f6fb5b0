/**
 * CONTRL (syntax and service report, ISO 9735-4 / UNTDID CONTRL D:3) for a received interchange.
 *
 * Shape (ISO 9735-4 CONTRL segment table; docs/acknowledgements.md "CONTRL"): UCI for the
 * interchange, then SG1 UCM per reported message with SG2 UCS/UCD details, or, when the subject
 * used functional groups, SG3 UCF per reported group with its UCMs. Only references, ids, codes
 * and positions are echoed, never a data value.
 *
 * Decisions where the references are silent:
 * - Warnings are not reported: CONTRL says what was rejected; the JSON ack carries warnings.
 * - The error on UCI/UCF/UCM is the first fatal finding of that level. 0013 (service segment tag)
 *   is written only for a service tag of that level; S011 is left out for 28/29 (reference and
 *   count mismatches concern the pair of segments, as in the guide-style example
 *   `UCM+PAX001+PAXLST:D:05B:UN:IATA+4+29+UNT`) and written otherwise, as in `UCM+…+13+UNH+2:4`.
 * - With `messageLevel`, every message gets a UCM: action 7, or 4 without an error code when it is
 *   rejected only because its interchange or group is (ISO 9735-4 action 4 covers lower levels).
 * - A group-level error rejects the interchange under partial 'interchange'; under partial
 *   'message' only its group (UCI 7, UCF 4).
 * - The envelope uses the lowest syntax level that can carry the echoed ids (UNOA, UNOB, UNOC,
 *   UNOY), so a lower-case carrier id does not make our own ack invalid UNOA.
 * - Control characters are dropped from echoed ids (see `echo`): no syntax level carries them.
 */
import type { GroupFacts, MessageEnvelope, Separators, UnbFacts } from '../edifact/types.js'
import { writeInterchange, syntaxLevelFor, type Component, type SegmentSpec } from '../edifact/writer.js'
import type { CheckOutcome, Finding } from '../transmission/index.js'

/** A functional group of the subject; S006/S007 are optional because the parser may not keep them. */
export type SubjectGroup = GroupFacts & { sender?: readonly string[], recipient?: readonly string[] }

export interface AckSubject {
  unb: UnbFacts
  /** The subject's own service characters; for reference only (the ack uses its own). */
  separators?: Separators | null
  groups: readonly SubjectGroup[]
  messages: readonly MessageEnvelope[]
  /** Fatal findings, after the agreement's strictness. */
  errors: readonly Finding[]
  warnings?: readonly Finding[]
  /** Outcome per UNH 0062. */
  messageOutcomes: Readonly<Record<string, CheckOutcome>>
  /** The caller refuses the interchange as a whole (whatever the reason). */
  interchangeRejected: boolean
}

export interface ContrlOptions {
  /** UNB sender id on the ack (gateway config identity.senderId). */
  senderId: string
  /** Optional 0007 qualifier for senderId. @default null */
  senderQualifier?: string | null
  /** New UNB 0020, an..14 (see newAckReference). */
  reference: string
  now: Date
  /** Agreement contrl.version: UNH S009 0052:0054. @default 'D:3' */
  version?: string
  /** Agreement contrl.messageLevel: a UCM for every message. @default false */
  messageLevel?: boolean
  /** Agreement strictness.partial. @default 'interchange' */
  partial?: 'interchange' | 'message'
  /** One segment per line. @default false */
  newline?: boolean
}

export interface BuiltAck {
  text: string
  /** The ack's own UNB 0020. */
  reference: string
}

/** Where each fatal finding belongs: the interchange, a group (0048) or a message (0062). */
export interface FindingHomes {
  interchange: Finding[]
  groups: Map<string, Finding[]>
  messages: Map<string, Finding[]>
}

/**
 * A subject id or reference as it can be echoed: C0/C1 control characters and DEL removed (CR/LF
 * left inside a value by Type B line folding, stray transport bytes). Service characters stay and
 * are released by the writer.
 */
export function echo (value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\x00-\x1f\x7f-\x9f]/g, '')
}

/** The subject UNB S002 (or S003) as sent, echoed. */
export function echoComposite (composite: readonly string[], id: string, qualifier: string | null): Component[] {
  return (composite.length > 0 ? composite : [id, qualifier ?? '']).map(echo)
}

function push<K> (map: Map<K, Finding[]>, key: K, f: Finding): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [f])
  else list.push(f)
}

/** Sorts findings to the level they are reported at; unknown references fall back to the interchange. */
export function findingHomes (subject: Pick<AckSubject, 'groups' | 'messages' | 'errors'>): FindingHomes {
  const messageRefs = new Set(subject.messages.map(m => m.reference))
  const groupRefs = new Set(subject.groups.map(g => g.reference))
  const homes: FindingHomes = { interchange: [], groups: new Map(), messages: new Map() }
  for (const f of subject.errors) {
    if (f.level !== 'interchange' && f.level !== 'group' && f.message !== null && messageRefs.has(f.message)) {
      push(homes.messages, f.message, f)
    } else if (f.level !== 'interchange' && f.group !== null && groupRefs.has(f.group)) {
      push(homes.groups, f.group, f)
    } else {
      homes.interchange.push(f)
    }
  }
  return homes
}

/** Whether a message is rejected: by its outcome or by a fatal finding of its own. */
export function messageRejected (subject: Pick<AckSubject, 'messageOutcomes'>, homes: FindingHomes, ref: string): boolean {
  return subject.messageOutcomes[ref] === 'rejected' || homes.messages.has(ref)
}

/** 0085 [+ 0013 [+ S011]] for a finding on a service segment of the given level. */
function errorDetail (f: Finding | undefined, tags: readonly string[]): Array<Component | Component[]> {
  if (f === undefined) return []
  const out: Array<Component | Component[]> = [String(f.code)]
  if (f.tag === null || !tags.includes(f.tag)) return out
  out.push(f.tag)
  if (f.element !== null && f.code !== 28 && f.code !== 29) out.push(s011(f))
  return out
}

function s011 (f: Finding): Component[] {
  return [String(f.element), f.component === null ? null : String(f.component)]
}

const MAX_UCS = 999
const MAX_UCD = 99

/** UCM followed by its SG2 (UCS/UCD) for one message. */
function messageSegments (msg: MessageEnvelope, action: 4 | 7, findings: readonly Finding[]): SegmentSpec[] {
  const envelopeTags = ['UNH', 'UNT']
  // The UCM carries the first UNH/UNT finding, else the first finding without a position.
  let head = findings.find(f => f.tag !== null && envelopeTags.includes(f.tag))
  head ??= findings.find(f => f.segment === null)
  const identifier: Component[] = (msg.identifier !== '' ? msg.identifier.split(':') : [msg.type]).map(echo)
  const out: SegmentSpec[] = [{
    tag: 'UCM',
    elements: [echo(msg.reference), identifier, String(action), ...errorDetail(head, envelopeTags)]
  }]

  // Remaining positioned findings, by segment position (UNH = 1): UCS, then UCD per element.
  const bySegment = new Map<number, Finding[]>()
  for (const f of findings) {
    if (f === head || f.segment === null) continue
    const list = bySegment.get(f.segment)
    if (list === undefined) bySegment.set(f.segment, [f])
    else list.push(f)
  }
  let ucs = 0
  for (const pos of [...bySegment.keys()].sort((a, b) => a - b)) {
    const list = bySegment.get(pos) as Finding[]
    const whole = list.filter(f => f.element === null)
    const parts = list.filter(f => f.element !== null)
    const firstCodes = whole.length > 0 ? whole.map(f => String(f.code)) : [null]
    for (let i = 0; i < firstCodes.length && ucs < MAX_UCS; i++, ucs++) {
      out.push({ tag: 'UCS', elements: [String(pos), firstCodes[i]] })
      if (i === 0) {
        for (const f of parts.slice(0, MAX_UCD)) out.push({ tag: 'UCD', elements: [String(f.code), s011(f)] })
      }
    }
  }
  return out
}

interface Plan {
  uciAction: 4 | 7
  homes: FindingHomes
  groupAction: Map<string, 4 | 7>
}

function plan (subject: AckSubject, partial: 'interchange' | 'message'): Plan {
  const homes = findingHomes(subject)
  const anyMessageRejected = subject.messages.some(m => messageRejected(subject, homes, m.reference))
  const uciRejected = subject.interchangeRejected || homes.interchange.length > 0 ||
    (partial === 'interchange' && (anyMessageRejected || homes.groups.size > 0))
  const uciAction = uciRejected ? 4 : 7
  const groupAction = new Map<string, 4 | 7>()
  for (const g of subject.groups) {
    const rejected = uciAction === 4 || homes.groups.has(g.reference)
    groupAction.set(g.reference, rejected ? 4 : 7)
  }
  return { uciAction, homes, groupAction }
}

/** The UCM (+ SG2) for a message, or nothing when the message need not be reported. */
function reportMessage (subject: AckSubject, p: Plan, msg: MessageEnvelope, levelAction: 4 | 7, messageLevel: boolean): SegmentSpec[] {
  const own = p.homes.messages.get(msg.reference) ?? []
  if (messageRejected(subject, p.homes, msg.reference)) return messageSegments(msg, 4, own)
  if (!messageLevel) return []
  return messageSegments(msg, levelAction, [])
}

/** Builds the CONTRL for a subject interchange whose UNB could be read. */
export function buildContrl (subject: AckSubject, opts: ContrlOptions): BuiltAck {
  const partial = opts.partial ?? 'interchange'
  const messageLevel = opts.messageLevel ?? false
  const p = plan(subject, partial)
  const unb = subject.unb
  const subjectSender = echoComposite(unb.senderComposite, unb.sender, unb.senderQualifier)
  const subjectRecipient = echoComposite(unb.recipientComposite, unb.recipient, unb.recipientQualifier)

  const body: SegmentSpec[] = [{
    tag: 'UCI',
    elements: [
      echo(unb.reference),
      subjectSender,
      subjectRecipient,
      String(p.uciAction),
      ...errorDetail(p.homes.interchange[0], ['UNA', 'UNB', 'UNZ'])
    ]
  }]

  // SG1: messages outside any group (all of them when the subject has no groups).
  const groupRefs = new Set(subject.groups.map(g => g.reference))
  for (const msg of subject.messages) {
    if (msg.group !== null && groupRefs.has(msg.group)) continue
    body.push(...reportMessage(subject, p, msg, p.uciAction, messageLevel))
  }
  // SG3: one UCF per group that has something to report (every group with messageLevel).
  for (const g of subject.groups) {
    const action = p.groupAction.get(g.reference) ?? 7
    const ucms: SegmentSpec[] = []
    for (const msg of subject.messages) {
      if (msg.group === g.reference) ucms.push(...reportMessage(subject, p, msg, action, messageLevel))
    }
    const own = p.homes.groups.get(g.reference)
    if (own === undefined && ucms.length === 0 && !messageLevel) continue
    const appSender = g.sender?.map(echo) ?? null
    const appRecipient = g.recipient?.map(echo) ?? null
    const ucf: SegmentSpec = {
      tag: 'UCF',
      elements: [echo(g.reference), appSender, appRecipient, String(action), ...errorDetail(own?.[0], ['UNG', 'UNE'])]
    }
    body.push(ucf, ...ucms)
  }

  const [release = 'D', revision = '3'] = (opts.version ?? 'D:3').split(':')
  const ourSender: Component[] = [opts.senderId, opts.senderQualifier ?? null]
  const echoed = [...ourSender, unb.reference, ...subjectSender, ...subjectRecipient,
    ...subject.messages.flatMap(m => [m.reference, m.identifier]),
    ...subject.groups.flatMap(g => [g.reference, ...(g.sender ?? []), ...(g.recipient ?? [])])]
  const text = writeInterchange({
    syntax: [syntaxLevelFor(echoed.filter((v): v is string => typeof v === 'string').map(echo)), '4'],
    sender: ourSender,
    recipient: subjectSender,
    preparedAt: opts.now,
    reference: opts.reference,
    messages: [{ reference: '1', identifier: ['CONTRL', release, revision, 'UN'], segments: body }],
    newline: opts.newline
  })
  return { text, reference: opts.reference }
}
