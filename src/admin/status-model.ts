/**
 * The model of the status page and `GET /admin/status.json` (docs/metrics.md "The status page"):
 * built by status-page.ts, rendered by status-render.ts. Metadata only (architecture invariant 4).
 */
import type { GatewayInstance } from './instance.js'
import type { FlightBoard } from '../flights/index.js'
import type { OutboundBoard } from './status-outbound.js'

export const REFRESH_SECONDS = 30
/** Certificates closer than this to expiry are flagged (the alert in monitoring/ uses the same). */
export const CERT_WARN_DAYS = 30
export const OUTCOMES = ['accepted', 'accepted_with_warnings', 'duplicate', 'rejected', 'retry'] as const

/**
 * One state per carrier, first match wins:
 * suspended (agreement stage) › failing (its latest transmission was rejected or had to be retried)
 * › overdue (an `expect` type silent for longer than maxSilenceMinutes) › sending (something in
 * the last 24 h) › waiting (an `expect` type never sent, within maxSilenceMinutes of the gateway's
 * start: "no traffic yet") › quiet (nothing in 24 h, nothing expected).
 */
export type CarrierState = 'suspended' | 'failing' | 'overdue' | 'sending' | 'waiting' | 'quiet'
export const STATE_WORDS: Readonly<Record<CarrierState, string>> = {
  suspended: 'suspended',
  failing: 'failing',
  overdue: 'overdue',
  sending: 'sending',
  waiting: 'no traffic yet',
  quiet: 'quiet'
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
  certificates: CertificateStatus[]
}

export interface CertificateStatus {
  fingerprint: string
  label: string | null
  notAfter: string | null
  daysLeft: number | null
  revoked: boolean
}

/** Carrier states and 24-hour counts of one side: production, or test. */
export type TrafficSummary = Record<CarrierState, number> & {
  carriers: number
  transmissions24h: number
  rejected24h: number
  unidentified24h: number
}

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
  /** How to open it: the admin route, and the CLI command while it sits in quarantine. */
  open: { http: string, cli: string | null }
  /** Set once an officer released it from quarantine (`carrier-gateway quarantine release`). */
  released: { at: string, by: string | null } | null
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
  /**
   * What the ledger holds (docs/metrics.md "What each count counts"): `rows` every transmission of
   * any outcome still kept (`ledger.retentionDays`), the same number as `carrier_gateway_ledger_rows`;
   * `quarantined24h` rows of the last 24 h put in quarantine and not released since.
   */
  ledger: { rows: number, quarantined24h: number }
  forward: {
    targets: Array<{ target: string, up: boolean, blocked: boolean }>
    unconfirmed: number
    spool: { files: number, bytes: number, oldestAgeSeconds: number }
    inFlight: number
  }
  carriers: CarrierStatus[]
  recentFailures: RecentFailure[]
  /** Today's and tomorrow's flights per carrier (docs/flights.md "The flight board"). */
  flights?: FlightBoard
  /** Messages from the PIU to carriers per carrier (docs/outbound.md "Operations"). */
  outbound?: OutboundBoard
}
