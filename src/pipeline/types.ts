/**
 * The contract between channels and the shared pipeline. A channel only knows how to receive bytes
 * with a carrier identity and how to settle an outcome (architecture.md, "The pipeline"); everything
 * between is here.
 */
import type { Agreement, AckKind } from '../agreements/schema.js'
import type { Finding, Stripped } from '../edifact/types.js'
import type { ErrorId, Outcome } from '../errors.js'

export type ChannelName = 'https' | 'sftp' | 'amqp'

export interface ExcludedAgreement { agreement: Agreement, error: ErrorId }

export interface TransmissionInput {
  channel: ChannelName
  /** The bytes exactly as received from the carrier. */
  bytes: Buffer
  /**
   * The agreements the transport identity maps to. One for SFTP/AMQP (the agreement that configured
   * the channel) and for a carrier's own certificate; several when a service provider's certificate
   * is shared: the UNB sender then selects the carrier (interfaces.md).
   */
  candidates: readonly Agreement[]
  receivedAt: Date
  /**
   * Agreements the transport identity also names but that may not send now (a shared certificate
   * revoked, address not allowed or carrier suspended for some of its carriers): a transmission
   * whose UNB sender belongs to one of them is refused with that reason.
   */
  excluded?: readonly ExcludedAgreement[]
  /** Channel-specific reference for logs (file name, AMQP message id); never passenger data. */
  sourceRef?: string
}

export interface MessageSummary {
  reference: string
  type: string
  version: string
  outcome: 'accepted' | 'accepted_with_warnings' | 'rejected'
}

export interface InterchangeSummary {
  sender: string
  recipient: string
  reference: string
}

/** The acknowledgement to hand back on the channel the transmission came in on. */
export interface AckMessage {
  kind: Exclude<AckKind, 'none'>
  /** CONTRL / ACKRES EDIFACT text, or the JSON document serialised. */
  body: string
  contentType: 'application/edifact' | 'application/json'
  /** File suffix for SFTP ack files: 'contrl' | 'ackres' | 'json'. */
  extension: string
}

/** The JSON acknowledgement shape of interfaces.md; always computable, sent when JSON is chosen. */
export interface JsonAck {
  transmissionId: string
  outcome: Exclude<Outcome, 'retry'> | 'retry'
  interchange: InterchangeSummary | null
  messages: MessageSummary[]
  errors: PublicFinding[]
  warnings: PublicFinding[]
  ack: string | null
  duplicate?: boolean
}

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
}

export interface TransmissionResult {
  transmissionId: string
  outcome: Outcome
  /** The carrier resolved for this transmission, or null when none could be. */
  carrier: Agreement | null
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
   * resolvable): HTTP status and catalogue id. Null when an ack/outcome was produced.
   */
  refusal: { status: number, id: string, text: string } | null
  /** Seconds a carrier should wait before retrying (outcome retry). */
  retryAfterSeconds: number | null
}

export interface Pipeline {
  process (input: TransmissionInput): Promise<TransmissionResult>
}
