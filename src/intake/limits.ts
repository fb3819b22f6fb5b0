/**
 * The size limit a transmission is held to (docs/configuration.md "Limits"): the agreement's own
 * `limits.maxMessageBytes`, else the gateway's; with several candidate agreements (a provider's
 * shared certificate) the smallest. Channels use it to stop reading early; admission to refuse.
 */
import type { Agreement } from '../agreements/schema.js'

export function sizeLimitOf (candidates: readonly Agreement[], limits: { maxMessageBytes: number }): number {
  if (candidates.length === 0) return limits.maxMessageBytes
  return Math.min(...candidates.map(c => c.limits.maxMessageBytes ?? limits.maxMessageBytes))
}
