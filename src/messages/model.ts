/**
 * The canonical model (docs/cli.md, `inspect --json` `messages[].model`). Field
 * names are a fixed contract with the PIU and `inspect --json`; the JSON Schemas in
 * `src/validate/schemas/` describe the same shapes. Absent data is null, never an empty string.
 * Dates are ISO 8601 local time as sent (`1990-02-14`, `2025-01-14T09:15`).
 */

export interface Place {
  /** IATA airport / location code as sent. */
  airport: string | null
  /** ISO date-time (local, as sent), or null when the message gives none or an invalid one. */
  scheduled: string | null
}

export interface Leg {
  /** Carrier and number of the TDT (PAXLST) or TVL (PNRGOV) the leg belongs to. */
  carrier: string | null
  number: string | null
  departure: Place
  arrival: Place
}

export interface Flight {
  carrier: string | null
  number: string | null
  legs: Leg[]
}

/** UNH S010 / 0068: which part of a multi-part series a message is (ISO 9735-1 UNH; the PAXLST and PNRGOV guides use it alike). */
export interface Part {
  sequence: number | null
  final: boolean | null
  commonAccessReference: string | null
}

// ── PAXLST ────────────────────────────────────────────────────────────────────────────────────

export type PaxlstDocumentType =
  'passenger-list' | 'crew-list' | 'flight-status' | 'master-crew-list' | 'gate-pass' | 'other'

export type TravellerRole = 'passenger' | 'crew' | 'transit-passenger' | 'transit-crew'

export interface TravelDocument {
  /** DOC 1001: P passport, V visa, I/A/C identity cards, L pilot licence, … */
  type: string | null
  number: string | null
  /** LOC 91: issuing State code, or the place of issue when only a name is given. */
  issuingCountry: string | null
  expiry: string | null
  issued: string | null
}

export interface PaxlstTraveller {
  /** Null only when the NAD qualifier is not one the guide defines (reported as a finding). */
  role: TravellerRole | null
  surname: string | null
  givenNames: string | null
  /** ATT 9017=2: M, F, X, U. */
  gender: string | null
  birthDate: string | null
  nationality: string | null
  residence: string | null
  birthPlace: string | null
  embarkation: string | null
  debarkation: string | null
  clearance: string | null
  references: { pnr: string | null, passenger: string | null, seat: string | null }
  documents: TravelDocument[]
}

export interface ReportingParty {
  /** NAD+MS element 2: a registered profile id. */
  id: string | null
  /** NAD+MS element 4: the contact name. */
  name: string | null
  phone: string | null
  fax: string | null
  email: string | null
}

export interface PaxlstModel {
  documentType: PaxlstDocumentType
  /** BGM 1001 as sent (745, 250, 266, 336, 655, …). */
  documentCode: string | null
  /** BGM 1004 (CP, XR, CL, CLOB, C, CC, G, …). */
  documentId: string | null
  transactionReference: string | null
  reportingParty: ReportingParty | null
  flight: Flight
  travellers: PaxlstTraveller[]
  /** CNT 42 / 41: totals for the whole flight, not for this part. */
  totals: { passengers: number | null, crew: number | null }
}

// ── PNRGOV ────────────────────────────────────────────────────────────────────────────────────

/** SSR DOCS free text `/P/GBR/123456789/GBR/12JUL64/M/23AUG19/SMITH/JOHN`, parsed. */
export interface DocsDocument {
  type: string | null
  number: string | null
  issuingCountry: string | null
  nationality: string | null
  birthDate: string | null
  /** M, F, U, X, or MI / FI for infants. */
  gender: string | null
  expiry: string | null
  surname: string | null
  givenNames: string | null
}

export interface PnrTraveller {
  surname: string | null
  givenNames: string | null
  /** TIF 6353: A adult, C child, IN infant, … */
  type: string | null
  /** TIF 9944 traveller reference, used by SSR and TRI to point at this traveller. */
  reference: string | null
  documents: DocsDocument[]
}

export interface ItinerarySegment {
  /** Marketing carrier (TVL C306 first component). */
  carrier: string | null
  number: string | null
  departure: Place
  arrival: Place
  /** Codeshare: TVL C306 second component or TRA. */
  operatingCarrier?: string
  /** Codeshare: the operating flight number from the second TVL or TRA. */
  operatingNumber?: string
  /** RPI status code (HK, …). */
  status?: string
}

export interface Pnr {
  /** First RCI record locator. */
  locator: string | null
  /** Every RCI reservation: the owning system's and partners' locators. */
  locators: { company: string | null, locator: string }[]
  /** RCI creation date/time. */
  created: string | null
  travellers: PnrTraveller[]
  itinerary: ItinerarySegment[]
  /** Update push: SRC + RCI + empty ORG only (PNRGOV guide §8.1, update pushes). */
  cancelled: boolean
}

export interface Originator {
  airline: string | null
  location: string | null
}

export interface PnrgovModel {
  /** MSG 1225: 22 full push, 141 update push; null for another code (reported). */
  pushType: 'full' | 'update' | null
  /** MSG 1225 as sent. */
  messageFunction: string | null
  originator: Originator | null
  flight: Flight
  /** EQN: PNRs in the whole push, all parts. */
  totalPnrs: number | null
  pnrs: Pnr[]
}

export type MessageModel = PaxlstModel | PnrgovModel
