/**
 * Admission, the first step for every channel (docs/architecture.md "The pipeline"): the
 * transmission id, the size limit of the carrier's agreement, and the gateway-wide concurrency
 * limit (`limits.maxConcurrent`). A transmission refused here still gets its ledger row and its
 * answer from the later steps, like any other.
 */
import type { GatewayConfig } from '../../config/index.js'
import type { Metrics } from '../../metrics/index.js'
import { newTransmissionId, sha256Hex } from '../../intake/transmission.js'
import { sizeLimitOf } from '../../intake/limits.js'
import { newLedgerRow } from '../../transmission/index.js'
import { ERRORS, type ErrorId } from '../../errors.js'
import type { TransmissionInput } from '../types.js'
import type { InFlight } from './state.js'

export interface Admission {
  admit (input: TransmissionInput): InFlight
  /** Ends the admission of `t` (frees its concurrency slot). */
  release (t: InFlight): void
}

export function createAdmission (config: GatewayConfig, metrics: Metrics): Admission {
  let active = 0
  const admitted = new WeakSet<InFlight>()

  function refusalOf (input: TransmissionInput, size: number): ErrorId | null {
    if (input.refused !== undefined) return input.refused
    if (size > sizeLimitOf(input.candidates, config.limits)) return 'GW_ERR_INTAKE_TOO_LARGE'
    if (active >= config.limits.maxConcurrent) return 'GW_ERR_INTAKE_OVERLOADED'
    return null
  }

  return {
    admit (input) {
      const id = newTransmissionId(input.receivedAt.getTime())
      const size = input.size ?? input.bytes.length
      const refusal = refusalOf(input, size)
      const single = input.candidates.length === 1 ? input.candidates[0] : null
      const known = single !== null && single.stage !== 'suspended' ? single : null
      const t: InFlight = {
        id,
        input,
        checked: null,
        verdict: {
          outcome: refusal === null ? 'accepted' : ERRORS[refusal].outcome,
          refusal,
          carrier: known,
          destination: null,
          extraErrors: [],
          original: null,
          correction: false
        },
        reply: null,
        row: newLedgerRow({
          id,
          channel: input.channel,
          receivedAt: input.receivedAt.toISOString(),
          carrier: single?.code ?? null,
          // The assess step hashes what it checked; a refused transmission is never checked, so its
          // row holds the hash of the bytes the channel has (none for a file left unread).
          sha256: refusal === null ? '' : sha256Hex(input.bytes),
          size
        }),
        rowWritten: false,
        via: null
      }
      if (refusal === null) {
        active++
        admitted.add(t)
      }
      metrics.inFlight.inc()
      return t
    },
    release (t) {
      if (admitted.delete(t)) active--
      metrics.inFlight.dec()
    }
  }
}
