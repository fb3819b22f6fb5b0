/**
 * The conformance report as one self-contained HTML page (`certify --html OUT`), for an officer to
 * mail to the carrier: inline style, no script, no external resource (a Content-Security-Policy
 * meta forbids loading any). Everything interpolated is HTML-escaped; the report itself holds only
 * counts, codes, positions and envelope ids (invariant 4).
 */
import type { ConformanceReport, FileReport, FixItem, ReportFinding } from './report.js'
import { TRAVELLER_FIELDS, share, type QualityFigures } from './quality.js'
import { OUTCOME_WORDS, ackLines, parameterRows, partText } from './render-text.js'
import { groupFindings } from './explain.js'
import { escapeHtml } from '../http/html.js'

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#1b1f24}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccd}h3{font-size:1em}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f1f3f7}td.n{text-align:right;font-variant-numeric:tabular-nums}
.accepted{color:#11703a}.accepted_with_warnings{color:#8a5a00}.rejected{color:#b3261e;font-weight:600}
.verdict{font-size:1.1em;padding:.5em .8em;border-radius:4px;display:inline-block}
.pass{background:#e3f4ea}.fail{background:#fbe5e3}
pre{background:#f6f8fa;border:1px solid #dde;padding:.6em;overflow-x:auto;font-size:12px}
.muted{color:#5b6370}`

function outcome (o: string): string {
  return `<span class="${escapeHtml(o)}">${escapeHtml(OUTCOME_WORDS[o] ?? o)}</span>`
}

function qualityTable (q: QualityFigures): string {
  const rows = [`<tr><th>messages with readable content</th><td class="n">${q.messages}</td></tr>`, `<tr><th>travellers</th><td class="n">${q.travellers}</td></tr>`]
  for (const [k, label] of TRAVELLER_FIELDS) rows.push(`<tr><th>with ${escapeHtml(label)}</th><td class="n">${escapeHtml(share(q[k], q.travellers))}</td></tr>`)
  if (q.pnrs > 0) {
    rows.push(`<tr><th>PNRs</th><td class="n">${q.pnrs}${q.cancelledPnrs > 0 ? ` (${q.cancelledPnrs} cancelled)` : ''}</td></tr>`)
    rows.push(`<tr><th>PNRs with SSR DOCS for every traveller</th><td class="n">${escapeHtml(share(q.pnrsWithAllDocs, q.pnrs - q.cancelledPnrs))}</td></tr>`)
  }
  return `<table>${rows.join('')}</table>`
}

function findingsTable (title: string, list: readonly ReportFinding[]): string {
  if (list.length === 0) return `<h3>${escapeHtml(title)}: none</h3>`
  const rows = groupFindings(list).map(({ first: f, position, count }) => `<tr><td class="n">${escapeHtml(f.code)}</td><td>${escapeHtml(position)}</td><td>${escapeHtml(f.text)}${count > 1 ? ` (&times;${count})` : ''}${f.expected !== undefined ? `<br>expected: <code>${escapeHtml(f.expected)}</code>` : ''}</td><td>${escapeHtml(f.meaning)}<br><span class="muted">${escapeHtml(f.advice)}</span></td><td class="muted">${escapeHtml(f.id)}</td></tr>`)
  return `<h3>${escapeHtml(title)} (${list.length})</h3><table><tr><th>code</th><th>position</th><th>finding</th><th>what the code means</th><th>id</th></tr>${rows.join('')}</table>`
}

function fileSection (f: FileReport, n: number): string {
  const parts: string[] = [`<h2>File ${n}: ${escapeHtml(f.file)} &mdash; ${outcome(f.outcome)}</h2>`, `<p class="muted">${f.bytes} bytes</p>`]
  if (f.refusal !== null) parts.push(`<p class="rejected">Refused at the transport: HTTP ${escapeHtml(f.refusal.status)}, ${escapeHtml(f.refusal.text)} (${escapeHtml(f.refusal.id)}). No acknowledgement can be built.</p>`)
  if (f.interchange !== null) {
    const i = f.interchange
    parts.push(`<table><tr><th>syntax</th><th>UNB sender</th><th>UNB recipient</th><th>interchange reference</th><th>test indicator</th></tr><tr><td>${escapeHtml(i.syntax)}</td><td>${escapeHtml(i.sender)}</td><td>${escapeHtml(i.recipient)}</td><td>${escapeHtml(i.reference)}</td><td>${i.test ? 'yes' : 'no'}</td></tr></table>`)
  }
  if (f.stripped.length > 0) parts.push(`<p>Transport material removed before parsing: ${escapeHtml(f.stripped.map(s => `${s.kind} (${s.bytes} bytes)`).join(', '))}</p>`)
  if (f.messages.length > 0) {
    parts.push(`<table><tr><th>message</th><th>type</th><th>version</th><th>part</th><th>outcome</th></tr>${f.messages.map(m =>
      `<tr><td>${escapeHtml(m.reference)}</td><td>${escapeHtml(m.type)}</td><td>${escapeHtml(m.version)}</td><td>${escapeHtml(partText(m.part))}</td><td>${outcome(m.outcome)}</td></tr>`).join('')}</table>`)
  }
  parts.push(findingsTable('Errors', f.errors), findingsTable('Warnings', f.warnings))
  parts.push(f.ack !== null
    ? `<h3>Acknowledgement the carrier would get (${escapeHtml(f.ack.kind)})</h3><pre>${escapeHtml(ackLines(f.ack.text).join('\n'))}</pre>`
    : `<h3>Acknowledgement</h3><p>${escapeHtml(f.ackNote ?? 'none')}</p>`)
  parts.push('<h3>Data quality</h3>', qualityTable(f.quality))
  return `<section id="file-${n}">${parts.join('\n')}</section>`
}

function fixTable (list: readonly FixItem[], files: readonly FileReport[]): string {
  if (list.length === 0) return '<h2>Files that need fixing: none</h2>'
  const rows = list.map(x => {
    const n = files.findIndex(f => f.file === x.file) + 1
    const where = x.position === null ? '' : `[${escapeHtml(x.code)}] ${escapeHtml(x.position)}: `
    return `<tr><td>${escapeHtml(x.file)}</td><td>${outcome(x.outcome)}</td><td>${where}${escapeHtml(x.fix)}${x.more > 0 ? ` <span class="muted">(+${x.more} more, see file ${n})</span>` : ''}</td></tr>`
  })
  return `<h2>Files that need fixing (${list.length})</h2><table><tr><th>file</th><th>outcome</th><th>first fix</th></tr>${rows.join('')}</table>`
}

export function renderHtml (r: ConformanceReport): string {
  const s = r.summary
  const ser = r.quality.series
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conformance report ${escapeHtml(r.carrier.code)}</title><style>${STYLE}</style></head><body>
<h1>Conformance report: ${escapeHtml(r.carrier.code)} ${escapeHtml(r.carrier.name)}</h1>
<p class="muted">Report <strong>${escapeHtml(r.id)}</strong>; agreement stage ${escapeHtml(r.carrier.stage)}; generated ${escapeHtml(r.generatedAt)} by carrier-gateway certify. The report holds counts, codes and positions only, no passenger data.</p>
<p class="verdict ${s.passed ? 'pass' : 'fail'}">${s.passed ? 'PASSED' : 'NOT PASSED'}: ${s.files} file${s.files === 1 ? '' : 's'}, ${s.accepted} accepted, ${s.acceptedWithWarnings} accepted with warnings, ${s.rejected} rejected</p>
${fixTable(r.toFix, r.files)}
<h2>Agreement parameters the interchanges must match</h2>
<table>${parameterRows(r.agreement).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
${r.files.map((f, i) => fileSection(f, i + 1)).join('\n')}
<h2>Data quality over all files</h2>
${qualityTable(r.quality)}
<table><tr><th>message series (multi-part manifests)</th><td class="n">${ser.total}</td></tr><tr><th>complete (final part and no gap)</th><td class="n">${ser.complete}</td></tr><tr><th>incomplete</th><td class="n">${ser.incomplete}</td></tr></table>
</body></html>
`
}
