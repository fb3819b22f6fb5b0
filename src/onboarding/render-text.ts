/**
 * The conformance report for the terminal. Same content and order as the JSON and HTML forms
 * (docs/onboarding.md "Certify"): the files that need fixing with the first fix each, the agreement
 * parameters to match, then per file the findings and the ack, then data-quality figures (counts only).
 */
import type { AgreementParameters, ConformanceReport, FileReport, FixItem, ReportFinding } from './report.js'
import { TRAVELLER_FIELDS, share, type QualityFigures } from './quality.js'
import { groupFindings } from './explain.js'
import { sensitiveLines } from '../messages/pnrgov/sensitive-report.js'

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
    if (f.expected !== undefined) out.push(`         expected: ${f.expected}`)
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
    const test = i.test ? ', TEST indicator' : ''
    out.push(`  interchange: ${i.syntax}, sender ${i.sender}, recipient ${i.recipient}, reference ${i.reference}${test}`)
  }
  if (f.stripped.length > 0) out.push(`  transport material removed: ${f.stripped.map(s => `${s.kind} (${s.bytes} bytes)`).join(', ')}`)
  for (const m of f.messages) {
    out.push(`  message ${m.reference}: ${m.type} ${m.version}, ${partText(m.part)}, ${OUTCOME_WORDS[m.outcome] ?? m.outcome}`)
  }
  out.push(...findingLines('errors', f.errors), ...findingLines('warnings', f.warnings))
  if (f.sensitive !== null) out.push(...sensitiveLines(f.sensitive, '  '))
  if (f.ack !== null) {
    out.push(`  ack the carrier would get (${f.ack.kind}, ${f.ack.contentType}):`)
    out.push(...ackLines(f.ack.text).map(l => `    ${l}`))
  } else {
    out.push(`  ${f.ackNote ?? 'no ack'}`)
  }
  if (f.interactive !== null) {
    const decided = f.interactive.decisions.map(d => `${d.position}: ${d.decision}`).join(', ')
    out.push(`  interactive answer in stage testing (POST /v1/interactive; test responder ${decided}):`)
    out.push(...ackLines(f.interactive.cusres).map(l => `    ${l}`))
  }
  out.push('  data quality:', ...qualityLines(f.quality, '    '))
  return out
}

/** "where: what to change" for one file of the summary. */
export function fixText (x: FixItem): string {
  const where = x.position === null ? '' : `[${x.code ?? ''}] ${x.position}: `
  return `${where}${x.fix}${x.more > 0 ? ` (+${x.more} more)` : ''}`
}

function fixLines (list: readonly FixItem[]): string[] {
  if (list.length === 0) return ['Files that need fixing: none']
  const out = [`Files that need fixing (${list.length}):`]
  for (const x of list) out.push(`  ${x.file}: ${OUTCOME_WORDS[x.outcome]}`, `    first fix: ${fixText(x)}`)
  return out
}

/** The agreed values, as name/value pairs; the HTML form shows the same rows. */
export function parameterRows (p: AgreementParameters): Array<[string, string]> {
  return [
    ['stage', p.stage],
    ['UNB sender id (S002), one of', p.senderIds.join(', ')],
    ['UNB recipient id (S003), one of', p.receiverIds.join(', ')],
    ...p.messages.map((m): [string, string] => [`${m.type} versions (UNH S009)`, `${m.versions.join(', ')}; ack ${m.ack}`]),
    ['acks sent', p.ackWhen],
    ['UNB test indicator (0035)', p.acceptTest ? 'accepted' : 'not accepted'],
    ['maximum age of UNB date/time', p.maxAgeHours === null ? 'none' : `${p.maxAgeHours} h`],
    ['channels', p.channels.join(', ')]
  ]
}

export function renderText (r: ConformanceReport): string {
  const s = r.summary
  const rows = parameterRows(r.agreement)
  const width = Math.max(...rows.map(([k]) => k.length))
  const out = [
    `Conformance report for ${r.carrier.code} (${r.carrier.name}), stage ${r.carrier.stage}; generated ${r.generatedAt}`,
    `Report ${r.id}`,
    `${s.files} file${s.files === 1 ? '' : 's'}: ${s.accepted} accepted, ${s.acceptedWithWarnings} accepted with warnings, ` +
      `${s.rejected} rejected: ${s.passed ? 'PASSED' : 'NOT PASSED'}`,
    '',
    ...fixLines(r.toFix),
    '',
    'Agreement parameters the interchanges must match:',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    ''
  ]
  r.files.forEach((f, i) => out.push(...fileLines(f, i + 1), ''))
  out.push('Data quality over all files:', ...qualityLines(r.quality, '  '))
  const ser = r.quality.series
  out.push(`  message series (multi-part manifests): ${ser.total}, complete ${ser.complete}, incomplete ${ser.incomplete}`)
  return out.join('\n') + '\n'
}
