/**
 * The status page as HTML (docs/metrics.md "The status page"), rendered on the server from the
 * `GatewayStatus` model of status-page.ts: no script, nothing loaded from elsewhere, every
 * carrier-supplied text escaped.
 */
import { createHash } from 'node:crypto'
import { escapeHtml } from '../http/html.js'
import {
  CERT_WARN_DAYS, OUTCOMES, STATE_WORDS,
  type CarrierState, type CarrierStatus, type GatewayStatus, type RecentFailure, type TrafficSummary
} from './status-model.js'
import { renderFlightBoard } from './flights.js'
import { renderOutboundBoard } from './status-outbound.js'

/** Agreement names and references are carrier-supplied text: always escaped. */
const esc = escapeHtml

function ago (iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (s < 120) return `${s} s ago`
  if (s < 7200) return `${Math.round(s / 60)} min ago`
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`
  return `${Math.round(s / 86_400)} d ago`
}

function bytes (n: number): string {
  return n < 1024 ? `${n} B` : n < 1_048_576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1_048_576).toFixed(1)} MiB`
}

function duration (seconds: number): string {
  const d = Math.floor(seconds / 86_400)
  const h = Math.floor((seconds % 86_400) / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#fff}
h1{font-size:1.3rem;margin:0 0 .2rem}h2{font-size:1.05rem;margin:1.6rem 0 .5rem}
.meta{color:#57606a;margin:0 0 1rem}
.tiles{display:flex;flex-wrap:wrap;gap:.6rem}
.tile{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .8rem;min-width:7.5rem}
.tile b{display:block;font-size:1.4rem}
.tiles h3{flex-basis:100%;font-size:.9rem;margin:.6rem 0 0;color:#57606a}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;white-space:nowrap;border-radius:999px;padding:0 .55rem;font-size:.8rem;font-weight:600;border:1px solid}
.sending,.ok{color:#116329;border-color:#4ac26b;background:#dafbe1}
.failing,.bad{color:#82071e;border-color:#ff8182;background:#ffebe9}
.overdue,.warn{color:#7d4e00;border-color:#d4a72c;background:#fff8c5}
.quiet,.suspended,.waiting,.none{color:#57606a;border-color:#d0d7de;background:#f6f8fa}
small{color:#57606a}code{font-size:.85em;background:#f6f8fa;padding:0 .2em;border-radius:3px}
`
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64')
/** Nothing but the inline style may load: no scripts, images, fonts or connections. */
export const STATUS_PAGE_CSP =
  `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`

function badge (cls: string, text: string): string {
  return `<span class="badge ${cls}">${esc(text)}</span>`
}

function channelCell (c: CarrierStatus): string {
  return c.channels.map(ch => ch.connected === null
    ? esc(ch.name)
    : `${esc(ch.name)} ${badge(ch.connected ? 'ok' : 'bad', ch.connected ? 'connected' : 'disconnected')}`).join('<br>')
}

function lastCell (c: CarrierStatus, type: string, now: number): string {
  const at = c.lastTransmission[type]
  const state = c.expect[type]
  const mark = state === 'overdue'
    ? ` ${badge('overdue', 'overdue')}`
    : state === 'no-traffic-yet' ? ` ${badge('waiting', 'no traffic yet')}` : ''
  if (at === undefined) return `<span class="none">never</span>${mark}`
  return `<time datetime="${esc(at)}" title="${esc(at)}">${esc(ago(at, now))}</time>${mark}`
}

function certCell (c: CarrierStatus): string {
  if (c.certificates.length === 0) return '<span class="none">—</span>'
  return c.certificates.map(cert => {
    const name = esc(cert.label ?? cert.fingerprint)
    if (cert.revoked) return `${name} ${badge('none', 'revoked')}`
    if (cert.daysLeft === null) return `${name} <small>expiry not declared</small>`
    const cls = cert.daysLeft < 0 ? 'bad' : cert.daysLeft < CERT_WARN_DAYS ? 'warn' : 'ok'
    return `${name} ${badge(cls, cert.daysLeft < 0 ? 'expired' : `${cert.daysLeft} days left`)}`
  }).join('<br>')
}

function carrierRow (c: CarrierStatus, now: number): string {
  const n = (k: string): string => `<td class="n" data-outcome="${k}">${c.last24h[k] ?? 0}</td>`
  return `<tr data-carrier="${esc(c.code)}" data-state="${c.state}">` +
    `<td><b>${esc(c.code)}</b><br><small>${esc(c.name)}</small></td>` +
    `<td>${esc(c.stage)}</td><td>${badge(c.state, STATE_WORDS[c.state])}</td><td>${channelCell(c)}</td>` +
    `<td>${lastCell(c, 'PAXLST', now)}</td><td>${lastCell(c, 'PNRGOV', now)}</td>` +
    OUTCOMES.map(n).join('') +
    `<td class="n" data-field="error-rate">${c.errorRate === null ? '—' : `${(c.errorRate * 100).toFixed(1)} %`}</td>` +
    `<td>${certCell(c)}</td></tr>`
}

function tile (label: string, value: string, cls = '', id = ''): string {
  return `<div class="tile ${cls}"${id === '' ? '' : ` data-tile="${id}"`}><b>${esc(value)}</b>${esc(label)}</div>`
}

/** Colour only what needs a look or is good news: a zero is never green, a failing carrier always red. */
function stateTiles (m: TrafficSummary, prefix: string): string {
  const cls: Record<CarrierState, string> = {
    sending: m.sending > 0 ? 'sending' : '',
    failing: m.failing > 0 ? 'failing' : '',
    overdue: m.overdue > 0 ? 'overdue' : '',
    waiting: '',
    quiet: '',
    suspended: ''
  }
  const order: CarrierState[] = ['failing', 'overdue', 'sending', 'waiting', 'quiet', 'suspended']
  return tile('carriers', String(m.carriers), '', `${prefix}carriers`) +
    order.map(st => tile(STATE_WORDS[st], String(m[st]), cls[st], `${prefix}${st}`)).join('')
}

function trafficTiles (m: TrafficSummary, prefix: string): string {
  return tile('transmissions (24 h)', String(m.transmissions24h), '', `${prefix}transmissions`) +
    tile('rejected (24 h)', String(m.rejected24h), m.rejected24h > 0 ? 'warn' : '', `${prefix}rejected`) +
    tile('unidentified sender (24 h)', String(m.unidentified24h), '', `${prefix}unidentified`)
}

function forwardTiles (s: GatewayStatus): string {
  const { forward: f, ledger } = s
  const targets = f.targets.length === 0
    ? tile('forward target', 'not reported', 'none', 'target')
    : f.targets.map(t => tile(`forward target ${t.target}`, t.up ? 'up' : t.blocked ? 'blocked' : 'down', t.up ? 'ok' : 'bad', 'target'))
      .join('')
  const spool = `spool (${bytes(f.spool.bytes)}, oldest ${Math.round(f.spool.oldestAgeSeconds)} s)`
  return targets +
    tile(spool, `${f.spool.files} files`, f.spool.files > 0 ? 'warn' : 'ok', 'spool') +
    tile('awaiting broker confirm', String(f.unconfirmed), '', 'unconfirmed') +
    tile('in flight', String(f.inFlight), '', 'in-flight') + '\n' +
    tile('ledger rows (all outcomes, kept ledger.retentionDays)', String(ledger.rows), '', 'ledger-rows') +
    tile('quarantined, not released (24 h)', String(ledger.quarantined24h), ledger.quarantined24h > 0 ? 'warn' : '', 'quarantined')
}

function failureRow (r: RecentFailure): string {
  const released = r.released === null
    ? ''
    : `<br>${badge('ok', 'released')} <small>${esc(r.released.at)} by ${esc(r.released.by ?? 'unknown')}</small>`
  const open = `<code>GET ${esc(r.open.http)}</code>${r.open.cli === null ? '' : `<br><code>${esc(r.open.cli)}</code>`}${released}`
  return `<tr data-id="${esc(r.id)}"><td><time datetime="${esc(r.receivedAt)}">${esc(r.receivedAt)}</time></td>` +
    `<td>${esc(r.carrier ?? 'unidentified')}${r.test ? ` ${badge('none', 'test')}` : ''}</td>` +
    `<td>${esc(r.channel)}</td><td>${esc(r.type ?? '—')}</td>` +
    `<td>${esc(r.reference ?? '—')}</td><td>${esc(r.outcome ?? '—')}</td><td>${esc(r.errorCodes.join(', ') || '—')}</td>` +
    `<td data-field="findings">${r.findings.map(esc).join('<br>') || '—'}</td>` +
    `<td data-field="open"><small>${esc(r.id)}</small><br>${open}</td></tr>`
}

function failuresTable (list: readonly RecentFailure[]): string {
  if (list.length === 0) return '<p class="none">No rejected or retried transmission in the ledger.</p>'
  const head = ['received', 'carrier', 'channel', 'type', 'interchange ref', 'outcome', 'CONTRL codes', 'what they mean', 'transmission']
  return `<table id="failures"><thead><tr>${head.map(h => `<th>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${list.map(failureRow).join('')}</tbody></table>`
}

const CARRIER_HEAD = ['carrier', 'stage', 'state', 'channels', 'last PAXLST', 'last PNRGOV',
  'accepted', 'with warnings', 'duplicate', 'rejected', 'retry', 'error rate', 'client certificates']

const STATES_NOTE = '<p><small>States: <b>failing</b> — the latest transmission was rejected or could not be made durable (retry); ' +
  '<b>overdue</b> — silent for longer than the agreement\'s <code>expect.TYPE.maxSilenceMinutes</code> ' +
  '(a type never sent: counted from the gateway\'s start); <b>sending</b> — something arrived in the last 24 h; ' +
  '<b>no traffic yet</b> — an expected type never sent, and the gateway started less than <code>maxSilenceMinutes</code> ago; ' +
  '<b>quiet</b> — nothing in 24 h and nothing expected.</small></p>'

export function renderStatusPage (s: GatewayStatus): string {
  const now = Date.parse(s.generatedAt)
  const { summary: m, test: tm, gateway: g } = s
  const carriers = s.carriers.length === 0
    ? `<tr><td colspan="${CARRIER_HEAD.length}" class="none">No carrier agreement loaded.</td></tr>`
    : s.carriers.map(c => carrierRow(c, now)).join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${s.refreshSeconds}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Carrier gateway — status</title><style>${STYLE}</style></head>
<body>
<h1>Carrier gateway — operations status</h1>
<p class="meta">Generated <time datetime="${esc(s.generatedAt)}">${esc(s.generatedAt)}</time> · reloads every ${s.refreshSeconds} s ·
counts cover the last 24 hours · <a href="/admin/status.json">status.json</a></p>
<p class="meta" id="instance">carrier-gateway <b data-field="version">${esc(g.version)}</b> ·
instance <b data-field="instance">${esc(g.host)} pid ${g.pid}</b> · up <span data-field="uptime">${esc(duration(g.uptimeSeconds))}</span>
(since <time datetime="${esc(g.startedAt)}">${esc(g.startedAt)}</time>)</p>
<section class="tiles" id="summary">
<h3>Production: carriers in stage live or suspended, without test interchanges</h3>
${stateTiles(m, '')}
${trafficTiles(m, '')}
</section>
<section class="tiles" id="test-summary">
<h3>Test: carriers in stage testing, and test interchanges (UNB 0035 = 1) from any carrier${tm.truncated ? ' (at least)' : ''}</h3>
${stateTiles(tm, 'test-')}
${trafficTiles(tm, 'test-')}
</section>
<section class="tiles" id="forwarding">
<h3>Forwarding</h3>
${forwardTiles(s)}
</section>
<h2>Carriers</h2>
<table id="carriers"><thead><tr>${CARRIER_HEAD.map(h => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${carriers}
</tbody></table>
${STATES_NOTE}
${renderFlightBoard(s.flights)}
${renderOutboundBoard(s.outbound)}
<h2>Recent failures</h2>
${failuresTable(s.recentFailures)}
</body></html>
`
}
