/**
 * ACKRES (PNRGOV acknowledgement response; PNRGOV guide, "ACKRES acknowledgement response";
 * docs/acknowledgements.md "ACKRES").
 *
 * STRUCTURE UNVERIFIED: no public ACKRES instance exists and the licensed PNRGOV guide was not
 * available. Everything below is the gateway's own reading, kept in this one module so it can be
 * corrected against the guide the carrier agreement names without touching anything else.
 *
 * ```
 * UNA:+.?*'
 * UNB+IATA:1+<our id>+<subject S002 as sent>+YYMMDD:HHMM+<our 0020>++ACKRES'
 * UNH+1+ACKRES:<ver>:<rel>:IA'          version of the acknowledged PNRGOV (13:1 when unknown)
 * MSG+:<function>'                      the subject's MSG 1225 (22 = push), 22 when absent
 * RFF+TN:<subject UNB 0020>'            the push being acknowledged (interchange)
 * [ERC+<code>']                         an interchange-level error
 * RFF+ACW:<subject UNH 0062>'           each subject message (ACW: reference to previous message)
 * [ERC+<code>']                         …followed by ERC when that message is not accepted
 * UNT, UNZ
 * ```
 * ERC carries the ISO 9735 0085 code of the first fatal finding for that message (its own, else
 * the one that rejected the interchange; 18 "unspecified" when none is known). A message is not
 * accepted when it is rejected itself, or when the interchange is rejected as a whole (interchange
 * error, caller's decision, or partial 'interchange' with any message or group rejected), or when
 * its functional group has a fatal group-level error. Positive ACKRES = no ERC at all.
 * Ids are echoed as sent (control characters dropped) even when outside the IATA repertoire: the
 * syntax is fixed at IATA:1 and the id is the carrier's own.
 */
import { writeInterchange, IATA_SEPARATORS, type SegmentSpec } from '../edifact/writer.js'
import { echo, echoComposite, findingHomes, messageRejected, type AckSubject, type BuiltAck } from './contrl.js'

export interface AckresOptions {
  senderId: string
  senderQualifier?: string | null
  /** New UNB 0020, an..14. */
  reference: string
  now: Date
  /** UNH 0052:0054 of the ACKRES; defaults to the first subject PNRGOV message's version. */
  version?: string
  /** Agreement strictness.partial. @default 'interchange' */
  partial?: 'interchange' | 'message'
  /** One segment per line. @default false */
  newline?: boolean
}

const DEFAULT_VERSION = '13:1'
const DEFAULT_FUNCTION = '22'
const UNSPECIFIED = 18

/**
 * The only segments of the subject's messages that an acknowledgement reads (CONTRL reads none):
 * a worker thread hands back these and drops the rest (pipeline/check.ts). test/pipeline/check-pool.test.ts
 * compares the acks built from both forms for every sample, so a new read here shows up there.
 */
export const SEGMENTS_ACKS_READ: ReadonlySet<string> = new Set(['MSG'])

/** MSG 1225 (message function) of the subject, read from its MSG segment (`MSG+:22`). */
function subjectFunction (subject: AckSubject): string {
  for (const m of subject.messages) {
    const msg = m.segments.find(s => s.tag === 'MSG')
    const fn = msg?.elements[0]?.[1]
    if (fn !== undefined && /^[A-Z0-9]{1,3}$/.test(fn)) return fn
  }
  return DEFAULT_FUNCTION
}

function subjectVersion (subject: AckSubject): string {
  const pnr = subject.messages.find(m => m.type === 'PNRGOV') ?? subject.messages[0]
  return pnr !== undefined && /^[0-9]+:[0-9]+$/.test(pnr.version) ? pnr.version : DEFAULT_VERSION
}

export function buildAckres (subject: AckSubject, opts: AckresOptions): BuiltAck {
  const homes = findingHomes(subject)
  const partial = opts.partial ?? 'interchange'
  const anyRejected = subject.messages.some(m => messageRejected(subject, homes, m.reference))
  const interchangeRejected = subject.interchangeRejected || homes.interchange.length > 0 ||
    (partial === 'interchange' && (anyRejected || homes.groups.size > 0))
  const firstFatal = homes.interchange[0] ?? subject.errors[0]

  const body: SegmentSpec[] = [
    { tag: 'MSG', elements: [[null, subjectFunction(subject)]] },
    { tag: 'RFF', elements: [['TN', echo(subject.unb.reference)]] }
  ]
  if (homes.interchange.length > 0) body.push({ tag: 'ERC', elements: [String(homes.interchange[0].code)] })
  for (const m of subject.messages) {
    body.push({ tag: 'RFF', elements: [['ACW', echo(m.reference)]] })
    const own = homes.messages.get(m.reference)?.[0]
    const groupError = m.group !== null ? homes.groups.get(m.group)?.[0] : undefined
    if (messageRejected(subject, homes, m.reference) || groupError !== undefined || interchangeRejected) {
      const code = own?.code ?? groupError?.code ?? firstFatal?.code ?? UNSPECIFIED
      body.push({ tag: 'ERC', elements: [String(code)] })
    }
  }

  const [version, release] = (opts.version ?? subjectVersion(subject)).split(':')
  const unb = subject.unb
  const text = writeInterchange({
    separators: IATA_SEPARATORS,
    syntax: ['IATA', '1'],
    sender: [opts.senderId, opts.senderQualifier ?? null],
    recipient: echoComposite(unb.senderComposite, unb.sender, unb.senderQualifier),
    preparedAt: opts.now,
    reference: opts.reference,
    applicationReference: 'ACKRES',
    messages: [{ reference: '1', identifier: ['ACKRES', version, release, 'IA'], segments: body }],
    newline: opts.newline
  })
  return { text, reference: opts.reference }
}
