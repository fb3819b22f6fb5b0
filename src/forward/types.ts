/**
 * Forward targets behind one interface (docs/architecture.md "State"): the directory target (embedded
 * default) and the AMQP target (RabbitMQ with publisher confirms). A publish resolves only once
 * the target holds the transmission durably (fsync + rename, or broker confirm): the pipeline
 * acknowledges the carrier after that and never before (docs/architecture.md "Invariants", 1).
 */
import type { Destination } from '../transmission/index.js'

export interface ForwardItem {
  /** The transmission id; AMQP `messageId` so the PIU can drop a duplicate publish. */
  transmissionId: string
  destination: Destination
  /** `paxlst.XA`, `test.paxlst.XA`, `quarantine.paxlst.XA` (docs/channels.md "What the PIU receives"). */
  routingKey: string
  body: Buffer
  /** The x-* headers (docs/channels.md "What the PIU receives"); strings only (the directory target writes them as JSON). */
  headers: Record<string, string>
  timestamp: Date
  /** For quarantine: the error report (codes and positions only, no values) as JSON text. */
  report?: string
}

export interface ForwardTarget {
  readonly name: 'directory' | 'amqp'
  /** Connects (AMQP: and declares the topology). Failing to connect is not fatal: see available(). */
  start (): Promise<void>
  /** Resolves once durable; rejects when it cannot be made durable now. */
  publish (item: ForwardItem): Promise<void>
  /** False while disconnected or blocked by a broker alarm: the forwarder goes to the spool at once. */
  available (): boolean
  close (): Promise<void>
}
