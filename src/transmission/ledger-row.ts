/**
 * The ledger row: one per transmission, envelope metadata only (codes, references, hashes, timings,
 * the ack as sent), never a value from a segment (docs/architecture.md invariant 4). Both ledger
 * stores keep exactly these fields; the pipeline builds every row with `newLedgerRow`.
 */
import type { ChannelName, Outcome, Status } from './vocabulary.js'

export interface LedgerRow {
  id: string
  carrier: string | null
  channel: ChannelName
  status: Status
  outcome: Outcome | null
  /** ISO 8601; stored and returned in `Date#toISOString()` form (UTC, milliseconds). */
  receivedAt: string
  forwardedAt: string | null
  acknowledgedAt: string | null
  /** The envelope sender id (EDIFACT UNB S002) — part of the dedupe key. */
  sender: string | null
  recipient: string | null
  /** The interchange control reference (UNB 0020) — part of the dedupe key. */
  reference: string | null
  /** The preparation date/time as sent, e.g. "250114:0630" — part of the dedupe key. */
  preparedAt: string | null
  messageRefs: string[]
  /** Message parts, e.g. ["1:C"] (see `partLabels`). */
  parts: string[]
  messageType: string | null
  messageVersion: string | null
  flight: string | null
  test: boolean
  /** A `Destination`, or null when nothing was handed off. */
  destination: string | null
  sha256: string
  size: number
  errorCodes: number[]
  ackKind: string | null
  /** The ack text exactly as sent: a duplicate is answered with it byte for byte (invariant 2). */
  ack: string | null
  ackSentAt: string | null
  correction: boolean
  duplicateOf: string | null
  releasedAt: string | null
  releasedBy: string | null
  /**
   * An interactive API request's summary as JSON text (`InteractiveSummary`, docs/interactive.md
   * "Ledger and metrics"): decision counts, latencies, a deadline miss; null for batch traffic.
   */
  interactive: string | null
}

/** What every row must say; the rest starts empty. */
export type LedgerRowBasics = Pick<LedgerRow, 'id' | 'channel' | 'receivedAt' | 'sha256' | 'size'>

/** A row in its first state (`received`, no outcome) with the given fields set. */
export function newLedgerRow (basics: LedgerRowBasics & Partial<LedgerRow>): LedgerRow {
  return {
    carrier: null,
    status: 'received',
    outcome: null,
    forwardedAt: null,
    acknowledgedAt: null,
    sender: null,
    recipient: null,
    reference: null,
    preparedAt: null,
    messageRefs: [],
    parts: [],
    messageType: null,
    messageVersion: null,
    flight: null,
    test: false,
    destination: null,
    errorCodes: [],
    ackKind: null,
    ack: null,
    ackSentAt: null,
    correction: false,
    duplicateOf: null,
    releasedAt: null,
    releasedBy: null,
    interactive: null,
    ...basics
  }
}
