/**
 * The conformance report for the terminal. Same content as the JSON and HTML forms: outcomes,
 * the ack, findings by position with their code in words, and data-quality figures (counts only).
 */
import type { ConformanceReport, FileReport, ReportFinding } from './report.js'
import { TRAVELLER_FIELDS, share, type QualityFigures } from './quality.js'
import { groupFindings } from './explain.js'

export const OUTCOME_WORDS: Readonly<Record<string, string>> = {
  accepted: 'accepted',
  accepted_with_warnings: 'accepted with warnings',
  rejected: 'REJECTED'
}

export function partText (part: { sequence: number | null, final: boolean | null }): string {
  if (part.sequence === null) return 'single message'
  return `part ${part.sequence}${part.final === true ? ' (final)' : part.final === false ? '' : ' (no C/F)'}`
}

function findingLines (label: string, list: readonly ReportFinding[]): string[] {
  if (list.length === 0) return [`  ${label}: none`]
  const out = [`  ${label} (${list.length}):`]
  for (const g of groupFindings(list)) {
    const f = g.first
    out.push(`    [${f.code}] ${g.position}: ${f.text}${g.count > 1 ? ` (×${g.count})` : ''}`)
    out.push(`         ${f.code} = ${f.meaning}; ${f.advice} (${f.id})`)
  }
  return out
}

/** Ack text one segment per line, for reading; the carrier receives it as one string. */
export function ackLines (text: string): string[] {
  if (text.trimStart().startsWith('{')) return JSON.stringify(JSON.parse(text), null, 2).split('\n')
  const lines: string[] = []
  let cur = ''
  let released = false
  for (const c of text) {
    if (c === '\r' || c === '\n') continue
    cur += c
    // UNA's own six characters hold the terminator; after that a `'` ends a segment unless released.
    const inUna = cur.startsWith('UNA') && cur.length <= 9
    if ((inUna && cur.length === 9) || (!inUna && !released && c === "'")) { lines.push(cur); cur = ''; continue }
    released = !inUna && !released && c === '?'
  }
  if (cur !== '') lines.push(cur)
  return lines
}

export function qualityLines (q: QualityFigures, indent: string): string[] {
  const out = [`${indent}messages with readable content: ${q.messages}`, `${indent}travellers: ${q.travellers}`]
  for (const [k, label] of TRAVELLER_FIELDS) out.push(`${indent}  with ${label}: ${share(q[k], q.travellers)}`)
  if (q.pnrs > 0) {
    out.push(`${indent}PNRs: ${q.pnrs}${q.cancelledPnrs > 0 ? ` (${q.cancelledPnrs} cancelled)` : ''}`)
    out.push(`${indent}  with SSR DOCS for every traveller: ${share(q.pnrsWithAllDocs, q.pnrs - q.cancelledPnrs)}`)
  }
  return out
}

function fileLines (f: FileReport, n: number): string[] {
  const out = [`File ${n}: ${f.file} (${f.bytes} bytes): ${OUTCOME_WORDS[f.outcome]}`]
  if (f.refusal !== null) out.push(`  refused at the transport: HTTP ${f.refusal.status}, ${f.refusal.text} (${f.refusal.id})`)
  if (f.interchange !== null) {
    const i = f.interchange
    out.push(`  interchange: ${i.syntax}, sender ${i.sender}, recipient ${i.recipient}, reference ${i.reference}${i.test ? ', TEST indicator' : ''}`)
  }
  if (f.stripped.length > 0) out.push(`  transport material removed: ${f.stripped.map(s => `${s.kind} (${s.bytes} bytes)`).join(', ')}`)
  for (const m of f.messages) out.push(`  message ${m.reference}: ${m.type} ${m.version}, ${partText(m.part)}, ${OUTCOME_WORDS[m.outcome] ?? m.outcome}`)
  out.push(...findingLines('errors', f.errors), ...findingLines('warnings', f.warnings))
  out.push('  data quality:', ...qualityLines(f.quality, '    '))
  if (f.ack !== null) {
    out.push(`  ack the carrier would get (${f.ack.kind}, ${f.ack.contentType}):`)
    out.push(...ackLines(f.ack.text).map(l => `    ${l}`))
  } else {
    out.push(`  ${f.ackNote ?? 'no ack'}`)
  }
  return out
}

export function renderText (r: ConformanceReport): string {
  const s = r.summary
  const out = [
    `Conformance report for ${r.carrier.code} (${r.carrier.name}), stage ${r.carrier.stage}; generated ${r.generatedAt}`,
    `${s.files} file${s.files === 1 ? '' : 's'}: ${s.accepted} accepted, ${s.acceptedWithWarnings} accepted with warnings, ${s.rejected} rejected: ${s.passed ? 'PASSED' : 'NOT PASSED'}`,
    ''
  ]
  r.files.forEach((f, i) => out.push(...fileLines(f, i + 1), ''))
  out.push('Data quality over all files:', ...qualityLines(r.quality, '  '))
  const ser = r.quality.series
  out.push(`  message series (multi-part manifests): ${ser.total}, complete ${ser.complete}, incomplete ${ser.incomplete}`)
  return out.join('\n') + '\n'
}
