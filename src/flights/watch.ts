/**
 * The flight evaluator (docs/flights.md "States"): every `intervalMs` it evaluates the open flights
 * against their carriers' schedules on the clock it is given, settles what became decided in the
 * ledger, counts it once (`carrier_gateway_flight_pushes_total`, `carrier_gateway_series_total`)
 * and refreshes the on-time ratio. A missing push is therefore noticed without any new traffic.
 * Settled states live in the ledger, so a restart neither forgets nor recounts them; with several
 * instances on PostgreSQL each counts what it settled first (the settled row is checked before).
 */
import type { Logger } from 'pino'
import type { AgreementStore } from '../agreements/store.js'
import type { Ledger, StoredFlight } from '../ledger/index.js'
import type { Metrics } from '../metrics/index.js'
import { DUE_TYPES, dueItem, pushMetricState } from './evaluate.js'
import { evaluateStored } from './view.js'

export interface FlightWatchDeps {
  ledger: Ledger
  agreements: AgreementStore
  metrics: Metrics
  logger: Logger
  /** The clock: tests drive it; the gateway passes the wall clock. */
  now?: () => Date
  /** @default 60000 */
  intervalMs?: number
  /** Open flights older than this are left alone (their states are still computed when read). @default 7 */
  lookbackDays?: number
}

export interface FlightWatch {
  /** One evaluation pass; resolves what it settled. Passes never overlap. */
  tick (): Promise<{ flights: number, settled: number }>
  start (): void
  stop (): Promise<void>
}

const DAY = 86_400_000
const RATE_DAYS = 7
const PUSH_STATES = ['on_time', 'late', 'missing'] as const

function dayOf (ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function createFlightWatch (deps: FlightWatchDeps): FlightWatch {
  const { ledger, agreements, metrics, logger } = deps
  const now = deps.now ?? (() => new Date())
  const intervalMs = deps.intervalMs ?? 60_000
  const lookbackDays = deps.lookbackDays ?? 7
  let timer: NodeJS.Timeout | null = null
  let running: Promise<{ flights: number, settled: number }> | null = null

  async function settleOne (f: StoredFlight, at: Date): Promise<number> {
    const e = evaluateStored(f, agreements.current(), at)
    if (e.newlySettled.length === 0 && e.closed === f.closed) return 0
    await ledger.flights.settle(f, e.newlySettled, e.closed)
    const items = new Map<string, string>(e.due.map(d => [dueItem(d), d.type]))
    for (const s of e.newlySettled) {
      if (s.item.startsWith('series:')) {
        metrics.flightSeries.inc({ carrier: f.carrier, state: s.state })
        continue
      }
      const state = pushMetricState(s.state)
      const type = items.get(s.item)
      if (state !== null && type !== undefined) metrics.flightPushes.inc({ carrier: f.carrier, type, state })
    }
    if (e.newlySettled.some(s => s.state === 'missing')) {
      logger.warn({ carrier: f.carrier, flight: `${f.carrier}${f.number}`, date: f.date }, 'flight push missing')
    }
    return e.newlySettled.length
  }

  /** The carrier's share of decided pushes that came on time, over the flights of the last days. */
  async function refreshRates (at: Date): Promise<void> {
    const flights = await ledger.flights.list({ from: dayOf(at.getTime() - RATE_DAYS * DAY), to: dayOf(at.getTime()), limit: 10000 })
    const tally = new Map<string, { onTime: number, decided: number }>()
    for (const f of flights) {
      const e = evaluateStored(f, agreements.current(), at)
      for (const d of e.due) {
        if (d.state === 'pending') continue
        const t = tally.get(f.carrier) ?? { onTime: 0, decided: 0 }
        t.decided++
        if (d.state === 'received') t.onTime++
        tally.set(f.carrier, t)
      }
    }
    // Every carrier's counters exist from the start at 0, so a rate over them (the alert on missing
    // pushes, monitoring/prometheus-alerts.yml) sees the first increment too.
    for (const a of agreements.current().all) {
      for (const type of DUE_TYPES) for (const state of PUSH_STATES) metrics.flightPushes.inc({ carrier: a.code, type, state }, 0)
      for (const state of ['complete', 'incomplete']) metrics.flightSeries.inc({ carrier: a.code, state }, 0)
    }
    metrics.flightOnTimeRate.reset()
    for (const [carrier, t] of tally) metrics.flightOnTimeRate.set({ carrier }, t.onTime / t.decided)
  }

  async function pass (): Promise<{ flights: number, settled: number }> {
    const at = now()
    const open = await ledger.flights.open(dayOf(at.getTime() - lookbackDays * DAY))
    let settled = 0
    for (const f of open) settled += await settleOne(f, at)
    await refreshRates(at)
    return { flights: open.length, settled }
  }

  async function tick (): Promise<{ flights: number, settled: number }> {
    // A pass already running finishes first: two passes would count the same state twice.
    for (let current = running; current !== null; current = running) await current.catch(() => {})
    running = pass()
    try {
      return await running
    } finally {
      running = null
    }
  }

  return {
    tick,
    start () {
      if (timer !== null) return
      const run = (): void => {
        tick().catch(err => logger.warn({ err }, 'flight evaluation failed'))
      }
      timer = setInterval(run, intervalMs)
      timer.unref()
      run()
    },
    async stop () {
      if (timer !== null) clearInterval(timer)
      timer = null
      await running?.catch(() => {})
    }
  }
}
