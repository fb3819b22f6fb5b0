/**
 * Data-quality figures of the conformance report: counts over all travellers (how many carry a
 * document number, expiry, birth date, nationality, gender), PNRs whose every traveller has SSR
 * DOCS, and multi-part series completeness. Counts only (invariant 4); shares are computed where
 * they are shown.
 */
import type { Quality, TravellerFigures } from '../messages/quality.js'

export interface QualityFigures extends TravellerFigures {
  /** Messages whose content could be mapped (the figures cover these). */
  messages: number
  pnrs: number
  cancelledPnrs: number
  pnrsWithAllDocs: number
}

export const TRAVELLER_FIELDS = [
  ['documentNumber', 'document number'],
  ['documentExpiry', 'document expiry'],
  ['birthDate', 'birth date'],
  ['nationality', 'nationality'],
  ['gender', 'gender']
] as const

export function emptyQuality (): QualityFigures {
  return {
    messages: 0,
    travellers: 0,
    documentNumber: 0,
    documentExpiry: 0,
    birthDate: 0,
    nationality: 0,
    gender: 0,
    pnrs: 0,
    cancelledPnrs: 0,
    pnrsWithAllDocs: 0
  }
}

export function addFigures (into: QualityFigures, from: QualityFigures): void {
  for (const k of Object.keys(into) as Array<keyof QualityFigures>) into[k] += from[k]
}

/** Adds one mapped message's figures (computed once, by the assessment: `AssessedMessage.facts`). */
export function addMessage (into: QualityFigures, q: Quality): void {
  into.messages++
  into.travellers += q.travellers
  for (const [k] of TRAVELLER_FIELDS) into[k] += q[k]
  if (q.type === 'PNRGOV') {
    into.pnrs += q.pnrs
    into.cancelledPnrs += q.cancelledPnrs
    into.pnrsWithAllDocs += q.pnrsWithAllDocs
  }
}

/** "97.5% (39 of 40)"; "–" when there is nothing to count. */
export function share (n: number, of: number): string {
  if (of === 0) return '–'
  const pct = Math.round((n / of) * 1000) / 10
  return `${pct}% (${n} of ${of})`
}

/** One message's place in a multi-part series (UNH 0068 / S010, ISO 9735-1). */
export interface PartRecord {
  /** Type + common access reference; a message without one is its own series. */
  key: string
  sequence: number | null
  final: boolean | null
}

/**
 * Series completeness over all files (parts of one manifest usually arrive as separate
 * interchanges). A series is complete when its final part (S010 0073 = F) is there and every
 * sequence number from 1 to the final one is present. A message without S010, or a lone part 1
 * without C/F, is a complete single message (UNH S010 0070/0073 as carriers send it: `01:F`, `01` alone, or no S010).
 */
export function partSeries (parts: readonly PartRecord[]): { total: number, complete: number, incomplete: number } {
  const byKey = new Map<string, PartRecord[]>()
  for (const p of parts) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p])
  let complete = 0
  for (const list of byKey.values()) if (seriesComplete(list)) complete++
  return { total: byKey.size, complete, incomplete: byKey.size - complete }
}

export function seriesComplete (list: readonly PartRecord[]): boolean {
  if (list.length === 1) {
    const only = list[0]
    if (only.sequence === null) return true
    if (only.sequence === 1 && only.final !== false) return true
  }
  if (list.some(p => p.sequence === null)) return false
  const last = list.find(p => p.final === true)
  if (last === undefined || last.sequence === null) return false
  const seen = new Set(list.map(p => p.sequence))
  for (let i = 1; i <= last.sequence; i++) if (!seen.has(i)) return false
  return true
}
