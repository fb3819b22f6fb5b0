/**
 * The pipeline, in the order of docs/architecture.md "The pipeline":
 * admit → assess → dedupe → hand off → acknowledge → record → answer, then one log record and the metrics.
 * `process` never throws: every failure becomes an outcome, and a positive one only after durable
 * hand-off (invariant 1).
 */
import type { Logger } from 'pino'
import type { GatewayConfig } from '../config/index.js'
import type { Ledger } from '../ledger/index.js'
import type { Metrics } from '../metrics/index.js'
import type { Forwarder } from '../forward/forwarder.js'
import { GatewayError, isGatewayError } from '../errors.js'
import { createAckReferences } from '../acknowledge/index.js'
import type { Checker } from './check-pool.js'
import type { Pipeline, TransmissionResult } from './types.js'
import { observeTransmission } from './observe.js'
import { createAdmission } from './steps/admit.js'
import { assess } from './steps/assess.js'
import { dedupe } from './steps/dedupe.js'
import { handOff } from './steps/hand-off.js'
import { acknowledge } from './steps/acknowledge.js'
import { record } from './steps/record.js'
import { answer } from './steps/answer.js'
import { linkFlights } from './steps/flight.js'
import { resultOf } from './steps/result.js'
import { assessmentOf, type InFlight } from './steps/state.js'

export interface PipelineDeps {
  config: GatewayConfig
  ledger: Ledger
  forwarder: Forwarder
  metrics: Metrics
  logger: Logger
  /** Runs the checking half, on the event loop or in a worker thread by size. */
  checker: Checker
}

export function createPipeline (deps: PipelineDeps): Pipeline {
  const { config, ledger, checker, metrics, logger } = deps
  const admission = createAdmission(config, metrics)
  const dedupeStep = { ledger, config, startedAt: Date.now(), logger }
  const answerStep = { ledger, metrics, logger }
  const flightStep = { flights: ledger.flights, metrics, logger }
  const ackStep = { senderId: config.identity.senderId, newReference: createAckReferences() }

  /**
   * A ledger or forward failure no step could map: nothing was acknowledged, so retry is safe. A
   * claim row already written stays `received` and is taken over as abandoned by the resend.
   */
  function failed (t: InFlight, err: unknown): TransmissionResult {
    const known = isGatewayError(err) ? err : new GatewayError('GW_ERR_LEDGER_UNAVAILABLE', 'pipeline failure', { cause: err })
    if (known.id === 'GW_ERR_LEDGER_UNAVAILABLE') metrics.ledgerErrors.inc()
    logger.error({ transmissionId: t.id, err: known }, 'transmission failed; carrier told to retry')
    const refusal = known.def.outcome === 'retry' ? known.id : 'GW_ERR_FORWARD_UNAVAILABLE'
    const candidates = t.input.candidates
    return resultOf({
      ...t,
      checked: null,
      reply: null,
      verdict: { ...t.verdict, outcome: 'retry', refusal, carrier: candidates.length === 1 ? candidates[0] : null, extraErrors: [] }
    })
  }

  return {
    async process (input) {
      const t = admission.admit(input)
      let r: TransmissionResult
      try {
        await assess(t, checker, config)
        await dedupe(t, dedupeStep)
        await handOff(t, deps)
        acknowledge(t, ackStep)
        // Written together: on SQLite the row and its flight links share one group commit.
        await Promise.all([record(t, ledger), linkFlights(t, flightStep)])
        await answer(t, answerStep)
        r = resultOf(t)
      } catch (err) {
        r = failed(t, err)
      } finally {
        admission.release(t)
      }
      observeTransmission(r, input, assessmentOf(t), metrics, logger)
      return r
    }
  }
}
