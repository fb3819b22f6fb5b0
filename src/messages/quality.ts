/**
 * Data-quality figures over a mapped message, for the conformance report (`certify`) and metrics:
 * plain counts of travellers and of the API fields they carry. Counts only, never values.
 */
import type { MessageModel, PaxlstModel, PnrgovModel, TravelDocument, DocsDocument } from './model.js'

/** How many travellers carry each API field (a field counts when any of their documents has it). */
export interface TravellerFigures {
  travellers: number
  documentNumber: number
  documentExpiry: number
  birthDate: number
  nationality: number
  gender: number
}

export interface PaxlstQuality extends TravellerFigures {
  type: 'PAXLST'
}

export interface PnrgovQuality extends TravellerFigures {
  type: 'PNRGOV'
  pnrs: number
  cancelledPnrs: number
  /** PNRs (not cancelled, with travellers) whose every traveller has at least one SSR DOCS. */
  pnrsWithAllDocs: number
}

export type Quality = PaxlstQuality | PnrgovQuality

function anyDoc<T extends TravelDocument | DocsDocument> (docs: T[], pick: (d: T) => string | null): boolean {
  for (const d of docs) if (pick(d) !== null) return true
  return false
}

function paxlst (m: PaxlstModel): PaxlstQuality {
  const q: PaxlstQuality = { type: 'PAXLST', travellers: 0, documentNumber: 0, documentExpiry: 0, birthDate: 0, nationality: 0, gender: 0 }
  for (const t of m.travellers) {
    q.travellers++
    if (anyDoc(t.documents, d => d.number)) q.documentNumber++
    if (anyDoc(t.documents, d => d.expiry)) q.documentExpiry++
    if (t.birthDate !== null) q.birthDate++
    if (t.nationality !== null) q.nationality++
    if (t.gender !== null) q.gender++
  }
  return q
}

function pnrgov (m: PnrgovModel): PnrgovQuality {
  const q: PnrgovQuality = {
    type: 'PNRGOV',
    pnrs: 0,
    cancelledPnrs: 0,
    pnrsWithAllDocs: 0,
    travellers: 0,
    documentNumber: 0,
    documentExpiry: 0,
    birthDate: 0,
    nationality: 0,
    gender: 0
  }
  for (const p of m.pnrs) {
    q.pnrs++
    if (p.cancelled) q.cancelledPnrs++
    let all = p.travellers.length > 0 && !p.cancelled
    for (const t of p.travellers) {
      q.travellers++
      const docs = t.documents
      if (docs.length === 0) all = false
      if (anyDoc(docs, d => d.number)) q.documentNumber++
      if (anyDoc(docs, d => d.expiry)) q.documentExpiry++
      if (anyDoc(docs, d => d.birthDate)) q.birthDate++
      if (anyDoc(docs, d => d.nationality)) q.nationality++
      if (anyDoc(docs, d => d.gender)) q.gender++
    }
    if (all) q.pnrsWithAllDocs++
  }
  return q
}

export function qualityOf (type: 'PAXLST', model: PaxlstModel): PaxlstQuality
export function qualityOf (type: 'PNRGOV', model: PnrgovModel): PnrgovQuality
export function qualityOf (type: 'PAXLST' | 'PNRGOV', model: MessageModel): Quality
export function qualityOf (type: 'PAXLST' | 'PNRGOV', model: MessageModel): Quality {
  return type === 'PAXLST' ? paxlst(model as PaxlstModel) : pnrgov(model as PnrgovModel)
}
