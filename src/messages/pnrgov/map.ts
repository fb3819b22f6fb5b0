/**
 * PNRGOV → canonical model (`src/validate/schemas/pnrgov.json`, docs/cli.md `inspect --json`).
 * Reads each segment in the group the structure walker placed it in: level 0 gives the push (MSG),
 * originator (ORG), flight (TVL, DDMMYY) and total (EQN); each Gr.1 (SRC) is one PNR with its
 * locators (RCI), travellers (Gr.2 TIF + SSR DOCS) and itinerary (Gr.5 TVL/TRA/RPI). History
 * (Gr.10–12), non-air (Gr.9) and LTS are not mapped.
 */
import type { MessageEnvelope, Segment } from '../../edifact/types.js'
import { elementCountOf, elementOf } from '../../edifact/index.js'
import { civilOf, civilOfDate, padisDateTime, type CivilDate } from '../dates.js'
import type { DocsDocument, ItinerarySegment, Pnr, PnrTraveller, PnrgovModel } from '../model.js'
import { count, isEmptySegment, reporterFor, val, type Reporter } from '../segments.js'
import { LEVEL0 } from '../structure.js'
import { parseDocs } from './docs.js'
import { readTvl } from './tvl.js'
import { finding, type Finding } from '../../transmission/index.js'

/** A DOCS read inside one PNR, assigned to its traveller when the PNR ends. */
interface DocsRef {
  doc: DocsDocument
  /** Index of the Gr.2 traveller it was read under, or -1 (PNR or segment level). */
  traveller: number
  /** SSR traveller reference (element 3 component 3), when given. */
  reference: string | null
}

interface PnrState {
  pnr: Pnr
  position: number
  hasRci: boolean
  emptyOrg: boolean
  docs: DocsRef[]
}

/** SSR free text is C334 component 9; an unescaped ':' inside it splits it further. */
function ssrText (s: Segment): string | null {
  const el = elementOf(s, 0)
  if (el === undefined || el.length < 9) return null
  const t = el.length === 9 ? el[8] : el.slice(8).join(':')
  return t.trim() === '' ? null : t
}

function docKey (d: DocsDocument): string {
  return `${d.type ?? ''}/${d.number ?? ''}/${d.birthDate ?? ''}`
}

const INFANT_GENDERS = new Set(['MI', 'FI'])

function compact (s: string | null): string {
  return s === null ? '' : s.split(' ').join('')
}

/** The PNR's infant a DOCS with gender MI/FI belongs to: the only one, or the one with that surname. */
function infantFor (travellers: PnrTraveller[], surname: string | null): number {
  let only = -1
  let infants = 0
  for (let i = 0; i < travellers.length; i++) {
    if (travellers[i].type !== 'IN') continue
    infants++
    only = i
  }
  if (infants <= 1) return only
  const want = compact(surname)
  for (let i = 0; i < travellers.length; i++) {
    if (travellers[i].type === 'IN' && compact(travellers[i].surname) === want) return i
  }
  return -1
}

/** Gives each DOCS to its traveller; infant DOCS (MI/FI) carried on an adult go to the infant. */
function assignDocs (st: PnrState): void {
  const travellers = st.pnr.travellers
  const seen = new Array<Set<string>>(travellers.length)
  for (let i = 0; i < travellers.length; i++) seen[i] = new Set()
  for (const r of st.docs) {
    let owner = r.traveller
    if (r.reference !== null) {
      for (let i = 0; i < travellers.length; i++) if (travellers[i].reference === r.reference) { owner = i; break }
    }
    if (owner >= 0 && r.doc.gender !== null && INFANT_GENDERS.has(r.doc.gender) && travellers[owner].type !== 'IN') {
      const infant = infantFor(travellers, r.doc.surname)
      if (infant >= 0) owner = infant
    }
    // A DOCS at PNR or segment level without a traveller reference belongs to a sole traveller.
    if (owner < 0 && travellers.length === 1) owner = 0
    if (owner < 0) continue
    // The same document often comes at traveller and at segment level (2- vs 3-letter State codes).
    const key = docKey(r.doc)
    if (seen[owner].has(key)) continue
    seen[owner].add(key)
    travellers[owner].documents.push(r.doc)
  }
}

export function mapPnrgov (
  env: MessageEnvelope,
  placement: (string | null)[],
  receivedAt: Date
): { model: PnrgovModel, findings: Finding[] } {
  const findings: Finding[] = []
  const message = env.reference
  const grp = env.group
  const report = reporterFor(env, findings)
  const model: PnrgovModel = {
    pushType: null,
    messageFunction: null,
    originator: null,
    flight: { carrier: null, number: null, legs: [] },
    totalPnrs: null,
    pnrs: []
  }
  const received = civilOfDate(receivedAt)
  let ref: CivilDate = received
  const states: PnrState[] = []
  let st: PnrState | null = null
  let traveller = -1
  let item: ItinerarySegment | null = null

  const readTravel = (s: Segment, pos: number): ReturnType<typeof readTvl> => {
    const t = readTvl(s, ref)
    if (t.badDeparture) report('GW_ERR_MESSAGE_DATE_INVALID', s, pos, 'profile', 'departure date or time invalid (TVL C310)', 1, 1)
    if (t.badArrival) report('GW_ERR_MESSAGE_DATE_INVALID', s, pos, 'profile', 'arrival date or time invalid (TVL C310)', 1, 3)
    if (t.timeInDateSlot) {
      report('GW_ERR_MESSAGE_DATE_INVALID', s, pos, 'profile', 'arrival time sent in the arrival date component (TVL C310)', 1, 3)
    }
    return t
  }

  const segs = env.segments
  for (let i = 1; i < segs.length; i++) {
    const g = placement[i]
    if (g === null) continue
    const s = segs[i]
    const pos = i + 1
    if (g === LEVEL0) {
      switch (s.tag) {
        case 'MSG': {
          const code = val(s, 0, 1)
          model.messageFunction = code
          if (code === '22') model.pushType = 'full'
          else if (code === '141') model.pushType = 'update'
          else if (code === null) report('GW_ERR_MESSAGE_ELEMENT_MISSING', s, pos, 'profile', 'message function missing (MSG 1225)', 1, 2)
          else report('GW_ERR_MESSAGE_CODE_INVALID', s, pos, 'profile', 'message function not defined for PNRGOV (MSG 1225)', 1, 2)
          break
        }
        case 'ORG':
          model.originator = { airline: val(s, 0), location: val(s, 0, 1) }
          break
        case 'TVL': {
          const t = readTravel(s, pos)
          model.flight = {
            carrier: t.carrier,
            number: t.number,
            legs: [{ carrier: t.carrier, number: t.number, departure: t.departure, arrival: t.arrival }]
          }
          if (t.carrier === null) report('GW_ERR_MESSAGE_ELEMENT_MISSING', s, pos, null, 'carrier missing (TVL C306)', 4, 1)
          if (t.number === null) report('GW_ERR_MESSAGE_ELEMENT_MISSING', s, pos, null, 'flight number missing (TVL C308)', 5, 1)
          if (t.departure.airport === null) {
            report('GW_ERR_MESSAGE_ELEMENT_MISSING', s, pos, null, 'departure location missing (TVL C328)', 2, 1)
          }
          if (t.arrival.airport === null) {
            report('GW_ERR_MESSAGE_ELEMENT_MISSING', s, pos, null, 'arrival location missing (TVL C328)', 3, 1)
          }
          if (t.departure.scheduled === null && !t.badDeparture) {
            report('GW_ERR_MESSAGE_PROFILE', s, pos, 'profile', 'scheduled departure missing (TVL C310)', 1, 1)
          }
          ref = civilOf(t.departure.scheduled) ?? civilOf(t.arrival.scheduled) ?? received
          break
        }
        case 'EQN': {
          const raw = val(s, 0)
          model.totalPnrs = count(raw)
          if (model.totalPnrs === null) {
            const id = raw === null ? 'GW_ERR_MESSAGE_ELEMENT_MISSING' : 'GW_ERR_MESSAGE_CODE_INVALID'
            report(id, s, pos, 'profile', 'number of PNRs missing or not a number (EQN 6350)', 1, 1)
          }
          break
        }
      }
      continue
    }

    if (s.tag === 'SRC' && g === 'Gr.1') {
      st = {
        pnr: { locator: null, locators: [], created: null, travellers: [], itinerary: [], cancelled: false },
        position: pos,
        hasRci: false,
        emptyOrg: false,
        docs: []
      }
      states.push(st)
      model.pnrs.push(st.pnr)
      traveller = -1
      item = null
      continue
    }
    if (st === null) continue
    const pnr = st.pnr

    switch (s.tag) {
      case 'RCI': {
        if (g !== 'Gr.1') break
        st.hasRci = true
        readRci(s, pos, pnr, ref, report)
        break
      }
      case 'ORG':
        if (g === 'Gr.1' && isEmptySegment(s)) st.emptyOrg = true
        break
      case 'TIF': {
        if (g !== 'Gr.2') break
        // `TIF+ACME TEAM PARTY:G`: a group name, not a person.
        if (val(s, 0, 1) === 'G' && val(s, 1) === null) { traveller = -1; break }
        pnr.travellers.push({
          surname: val(s, 0),
          givenNames: val(s, 1),
          type: val(s, 1, 1),
          reference: val(s, 1, 2),
          documents: []
        } satisfies PnrTraveller)
        traveller = pnr.travellers.length - 1
        break
      }
      case 'SSR': {
        if (val(s, 0) !== 'DOCS') break
        if (g !== 'Gr.1' && g !== 'Gr.2' && g !== 'Gr.5') break
        const text = ssrText(s)
        if (text === null) { report('GW_ERR_MESSAGE_PROFILE', s, pos, 'profile', 'SSR DOCS without free text (SSR 4440)', 1, 9); break }
        const r = parseDocs(text, ref)
        for (const bad of r.invalidDates) {
          const text = bad === 'birthDate' ? 'SSR DOCS date of birth invalid' : 'SSR DOCS expiry date invalid'
          report('GW_ERR_MESSAGE_DATE_INVALID', s, pos, 'profile', text, 1, 9)
        }
        st.docs.push({ doc: r.doc, traveller: g === 'Gr.2' ? traveller : -1, reference: val(s, 1, 2) })
        break
      }
      case 'TVL': {
        if (g !== 'Gr.5') break
        const t = readTravel(s, pos)
        if (t.numberOnly && item !== null) {
          // Second TVL of a codeshare: the operating flight (GTAS; guide 5.28.3).
          if (item.operatingNumber === undefined && t.number !== null) item.operatingNumber = t.number
          break
        }
        item = { carrier: t.carrier, number: t.number, departure: t.departure, arrival: t.arrival }
        if (t.operatingCarrier !== null && t.operatingCarrier !== t.carrier) item.operatingCarrier = t.operatingCarrier
        pnr.itinerary.push(item)
        break
      }
      case 'TRA': {
        if (g !== 'Gr.5' || item === null) break
        const c = val(s, 0)
        const n = val(s, 1)
        if (c !== null) item.operatingCarrier = c
        if (n !== null) item.operatingNumber = n
        break
      }
      case 'RPI': {
        if (g !== 'Gr.5' || item === null) break
        const status = val(s, 1)
        if (status !== null) item.status = status
        break
      }
    }
  }

  for (const p of states) finishPnr(p, findings, message, grp)
  checkTotal(env, model, findings, message, grp)
  return { model, findings }
}

/**
 * RCI C330 = company : locator : type : date (DDMMYY) : time. Some systems drop the type and
 * shift date and time into its place (`RCI+UA:7C789A:230818:1220`); that is read too.
 */
function readRci (s: Segment, pos: number, pnr: Pnr, ref: CivilDate, report: Reporter): void {
  for (let e = 0, n = elementCountOf(s); e < n; e++) {
    const locator = val(s, e, 1)
    if (locator === null) continue
    pnr.locators.push({ company: val(s, e, 0), locator })
    if (pnr.locator !== null) continue
    pnr.locator = locator
    let date = val(s, e, 3)
    let time = val(s, e, 4)
    const type = val(s, e, 2)
    if (type !== null && type.length === 6 && time === null) { date = type; time = val(s, e, 3) }
    if (date !== null) {
      pnr.created = padisDateTime(date, time, 'nearest', ref)
      if (pnr.created === null) {
        report('GW_ERR_MESSAGE_DATE_INVALID', s, pos, 'profile', 'reservation creation date or time invalid (RCI C330)', e + 1, 4)
      }
    }
  }
  if (pnr.locator === null) report('GW_ERR_MESSAGE_ELEMENT_MISSING', s, pos, 'profile', 'record locator missing (RCI 9956)', 1, 2)
}

function finishPnr (st: PnrState, findings: Finding[], message: string, grp: string | null): void {
  const pnr = st.pnr
  assignDocs(st)
  pnr.cancelled = st.emptyOrg && pnr.travellers.length === 0 && pnr.itinerary.length === 0
  const at = { message, group: grp, segment: st.position, family: 'profile' as const }
  if (!st.hasRci) findings.push(finding('GW_ERR_MESSAGE_PROFILE', { ...at, tag: 'RCI', text: 'record locator segment missing (RCI)' }))
  if (!pnr.cancelled && pnr.travellers.length === 0) {
    findings.push(finding('GW_ERR_MESSAGE_PROFILE', { ...at, tag: 'TIF', text: 'PNR without traveller (TIF)' }))
  }
}

/**
 * EQN counts the PNRs of the whole push, across parts (PNRGOV guide, EQN at level 0; the parts are
 * numbered in UNH S010, ISO 9735-1). Only a message that is the whole push (no S010, or 1 and
 * last) can be checked against the PNRs it carries.
 */
function checkTotal (env: MessageEnvelope, model: PnrgovModel, findings: Finding[], message: string, grp: string | null): void {
  if (model.totalPnrs === null) return
  const whole = env.part.sequence === null || (env.part.sequence === 1 && env.part.final === true)
  if (!whole || model.totalPnrs === model.pnrs.length) return
  let pos = 0
  for (let i = 0; i < env.segments.length; i++) if (env.segments[i].tag === 'EQN') { pos = i + 1; break }
  findings.push(finding('GW_ERR_MESSAGE_CODE_INVALID', {
    message,
    group: grp,
    segment: pos,
    tag: 'EQN',
    element: 1,
    component: 1,
    family: 'profile',
    text: 'number of PNRs does not match the PNRs in a single-part push (EQN 6350)'
  }))
}
