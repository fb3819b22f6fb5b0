/**
 * The operations desk's status view (`GET /admin/`, docs/metrics.md "The status page"): which carriers
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
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AgreementStore } from '../agreements/store.js'
import type { Ledger, LedgerRow } from '../ledger/index.js'
import type { Metrics } from '../metrics/index.js'
import { carrierOverview, type CarrierOverview } from './carriers.js'
import { gatewayInstance } from './instance.js'
import { STATUS_PAGE_CSP, renderStatusPage } from './status-render.js'
import {
  REFRESH_SECONDS, type CarrierState, type CarrierStatus, type GatewayStatus, type RecentFailure, type TrafficSummary
} from './status-model.js'
import { explainCode } from '../onboarding/explain.js'
import { buildFlightBoard } from '../flights/index.js'
import { buildOutboundBoard } from './status-outbound.js'

const RECENT_FAILURES = 10
/** Rows read to split the last 24 h into test and production; beyond it the split says "at least". */
const TEST_SCAN_LIMIT = 10_000

export interface StatusDeps {
  agreements: AgreementStore
  ledger: Ledger
  metrics: Metrics
  /**
   * When the gateway started (ms); the grace for carriers that never sent counts from it.
   * @default the time registerStatusPage ran
   */
  startedAt?: number
  /** `outbound.stuckMinutes` of the gateway config. @default 30 */
  outboundStuckMinutes?: number
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
  return {
    carriers: 0,
    suspended: 0,
    failing: 0,
    overdue: 0,
    sending: 0,
    waiting: 0,
    quiet: 0,
    transmissions24h: 0,
    rejected24h: 0,
    unidentified24h: 0
  }
}

/** Distinct meanings of the codes, for the failures list (the codes stay beside them). */
function meanings (codes: readonly number[]): string[] {
  return [...new Set(codes.map(c => explainCode(c).meaning))]
}

type TestRule = (r: Pick<LedgerRow, 'carrier' | 'test' | 'destination'>) => boolean

async function carrierStatuses (deps: StatusDeps, now: number, startedAt: number): Promise<CarrierStatus[]> {
  const { agreements, ledger, metrics } = deps
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
  return carriers
}

/**
 * Production and test apart. The per-carrier counts cannot tell a test interchange from a live
 * carrier apart, so the rows of the last 24 h are read and the test ones moved from production to test.
 */
async function traffic (ledger: Ledger, carriers: readonly CarrierStatus[], since: string, isTest: TestRule): Promise<{
  summary: TrafficSummary
  test: GatewayStatus['test']
  recent: LedgerRow[]
}> {
  const testing = new Set(carriers.filter(c => c.stage === 'testing').map(c => c.code))
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
  const recent = await ledger.list({ since, limit: TEST_SCAN_LIMIT })
  test.truncated = recent.length === TEST_SCAN_LIMIT
  for (const r of recent) {
    if (r.outcome === null || !isTest(r)) continue
    test.transmissions24h++
    summary.transmissions24h--
    if (r.outcome === 'rejected') { test.rejected24h++; summary.rejected24h-- }
    if (r.carrier === null) { test.unidentified24h++; summary.unidentified24h-- }
  }
  return { summary, test, recent }
}

/** Envelope metadata only: ids, UNB reference, CONTRL codes and what they mean (invariant 4). */
function recentFailure (r: LedgerRow, isTest: TestRule): RecentFailure {
  const held = r.destination === 'quarantine' && r.releasedAt === null
  return {
    id: r.id,
    receivedAt: r.receivedAt,
    carrier: r.carrier,
    channel: r.channel,
    type: r.messageType,
    reference: r.reference,
    outcome: r.outcome,
    errorCodes: r.errorCodes,
    findings: r.outcome === 'retry' && r.errorCodes.length === 0
      ? ['not made durable: the carrier was told to retry']
      : meanings(r.errorCodes),
    test: isTest(r),
    open: { http: `/admin/transmissions/${r.id}`, cli: held ? `carrier-gateway quarantine show ${r.id}` : null },
    released: r.releasedAt === null ? null : { at: r.releasedAt, by: r.releasedBy }
  }
}

export async function buildStatus (deps: StatusDeps, now = Date.now()): Promise<GatewayStatus> {
  const { ledger, metrics } = deps
  const startedAt = deps.startedAt ?? now
  const carriers = await carrierStatuses(deps, now, startedAt)
  const testing = new Set(carriers.filter(c => c.stage === 'testing').map(c => c.code))
  const isTest: TestRule = r => r.test || r.destination === 'test' || (r.carrier !== null && testing.has(r.carrier))
  const { summary, test, recent } = await traffic(ledger, carriers, new Date(now - 86_400_000).toISOString(), isTest)
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
    ledger: {
      rows: await ledger.size(),
      quarantined24h: recent.filter(r => r.destination === 'quarantine' && r.releasedAt === null).length
    },
    forward: {
      targets: up.map(v => {
        const target = String(v.labels.target)
        return { target, up: v.value === 1, blocked: blocked.get(target) ?? false }
      }),
      unconfirmed: await single(metrics.forwardInFlight),
      spool: {
        files: await single(metrics.spoolFiles),
        bytes: await single(metrics.spoolBytes),
        oldestAgeSeconds: await single(metrics.spoolOldest)
      },
      inFlight: await single(metrics.inFlight)
    },
    carriers,
    recentFailures: failures.map(r => recentFailure(r, isTest)),
    flights: await buildFlightBoard(ledger.flights, deps.agreements.current(), new Date(now)),
    outbound: await buildOutboundBoard(ledger.outbound, new Date(now), deps.outboundStuckMinutes ?? 30)
  }
}

export { STATUS_PAGE_CSP, renderStatusPage }
export type { CarrierState, CarrierStatus, GatewayStatus, RecentFailure, TrafficSummary } from './status-model.js'

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
  app.get('/admin/status.json', async (_req, reply) => {
    return await reply.header('cache-control', 'no-store').send(await buildStatus(deps))
  })
}
