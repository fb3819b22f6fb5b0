/**
 * One transmission on its way through the steps of the pipeline (docs/architecture.md "The
 * pipeline"): each step reads what the steps before it decided and adds its own part. Every
 * outcome passes through every step; a step with nothing to do for an outcome leaves it alone.
 */
import type { Agreement } from '../../agreements/schema.js'
import type { ErrorId } from '../../errors.js'
import type { HandOffVia } from '../../forward/forwarder.js'
import type { Destination, Finding, LedgerRow, Outcome } from '../../transmission/index.js'
import type { Assessment } from '../assess.js'
import type { Checked } from '../check.js'
import type { TransmissionInput } from '../types.js'
import type { BuiltReply } from '../reply.js'

export interface Verdict {
  outcome: Outcome
  /** Refused before any ack could be built: the catalogue id the channel answers with. */
  refusal: ErrorId | null
  /** The carrier answered for: the resolved one, or the single known candidate of a refusal. */
  carrier: Agreement | null
  /** Where the hand-off step sends it; null when nothing is handed off. */
  destination: Destination | null
  /** Findings the steps after assessment add (a changed resend: CONTRL 26). */
  extraErrors: Finding[]
  /** The earlier transmission this one repeats, waits for or corrects. */
  original: LedgerRow | null
  correction: boolean
}

export interface InFlight {
  readonly id: string
  readonly input: TransmissionInput
  /** What checking found: null before the assess step and for a transmission refused at admission. */
  checked: Checked | null
  verdict: Verdict
  /** The ack and JSON reply: null for refusals and retries. */
  reply: BuiltReply | null
  /** The ledger row as the steps have built it so far. */
  row: LedgerRow
  /** Set once a step wrote the row (the dedupe claim): the record step then patches it. */
  rowWritten: boolean
  /** How the hand-off went; null when nothing was forwarded. */
  via: HandOffVia | null
}

export function assessmentOf (t: InFlight): Assessment | null {
  return t.checked?.assessment ?? null
}

/** Accepted so far: the outcomes that go on to dedupe and forwarding. */
export function isAcceptedSoFar (v: Verdict): boolean {
  return v.refusal === null && (v.outcome === 'accepted' || v.outcome === 'accepted_with_warnings')
}
