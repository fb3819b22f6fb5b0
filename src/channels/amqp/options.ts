/**
 * Tuning of the AMQP bridge. The agreement says what varies per carrier (URL, queues, prefetch,
 * maxRedeliveries); these are the gateway's own connection habits, with defaults that suit a
 * production broker. Tests and the benchmark pass shorter timings to createAmqpBridge.
 */
export interface BridgeOptions {
  /** AMQP heartbeat: a silent broker is noticed after about two intervals. @default 10 */
  heartbeatSeconds: number
  /** TCP connect plus AMQP handshake deadline. @default 10000 */
  connectTimeoutMs: number
  /** First reconnect delay; doubles per failed attempt, with jitter. @default 250 */
  reconnectMinMs: number
  /** Longest reconnect delay. @default 30000 */
  reconnectMaxMs: number
  /** A reply or dead-letter publish not confirmed within this counts as not sent. @default 10000 */
  confirmTimeoutMs: number
  /** Pause before a retry outcome is requeued (capped by the pipeline's Retry-After). @default 1000 */
  retryDelayMs: number
  /** How often the carrier queue's ready count (lag) is polled. @default 15000 */
  lagPollMs: number
  /** How long stop() lets in-flight deliveries settle before closing the connection. @default 15000 */
  shutdownTimeoutMs: number
}

export const DEFAULT_BRIDGE_OPTIONS: Readonly<BridgeOptions> = Object.freeze({
  heartbeatSeconds: 10,
  connectTimeoutMs: 10_000,
  reconnectMinMs: 250,
  reconnectMaxMs: 30_000,
  confirmTimeoutMs: 10_000,
  retryDelayMs: 1000,
  lagPollMs: 15_000,
  shutdownTimeoutMs: 15_000
})
