/**
 * An interactive API request (PAXLST `BGM+745`, `BGM+745+CP`, `BGM+266+CLOB|XF|…`, PAXLST guide
 * iAPI) read for its answer: the envelope facts a CUSRES mirrors (docs/acknowledgements.md
 * "Interactive API messages") and, per traveller in request order, the references the answer
 * echoes.
 *
 * One message per request: an iAPI request asks about one flight at check-in, and its CUSRES answers
 * it with one message (UNH 0062 copied). An interchange with several messages is a problem here,
 * not a guess: answering only the first would leave the others' travellers without a decision, and
 * merging them would mix flights. The carrier sends one interchange per request.
 *
 * `documentNumber` and `surname` are passenger data kept only for the test-stage responder rules
 * (test-responder.ts); problems name segment tags, qualifiers and positions, never a value.
 */
import type { Interchange, MessageEnvelope, Segment, Separators } from '../../edifact/types.js'
import { tokenize } from '../../edifact/index.js'
import { val } from '../segments.js'
import { LEVEL0, walkStructure } from '../structure.js'
import { PAXLST_TABLE } from '../paxlst/table.js'

/** One traveller of the request (NAD of SG4), in request order. */
export interface IapiTraveller {
  /** 1-based order of the traveller's NAD among the request's travellers. */
  position: number
  /** Message position (UNH = 1) of the traveller's NAD. */
  segment: number
  /** NAD 3035: FL, FM, DDU, DDT. */
  role: string | null
  /** RFF+AVF (PNR record locator), as sent. */
  locator: string | null
  /** RFF+ABO (unique passenger reference), as sent. */
  passengerRef: string | null
  /** First DOC C503 1004 of the traveller. Passenger data: test responder only, never logged. */
  documentNumber: string | null
  /** NAD C080 3036 (first name component). Passenger data: test responder only, never logged. */
  surname: string | null
}

/** A composite as sent: its components, release characters removed (values not trimmed). */
export type Composite = readonly string[]

export interface IapiFlight {
  /** TDT C040 8028 flight id as sent (`CA339`): the CUSRES `RFF+AF` value. */
  flightId: string
  /** LOC+125 C517 composite (departure airport) as sent. */
  departure: Composite
  /** DTM+189 C507 composite as sent (`189:2612241620:201`). */
  departureTime: Composite
  /** LOC+87 C517 composite (arrival airport) as sent. */
  arrival: Composite
  /** DTM+232 C507 composite as sent. */
  arrivalTime: Composite
}

export interface IapiRequest {
  ok: true
  unb: {
    /** S001 0001 and 0002 as sent (`SIRE`, `4`); the engine keeps no 0080/0133. */
    syntax: Composite
    syntaxId: string
    syntaxVersion: string
    /** S002 / S003 as sent (id, qualifier, routing). */
    sender: Composite
    recipient: Composite
    /** 0020. */
    reference: string
    /** 0026, or null. */
    applicationReference: string | null
    /** 0035 = 1. */
    test: boolean
  }
  /** Whether the request began with a UNA service string advice. */
  una: boolean
  /** The request's service characters (UNA, or the syntax identifier's defaults): the answer uses them. */
  separators: Separators
  /** The request's UNG, or null when it used none. */
  group: {
    /** S006 application sender and S007 application recipient, as sent. */
    sender: Composite
    recipient: Composite
    /** 0048. */
    reference: string
    /** 0051 controlling agency. */
    agency: string | null
  } | null
  message: {
    /** UNH 0062. */
    reference: string
    /** UNH 0068, or null. */
    commonAccessReference: string | null
    /** UNH S010 as sent (`01`, `F`), or null. */
    transfer: Composite | null
  }
  /** BGM 1001: `745` request or change, `266` flight close-out or cancellation. */
  documentCode: string
  /** BGM 1004 qualifier (`CP`, `CLOB`, `XF`, …), or null. */
  documentQualifier: string | null
  /** RFF+TN C506 as sent: qualifier `TN`, the reference, and any further components (revision). */
  transaction: Composite
  /** RFF+TN 1154, the transaction reference. */
  transactionRef: string
  flight: IapiFlight
  travellers: IapiTraveller[]
}

export type IapiProblemReason = 'no-interchange' | 'message-count' | 'not-paxlst' | 'not-iapi-document' | 'missing'

export interface IapiProblem {
  reason: IapiProblemReason
  /** Segment tag concerned (`RFF`, `LOC`, `UNH`), or null. */
  tag: string | null
  /** Its qualifier (`TN`, `125`), or null. */
  qualifier: string | null
  /** Message position (UNH = 1) of the segment, or where it was expected; null at interchange level. */
  segment: number | null
  /** A fixed sentence, never a value from the request. */
  text: string
}

export interface IapiRequestProblem {
  ok: false
  problems: IapiProblem[]
}

const IAPI_DOCUMENTS = new Set(['745', '266'])

function problem (
  reason: IapiProblemReason, text: string, tag: string | null = null, qualifier: string | null = null, segment: number | null = null
): IapiProblem {
  return { reason, tag, qualifier, segment, text }
}

/** Element `e` of a segment as a composite (components as sent). */
function composite (s: Segment, e: number): string[] {
  return [...(s.elements[e] ?? [])]
}

/** Whether the first UNH of the interchange is preceded by a UNG whose S006/S007 must be mirrored. */
function groupOf (ix: Interchange, msg: MessageEnvelope): IapiRequest['group'] {
  const facts = ix.groups.find(g => g.reference === msg.group)
  if (facts === undefined || msg.group === null || ix.separators === null) return null
  // The engine keeps UNG's 0038/0048/S008 only; S006/S007 are read again from the bytes before
  // the message's UNH (UNB and UNG: two short segments).
  const head = tokenize(ix.body.subarray(0, msg.segments[0].offset), ix.separators)
  const ung = head.find(s => s.index === facts.segmentIndex && s.tag === 'UNG')
  if (ung === undefined) return { sender: [], recipient: [], reference: facts.reference, agency: null }
  return { sender: composite(ung, 1), recipient: composite(ung, 2), reference: facts.reference, agency: val(ung, 5) }
}

/**
 * The iAPI request in a parsed PAXLST interchange, or what keeps it from being one. The caller has
 * run the usual checks (syntax, structure, agreement); this reads what the answer needs.
 */
export function iapiRequestOf (ix: Interchange): IapiRequest | IapiRequestProblem {
  const unb = ix.unb
  if (unb === null || ix.separators === null) return { ok: false, problems: [problem('no-interchange', 'no readable UNB', 'UNB')] }
  if (ix.messages.length !== 1) {
    return { ok: false, problems: [problem('message-count', 'an iAPI request carries exactly one message', 'UNH')] }
  }
  const msg = ix.messages[0]
  if (msg.type !== 'PAXLST') return { ok: false, problems: [problem('not-paxlst', 'an iAPI request is a PAXLST message', 'UNH', null, 1)] }

  const problems: IapiProblem[] = []
  const { placement } = walkStructure(msg, PAXLST_TABLE)
  const segs = msg.segments
  let documentCode: string | null = null
  let documentQualifier: string | null = null
  let transaction: string[] | null = null
  let flightId: string | null = null
  let departure: string[] | null = null
  let departureTime: string[] | null = null
  let arrival: string[] | null = null
  let arrivalTime: string[] | null = null
  let bgmAt: number | null = null
  let tdtAt: number | null = null
  /** The open itinerary point (SG3 LOC): 125 or 87, or another qualifier whose DTMs are not ours. */
  let point: string | null = null
  const travellers: IapiTraveller[] = []
  let trav: IapiTraveller | null = null

  for (let i = 1; i < segs.length; i++) {
    const s = segs[i]
    const g = placement[i]
    const pos = i + 1
    if (g === null) continue
    switch (s.tag) {
      case 'BGM':
        bgmAt = pos
        documentCode = val(s, 0)
        documentQualifier = val(s, 1)
        break
      case 'RFF': {
        const q = val(s, 0)
        if (g === LEVEL0 && q === 'TN' && transaction === null) transaction = composite(s, 0)
        else if (g === 'SG4' && trav !== null) {
          if (q === 'AVF' && trav.locator === null) trav.locator = val(s, 0, 1)
          else if (q === 'ABO' && trav.passengerRef === null) trav.passengerRef = val(s, 0, 1)
        }
        break
      }
      case 'TDT':
        // The first transport group names the flight; a later one is a further leg (PAXLST guide example 5.3).
        if (tdtAt === null) {
          tdtAt = pos
          flightId = val(s, 1)
        }
        break
      case 'LOC':
        if (g === 'SG3') {
          const q = val(s, 0)
          point = q
          if (q === '125' && departure === null) departure = composite(s, 1)
          else if (q === '87' && arrival === null) arrival = composite(s, 1)
          else point = null
        }
        break
      case 'DTM':
        if (g === 'SG3' && point !== null) {
          const q = val(s, 0)
          if (point === '125' && q === '189' && departureTime === null) departureTime = composite(s, 0)
          if (point === '87' && q === '232' && arrivalTime === null) arrivalTime = composite(s, 0)
        }
        break
      case 'NAD':
        if (g === 'SG4') {
          trav = {
            position: travellers.length + 1,
            segment: pos,
            role: val(s, 0),
            locator: null,
            passengerRef: null,
            documentNumber: null,
            surname: val(s, 3)
          }
          travellers.push(trav)
        }
        break
      case 'DOC':
        if (g === 'SG5' && trav !== null && trav.documentNumber === null) trav.documentNumber = val(s, 1)
        break
    }
  }

  const after = (p: number | null): number => (p ?? 1) + 1
  if (documentCode === null) problems.push(problem('missing', 'document name code missing (BGM 1001)', 'BGM', null, bgmAt ?? 2))
  else if (!IAPI_DOCUMENTS.has(documentCode)) {
    const text = 'an iAPI request is BGM 745 (request, change) or 266 (close-out, cancellation)'
    problems.push(problem('not-iapi-document', text, 'BGM', null, bgmAt))
  }
  if (transaction === null || (transaction[1] ?? '').trim() === '') {
    problems.push(problem('missing', 'transaction reference missing (RFF+TN)', 'RFF', 'TN', after(bgmAt)))
  }
  if (flightId === null) problems.push(problem('missing', 'flight id missing (TDT 8028)', 'TDT', null, tdtAt))
  if (departure === null) problems.push(problem('missing', 'departure missing (LOC+125)', 'LOC', '125', after(tdtAt)))
  else if (departureTime === null) {
    problems.push(problem('missing', 'scheduled departure missing (DTM+189 after LOC+125)', 'DTM', '189', after(tdtAt)))
  }
  if (arrival === null) problems.push(problem('missing', 'arrival missing (LOC+87)', 'LOC', '87', after(tdtAt)))
  else if (arrivalTime === null) {
    problems.push(problem('missing', 'scheduled arrival missing (DTM+232 after LOC+87)', 'DTM', '232', after(tdtAt)))
  }
  // A check-in request names its travellers; a close-out or cancellation (266) may name none.
  if (documentCode === '745' && travellers.length === 0) problems.push(problem('missing', 'no traveller (NAD of SG4)', 'NAD', null, null))
  if (problems.length > 0) return { ok: false, problems }

  const unh = segs[0]
  const transfer = unh.elements[3] !== undefined && unh.elements[3].some(c => c !== '') ? composite(unh, 3) : null
  const tn = transaction as string[]
  return {
    ok: true,
    unb: {
      syntax: [unb.syntaxId, unb.syntaxVersion],
      syntaxId: unb.syntaxId,
      syntaxVersion: unb.syntaxVersion,
      sender: unb.senderComposite.length > 0 ? [...unb.senderComposite] : [unb.sender],
      recipient: unb.recipientComposite.length > 0 ? [...unb.recipientComposite] : [unb.recipient],
      reference: unb.reference,
      applicationReference: unb.applicationReference,
      test: unb.test
    },
    una: ix.body.subarray(0, 3).toString('latin1') === 'UNA',
    separators: { ...(ix.separators as Separators) },
    group: groupOf(ix, msg),
    message: { reference: msg.reference, commonAccessReference: msg.commonAccessReference, transfer },
    documentCode: documentCode as string,
    documentQualifier,
    transaction: tn,
    transactionRef: (tn[1] ?? '').trim(),
    flight: {
      flightId: flightId as string,
      departure: departure as string[],
      departureTime: departureTime as string[],
      arrival: arrival as string[],
      arrivalTime: arrivalTime as string[]
    },
    travellers
  }
}
