// monitoring/ holds the Grafana dashboard and the Prometheus alert rules (docs/metrics.md "Dashboard and alerts"). They are text
// that nothing compiles, so this test is what keeps them honest: valid JSON / YAML of the expected
// shape, every carrier_gateway_* name they use exists in the catalogue (a renamed metric would
// otherwise leave an empty panel or an alert that can never fire), every alert has a runbook line,
// and every metric of the catalogue is documented in the README.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { createMetrics } from '../../src/metrics/index.js'

const ROOT = join(import.meta.dirname, '..', '..')
const read = (...p: string[]): string => readFileSync(join(ROOT, ...p), 'utf8')

interface Target { expr?: string, refId?: string }
interface Panel {
  id: number
  type: string
  title: string
  gridPos: { x: number, y: number, w: number, h: number }
  targets?: Target[]
  datasource?: { uid?: string }
}
interface Rule { alert?: string, expr?: unknown, for?: string, labels?: Record<string, string>, annotations?: Record<string, string> }

async function catalogue (): Promise<{ names: Set<string>, histograms: Set<string>, own: string[] }> {
  const all = await createMetrics().registry.getMetricsAsJSON()
  const own = (await createMetrics({ defaults: false }).registry.getMetricsAsJSON()).map(m => m.name)
  return {
    names: new Set(all.map(m => m.name)),
    histograms: new Set(all.filter(m => String(m.type) === 'histogram').map(m => m.name)),
    own
  }
}

/** carrier_gateway_* names in a PromQL expression, with a histogram's series suffix resolved to its metric. */
function referenced (expr: string, c: { names: Set<string>, histograms: Set<string> }): { found: string[], missing: string[] } {
  const found: string[] = []
  const missing: string[] = []
  for (const [name] of expr.matchAll(/carrier_gateway_[a-zA-Z0-9_]+/g)) {
    const base = name.replace(/_(bucket|sum|count)$/, '')
    if (c.names.has(name) && !c.histograms.has(name)) found.push(name)
    else if (base !== name && c.histograms.has(base)) found.push(base)
    else missing.push(name)
  }
  return { found, missing }
}

/** A cheap syntax guard (promtool is not on CI machines): brackets balance and quotes close. */
function balanced (expr: string): boolean {
  const stack: string[] = []
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' }
  let quoted = false
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i]
    if (quoted) {
      if (ch === '\\') i++
      else if (ch === '"') quoted = false
      continue
    }
    if (ch === '"') quoted = true
    else if ('([{'.includes(ch)) stack.push(ch)
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false
  }
  return stack.length === 0 && !quoted
}

t.test('the Grafana dashboard is valid and uses only metrics of the catalogue', async t => {
  const c = await catalogue()
  const d = JSON.parse(read('monitoring', 'grafana-dashboard.json')) as {
    title: string
    uid: string
    panels: Panel[]
    templating: { list: Array<{ name: string, query?: unknown, definition?: string }> }
  }
  t.ok(d.title.length > 0 && d.uid === 'carrier-gateway', 'titled, stable uid (links and provisioning rely on it)')
  t.equal(new Set(d.panels.map(p => p.id)).size, d.panels.length, 'panel ids are unique')
  t.same(d.panels.filter(p => p.gridPos.x + p.gridPos.w > 24).map(p => p.title), [], 'every panel fits the 24-column grid')

  const vars = new Set(d.templating.list.map(v => v.name))
  const exprs: Array<{ where: string, expr: string }> = []
  const graphs = d.panels.filter(p => p.type !== 'row')
  t.same(graphs.filter(p => (p.targets ?? []).length === 0).map(p => p.title), [], 'every panel has queries')
  // Imported dashboards pick the data source through the variable, never a uid of the author's Grafana.
  t.same(graphs.filter(p => p.datasource?.uid !== '$' + '{datasource}').map(p => p.title), [], 'every panel uses the datasource variable')
  for (const p of graphs) for (const tg of p.targets ?? []) exprs.push({ where: `${p.title} ${tg.refId ?? ''}`, expr: String(tg.expr) })
  for (const v of d.templating.list) if (v.definition !== undefined) exprs.push({ where: `variable ${v.name}`, expr: v.definition })

  const used = new Set<string>()
  const problems: string[] = []
  for (const { where, expr } of exprs) {
    const r = referenced(expr, c)
    for (const n of r.found) used.add(n)
    for (const n of r.missing) problems.push(`${where}: ${n} is not in the catalogue`)
    if (!balanced(expr)) problems.push(`${where}: unbalanced brackets or quotes`)
    for (const [, name] of expr.matchAll(/\$(?!__)([a-z_]+)/g)) if (!vars.has(name)) problems.push(`${where}: undefined variable $${name}`)
  }
  t.same(problems, [], `${exprs.length} expressions reference existing metrics and defined variables`)
  t.same(c.own.filter(n => !used.has(n)), [], 'every metric of the catalogue is on the dashboard')

  const titles = d.panels.map(p => p.title)
  const panels = [
    'Transmissions/s by outcome', 'Rejection rate (15 m)', 'p99 receive → ack', 'Spool files', 'Forward target', 'Carriers at a glance',
    'Completeness by carrier and field (1 h)', 'Fatal findings by CONTRL code', 'Median minutes before departure', 'SFTP connected',
    'Bridge connected', 'TLS handshake failures by reason'
  ]
  for (const want of panels) {
    t.ok(titles.includes(want), `panel "${want}"`)
  }
  const table = d.panels.find(p => p.title === 'Carriers at a glance')!
  const tableExprs = (table.targets ?? []).map(x => String(x.expr)).join('\n')
  const perCarrier = [
    'last_transmission_timestamp_seconds', 'travellers_missing_total', 'travellers_total', 'carrier_overdue',
    'client_certificate_expiry_timestamp_seconds'
  ]
  for (const m of perCarrier) {
    t.ok(tableExprs.includes(`carrier_gateway_${m}`), `the per-carrier table shows ${m}`)
  }
})

t.test('the Prometheus rules are valid YAML with the expected structure, runbooks and existing metrics', async t => {
  const c = await catalogue()
  const doc = parse(read('monitoring', 'prometheus-alerts.yml')) as { groups: Array<{ name: string, rules: Rule[] }> }
  t.ok(Array.isArray(doc.groups) && doc.groups.length > 0, 'groups')
  const rules = doc.groups.flatMap(g => {
    t.ok(
      typeof g.name === 'string' && g.name.length > 0 && Array.isArray(g.rules) && g.rules.length > 0,
      `group ${g.name} is named and has rules`
    )
    return g.rules
  })
  const problems: string[] = []
  const names: string[] = []
  for (const r of rules) {
    const where = r.alert ?? '(unnamed)'
    if (typeof r.alert !== 'string' || !/^[A-Z][A-Za-z0-9]+$/.test(r.alert)) problems.push(`${where}: alert name`)
    else names.push(r.alert)
    if (typeof r.expr !== 'string' || r.expr.trim() === '') { problems.push(`${where}: expr`); continue }
    if (!balanced(r.expr)) problems.push(`${where}: unbalanced brackets or quotes`)
    if (r.for !== undefined && !/^\d+[smhd]$/.test(r.for)) problems.push(`${where}: for ${r.for}`)
    if (!['warning', 'critical'].includes(r.labels?.severity ?? '')) problems.push(`${where}: severity`)
    for (const a of ['summary', 'description', 'runbook']) {
      if ((r.annotations?.[a] ?? '').length < 10) problems.push(`${where}: annotation ${a}`)
    }
    const ref = referenced(r.expr, c)
    for (const n of ref.missing) problems.push(`${where}: ${n} is not in the catalogue`)
    if (ref.found.length === 0 && !/\bup\{/.test(r.expr)) problems.push(`${where}: uses no gateway metric`)
  }
  t.same(problems, [], `${rules.length} rules are well formed`)
  t.equal(new Set(names).size, names.length, 'alert names are unique')
  const alerts = [
    'CarrierGatewayTargetDown', 'CarrierGatewayBrokerDown', 'CarrierGatewaySpoolGrowing', 'CarrierGatewaySpoolStale',
    'CarrierGatewayCarrierOverdue', 'CarrierGatewayCertificateExpiring', 'CarrierGatewayRejectionRateHigh',
    'CarrierGatewayTlsFailuresSpike', 'CarrierGatewayLedgerErrors', 'CarrierGatewaySftpHostKeyMismatch', 'CarrierGatewayBridgeDisconnected',
    'CarrierGatewayIapiInvalidDecisions', 'CarrierGatewayIapiDeadlineMisses'
  ]
  for (const want of alerts) {
    t.ok(names.includes(want), `alert ${want}`)
  }
  const cert = rules.find(r => r.alert === 'CarrierGatewayCertificateExpiring')!
  t.match(String(cert.expr), /< 30 \* 86400/, 'certificates are flagged 30 days ahead')
})

t.test('the README lists every metric of the catalogue with its labels', async t => {
  const doc = read('docs', 'metrics.md')
  const m = createMetrics({ defaults: false })
  const metrics = m.registry.getMetricsAsArray() as unknown as Array<{ name: string, labelNames: string[] }>
  const missing: string[] = []
  for (const x of metrics) {
    const row = doc.split('\n').find(l => l.startsWith('|') && l.includes(`\`${x.name}\``))
    if (row === undefined) { missing.push(`${x.name}: no table row`); continue }
    for (const l of x.labelNames) if (!row.includes(l)) missing.push(`${x.name}: label ${l} not in its row`)
  }
  t.same(missing, [], `${metrics.length} metrics documented`)
  t.match(doc, /maxSilenceMinutes/, 'the expected-traffic check is documented')
  t.match(doc, /\/admin\//, 'the status page is documented')
})
