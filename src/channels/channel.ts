/**
 * The shared shape of a channel (docs/architecture.md "The pipeline"): it receives bytes with a carrier identity,
 * hands them to the pipeline, and settles the outcome its own way (HTTP reply, SFTP move, AMQP
 * ack). No channel imports another channel; everything between receipt and settlement is the
 * pipeline's.
 */
import type { Logger } from 'pino'
import type { AgreementStore } from '../agreements/store.js'
import type { GatewayConfig } from '../config/index.js'
import type { Metrics } from '../metrics/index.js'
import type { InteractivePipeline, Pipeline } from '../pipeline/index.js'
import type { ChannelName } from '../transmission/index.js'

export interface ChannelDeps {
  config: GatewayConfig
  agreements: AgreementStore
  pipeline: Pipeline
  /** The interactive API lane (docs/interactive.md); served by the HTTPS channel. */
  interactive?: InteractivePipeline
  metrics: Metrics
  /** A child logger for this channel; never given a passenger value. */
  logger: Logger
  /** Messages from the PIU held for carriers that fetch them over HTTPS (docs/outbound.md "HTTPS"). */
  outbox?: CarrierOutbox
}

/** A message from the PIU as a carrier fetches it (`GET /v1/messages`). */
export interface FetchedMessage {
  id: string
  kind: string
  createdAt: string
  contentType: string
  /** The interchange text. */
  body: string
}

/** The HTTPS side of the outbox: only ever the asking carriers' own messages. */
export interface CarrierOutbox {
  /** The carriers' pending messages, oldest first; waits up to `waitMs` for one when there is none. */
  fetch (carriers: readonly string[], waitMs: number, limit: number, signal: AbortSignal): Promise<FetchedMessage[]>
  /** Confirms one; false when it is not one of the carriers' pending messages. */
  ack (carriers: readonly string[], id: string): Promise<boolean>
}

export interface Channel {
  readonly name: ChannelName
  /** Starts receiving (listen, poll, consume). Resolves once running. */
  start (): Promise<void>
  /**
   * Graceful stop: take no new work, let what is in flight settle (each transmission either made
   * durable and acknowledged, or left for the carrier to resend), then release connections.
   */
  stop (): Promise<void>
  /** True when the channel is running and healthy (for /health/ready details). */
  healthy (): boolean
}
