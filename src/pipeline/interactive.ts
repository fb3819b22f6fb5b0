/**
 * The interactive lane (docs/interactive.md): a PAXLST iAPI request in, a CUSRES out, within the
 * agreement's `interactive.deadlineMs` whatever happens behind the gateway. The steps mirror the
 * batch pipeline's, in a lane of their own:
 *
 *   admit (the lane's own size and concurrency limits) → assess (the same checks as batch traffic,
 *   always on the event loop: a request is small, and never waits for a checking worker) → decide
 *   (the PIU's assessment service, or the agreement's test responder) → answer (CUSRES) → record.
 *
 * A request that fails the checks gets the negative CONTRL and never reaches the PIU. Nothing of a
 * traveller is logged; the ledger keeps decision counts and latencies only.
 */
import type { Logger } from 'pino'
import type { Agreement } from '../agreements/schema.js'
import type { GatewayConfig } from '../config/index.js'
import type { Ledger } from '../ledger/index.js'
import type { Metrics } from '../metrics/index.js'
import type { IapiClient, LateAnswer } from '../forward/iapi.js'
import { ERRORS, type ErrorId } from '../errors.js'
import { newTransmissionId } from '../intake/transmission.js'
import { createAckReferences } from '../acknowledge/index.js'
import { validateDecision } from '../validate/decision.js'
import { decideByRules, iapiRequestOf, type IapiAnswer, type IapiRequest } from '../messages/index.js'
import {
  finding, newLedgerRow, type AckMessage, type ChannelName, type JsonAck, type Outcome
} from '../transmission/index.js'
import { checkTransmission } from './check.js'
import { envelopeFieldsOf } from './row.js'
import type { Assessment } from './assess.js'
import { forwardHeaders } from './headers.js'
import { linkTransmission } from './steps/flight.js'
import { buildReply } from './reply.js'
import type { ExcludedAgreement } from './types.js'
import { answerOf, checkedCusres, lateUpdateOf, type LateDecision } from './interactive-answer.js'

export type { LateDecision } from './interactive-answer.js'

/** Time kept back from the deadline to build and send the answer after the PIU's. */
const ANSWER_MARGIN_MS = 50

export interface InteractiveInput {
  channel: ChannelName
  bytes: Buffer
  candidates: readonly Agreement[]
  excluded?: readonly ExcludedAgreement[]
  receivedAt: Date
}

/** decided: the PIU's (or test responder's) decisions; timeout: none in time; rejected: CONTRL. */
export type InteractiveOutcome = 'decided' | 'timeout' | 'rejected' | 'refused'

export interface InteractivePassenger {
  position: number
  passengerRef: string | null
  locator: string | null
  decision: string
  text: string | null
}

export interface InteractiveJson {
  transmissionId: string
  outcome: InteractiveOutcome
  passengers: InteractivePassenger[]
  cusres: string | null
}

export interface InteractiveResult {
  transmissionId: string
  outcome: InteractiveOutcome
  carrier: Agreement | null
  /** 200 decided (or advisory on timeout), 504 error reply on timeout, 422 rejected, else the refusal's. */
  status: number
  /** The CUSRES text (decided or timeout). */
  cusres: string | null
  /** The negative CONTRL of a rejected request, and its JSON form. */
  ack: AckMessage | null
  rejection: JsonAck | null
  json: InteractiveJson
  refusal: { id: ErrorId, status: number } | null
}

/** Why no PIU decision was used: none in time, no broker, or an answer that fails the schema. */
type Miss = 'timeout' | 'broker' | 'invalid'

/** What the ledger keeps of an interactive request (`LedgerRow.interactive`): no passenger value. */
interface Summary {
  /** BGM 1001 of the request: 745 check-in, 266 close-out. */
  document: string
  answer: 'decided' | 'advisory' | 'error'
  decisions: Record<string, number>
  travellers: number
  piuMs: number | null
  miss: Miss | null
  source: 'piu' | 'test-responder'
  totalMs?: number
}

interface Decided {
  answer: IapiAnswer | null
  miss: Miss | null
  piuMs: number | null
  /** A ready-made CUSRES from the PIU, checked, sent to the carrier as it came. */
  passthrough?: string
}

interface Handled { r: InteractiveResult, a: Assessment | null, summary: Summary | null }

export interface InteractiveDeps {
  config: GatewayConfig
  ledger: Ledger
  metrics: Metrics
  logger: Logger
  /** The PIU round trip; null with the directory target (the test responder answers then). */
  iapi: IapiClient | null
  /** A PIU decision after the deadline, as the unsolicited CUSRES update to send (docs/interactive.md "Late decisions"). */
  onLateDecision?: (update: LateDecision) => void
}

export interface InteractivePipeline {
  process (input: InteractiveInput): Promise<InteractiveResult>
}

/**
 * The ledger's outcome of an interactive request (docs/interactive.md "Ledger and metrics"):
 * decided → accepted; the advisory answer on timeout → accepted_with_warnings; the error answer on
 * timeout → retry (the carrier may ask again); a failed check → rejected; a refusal → its own.
 */
function ledgerOutcomeOf (r: InteractiveResult): Outcome {
  if (r.refusal !== null) return ERRORS[r.refusal.id].outcome
  if (r.outcome === 'rejected') return 'rejected'
  if (r.outcome === 'decided') return 'accepted'
  return r.status === 200 ? 'accepted_with_warnings' : 'retry'
}

export function createInteractivePipeline (deps: InteractiveDeps): InteractivePipeline {
  const { config, ledger, metrics, logger } = deps
  const newReference = createAckReferences()
  let active = 0

  function refused (id: string, carrier: Agreement | null, error: ErrorId): InteractiveResult {
    return {
      transmissionId: id,
      outcome: 'refused',
      carrier,
      status: ERRORS[error].http,
      cusres: null,
      ack: null,
      rejection: null,
      json: { transmissionId: id, outcome: 'refused', passengers: [], cusres: null },
      refusal: { id: error, status: ERRORS[error].http }
    }
  }

  function admit (input: InteractiveInput): ErrorId | null {
    const limit = Math.min(...input.candidates.map(c => c.interactive.maxBytes), config.limits.maxMessageBytes)
    if (input.bytes.length > limit) return 'GW_ERR_INTAKE_TOO_LARGE'
    if (active >= config.limits.maxConcurrent) return 'GW_ERR_INTAKE_OVERLOADED'
    return null
  }

  function assess (id: string, input: InteractiveInput): Assessment {
    return checkTransmission({
      bytes: input.bytes,
      candidates: input.candidates,
      excluded: input.excluded ?? [],
      ctx: { receiverIds: config.identity.receiverIds, receivedAt: input.receivedAt, limits: config.limits }
    }).assessment
  }

  /** The negative CONTRL, with `extra` findings the interactive checks add. */
  function rejected (id: string, a: Assessment, extra: ReturnType<typeof finding>[]): InteractiveResult {
    const ctx = { transmissionId: id, senderId: config.identity.senderId, now: new Date(), newReference }
    const reply = buildReply(a, 'rejected', ctx, extra)
    return {
      transmissionId: id,
      outcome: 'rejected',
      carrier: a.carrier,
      status: 422,
      cusres: null,
      ack: reply.ack,
      rejection: reply.json,
      json: { transmissionId: id, outcome: 'rejected', passengers: [], cusres: null },
      refusal: null
    }
  }

  async function decide (id: string, carrier: Agreement, a: Assessment, req: IapiRequest, input: InteractiveInput):
  Promise<Decided> {
    const responder = carrier.interactive.testResponder
    // The test stage never reaches the PIU; without a broker the test responder is all there is.
    if (carrier.stage === 'testing' || deps.iapi === null) {
      return { answer: decideByRules(responder, req.travellers), miss: null, piuMs: null }
    }
    const deadline = input.receivedAt.getTime() + carrier.interactive.deadlineMs
    const headers = forwardHeaders(a, {
      channel: input.channel,
      carrier,
      test: a.envelope?.test === true,
      sha256: '',
      correction: false,
      receivedAt: input.receivedAt,
      forwarded: a.messages
    })
    headers['x-deadline'] = new Date(deadline).toISOString()
    delete headers['x-content-sha256']
    const out = await deps.iapi.ask({
      transmissionId: id,
      carrier: carrier.code,
      body: a.interchange.body,
      headers,
      deadline: deadline - ANSWER_MARGIN_MS,
      onLate: late => lateDecision(id, carrier, req, late)
    })
    if (out.kind === 'timeout') return { answer: null, miss: 'timeout', piuMs: null }
    if (out.kind === 'unavailable') return { answer: null, miss: 'broker', piuMs: null }
    // A PIU may answer with a ready-made CUSRES: checked, then passed through as it came.
    if (out.contentType === 'application/edifact') {
      const passthrough = checkedCusres(out.body, req)
      if (passthrough !== null) return { answer: passthrough.answer, miss: null, piuMs: out.piuMs, passthrough: passthrough.text }
      logger.error({ transmissionId: id, carrier: carrier.code }, 'PIU CUSRES does not answer the request; answered as timed out')
      return { answer: null, miss: 'invalid', piuMs: out.piuMs }
    }
    const checked = validateDecision(out.answer, req.travellers)
    if (!checked.ok) {
      logger.error(
        { transmissionId: id, carrier: carrier.code, problems: checked.problems },
        'PIU decision fails the decision schema; answered as timed out'
      )
      return { answer: null, miss: 'invalid', piuMs: out.piuMs }
    }
    return { answer: { passengers: checked.decisions }, miss: null, piuMs: out.piuMs }
  }

  /** A decision after the carrier was answered: checked, then sent as an update (docs/interactive.md "Late decisions"). */
  function lateDecision (id: string, carrier: Agreement, req: IapiRequest, late: LateAnswer): void {
    if (deps.onLateDecision === undefined) return
    const update = lateUpdateOf(carrier, req, late, { senderId: config.identity.senderId, reference: newReference(), now: new Date() })
    if (update === null) {
      logger.error({ transmissionId: id, carrier: carrier.code }, 'late PIU decision is invalid; no update sent to the carrier')
      return
    }
    deps.onLateDecision({ transmissionId: id, carrier, ...update })
  }

  async function record (id: string, input: InteractiveInput, a: Assessment | null, r: InteractiveResult, summary: Summary | null) {
    await ledger.record(newLedgerRow({
      id,
      channel: input.channel,
      receivedAt: input.receivedAt.toISOString(),
      sha256: '',
      size: input.bytes.length,
      carrier: r.carrier?.code ?? null,
      status: r.outcome === 'refused' ? 'received' : 'acknowledged',
      outcome: ledgerOutcomeOf(r),
      acknowledgedAt: r.outcome === 'refused' ? null : new Date().toISOString(),
      ...envelopeFieldsOf(a),
      errorCodes: [...(a?.errors ?? []), ...(r.rejection?.errors ?? [])].map(f => f.code),
      ackKind: r.ack?.kind ?? (r.cusres !== null ? 'cusres' : null),
      interactive: summary === null ? null : JSON.stringify(summary)
    }))
  }

  async function run (id: string, input: InteractiveInput): Promise<Handled> {
    const single = input.candidates.length === 1 ? input.candidates[0] : null
    const admission = admit(input)
    if (admission !== null) return { r: refused(id, single, admission), a: null, summary: null }
    active++
    try {
      const a = assess(id, input)
      if (a.refusal !== null || a.carrier === null) {
        return { r: refused(id, single, a.refusal ?? 'GW_ERR_INTAKE_UNKNOWN_CERTIFICATE'), a, summary: null }
      }
      const carrier = a.carrier
      if (!carrier.interactive.enabled) return { r: refused(id, carrier, 'GW_ERR_IAPI_NOT_ENABLED'), a, summary: null }
      if (a.outcome === 'rejected') return { r: rejected(id, a, []), a, summary: null }
      const req = iapiRequestOf(a.interchange)
      if (!req.ok) {
        const extra = req.problems.map(p => finding('GW_ERR_IAPI_NOT_A_REQUEST', {
          level: p.segment === null ? 'interchange' : 'segment',
          message: a.interchange.messages[0]?.reference ?? null,
          segment: p.segment,
          tag: p.tag
        }))
        return { r: rejected(id, a, extra), a, summary: null }
      }
      const d = await decide(id, carrier, a, req, input)
      const built = d.passthrough !== undefined
        ? { cusres: d.passthrough, answer: d.answer, status: 200 }
        : answerOf(carrier, req, d.answer, { senderId: config.identity.senderId, reference: newReference(), now: new Date() })
      const byPosition = new Map(req.travellers.map(tr => [tr.position, tr]))
      const passengers = (built.answer?.passengers ?? []).map(p => ({
        position: p.position,
        passengerRef: byPosition.get(p.position)?.passengerRef ?? null,
        locator: byPosition.get(p.position)?.locator ?? null,
        decision: p.decision,
        text: p.text
      }))
      const outcome: InteractiveOutcome = d.miss === null ? 'decided' : 'timeout'
      const counts: Record<string, number> = {}
      for (const p of passengers) counts[p.decision] = (counts[p.decision] ?? 0) + 1
      const summary: Summary = {
        document: req.documentCode,
        answer: d.miss === null ? 'decided' : carrier.interactive.onTimeout === 'advisory' ? 'advisory' : 'error',
        decisions: counts,
        travellers: req.travellers.length,
        piuMs: d.piuMs,
        miss: d.miss,
        source: carrier.stage === 'testing' || deps.iapi === null ? 'test-responder' : 'piu'
      }
      const r: InteractiveResult = {
        transmissionId: id,
        outcome,
        carrier,
        status: built.status,
        cusres: built.cusres,
        ack: null,
        rejection: null,
        json: { transmissionId: id, outcome, passengers, cusres: built.cusres },
        refusal: null
      }
      return { r, a, summary }
    } finally {
      active--
    }
  }

  return {
    async process (input) {
      const id = newTransmissionId(input.receivedAt.getTime())
      const { r, a, summary } = await run(id, input)
      const carrier = r.carrier?.code ?? 'unknown'
      const totalMs = Date.now() - input.receivedAt.getTime()
      metrics.iapiRequests.inc({ carrier, channel: input.channel, outcome: r.outcome })
      const s = summary
      for (const [decision, n] of Object.entries(s?.decisions ?? {})) metrics.iapiDecisions.inc({ carrier, decision }, n)
      if (s?.miss != null) metrics.iapiDeadlineMisses.inc({ carrier, reason: s.miss })
      if (s?.piuMs != null && s.miss == null) metrics.iapiPiuLatency.observe({ carrier }, s.piuMs / 1000)
      if (s !== null) metrics.iapiGatewayLatency.observe({ carrier }, Math.max(0, totalMs - (s.piuMs ?? 0)) / 1000)
      try {
        await record(id, input, a, r, summary === null ? null : { ...summary, totalMs })
      } catch (err) {
        // The carrier's agent is waiting: the answer goes out, the operator learns of the gap.
        metrics.ledgerErrors.inc()
        logger.error({ transmissionId: id, err }, 'interactive request answered but not recorded in the ledger')
      }
      if (a !== null && r.carrier !== null && r.refusal === null) {
        const outcome = ledgerOutcomeOf(r)
        // BGM 266 (flight close) is the close-out; a check-in request (745) is an iAPI transmission.
        const kind = a.messages[0]?.facts?.document === 'flight-status' ? 'close-out' as const : 'iapi' as const
        if (outcome !== 'retry') {
          const linked = { id, carrier: r.carrier.code, receivedAt: input.receivedAt, outcome, errorCodes: [], messages: a.messages, kind }
          await linkTransmission(linked, { flights: ledger.flights, metrics, logger })
        }
      }
      logger.info({
        transmissionId: id,
        carrier: r.carrier?.code ?? null,
        channel: input.channel,
        lane: 'interactive',
        outcome: r.outcome,
        refusal: r.refusal?.id,
        decisions: s?.decisions,
        miss: s?.miss ?? undefined,
        ms: totalMs
      }, 'interactive request answered')
      return r
    }
  }
}
