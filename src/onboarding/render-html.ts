/**
 * The conformance report as one self-contained HTML page (`certify --html OUT`), for an officer to
 * mail to the carrier: inline style, no script, no external resource (a Content-Security-Policy
 * meta forbids loading any). Everything interpolated is HTML-escaped; the report itself holds only
 * counts, codes, positions and envelope ids (invariant 4). The order is the text form's
 * (docs/onboarding.md "3. Certification"): files to fix, agreement parameters, files, figures.
 */
import type { ConformanceReport, FileReport, FixItem, ReportFinding } from './report.js'
import { TRAVELLER_FIELDS, share, type QualityFigures } from './quality.js'
import { OUTCOME_WORDS, ackLines, parameterRows, partText } from './render-text.js'
import { groupFindings } from './explain.js'
import { escapeHtml as esc } from '../http/html.js'

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
  return `<span class="${esc(o)}">${esc(OUTCOME_WORDS[o] ?? o)}</span>`
}

/** A table row from cells that are already HTML. */
function tr (cells: readonly string[], tag = 'td'): string {
  return `<tr>${cells.map(c => `<${tag}>${c}</${tag}>`).join('')}</tr>`
}

/** A name/number row: `<tr><th>name</th><td class="n">value</td></tr>`. */
function figure (name: string, value: string | number): string {
  return `<tr><th>${esc(name)}</th><td class="n">${esc(value)}</td></tr>`
}

function qualityTable (q: QualityFigures): string {
  const rows = [figure('messages with readable content', q.messages), figure('travellers', q.travellers)]
  for (const [k, label] of TRAVELLER_FIELDS) rows.push(figure(`with ${label}`, share(q[k], q.travellers)))
  if (q.pnrs > 0) {
    rows.push(figure('PNRs', `${q.pnrs}${q.cancelledPnrs > 0 ? ` (${q.cancelledPnrs} cancelled)` : ''}`))
    rows.push(figure('PNRs with SSR DOCS for every traveller', share(q.pnrsWithAllDocs, q.pnrs - q.cancelledPnrs)))
  }
  return `<table>${rows.join('')}</table>`
}

function findingRow (f: ReportFinding, position: string, count: number): string {
  const times = count > 1 ? ` (&times;${count})` : ''
  const expected = f.expected !== undefined ? `<br>expected: <code>${esc(f.expected)}</code>` : ''
  return `<tr><td class="n">${esc(f.code)}</td><td>${esc(position)}</td><td>${esc(f.text)}${times}${expected}</td>` +
    `<td>${esc(f.meaning)}<br><span class="muted">${esc(f.advice)}</span></td><td class="muted">${esc(f.id)}</td></tr>`
}

function findingsTable (title: string, list: readonly ReportFinding[]): string {
  if (list.length === 0) return `<h3>${esc(title)}: none</h3>`
  const rows = groupFindings(list).map(({ first, position, count }) => findingRow(first, position, count))
  const head = tr(['code', 'position', 'finding', 'what the code means', 'id'], 'th')
  return `<h3>${esc(title)} (${list.length})</h3><table>${head}${rows.join('')}</table>`
}

function fileSection (f: FileReport, n: number): string {
  const parts: string[] = [`<h2>File ${n}: ${esc(f.file)} &mdash; ${outcome(f.outcome)}</h2>`, `<p class="muted">${f.bytes} bytes</p>`]
  if (f.refusal !== null) {
    const r = f.refusal
    parts.push(`<p class="rejected">Refused at the transport: HTTP ${esc(r.status)}, ${esc(r.text)} (${esc(r.id)}). ` +
      'No acknowledgement can be built.</p>')
  }
  if (f.interchange !== null) {
    const i = f.interchange
    parts.push(`<table>${tr(['syntax', 'UNB sender', 'UNB recipient', 'interchange reference', 'test indicator'], 'th')}` +
      `${tr([esc(i.syntax), esc(i.sender), esc(i.recipient), esc(i.reference), i.test ? 'yes' : 'no'])}</table>`)
  }
  if (f.stripped.length > 0) {
    parts.push(`<p>Transport material removed before parsing: ${esc(f.stripped.map(s => `${s.kind} (${s.bytes} bytes)`).join(', '))}</p>`)
  }
  if (f.messages.length > 0) {
    const rows = f.messages.map(m => tr([esc(m.reference), esc(m.type), esc(m.version), esc(partText(m.part)), outcome(m.outcome)]))
    parts.push(`<table>${tr(['message', 'type', 'version', 'part', 'outcome'], 'th')}${rows.join('')}</table>`)
  }
  parts.push(findingsTable('Errors', f.errors), findingsTable('Warnings', f.warnings))
  parts.push(f.ack !== null
    ? `<h3>Acknowledgement the carrier would get (${esc(f.ack.kind)})</h3><pre>${esc(ackLines(f.ack.text).join('\n'))}</pre>`
    : `<h3>Acknowledgement</h3><p>${esc(f.ackNote ?? 'none')}</p>`)
  if (f.sensitive !== null) {
    // The count only: this file is mailed; positions and codes are on the officer's terminal (docs/sensitive-data.md).
    const s = f.sensitive
    parts.push(`<h3>Sensitive data removed before forwarding</h3><p>${s.removed} element(s), list ${esc(s.listVersion)}</p>`)
  }
  if (f.interactive !== null) {
    parts.push(`<h3>Interactive answer in stage testing (test responder)</h3><pre>${esc(ackLines(f.interactive.cusres).join('\n'))}</pre>`)
  }
  parts.push('<h3>Data quality</h3>', qualityTable(f.quality))
  return `<section id="file-${n}">${parts.join('\n')}</section>`
}

function fixTable (list: readonly FixItem[], files: readonly FileReport[]): string {
  if (list.length === 0) return '<h2>Files that need fixing: none</h2>'
  const rows = list.map(x => {
    const n = files.findIndex(f => f.file === x.file) + 1
    const where = x.position === null ? '' : `[${esc(x.code)}] ${esc(x.position)}: `
    const more = x.more > 0 ? ` <span class="muted">(+${x.more} more, see file ${n})</span>` : ''
    return tr([esc(x.file), outcome(x.outcome), `${where}${esc(x.fix)}${more}`])
  })
  return `<h2>Files that need fixing (${list.length})</h2><table>${tr(['file', 'outcome', 'first fix'], 'th')}${rows.join('')}</table>`
}

export function renderHtml (r: ConformanceReport): string {
  const s = r.summary
  const ser = r.quality.series
  const verdict = `${s.passed ? 'PASSED' : 'NOT PASSED'}: ${s.files} file${s.files === 1 ? '' : 's'}, ${s.accepted} accepted, ` +
    `${s.acceptedWithWarnings} accepted with warnings, ${s.rejected} rejected`
  const parameters = parameterRows(r.agreement).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')
  const series = figure('message series (multi-part manifests)', ser.total) + figure('complete (final part and no gap)', ser.complete) +
    figure('incomplete', ser.incomplete)
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conformance report ${esc(r.carrier.code)}</title><style>${STYLE}</style></head><body>
<h1>Conformance report: ${esc(r.carrier.code)} ${esc(r.carrier.name)}</h1>
<p class="muted">Report <strong>${esc(r.id)}</strong>; agreement stage ${esc(r.carrier.stage)}; generated ${esc(r.generatedAt)}
by carrier-gateway certify. The report holds counts, codes and positions only, no passenger data.</p>
<p class="verdict ${s.passed ? 'pass' : 'fail'}">${verdict}</p>
${fixTable(r.toFix, r.files)}
<h2>Agreement parameters the interchanges must match</h2>
<table>${parameters}</table>
${r.files.map((f, i) => fileSection(f, i + 1)).join('\n')}
<h2>Data quality over all files</h2>
${qualityTable(r.quality)}
<table>${series}</table>
</body></html>
`
}
