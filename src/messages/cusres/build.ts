/**
 * The CUSRES answer to an iAPI request (docs/acknowledgements.md "Interactive API messages"). It
 * mirrors the request:
 * - UNB: the request's syntax (S001), our id as sender, the request's S002 as recipient, 0026 and
 *   the test indicator (0035) copied; a new 0020 and our own date/time. The request's service
 *   characters are kept (its UNA, or none when it sent none, as Sirena `SIRE` interchanges do), so
 *   the carrier reads the answer with the settings it sent with.
 * - UNG (only when the request had one): `CUSRES`, S006/S007 swapped, 0048 and 0051 copied.
 * - UNH: 0062 copied from the request (the Astra/NIAC samples do; the carrier pairs request and
 *   answer by it, and the new 0020 keeps the interchanges apart), `CUSRES:<version>:UN:IATA`,
 *   0068 and S010 copied.
 * - `BGM+962` (or 132 / 312), `RFF+TN` as sent, the flight group `RFF+AF`, `DTM+189`, `DTM+232`,
 *   `LOC+125`, `LOC+87`, then per traveller in request order `ERP+2`, `RFF+AVF`, `RFF+ABO` (those
 *   the request gave), `ERC+<decision>` and `FTX+AAP` with the text.
 * The project's writer releases service characters and counts UNT/UNE/UNZ.
 *
 * Every value is fitted to the request's character repertoire (ISO 9735-1 Annex A): a PIU text in
 * lower case or with accents must not make the answer invalid `UNOA`. Texts longer than the FTX
 * 4440 element (an..70 up to directory D.99B, an..512 from D.00A) continue in the next C108
 * component, split at a space, at most five; readers join the components with a space.
 */
import type { Separators } from '../../edifact/types.js'
import { writeInterchange, type Component, type InterchangeSpec, type SegmentSpec } from '../../edifact/writer.js'
import type { IapiRequest } from './request.js'

export type IapiDecisionCode = '0Z' | '1Z' | '2Z' | '4Z'

/** The decisions for one request, one per traveller (validate/decision.ts checks a PIU answer). */
export interface IapiAnswer {
  passengers: ReadonlyArray<{ position: number, decision: IapiDecisionCode, text: string | null }>
}

export interface CusresOptions {
  /** UNB sender id (gateway config identity.senderId). */
  senderId: string
  /** 0007 for senderId. @default null */
  senderQualifier?: string | null
  /** New UNB 0020, an..14. */
  reference: string
  /** UNB (and UNG) date and time, written in UTC. */
  now: Date
  /** Agreement `interactive.cusres.version`: UNH S009 0052:0054 and UNG S008. @default 'D:05B' */
  version?: string
  /** BGM 1001: 962 answer to a check-in request, 132 unsolicited status change, 312 acknowledgement. @default '962' */
  document?: '962' | '132' | '312'
  /** One segment per line. @default true for SIRE (its terminator is `"` and a newline), else false */
  newline?: boolean
}

export interface CusresErrorOptions extends CusresOptions {
  /** ERC 9321, e.g. NO_ANSWER_IN_TIME.code. */
  code: string
  /** FTX+AAP text, or null for none. @default null */
  text?: string | null
}

/**
 * The error reply when the PIU gave no decision before the deadline: `ERP+1` (message level, no
 * traveller decided) with `ERC+118`, IATA PADIS code list 9321 "system unable to process". The
 * authority's system could not produce an answer; the carrier applies its fallback procedure.
 * A CONTRL syntax code (0085 41/42, network errors) is not used: the request itself was fine.
 */
export const NO_ANSWER_IN_TIME = Object.freeze({ code: '118', text: 'NO ANSWER IN TIME' })

const LEVEL_A_EXTRA = ' .,-()/=\'+:?!"%&*;<>'
const LEVEL_A_IDS = new Set(['UNOA'])
const LEVEL_B_IDS = new Set(['UNOB', 'IATA', 'IATB', 'SIRE'])

/** Whether a character is in the repertoire of the syntax identifier (printable ASCII beyond levels A and B: answers travel as UTF-8). */
function allowed (ch: string, syntaxId: string): boolean {
  const c = ch.charCodeAt(0)
  const upper = c >= 0x41 && c <= 0x5a
  const digit = c >= 0x30 && c <= 0x39
  if (LEVEL_A_IDS.has(syntaxId)) return upper || digit || LEVEL_A_EXTRA.includes(ch)
  if (LEVEL_B_IDS.has(syntaxId)) return upper || digit || (c >= 0x61 && c <= 0x7a) || LEVEL_A_EXTRA.includes(ch)
  return c >= 0x20 && c <= 0x7e
}

/** A service character that cannot be released (no release character declared) is not written. */
function writable (ch: string, seps: Separators): boolean {
  if (seps.release !== null && seps.release !== ' ') return true
  return ch !== seps.component && ch !== seps.element && ch !== seps.segment && ch !== seps.repetition
}

/** A mirrored id or reference: characters outside the repertoire (controls, transport bytes) dropped. */
function mirror (value: string, req: IapiRequest): string {
  let out = ''
  for (const ch of value) if (allowed(ch, req.unb.syntaxId) && writable(ch, req.separators)) out += ch
  return out
}

function mirrorAll (values: readonly string[], req: IapiRequest): Component[] {
  return values.map(v => mirror(v, req))
}

/** Free text fitted to the repertoire: accents removed, upper case under level A, other characters as spaces. */
export function fitText (text: string, syntaxId: string, separators: Separators): string {
  const base = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  const cased = LEVEL_A_IDS.has(syntaxId) ? base.toUpperCase() : base
  let out = ''
  for (const ch of cased) out += allowed(ch, syntaxId) && writable(ch, separators) ? ch : ' '
  return out.replace(/ {2,}/g, ' ').trim()
}

/** FTX 4440 length of a directory: an..70 up to D.99B, an..512 from D.00A (UN/EDIFACT directories). */
export function textElementLength (version: string): number {
  const yy = Number(version.split(':')[1]?.slice(0, 2))
  return yy >= 90 ? 70 : 512
}

/** C108 holds at most five 4440 lines: split at the last space that fits (mid-word only when none), the rest cut. */
export function textComponents (text: string, max: number): string[] {
  const out: string[] = []
  let rest = text
  while (rest.length > 0 && out.length < 5) {
    if (rest.length <= max) {
      out.push(rest)
      break
    }
    let cut = rest.lastIndexOf(' ', max)
    if (cut <= 0) cut = max
    out.push(rest.slice(0, cut).trimEnd())
    rest = rest.slice(cut).trimStart()
  }
  return out
}

function checkVersion (version: string): [string, string] {
  const m = /^([A-Z]):([0-9]{2}[A-Z])$/.exec(version)
  if (m === null) throw new RangeError('CUSRES version must look like D:05B')
  return [m[1], m[2]]
}

/** The level-0 segments after BGM: RFF+TN and the flight group (SG3 in the samples' order). */
function head (req: IapiRequest, document: string): SegmentSpec[] {
  const f = req.flight
  return [
    { tag: 'BGM', elements: [document] },
    { tag: 'RFF', elements: [mirrorAll(req.transaction, req)] },
    { tag: 'RFF', elements: [['AF', mirror(f.flightId, req)]] },
    { tag: 'DTM', elements: [mirrorAll(f.departureTime, req)] },
    { tag: 'DTM', elements: [mirrorAll(f.arrivalTime, req)] },
    { tag: 'LOC', elements: ['125', mirrorAll(f.departure, req)] },
    { tag: 'LOC', elements: ['87', mirrorAll(f.arrival, req)] }
  ]
}

function ftx (text: string | null | undefined, req: IapiRequest, version: string): SegmentSpec[] {
  if (text === null || text === undefined) return []
  const fitted = fitText(text, req.unb.syntaxId, req.separators)
  if (fitted === '') return []
  return [{ tag: 'FTX', elements: ['AAP', null, null, textComponents(fitted, textElementLength(version))] }]
}

function envelope (req: IapiRequest, opts: CusresOptions, segments: SegmentSpec[]): string {
  const version = opts.version ?? 'D:05B'
  const [release, revision] = checkVersion(version)
  const ours: Component[] = [opts.senderId, opts.senderQualifier ?? null]
  const message = {
    reference: mirror(req.message.reference, req),
    identifier: ['CUSRES', release, revision, 'UN', 'IATA'],
    commonAccessReference: req.message.commonAccessReference === null ? null : mirror(req.message.commonAccessReference, req),
    transfer: req.message.transfer === null ? null : mirrorAll(req.message.transfer, req),
    segments
  }
  const g = req.group
  const spec: InterchangeSpec = {
    separators: req.separators,
    una: req.una,
    syntax: [req.unb.syntaxId, req.unb.syntaxVersion],
    sender: ours,
    recipient: mirrorAll(req.unb.sender, req),
    preparedAt: opts.now,
    reference: opts.reference,
    applicationReference: req.unb.applicationReference === null ? null : mirror(req.unb.applicationReference, req),
    test: req.unb.test,
    newline: opts.newline ?? req.unb.syntaxId === 'SIRE',
    ...(g === null
      ? { messages: [message] }
      : {
          groups: [{
            type: 'CUSRES',
            sender: g.recipient.length > 0 ? mirrorAll(g.recipient, req) : ours,
            recipient: g.sender.length > 0 ? mirrorAll(g.sender, req) : mirrorAll(req.unb.sender, req),
            reference: mirror(g.reference, req),
            agency: g.agency ?? 'UN',
            version: [release, revision],
            messages: [message]
          }]
        })
  }
  return writeInterchange(spec)
}

/**
 * The CUSRES text answering `req` with one decision per traveller, in request order. Throws a
 * RangeError when the answer does not decide every traveller exactly once (validateDecision
 * guarantees it for a PIU answer) or when an option is malformed.
 */
export function buildCusres (req: IapiRequest, answer: IapiAnswer, opts: CusresOptions): string {
  const version = opts.version ?? 'D:05B'
  const byPosition = new Map<number, IapiAnswer['passengers'][number]>()
  for (const p of answer.passengers) {
    if (byPosition.has(p.position)) throw new RangeError('a traveller is answered twice')
    byPosition.set(p.position, p)
  }
  if (byPosition.size !== req.travellers.length) throw new RangeError('the answer does not decide every traveller of the request')
  const segments = head(req, opts.document ?? '962')
  for (const t of req.travellers) {
    const a = byPosition.get(t.position)
    if (a === undefined) throw new RangeError('the answer does not decide every traveller of the request')
    segments.push({ tag: 'ERP', elements: ['2'] })
    if (t.locator !== null) segments.push({ tag: 'RFF', elements: [['AVF', mirror(t.locator, req)]] })
    if (t.passengerRef !== null) segments.push({ tag: 'RFF', elements: [['ABO', mirror(t.passengerRef, req)]] })
    segments.push({ tag: 'ERC', elements: [a.decision] })
    segments.push(...ftx(a.text, req, version))
  }
  return envelope(req, opts, segments)
}

/**
 * The error reply to `req` (`ERP+1`, `ERC+<code>`, optional `FTX+AAP`), e.g. when no decision
 * came in time: `buildCusresError(req, { ...opts, ...NO_ANSWER_IN_TIME })`.
 */
export function buildCusresError (req: IapiRequest, opts: CusresErrorOptions): string {
  if (!/^[A-Z0-9]{1,8}$/.test(opts.code)) throw new RangeError('ERC code must be 1 to 8 letters or digits')
  const segments = head(req, opts.document ?? '962')
  segments.push({ tag: 'ERP', elements: ['1'] }, { tag: 'ERC', elements: [opts.code] }, ...ftx(opts.text, req, opts.version ?? 'D:05B'))
  return envelope(req, opts, segments)
}
