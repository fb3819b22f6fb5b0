/**
 * A carrier's scorecard for a period (docs/flights.md "The scorecard"): its flights, the pushes due
 * and how they came (on time, late, missing), the multi-part series, acceptance and rejection rates
 * by CONTRL code (ISO 9735 0085), the data-quality field rates (the PIU-side mirror of the
 * manifest sufficiency rates an agreement may set), and the flights that pulled the figures down.
 * Counts, rates, codes and flight ids only: nothing of a traveller (invariant 4).
 */
import type { AgreementSet } from '../agreements/store.js'
import type { FieldCounts, Ledger, LedgerRow, StoredFlight } from '../ledger/index.js'
import { explainCode } from '../onboarding/explain.js'
import { DUE_TYPES, type DueType } from './evaluate.js'
import { evaluateStored } from './view.js'

export interface PushFigures { due: number, onTime: number, late: number, missing: number, pending: number }

export const QUALITY_FIELDS = ['documentNumber', 'documentExpiry', 'birthDate', 'nationality', 'gender'] as const
export type QualityField = typeof QUALITY_FIELDS[number]

export interface QualityFigures {
  messages: number
  travellers: number
  fields: Record<QualityField, { count: number, rate: number | null }>
}

export interface WeakFlight {
  number: string
  date: string
  missing: number
  late: number
  incompleteSeries: number
  rejected: number
  /** Short words on what went wrong: `pnr -24h missing`, `series incomplete`, `2 rejected`. */
  problems: string[]
}

export interface Scorecard {
  carrier: string
  name: string | null
  from: string
  to: string
  generatedAt: string
  flights: number
  pushes: PushFigures & { onTimeRate: number | null, byType: Record<DueType, PushFigures> }
  series: { total: number, complete: number, incomplete: number, pending: number, completeRate: number | null }
  transmissions: {
    total: number
    accepted: number
    acceptedWithWarnings: number
    duplicate: number
    rejected: number
    retry: number
    acceptanceRate: number | null
    rejectionRate: number | null
    /** Rejected transmissions by CONTRL code: a transmission counts once under each code it carries. */
    rejectionsByCode: Array<{ code: number, meaning: string, transmissions: number, rate: number }>
    /** More rows than the scorecard reads: the figures cover the newest ones. */
    truncated: boolean
  }
  quality: { PAXLST: QualityFigures, PNRGOV: QualityFigures }
  /** Flights with a missing or late push, an incomplete series or a rejection, worst first. */
  weakFlights: WeakFlight[]
}

const ROW_LIMIT = 10_000
const WEAK_LIMIT = 20

function ratio (n: number, d: number): number | null {
  return d === 0 ? null : n / d
}

function emptyPushes (): PushFigures {
  return { due: 0, onTime: 0, late: 0, missing: 0, pending: 0 }
}

function emptyQuality (): QualityFigures {
  const fields = Object.fromEntries(QUALITY_FIELDS.map(f => [f, { count: 0, rate: null }])) as QualityFigures['fields']
  return { messages: 0, travellers: 0, fields }
}

function addQuality (q: QualityFigures, c: FieldCounts): void {
  q.messages++
  q.travellers += c.travellers
  for (const f of QUALITY_FIELDS) q.fields[f].count += c[f]
}

function closeQuality (q: QualityFigures): void {
  for (const f of QUALITY_FIELDS) q.fields[f].rate = ratio(q.fields[f].count, q.travellers)
}

function count (p: PushFigures, state: string): void {
  p.due++
  if (state === 'received') p.onTime++
  else if (state === 'late') p.late++
  else if (state === 'missing') p.missing++
  else p.pending++
}

function transmissionFigures (rows: LedgerRow[]): Scorecard['transmissions'] {
  const t = { total: 0, accepted: 0, acceptedWithWarnings: 0, duplicate: 0, rejected: 0, retry: 0 }
  const byCode = new Map<number, number>()
  for (const r of rows) {
    if (r.outcome === null) continue
    t.total++
    if (r.outcome === 'accepted') t.accepted++
    else if (r.outcome === 'accepted_with_warnings') t.acceptedWithWarnings++
    else if (r.outcome === 'duplicate') t.duplicate++
    else if (r.outcome === 'rejected') t.rejected++
    else if (r.outcome === 'retry') t.retry++
    if (r.outcome === 'rejected') for (const c of new Set(r.errorCodes)) byCode.set(c, (byCode.get(c) ?? 0) + 1)
  }
  return {
    ...t,
    acceptanceRate: ratio(t.accepted + t.acceptedWithWarnings, t.total),
    rejectionRate: ratio(t.rejected, t.total),
    rejectionsByCode: [...byCode].sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([code, n]) => ({ code, meaning: explainCode(code).meaning, transmissions: n, rate: n / t.total })),
    truncated: rows.length === ROW_LIMIT
  }
}

export interface ScorecardQuery {
  carrier: string
  /** YYYY-MM-DD, inclusive: flight dates, and receipt dates for the transmission rates. */
  from: string
  to: string
}

export async function buildScorecard (ledger: Ledger, agreements: AgreementSet, q: ScorecardQuery, now: Date): Promise<Scorecard> {
  const flights: StoredFlight[] = await ledger.flights.list({ carrier: q.carrier, from: q.from, to: q.to, limit: ROW_LIMIT })
  const pushes = { ...emptyPushes(), byType: Object.fromEntries(DUE_TYPES.map(t => [t, emptyPushes()])) as Record<DueType, PushFigures> }
  const series = { total: 0, complete: 0, incomplete: 0, pending: 0 }
  const quality = { PAXLST: emptyQuality(), PNRGOV: emptyQuality() }
  const weak: WeakFlight[] = []
  for (const f of flights) {
    const e = evaluateStored(f, agreements, now)
    const w: WeakFlight = { number: f.number, date: f.date, missing: 0, late: 0, incompleteSeries: 0, rejected: 0, problems: [] }
    for (const d of e.due) {
      count(pushes, d.state)
      count(pushes.byType[d.type], d.state)
      if (d.state === 'missing' || d.state === 'late') {
        w[d.state]++
        w.problems.push(`${d.type} ${d.rule} ${d.state}`)
      }
    }
    for (const s of e.series) {
      series.total++
      series[s.state]++
      if (s.state === 'incomplete') {
        w.incompleteSeries++
        w.problems.push(`${s.family} series ${s.parts.length}/${s.final ?? '?'} parts incomplete`)
      }
    }
    for (const t of f.transmissions) {
      if (t.outcome === 'rejected') w.rejected++
      if (t.quality === null || (t.outcome !== 'accepted' && t.outcome !== 'accepted_with_warnings')) continue
      addQuality(t.kind === 'pnr-full' || t.kind === 'pnr-update' ? quality.PNRGOV : quality.PAXLST, t.quality)
    }
    if (w.rejected > 0) w.problems.push(`${w.rejected} rejected`)
    if (w.problems.length > 0) weak.push(w)
  }
  closeQuality(quality.PAXLST)
  closeQuality(quality.PNRGOV)
  const decided = pushes.onTime + pushes.late + pushes.missing
  const since = `${q.from}T00:00:00.000Z`
  const until = `${q.to}T23:59:59.999Z`
  const rows = (await ledger.list({ carrier: q.carrier, since, limit: ROW_LIMIT })).filter(r => r.receivedAt <= until)
  const severity = (w: WeakFlight): number => w.missing * 100 + w.incompleteSeries * 10 + w.late * 5 + w.rejected
  return {
    carrier: q.carrier,
    name: agreements.byCode(q.carrier)?.name ?? null,
    from: q.from,
    to: q.to,
    generatedAt: now.toISOString(),
    flights: flights.length,
    pushes: { ...pushes, onTimeRate: ratio(pushes.onTime, decided) },
    series: { ...series, completeRate: ratio(series.complete, series.complete + series.incomplete) },
    transmissions: transmissionFigures(rows),
    quality,
    weakFlights: weak.sort((a, b) => severity(b) - severity(a) || a.date.localeCompare(b.date) || a.number.localeCompare(b.number))
      .slice(0, WEAK_LIMIT)
  }
}
