/**
 * The scorecard as text (terminal), CSV (spreadsheet) and one self-contained HTML page with small
 * inline SVG charts an officer can attach to a letter to the carrier: inline style, no script, no
 * external resource (a Content-Security-Policy meta forbids loading any). Everything interpolated is
 * HTML-escaped (src/http/html.ts); the scorecard holds counts, rates, codes and flight ids only.
 */
import { escapeHtml as esc } from '../http/html.js'
import { DUE_TYPES } from './evaluate.js'
import { QUALITY_FIELDS, type QualityFigures, type Scorecard } from './scorecard.js'

const FIELD_WORDS: Readonly<Record<string, string>> = {
  documentNumber: 'document number',
  documentExpiry: 'document expiry',
  birthDate: 'date of birth',
  nationality: 'nationality',
  gender: 'gender'
}

function pct (r: number | null): string {
  return r === null ? '—' : `${(r * 100).toFixed(1)} %`
}

// ── text ──────────────────────────────────────────────────────────────────────────────────────

export function scorecardText (s: Scorecard): string {
  const p = s.pushes
  const lines = [
    `Scorecard ${s.carrier}${s.name !== null ? ` (${s.name})` : ''}, flights ${s.from} to ${s.to}`,
    `  flights:        ${s.flights}`,
    `  pushes due:     ${p.due}  on time ${p.onTime}  late ${p.late}  missing ${p.missing}  pending ${p.pending}` +
      `  (on time ${pct(p.onTimeRate)})`,
    `  series:         ${s.series.total}  complete ${s.series.complete}  incomplete ${s.series.incomplete}  pending ${s.series.pending}`,
    `  transmissions:  ${s.transmissions.total}  accepted ${pct(s.transmissions.acceptanceRate)}` +
      `  rejected ${pct(s.transmissions.rejectionRate)}${s.transmissions.truncated ? ' (newest only)' : ''}`
  ]
  for (const c of s.transmissions.rejectionsByCode) {
    lines.push(`    code ${c.code} ${c.meaning}: ${c.transmissions} (${pct(c.rate)})`)
  }
  for (const family of ['PAXLST', 'PNRGOV'] as const) {
    const q = s.quality[family]
    if (q.messages === 0) continue
    lines.push(`  ${family} field completeness over ${q.travellers} travellers in ${q.messages} messages:`)
    for (const f of QUALITY_FIELDS) lines.push(`    ${FIELD_WORDS[f]}: ${pct(q.fields[f].rate)}`)
  }
  if (s.weakFlights.length > 0) {
    lines.push('  flights that pulled the figures down:')
    for (const w of s.weakFlights) lines.push(`    ${s.carrier}${w.number} ${w.date}: ${w.problems.join(', ')}`)
  }
  return lines.join('\n') + '\n'
}

// ── CSV ───────────────────────────────────────────────────────────────────────────────────────

/** RFC 4180 field: quoted when it holds a separator, quote or line break; a leading =+-@ is defused for spreadsheets. */
function csvField (v: string | number | null): string {
  if (v === null) return ''
  let t = String(v)
  if (typeof v === 'string' && /^[=+\-@]/.test(t)) t = `'${t}`
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t
}

/** One figure per row: `section,item,measure,value`. */
export function scorecardCsv (s: Scorecard): string {
  const rows: Array<Array<string | number | null>> = [['section', 'item', 'measure', 'value']]
  const add = (section: string, item: string, measure: string, value: string | number | null): void => {
    rows.push([section, item, measure, value])
  }
  add('period', s.carrier, 'from', s.from)
  add('period', s.carrier, 'to', s.to)
  add('flights', 'all', 'count', s.flights)
  for (const m of ['due', 'onTime', 'late', 'missing', 'pending'] as const) add('pushes', 'all', m, s.pushes[m])
  add('pushes', 'all', 'onTimeRate', s.pushes.onTimeRate)
  for (const t of DUE_TYPES) {
    const b = s.pushes.byType[t]
    if (b.due === 0) continue
    for (const m of ['due', 'onTime', 'late', 'missing', 'pending'] as const) add('pushes', t, m, b[m])
  }
  for (const m of ['total', 'complete', 'incomplete', 'pending', 'completeRate'] as const) add('series', 'all', m, s.series[m])
  const t = s.transmissions
  const measures = [
    'total', 'accepted', 'acceptedWithWarnings', 'duplicate', 'rejected', 'retry', 'acceptanceRate', 'rejectionRate'
  ] as const
  for (const m of measures) {
    add('transmissions', 'all', m, t[m])
  }
  for (const c of t.rejectionsByCode) {
    add('rejections', String(c.code), 'transmissions', c.transmissions)
    add('rejections', String(c.code), 'rate', c.rate)
  }
  for (const family of ['PAXLST', 'PNRGOV'] as const) {
    const q = s.quality[family]
    add('quality', family, 'travellers', q.travellers)
    for (const f of QUALITY_FIELDS) add('quality', `${family} ${f}`, 'rate', q.fields[f].rate)
  }
  for (const w of s.weakFlights) add('weak flight', `${s.carrier}${w.number} ${w.date}`, 'problems', w.problems.join('; '))
  return rows.map(r => r.map(csvField).join(',')).join('\r\n') + '\r\n'
}

// ── HTML ──────────────────────────────────────────────────────────────────────────────────────

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#1b1f24}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ccd}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f1f3f7}td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#5b6370}
svg text{font:12px system-ui,sans-serif;fill:#1b1f24}`

const TYPE_HEAD = '<tr><th>type</th><th>due</th><th>on time</th><th>late</th><th>missing</th><th>pending</th></tr>'
const COLOURS = { onTime: '#2da44e', late: '#d4a72c', missing: '#cf222e', pending: '#afb8c1' } as const

/** One horizontal stacked bar: on time, late, missing, pending. */
function pushBar (s: Scorecard): string {
  const p = s.pushes
  const width = 480
  if (p.due === 0) return '<p class="muted">No push was due in this period (the agreement lists no <code>schedule</code>).</p>'
  let x = 0
  const parts = (['onTime', 'late', 'missing', 'pending'] as const).map(k => {
    const w = (p[k] / p.due) * width
    const rect = w > 0
      ? `<rect x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="22" fill="${COLOURS[k]}"><title>${k} ${p[k]}</title></rect>`
      : ''
    x += w
    return rect
  }).join('')
  const legend = (['onTime', 'late', 'missing', 'pending'] as const).map((k, i) =>
    `<rect x="${i * 120}" y="30" width="10" height="10" fill="${COLOURS[k]}"/>` +
    `<text x="${i * 120 + 14}" y="39">${k === 'onTime' ? 'on time' : k} ${p[k]}</text>`
  ).join('')
  return `<svg id="chart-pushes" role="img" aria-label="pushes due: on time, late, missing, pending" width="${width}" height="46" ` +
    `viewBox="0 0 ${width} 46">${parts}${legend}</svg>`
}

/** Horizontal bars of rates (0–100 %), one per label. */
function rateBars (id: string, label: string, rows: Array<{ name: string, rate: number | null }>): string {
  const width = 480
  const bar = 300
  const h = 20
  const body = rows.map((r, i) => {
    const y = i * h
    const w = r.rate === null ? 0 : r.rate * bar
    return `<text x="0" y="${y + 14}">${esc(r.name)}</text>` +
      `<rect x="150" y="${y + 3}" width="${bar}" height="${h - 6}" fill="#eaeef2"/>` +
      `<rect x="150" y="${y + 3}" width="${w.toFixed(1)}" height="${h - 6}" fill="#0969da"/>` +
      `<text x="${150 + bar + 6}" y="${y + 14}">${esc(pct(r.rate))}</text>`
  }).join('')
  return `<svg id="${esc(id)}" role="img" aria-label="${esc(label)}" width="${width}" height="${rows.length * h}" ` +
    `viewBox="0 0 ${width} ${rows.length * h}">${body}</svg>`
}

function qualitySection (family: string, q: QualityFigures): string {
  if (q.messages === 0) return `<p class="muted">No accepted ${esc(family)} message in this period.</p>`
  const rows = QUALITY_FIELDS.map(f => ({ name: FIELD_WORDS[f], rate: q.fields[f].rate }))
  return `<p>${q.travellers} travellers in ${q.messages} accepted messages.</p>` +
    rateBars(`chart-quality-${family}`, `${family} field completeness`, rows)
}

function row (cells: Array<string | number>): string {
  return `<tr>${cells.map((c, i) => i === 0 ? `<th>${esc(c)}</th>` : `<td class="n">${esc(c)}</td>`).join('')}</tr>`
}

export function scorecardHtml (s: Scorecard): string {
  const p = s.pushes
  const t = s.transmissions
  const byType = DUE_TYPES.filter(k => p.byType[k].due > 0).map(k => {
    const b = p.byType[k]
    return row([k, b.due, b.onTime, b.late, b.missing, b.pending])
  }).join('')
  const codes = t.rejectionsByCode.length === 0
    ? '<p class="muted">No rejected transmission.</p>'
    : `<table id="rejections"><tr><th>CONTRL code</th><th>meaning</th><th>transmissions</th><th>share</th></tr>${
      t.rejectionsByCode.map(c => `<tr><td class="n">${c.code}</td><td>${esc(c.meaning)}</td><td class="n">${c.transmissions}</td>` +
        `<td class="n">${esc(pct(c.rate))}</td></tr>`).join('')}</table>`
  const weak = s.weakFlights.length === 0
    ? '<p class="muted">None.</p>'
    : `<table id="weak-flights"><tr><th>flight</th><th>date</th><th>what went wrong</th></tr>${
      s.weakFlights.map(w => `<tr><td>${esc(s.carrier + w.number)}</td><td>${esc(w.date)}</td><td>${esc(w.problems.join('; '))}</td></tr>`)
        .join('')}</table>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Scorecard ${esc(s.carrier)} ${esc(s.from)} to ${esc(s.to)}</title><style>${STYLE}</style></head>
<body>
<h1>Carrier scorecard: ${esc(s.carrier)}${s.name !== null ? ` — ${esc(s.name)}` : ''}</h1>
<p class="muted">Flights scheduled ${esc(s.from)} to ${esc(s.to)} (UTC dates) · generated ${esc(s.generatedAt)}</p>
<h2>Pushes due</h2>
<table id="summary">${row(['flights', s.flights])}${row(['pushes due', p.due])}${row(['on time', p.onTime])}${row(['late', p.late])}${
  row(['missing', p.missing])}${row(['pending', p.pending])}${row(['on-time rate', pct(p.onTimeRate)])}</table>
${pushBar(s)}
${byType === '' ? '' : `<table id="by-type">${TYPE_HEAD}${byType}</table>`}
<h2>Multi-part series</h2>
<table id="series">${row(['series', s.series.total])}${row(['complete', s.series.complete])}${row(['incomplete', s.series.incomplete])}${
  row(['pending', s.series.pending])}</table>
<h2>Acceptance</h2>
<table id="acceptance">${row(['transmissions', t.total])}${row(['accepted (with warnings)', `${t.accepted} (${t.acceptedWithWarnings})`])}${
  row(['rejected', t.rejected])}${row(['acceptance rate', pct(t.acceptanceRate)])}${row(['rejection rate', pct(t.rejectionRate)])}</table>
${codes}
<h2>Data quality</h2>
<h3>PAXLST</h3>
${qualitySection('PAXLST', s.quality.PAXLST)}
<h3>PNRGOV</h3>
${qualitySection('PNRGOV', s.quality.PNRGOV)}
<h2>Flights that pulled the figures down</h2>
${weak}
<p class="muted">Counts and rates only; no passenger data. How each figure is computed: docs/flights.md "The scorecard".</p>
</body></html>
`
}
