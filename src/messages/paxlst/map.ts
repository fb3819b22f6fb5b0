/**
 * PAXLST → canonical model (`src/validate/schemas/paxlst.json`, shown by `inspect --json`, docs/cli.md),
 * with the guide's profile rules as `profile` findings.
 * Runs after the structure walker and reads each segment in the group the walker placed it in;
 * where a qualifier names the owner unambiguously (DTM 329 birth, LOC 91 issuing State) it wins
 * over the placement, so a reordered traveller group still maps correctly.
 */
import type { MessageEnvelope, Segment } from '../../edifact/types.js'
import { civilOf, civilOfDate, edifactDate, type CivilDate, type YearRule } from '../dates.js'
import type { PaxlstDocumentType, PaxlstModel, PaxlstTraveller, ReportingParty, TravelDocument, TravellerRole } from '../model.js'
import { comps, count, reporterFor, val } from '../segments.js'
import { LEVEL0 } from '../structure.js'
import { ITINERARY_QUALIFIERS, legsOf, splitFlightId, type Point, type TransportGroup } from './flight.js'
import { finding, type Finding, type FindingAt } from '../../transmission/index.js'

// Maps, not object literals: a code such as `constructor` must not find an inherited property.
const DOCUMENT_TYPES = new Map<string, PaxlstDocumentType>([
  ['745', 'passenger-list'],
  ['250', 'crew-list'],
  ['266', 'flight-status'],
  ['336', 'master-crew-list'],
  ['655', 'gate-pass']
])

const ROLES = new Map<string, TravellerRole>([
  ['FL', 'passenger'],
  ['FM', 'crew'],
  ['DDU', 'transit-passenger'],
  ['DDT', 'transit-crew']
])

const GENDERS = new Set(['M', 'F', 'X', 'U'])

interface TravellerState {
  t: PaxlstTraveller
  position: number
  hasGender: boolean
  hasBirth: boolean
  docs: DocState[]
}

interface DocState {
  d: TravelDocument
  position: number
  hasExpiry: boolean
}

function joinName (parts: string[], from: number): string | null {
  let out = ''
  for (let i = from; i < parts.length; i++) {
    if (parts[i] === '') continue
    out = out === '' ? parts[i] : out + ' ' + parts[i]
  }
  return out === '' ? null : out
}

function newTraveller (role: TravellerRole | null, name: string[]): PaxlstTraveller {
  return {
    role,
    surname: name[0] === undefined || name[0] === '' ? null : name[0],
    givenNames: joinName(name, 1),
    gender: null,
    birthDate: null,
    nationality: null,
    residence: null,
    birthPlace: null,
    embarkation: null,
    debarkation: null,
    clearance: null,
    references: { pnr: null, passenger: null, seat: null },
    documents: []
  }
}

export function mapPaxlst (
  env: MessageEnvelope,
  placement: (string | null)[],
  receivedAt: Date
): { model: PaxlstModel, findings: Finding[] } {
  const findings: Finding[] = []
  const message = env.reference
  const grp = env.group
  const report = reporterFor(env, findings)

  const model: PaxlstModel = {
    documentType: 'other',
    documentCode: null,
    documentId: null,
    transactionReference: null,
    reportingParty: null,
    flight: { carrier: null, number: null, legs: [] },
    travellers: [],
    totals: { passengers: null, crew: null }
  }
  const transports: TransportGroup[] = []
  const travellers: TravellerState[] = []
  const received = civilOfDate(receivedAt)
  // Reference for two-digit years of birth, issue and expiry: the flight date (PAXLST implementation guide, DTM date formats).
  // SG2/SG3 precede SG4, so the flight is known by the first traveller.
  let travelRef: CivilDate | null = null
  const date = (raw: string, rule: YearRule, ref: CivilDate, s: Segment, pos: number): string | null => {
    const iso = edifactDate(raw, rule, ref)
    if (iso === null) report('GW_ERR_MESSAGE_DATE_INVALID', s, pos, 'profile', undefined, 1, 2)
    return iso
  }
  let party: ReportingParty | null = null
  let transport: TransportGroup | null = null
  let point: Point | null = null
  let trav: TravellerState | null = null
  let doc: DocState | null = null

  const segs = env.segments
  for (let i = 1; i < segs.length; i++) {
    const g = placement[i]
    if (g === null) continue
    const s = segs[i]
    const pos = i + 1
    switch (s.tag) {
      case 'BGM': {
        const code = val(s, 0)
        model.documentCode = code
        model.documentId = val(s, 1)
        if (code === null) report('GW_ERR_MESSAGE_ELEMENT_MISSING', s, pos, null, 'document name code missing (BGM 1001)', 1, 1)
        else {
          const type = DOCUMENT_TYPES.get(code)
          if (type !== undefined) model.documentType = type
          else report('GW_ERR_MESSAGE_CODE_INVALID', s, pos, 'profile', 'document name code not defined by the guide (BGM 1001)', 1, 1)
        }
        break
      }
      case 'RFF': {
        const q = val(s, 0)
        const v = val(s, 0, 1)
        if (g === LEVEL0) {
          if (q === 'TN') model.transactionReference = v
        } else if (trav !== null && g === 'SG4') {
          const refs = trav.t.references
          if (q === 'AVF' && refs.pnr === null) refs.pnr = v
          else if (q === 'ABO' && refs.passenger === null) refs.passenger = v
          else if (q === 'SEA' && refs.seat === null) refs.seat = v
        }
        break
      }
      case 'CNT': {
        const q = val(s, 0)
        const raw = val(s, 0, 1)
        if (raw === null) {
          // e.g. `CNT+41+8`: the total in a second data element instead of component 2.
          report('GW_ERR_MESSAGE_ELEMENT_MISSING', s, pos, 'profile', 'control total value missing (CNT 6066)', 1, 2)
          if (s.elements.length > 1) {
            report('GW_ERR_EDIFACT_TOO_MANY_CONSTITUENTS', s, pos, 'profile', 'data element not defined for this segment', 2)
          }
          break
        }
        const n = count(raw)
        if (n === null) {
          report('GW_ERR_MESSAGE_CODE_INVALID', s, pos, 'profile', 'control total is not a number (CNT 6066)', 1, 2)
          break
        }
        if (q === '42') model.totals.passengers = n
        else if (q === '41') model.totals.crew = n
        else report('GW_ERR_MESSAGE_CODE_INVALID', s, pos, 'profile', 'control total qualifier not defined by the guide (CNT 6069)', 1, 1)
        break
      }
      case 'NAD': {
        if (g === 'SG1') {
          if (party === null) {
            party = { id: val(s, 1), name: joinName(comps(s, 3), 0), phone: null, fax: null, email: null }
            model.reportingParty = party
          }
        } else if (g === 'SG4') {
          const q = val(s, 0)
          const role = q === null ? null : ROLES.get(q) ?? null
          if (role === null) {
            report('GW_ERR_MESSAGE_CODE_INVALID', s, pos, 'profile', 'traveller party qualifier not defined by the guide (NAD 3035)', 1, 1)
          }
          const name = comps(s, 3)
          trav = { t: newTraveller(role, name), position: pos, hasGender: false, hasBirth: false, docs: [] }
          doc = null
          travellers.push(trav)
          model.travellers.push(trav.t)
          if (trav.t.surname === null) report('GW_ERR_MESSAGE_PROFILE', s, pos, 'profile', 'traveller surname missing (NAD C080)', 4, 1)
        }
        break
      }
      case 'COM': {
        if (g === 'SG1' && party !== null) {
          for (let e = 0; e < s.elements.length; e++) {
            const number = val(s, e)
            const q = val(s, e, 1)
            if (number === null) continue
            if (q === 'TE' && party.phone === null) party.phone = number
            else if (q === 'FX' && party.fax === null) party.fax = number
            else if (q === 'EM' && party.email === null) party.email = number
          }
        }
        break
      }
      case 'TDT': {
        const q = val(s, 0)
        if (q !== '20' && q !== '34') {
          report('GW_ERR_MESSAGE_CODE_INVALID', s, pos, 'profile', 'transport stage qualifier not defined by the guide (TDT 8051)', 1, 1)
        }
        const id = val(s, 1)
        if (id === null) report('GW_ERR_MESSAGE_ELEMENT_MISSING', s, pos, null, 'flight identification missing (TDT 8028)', 2, 1)
        const split = splitFlightId(id, val(s, 4))
        transport = { carrier: split.carrier, number: split.number, points: [], position: pos }
        point = null
        transports.push(transport)
        break
      }
      case 'LOC': {
        const q = val(s, 0)
        const code = val(s, 1)
        if (g === 'SG3') {
          if (transport === null) break
          if (q === null || !ITINERARY_QUALIFIERS.has(q)) {
            const text = 'itinerary location qualifier not defined by the guide (LOC 3227)'
            report('GW_ERR_MESSAGE_CODE_INVALID', s, pos, 'profile', text, 1, 1)
          }
          if (code === null) report('GW_ERR_MESSAGE_ELEMENT_MISSING', s, pos, null, 'location code missing (LOC 3225)', 2, 1)
          point = { qualifier: q ?? '', airport: code, departure: null, arrival: null, position: pos }
          transport.points.push(point)
        } else if (trav !== null) {
          // The place's name (C517 3224) is read only where it is used: the code is the rule, except
          // for the place of birth, which the PAXLST guide gives as a name.
          const t = trav.t
          if (q === '180') t.birthPlace = val(s, 1, 3) ?? code
          else {
            const place = code ?? val(s, 1, 3)
            if (q === '91') {
              if (doc !== null) doc.d.issuingCountry = place
            } else if (q === '22') t.clearance = place
            else if (q === '174') t.residence = place
            else if (q === '178') t.embarkation = place
            else if (q === '179') t.debarkation = place
          }
        }
        break
      }
      case 'DTM': {
        const q = val(s, 0)
        const raw = val(s, 0, 1)
        if (g === 'SG3') {
          const p = point
          if (p === null || raw === null) break
          if (q === '189' || q === '554') p.departure = date(raw, 'nearest', received, s, pos)
          else if (q === '232') p.arrival = date(raw, 'nearest', received, s, pos)
        } else if (trav !== null && (g === 'SG4' || g === 'SG5')) {
          travelRef ??= flightReference(transports) ?? received
          const d = doc
          if (q === '329') {
            trav.hasBirth = true
            if (raw !== null) trav.t.birthDate = date(raw, 'past', travelRef, s, pos)
          } else if (d !== null && q === '36') {
            d.hasExpiry = true
            if (raw !== null) d.d.expiry = date(raw, 'expiry', travelRef, s, pos)
          } else if (d !== null && q === '182' && raw !== null) {
            d.d.issued = date(raw, 'past', travelRef, s, pos)
          }
        }
        break
      }
      case 'ATT': {
        if (trav === null || val(s, 0) !== '2') break
        trav.hasGender = true
        const v = val(s, 2)
        if (v !== null && GENDERS.has(v)) trav.t.gender = v
        else report('GW_ERR_MESSAGE_CODE_INVALID', s, pos, 'profile', 'gender code not defined by the guide (ATT 9019)', 3, 1)
        break
      }
      case 'NAT': {
        if (trav !== null && trav.t.nationality === null) trav.t.nationality = val(s, 1)
        break
      }
      case 'DOC': {
        if (trav === null) break
        doc = {
          d: { type: val(s, 0), number: val(s, 1), issuingCountry: null, expiry: null, issued: null },
          position: pos,
          hasExpiry: false
        }
        trav.docs.push(doc)
        trav.t.documents.push(doc.d)
        break
      }
    }
  }

  if (transports.length > 0) {
    model.flight.carrier = transports[0].carrier
    model.flight.number = transports[0].number
  }

  for (const tg of transports) for (const l of legsOf(tg)) model.flight.legs.push(l)
  checkLegs(model, transports, findings, message, grp)
  checkTravellers(travellers, findings, message, grp)
  return { model, findings }
}

function flightReference (transports: TransportGroup[]): CivilDate | null {
  for (const tg of transports) {
    for (const p of tg.points) {
      const d = civilOf(p.departure) ?? civilOf(p.arrival)
      if (d !== null) return d
    }
  }
  return null
}

function checkLegs (model: PaxlstModel, transports: TransportGroup[], findings: Finding[], message: string, grp: string | null): void {
  if (model.documentType === 'master-crew-list') return
  for (const tg of transports) {
    if (tg.points.length === 0) continue
    const legs = legsOf(tg)
    const at = { message, group: grp, segment: tg.position, tag: 'LOC', family: 'profile' as const }
    if (legs.length === 0) {
      profileGap(findings, { ...at, text: 'no departure and arrival location for the flight (LOC 125/87/92)' })
      continue
    }
    for (const l of legs) {
      if (l.departure.airport === null) profileGap(findings, { ...at, text: 'departure location missing (LOC 125/92)' })
      if (l.arrival.airport === null) profileGap(findings, { ...at, text: 'arrival location missing (LOC 87/92)' })
      if (l.departure.airport !== null && l.departure.scheduled === null) {
        profileGap(findings, { ...at, tag: 'DTM', text: 'scheduled departure missing (DTM 189)' })
      }
      if (l.arrival.airport !== null && l.arrival.scheduled === null) {
        profileGap(findings, { ...at, tag: 'DTM', text: 'scheduled arrival missing (DTM 232)' })
      }
    }
  }
}

/** A `GW_ERR_MESSAGE_PROFILE` finding: data the guide expects is absent. */
function profileGap (findings: Finding[], at: FindingAt): void {
  findings.push(finding('GW_ERR_MESSAGE_PROFILE', at))
}

/** Data the guide marks "required by most States" (R): a profile matter, never a structural one. */
function checkTravellers (travellers: TravellerState[], findings: Finding[], message: string, grp: string | null): void {
  for (const tr of travellers) {
    const at = { message, group: grp, segment: tr.position, family: 'profile' as const }
    if (!tr.hasGender) profileGap(findings, { ...at, tag: 'ATT', text: 'traveller gender missing (ATT 2)' })
    if (!tr.hasBirth) profileGap(findings, { ...at, tag: 'DTM', text: 'traveller date of birth missing (DTM 329)' })
    if (tr.t.nationality === null) profileGap(findings, { ...at, tag: 'NAT', text: 'traveller nationality missing (NAT 2)' })
    if (tr.docs.length === 0) {
      profileGap(findings, { ...at, tag: 'DOC', text: 'traveller travel document missing (DOC)' })
      continue
    }
    for (const d of tr.docs) {
      const dat = { message, group: grp, segment: d.position, family: 'profile' as const }
      if (d.d.number === null) {
        profileGap(findings, { ...dat, tag: 'DOC', element: 2, component: 1, text: 'document number missing (DOC 1004)' })
      }
      if (!d.hasExpiry) profileGap(findings, { ...dat, tag: 'DTM', text: 'document expiry date missing (DTM 36)' })
      if (d.d.issuingCountry === null) profileGap(findings, { ...dat, tag: 'LOC', text: 'document issuing State missing (LOC 91)' })
    }
  }
}
