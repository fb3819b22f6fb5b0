// The alert rules are checked and unit-tested with Prometheus's own promtool (docs/metrics.md "Dashboard and
// alerts"): `promtool check rules` parses every expression and template, `promtool test rules` evaluates the
// cases of monitoring/prometheus-alerts.test.yml against series fed in. A rule no case exercises could never
// fire and nobody would notice, so every alert must have a case in which it fires; this file fails otherwise.
// promtool comes from Debian's `prometheus` package (scripts/test-services.mjs installs it).
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

const MONITORING = join(import.meta.dirname, '..', '..', 'monitoring')
const RULES = 'prometheus-alerts.yml'
const CASES = 'prometheus-alerts.test.yml'

interface AlertCase { alertname?: string, eval_time?: string, exp_alerts?: unknown[] }
interface UnitTests { rule_files?: string[], tests?: Array<{ alert_rule_test?: AlertCase[] }> }
interface Rules { groups: Array<{ name: string, rules: Array<{ alert?: string, record?: string }> }> }

function promtool (...args: string[]): { status: number | null, out: string } {
  const r = spawnSync('promtool', args, { cwd: MONITORING, encoding: 'utf8' })
  if (r.error !== undefined) {
    throw new Error(`promtool not runnable (${r.error.message}): node scripts/test-services.mjs installs it (Debian package prometheus)`)
  }
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

const readYaml = <T>(file: string): T => parse(readFileSync(join(MONITORING, file), 'utf8')) as T

/** The alerts of `rules` without a case in `cases` where they fire, and cases that name no alert of `rules`. */
function coverage (rules: Rules, cases: UnitTests): { alerts: string[], missing: string[], unknown: string[] } {
  const alerts = rules.groups.flatMap(g => g.rules.map(r => r.alert)).filter((a): a is string => typeof a === 'string')
  const all = (cases.tests ?? []).flatMap(group => group.alert_rule_test ?? [])
  const firing = new Set(all.filter(c => (c.exp_alerts ?? []).length > 0).map(c => c.alertname))
  return {
    alerts,
    missing: alerts.filter(name => !firing.has(name)),
    unknown: [...new Set(all.map(c => c.alertname ?? '(no alertname)'))].filter(name => !alerts.includes(name))
  }
}

t.test('promtool check rules accepts every rule', async t => {
  const r = promtool('check', 'rules', RULES)
  t.equal(r.status, 0, r.out)
  t.match(r.out, /SUCCESS: \d+ rules found/)
})

t.test('promtool test rules: every case passes', async t => {
  const r = promtool('test', 'rules', CASES)
  t.equal(r.status, 0, r.out)
  t.match(r.out, /SUCCESS/)
})

t.test('the cases load the rule file the gateway ships', async t => {
  t.same(readYaml<UnitTests>(CASES).rule_files, [RULES])
})

t.test('every alert has a case in which it fires', async t => {
  const { alerts, missing, unknown } = coverage(readYaml<Rules>(RULES), readYaml<UnitTests>(CASES))
  t.ok(alerts.length > 0, 'alerts found in prometheus-alerts.yml')
  t.same(missing, [], `alerts without a firing case in monitoring/${CASES} (add one per alert: input series that make it fire, ` +
    'its labels and annotations after its `for:`)')
  t.same(unknown, [], 'cases that name no alert of prometheus-alerts.yml (a renamed or removed alert)')
})

t.test('a new alert without a case is caught', async t => {
  const rules = readYaml<Rules>(RULES)
  rules.groups[0].rules.push({ alert: 'CarrierGatewayNewWithoutCase' })
  const cases = readYaml<UnitTests>(CASES)
  t.same(coverage(rules, cases).missing, ['CarrierGatewayNewWithoutCase'])
  // a case that only says it does not fire is no case
  cases.tests?.push({ alert_rule_test: [{ alertname: 'CarrierGatewayNewWithoutCase', eval_time: '1m', exp_alerts: [] }] })
  t.same(coverage(rules, cases).missing, ['CarrierGatewayNewWithoutCase'])
})
