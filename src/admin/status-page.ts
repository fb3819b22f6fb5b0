/**
 * The operations desk's status view (`GET /admin/`, docs/metrics.md "Status page"): which carriers
 * are sending, which are failing, which have gone quiet or are overdue against their agreement's
 * `expect`, certificate expiry, the state of the spool and the forward target, production apart
 * from test traffic, and which gateway instance answers. `GET /admin/status.json`
 * is the same model as data; the page is rendered from it on the server, so it needs no script,
 * loads nothing from elsewhere (the admin listener may sit on a network with no way out) and
 * reloads itself every REFRESH_SECONDS.
 *
 * Metadata only (architecture invariant 4): carrier codes and names from the agreements, counts,
 * times, outcomes, CONTRL codes and interchange references — never a value from a segment.
 */
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AgreementStore } from '../agreements/store.js'
import type { Ledger, LedgerRow } from '../ledger/index.js'
import type { Metrics } from '../metrics/index.js'
import { carrierOverview, type CarrierOverview } from './carriers.js'
import { gatewayInstance, type GatewayInstance } from './instance.js'
import { escapeHtml } from '../http/html.js'
import { explainCode } from '../onboarding/explain.js'

export const REFRESH_SECONDS = 30
/** Certificates closer than this to expiry are flagged (the alert in monitoring/ uses the same). */
export const CERT_WARN_DAYS = 30
const RECENT_FAILURES = 10
/** Rows read to split the last 24 h into test and production; beyond it the split says "at least". */
const TEST_SCAN_LIMIT = 10_000
const OUTCOMES = ['accepted', 'accepted_with_warnings', 'duplicate', 'rejected', 'retry'] as const

/**
 * One state per carrier, first match wins:
 * suspended (agreement stage) › failing (its latest transmission was rejected or had to be retried)
 * › overdue (an `expect` type silent for longer than maxSilenceMinutes) › sending (something in
 * the last 24 h) › waiting (an `expect` type never sent, within maxSilenceMinutes of the gateway's
 * start: "no traffic yet") › quiet (nothing in 24 h, nothing expected).
 */
export type CarrierState = 'suspended' | 'failing' | 'overdue' | 'sending' | 'waiting' | 'quiet'
const STATE_WORDS: Readonly<Record<CarrierState, string>> = {
  suspended: 'suspended', failing: 'failing', overdue: 'overdue', sending: 'sending', waiting: 'no traffic yet', quiet: 'quiet'
}

export interface CarrierStatus {
  code: string
  name: string
  stage: string
  state: CarrierState
  channels: Array<{ name: string, connected: boolean | null }>
  lastTransmission: Record<string, string>
  lastOutcome: string | null
  last24h: Record<string, number>
  total24h: number
  /** rejected / all settled transmissions in the last 24 h; null when there were none. */
  errorRate: number | null
  overdue: Record<string, boolean>
  /** Per `expect` type: ok, overdue or no-traffic-yet (src/agreements/expect.ts). */
  expect: Record<string, string>
  certificates: Array<{ fingerprint: string, label: string | null, notAfter: string | null, daysLeft: number | null, revoked: boolean }>
}

/** Carrier states and 24-hour counts of one side: production, or test. */
export type TrafficSummary = Record<CarrierState, number> & { carriers: number, transmissions24h: number, rejected24h: number, unidentified24h: number }

export interface RecentFailure {
  id: string
  receivedAt: string
  carrier: string | null
  channel: string
  type: string | null
  reference: string | null
  outcome: string | null
  errorCodes: number[]
  /** What each CONTRL code means (ISO 9735 0085), in the order of `errorCodes`, without repeats. */
  findings: string[]
  /** A test interchange (UNB 0035 = 1) or a carrier in stage testing: not production traffic. */
  test: boolean
  /** How to open it: the admin route, and the CLI command when it sits in quarantine. */
  open: { http: string, cli: string | null }
}

export interface GatewayStatus {
  generatedAt: string
  refreshSeconds: number
  gateway: GatewayInstance & { uptimeSeconds: number }
  /**
   * Production: carriers in stage live or suspended, and their transmissions that are not test
   * interchanges. Test: carriers in stage testing, and every test interchange.
   */
  summary: TrafficSummary
  test: TrafficSummary & { truncated: boolean }
  forward: {
    targets: Array<{ target: string, up: boolean, blocked: boolean }>
    unconfirmed: number
    spool: { files: number, bytes: number, oldestAgeSeconds: number }
    inFlight: number
  }
  carriers: CarrierStatus[]
  recentFailures: RecentFailure[]
}

export interface StatusDeps {
  agreements: AgreementStore
  ledger: Ledger
  metrics: Metrics
  /** When the gateway started (ms); the grace for carriers that never sent counts from it. @default registration time */
  startedAt?: number
}

type LabelValues = Array<{ labels: Record<string, string | number | undefined>, value: number }>
async function values (metric: { get: () => Promise<{ values: unknown[] }> }): Promise<LabelValues> {
  return (await metric.get()).values as LabelValues
}
async function single (metric: { get: () => Promise<{ values: unknown[] }> }): Promise<number> {
  return (await values(metric))[0]?.value ?? 0
}

function stateOf (o: CarrierOverview, lastOutcome: string | null, total24h: number): CarrierState {
  if (o.stage === 'suspended') return 'suspended'
  if (lastOutcome === 'rejected' || lastOutcome === 'retry') return 'failing'
  if (Object.values(o.overdue).some(Boolean)) return 'overdue'
  if (total24h > 0) return 'sending'
  return Object.values(o.expect).includes('no-traffic-yet') ? 'waiting' : 'quiet'
}

function emptySummary (): TrafficSummary {
  return { carriers: 0, suspended: 0, failing: 0, overdue: 0, sending: 0, waiting: 0, quiet: 0, transmissions24h: 0, rejected24h: 0, unidentified24h: 0 }
}

/** Distinct meanings of the codes, for the failures list (the codes stay beside them). */
function meanings (codes: readonly number[]): string[] {
  return [...new Set(codes.map(c => explainCode(c).meaning))]
}

export async function buildStatus (deps: StatusDeps, now = Date.now()): Promise<GatewayStatus> {
  const { agreements, ledger, metrics } = deps
  const startedAt = deps.startedAt ?? now
  const overview = await carrierOverview(agreements.current().all, ledger, now, startedAt)
  // Connection gauges the SFTP poller and the AMQP bridge keep per carrier; absent = not reported yet.
  const connected = new Map<string, boolean>()
  for (const [channel, gauge] of [['sftp', metrics.sftpConnected], ['amqp', metrics.bridgeConnected]] as const) {
    for (const v of await values(gauge)) connected.set(`${channel}/${String(v.labels.carrier)}`, v.value === 1)
  }
  const carriers: CarrierStatus[] = []
  for (const o of overview) {
    const latest = (await ledger.list({ carrier: o.code, limit: 1 }))[0]
    const lastOutcome = latest?.outcome ?? null
    const total24h = Object.entries(o.last24h).reduce((n, [k, c]) => k === 'pending' ? n : n + c, 0)
    carriers.push({
      code: o.code,
      name: o.name,
      stage: o.stage,
      state: stateOf(o, lastOutcome, total24h),
      channels: o.channels.map(name => ({ name, connected: name === 'https' ? null : connected.get(`${name}/${o.code}`) ?? null })),
      lastTransmission: o.lastTransmission,
      lastOutcome,
      last24h: o.last24h,
      total24h,
      errorRate: total24h === 0 ? null : (o.last24h.rejected ?? 0) / total24h,
      overdue: o.overdue,
      expect: o.expect,
      certificates: o.certificates.map(c => ({
        ...c,
        fingerprint: c.fingerprint.slice(0, 23),
        daysLeft: c.notAfter === null ? null : Math.floor((Date.parse(c.notAfter) - now) / 86_400_000)
      }))
    })
  }
  const since = new Date(now - 86_400_000).toISOString()
  const testing = new Set(carriers.filter(c => c.stage === 'testing').map(c => c.code))
  const isTest = (r: Pick<LedgerRow, 'carrier' | 'test' | 'destination'>): boolean => r.test || r.destination === 'test' || (r.carrier !== null && testing.has(r.carrier))
  const summary = emptySummary()
  const test = { ...emptySummary(), truncated: false }
  for (const c of carriers) {
    const side = testing.has(c.code) ? test : summary
    side.carriers++
    side[c.state]++
  }
  for (const c of await ledger.countsSince(since)) {
    if (c.outcome === 'pending') continue
    summary.transmissions24h += c.count
    if (c.outcome === 'rejected') summary.rejected24h += c.count
    if (c.carrier === '') summary.unidentified24h += c.count
  }
  // The counts by carrier cannot tell test interchanges apart: those rows move from production to test.
  const recent = await ledger.list({ since, limit: TEST_SCAN_LIMIT })
  test.truncated = recent.length === TEST_SCAN_LIMIT
  for (const r of recent) {
    if (r.outcome === null || !isTest(r)) continue
    test.transmissions24h++
    summary.transmissions24h--
    if (r.outcome === 'rejected') { test.rejected24h++; summary.rejected24h-- }
    if (r.carrier === null) { test.unidentified24h++; summary.unidentified24h-- }
  }
  const up = await values(metrics.targetUp)
  const blocked = new Map((await values(metrics.targetBlocked)).map(v => [String(v.labels.target), v.value === 1]))
  const failures: LedgerRow[] = (await Promise.all([
    ledger.list({ outcome: 'rejected', limit: RECENT_FAILURES }),
    ledger.list({ outcome: 'retry', limit: RECENT_FAILURES })
  ])).flat().sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)).slice(0, RECENT_FAILURES)
  return {
    generatedAt: new Date(now).toISOString(),
    refreshSeconds: REFRESH_SECONDS,
    gateway: { ...gatewayInstance(startedAt), uptimeSeconds: Math.max(0, Math.round((now - startedAt) / 1000)) },
    summary,
    test,
    forward: {
      targets: up.map(v => ({ target: String(v.labels.target), up: v.value === 1, blocked: blocked.get(String(v.labels.target)) ?? false })),
      unconfirmed: await single(metrics.forwardInFlight),
      spool: { files: await single(metrics.spoolFiles), bytes: await single(metrics.spoolBytes), oldestAgeSeconds: await single(metrics.spoolOldest) },
      inFlight: await single(metrics.inFlight)
    },
    carriers,
    // Envelope metadata only: ids, UNB reference, CONTRL codes (invariant 4).
    recentFailures: failures.map(r => ({
      id: r.id,
      receivedAt: r.receivedAt,
      carrier: r.carrier,
      channel: r.channel,
      type: r.messageType,
      reference: r.reference,
      outcome: r.outcome,
      errorCodes: r.errorCodes,
      findings: r.outcome === 'retry' && r.errorCodes.length === 0 ? ['not made durable: the carrier was told to retry'] : meanings(r.errorCodes),
      test: isTest(r),
      open: { http: `/admin/transmissions/${r.id}`, cli: r.destination === 'quarantine' && r.releasedAt === null ? `carrier-gateway quarantine show ${r.id}` : null }
    }))
  }
}

// ── rendering ───────────────────────────────────────────────────────────────────────────────

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

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#fff}
h1{font-size:1.3rem;margin:0 0 .2rem}h2{font-size:1.05rem;margin:1.6rem 0 .5rem}
.meta{color:#57606a;margin:0 0 1rem}
.tiles{display:flex;flex-wrap:wrap;gap:.6rem}.tile{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .8rem;min-width:7.5rem}
.tile b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;border-radius:999px;padding:0 .55rem;font-size:.8rem;font-weight:600;border:1px solid}
.sending,.ok{color:#116329;border-color:#4ac26b;background:#dafbe1}.failing,.bad{color:#82071e;border-color:#ff8182;background:#ffebe9}
.overdue,.warn{color:#7d4e00;border-color:#d4a72c;background:#fff8c5}.quiet,.suspended,.waiting,.none{color:#57606a;border-color:#d0d7de;background:#f6f8fa}
small{color:#57606a}code{font-size:.85em;background:#f6f8fa;padding:0 .2em;border-radius:3px}
.tiles h3{flex-basis:100%;font-size:.9rem;margin:.6rem 0 0;color:#57606a}
`
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64')
/** Nothing but the inline style may load: no scripts, images, fonts or connections. */
export const STATUS_PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`

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
  const late = c.expect[type] === 'overdue' ? ` ${badge('overdue', 'overdue')}` : c.expect[type] === 'no-traffic-yet' ? ` ${badge('waiting', 'no traffic yet')}` : ''
  if (at === undefined) return `<span class="none">never</span>${late}`
  return `<time datetime="${esc(at)}" title="${esc(at)}">${esc(ago(at, now))}</time>${late}`
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

function duration (seconds: number): string {
  const d = Math.floor(seconds / 86_400)
  const h = Math.floor((seconds % 86_400) / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`
}

function failureRow (r: RecentFailure): string {
  const open = `<code>GET ${esc(r.open.http)}</code>${r.open.cli === null ? '' : `<br><code>${esc(r.open.cli)}</code>`}`
  return `<tr data-id="${esc(r.id)}"><td><time datetime="${esc(r.receivedAt)}">${esc(r.receivedAt)}</time></td>` +
    `<td>${esc(r.carrier ?? 'unidentified')}${r.test ? ` ${badge('none', 'test')}` : ''}</td><td>${esc(r.channel)}</td><td>${esc(r.type ?? '—')}</td>` +
    `<td>${esc(r.reference ?? '—')}</td><td>${esc(r.outcome ?? '—')}</td><td>${esc(r.errorCodes.join(', ') || '—')}</td>` +
    `<td data-field="findings">${r.findings.map(esc).join('<br>') || '—'}</td>` +
    `<td data-field="open"><small>${esc(r.id)}</small><br>${open}</td></tr>`
}

export function renderStatusPage (s: GatewayStatus): string {
  const now = Date.parse(s.generatedAt)
  const { summary: m, forward: f } = s
  const targets = f.targets.length === 0
    ? tile('forward target', 'not reported', 'none', 'target')
    : f.targets.map(t => tile(`forward target ${t.target}`, t.up ? 'up' : t.blocked ? 'blocked' : 'down', t.up ? 'ok' : 'bad', 'target')).join('')
  const failures = s.recentFailures.length === 0
    ? '<p class="none">No rejected or retried transmission in the ledger.</p>'
    : '<table id="failures"><thead><tr><th>received</th><th>carrier</th><th>channel</th><th>type</th><th>interchange ref</th><th>outcome</th>' +
      `<th>CONTRL codes</th><th>what they mean</th><th>transmission</th></tr></thead><tbody>${s.recentFailures.map(failureRow).join('')}</tbody></table>`
  const g = s.gateway
  const tm = s.test
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${s.refreshSeconds}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Carrier gateway — status</title><style>${STYLE}</style></head>
<body>
<h1>Carrier gateway — operations status</h1>
<p class="meta">Generated <time datetime="${esc(s.generatedAt)}">${esc(s.generatedAt)}</time> · reloads every ${s.refreshSeconds} s · counts cover the last 24 hours · <a href="/admin/status.json">status.json</a></p>
<p class="meta" id="instance">carrier-gateway <b data-field="version">${esc(g.version)}</b> · instance <b data-field="instance">${esc(g.host)} pid ${g.pid}</b> · up <span data-field="uptime">${esc(duration(g.uptimeSeconds))}</span> (since <time datetime="${esc(g.startedAt)}">${esc(g.startedAt)}</time>)</p>
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
${targets}${tile(`spool (${bytes(f.spool.bytes)}, oldest ${Math.round(f.spool.oldestAgeSeconds)} s)`, `${f.spool.files} files`, f.spool.files > 0 ? 'warn' : 'ok', 'spool')}${tile('awaiting broker confirm', String(f.unconfirmed), '', 'unconfirmed')}${tile('in flight', String(f.inFlight), '', 'in-flight')}
</section>
<h2>Carriers</h2>
<table id="carriers"><thead><tr><th>carrier</th><th>stage</th><th>state</th><th>channels</th><th>last PAXLST</th><th>last PNRGOV</th>
<th>accepted</th><th>with warnings</th><th>duplicate</th><th>rejected</th><th>retry</th><th>error rate</th><th>client certificates</th></tr></thead>
<tbody>
${s.carriers.length === 0 ? '<tr><td colspan="13" class="none">No carrier agreement loaded.</td></tr>' : s.carriers.map(c => carrierRow(c, now)).join('\n')}
</tbody></table>
<p><small>States: <b>failing</b> — the latest transmission was rejected or could not be made durable (retry); <b>overdue</b> — silent for longer than the agreement's <code>expect.TYPE.maxSilenceMinutes</code> (a type never sent: counted from the gateway's start); <b>sending</b> — something arrived in the last 24 h; <b>no traffic yet</b> — an expected type never sent, and the gateway started less than <code>maxSilenceMinutes</code> ago; <b>quiet</b> — nothing in 24 h and nothing expected.</small></p>
<h2>Recent failures</h2>
${failures}
</body></html>
`
}

/** Registers GET /admin/, /admin and /admin/status.json on the admin listener. */
export async function registerStatusPage (app: FastifyInstance, given: StatusDeps): Promise<void> {
  // Registered once when the gateway is built: without an explicit start, that moment is its start.
  const deps: StatusDeps = { ...given, startedAt: given.startedAt ?? Date.now() }
  const page = async (_req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const html = renderStatusPage(await buildStatus(deps))
    return await reply.type('text/html; charset=utf-8')
      .header('content-security-policy', STATUS_PAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .send(html)
  }
  app.get('/admin', page)
  app.get('/admin/', page)
  app.get('/admin/status.json', async (_req, reply) => await reply.header('cache-control', 'no-store').send(await buildStatus(deps)))
}
