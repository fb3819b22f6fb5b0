/**
 * The contract between channels and the pipeline (docs/architecture.md "Channels and the
 * pipeline"): a channel receives bytes with a carrier identity, hands them over as a
 * `TransmissionInput`, and settles the `TransmissionResult` its own way (HTTP reply, SFTP move,
 * AMQP ack). Everything between is the pipeline's.
 *
 * The contract is generic over the agreement type so that this bottom layer knows nothing of the
 * agreement schema: the pipeline instantiates it with the full agreement (`GatewayPipeline`).
 */
import type { ErrorId } from '../errors.js'
import type { Finding } from './finding.js'
import type { Stripped } from './envelope.js'
import type { AckKindSent, ChannelName, CheckOutcome, Outcome } from './vocabulary.js'

/** What the contract needs to know of a carrier agreement. */
export interface CarrierRef {
  readonly code: string
  readonly senderIds: readonly string[]
  readonly stage: string
}

export interface ExcludedAgreement<A extends CarrierRef = CarrierRef> { agreement: A, error: ErrorId }

export interface TransmissionInput<A extends CarrierRef = CarrierRef> {
  channel: ChannelName
  /** The bytes exactly as received from the carrier. */
  bytes: Buffer
  /**
   * The agreements the transport identity maps to. One for SFTP/AMQP (the agreement that configured
   * the channel) and for a carrier's own certificate; several when a service provider's certificate
   * is shared: the envelope sender then selects the carrier (docs/channels.md "Service providers").
   */
  candidates: readonly A[]
  receivedAt: Date
  /**
   * Agreements the transport identity also names but that may not send now (a shared certificate
   * revoked, address not allowed or carrier suspended for some of its carriers): a transmission
   * whose sender belongs to one of them is refused with that reason.
   */
  excluded?: ReadonlyArray<ExcludedAgreement<A>>
  /** Channel-specific reference for logs (file name, AMQP message id); never passenger data. */
  sourceRef?: string
  /**
   * The size the channel saw when it stopped reading at its limit (an SFTP file over the limit is
   * not downloaded whole): admission refuses it by this size. Defaults to `bytes.length`.
   */
  size?: number
  /** A refusal the channel made before the pipeline (none today; kept for transport checks). */
  refused?: ErrorId
}

export interface MessageSummary {
  reference: string
  type: string
  version: string
  outcome: CheckOutcome
}

export interface InterchangeSummary {
  sender: string
  recipient: string
  reference: string
}

/** The acknowledgement to hand back on the channel the transmission came in on. */
export interface AckMessage {
  kind: AckKindSent
  /** CONTRL / ACKRES EDIFACT text, or the JSON document serialised. */
  body: string
  contentType: 'application/edifact' | 'application/json'
  /** File suffix for SFTP ack files: 'contrl' | 'ackres' | 'json'. */
  extension: string
}

/** A finding as carriers see it (JSON ack, problem+json, reports). */
export interface PublicFinding {
  code: number
  level: string
  message: string | null
  segment: number | null
  tag: string | null
  element: number | null
  component: number | null
  text: string
  id: string
  /** What was expected, when that is not passenger data (docs/acknowledgements.md "Expected values"). */
  expected?: string
}

/** The JSON acknowledgement of docs/acknowledgements.md; always computable, sent when JSON is chosen. */
export interface JsonAck {
  transmissionId: string
  outcome: Outcome
  interchange: InterchangeSummary | null
  messages: MessageSummary[]
  errors: PublicFinding[]
  warnings: PublicFinding[]
  ack: string | null
  duplicate?: boolean
}

/** A refusal before any ack could be built: HTTP status and catalogue id. */
export interface Refusal { status: number, id: ErrorId, text: string }

export interface TransmissionResult<A extends CarrierRef = CarrierRef> {
  transmissionId: string
  outcome: Outcome
  /** The carrier resolved for this transmission, or null when none could be. */
  carrier: A | null
  interchange: InterchangeSummary | null
  messages: MessageSummary[]
  errors: Finding[]
  warnings: Finding[]
  stripped: Stripped[]
  /** The ack due on this channel per the agreement, or null when none is due. */
  ack: AckMessage | null
  /** The JSON form of the reply (always available; HTTPS `Accept: application/json`). */
  json: JsonAck
  /**
   * Transport-level refusal before any ack could be built (no readable envelope, sender not
   * resolvable, over the size limit). Null when an ack/outcome was produced.
   */
  refusal: Refusal | null
  /** Seconds a carrier should wait before retrying (outcome retry). */
  retryAfterSeconds: number | null
}

export interface Pipeline<A extends CarrierRef = CarrierRef> {
  process (input: TransmissionInput<A>): Promise<TransmissionResult<A>>
}
