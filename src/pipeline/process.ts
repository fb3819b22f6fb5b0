/**
 * The pipeline in order (architecture.md): assess (parse, validate, agreement) → dedupe (ledger) →
 * forward (target or spool; quarantine for rejected) → acknowledge → record. `process` never
 * throws: every failure becomes an outcome, and a positive one only after durable hand-off
 * (invariant 1). Each transmission logs one record with metadata only (invariant 4).
 */
import type { Logger } from 'pino'
import type { Agreement } from '../agreements/schema.js'
import type { GatewayConfig } from '../config/index.js'
import type { Ledger, LedgerRow } from '../ledger/index.js'
import type { Metrics } from '../metrics/index.js'
import type { Forwarder } from '../forward/forwarder.js'
import type { Destination } from '../forward/types.js'
import type { Finding } from '../edifact/types.js'
import { ERRORS, GatewayError, isGatewayError, type Outcome } from '../errors.js'
import { finding } from '../edifact/tokenizer.js'
import { createAckReferences, toPublicFinding } from '../acknowledge/index.js'
import { newTransmissionId } from '../intake/transmission.js'
import type { Assessment } from './assess.js'
import type { Checker } from './check-pool.js'
import { bodyOf } from './check.js'
import { buildReply, type BuiltReply } from './acknowledge.js'
import { forwardHeaders, routingKey } from './headers.js'
import { claimDedupeKey } from './dedupe.js'
import { observeTransmission } from './observe.js'
import type { Pipeline, TransmissionInput, TransmissionResult } from './types.js'

export interface PipelineDeps {
  config: GatewayConfig
  ledger: Ledger
  forwarder: Forwarder
  metrics: Metrics
  logger: Logger
  /** Runs the checking half, on the event loop or in a worker thread by size. */
  checker: Checker
}

const RETRY_AFTER_SECONDS = 30

export function createPipeline (deps: PipelineDeps): Pipeline {
  const { config, ledger, forwarder, metrics, logger, checker } = deps
  const newReference = createAckReferences()
  const startedAt = Date.now()

  function baseRow (id: string, input: TransmissionInput, a: Assessment | null, sha: string): LedgerRow {
    const unb = a?.interchange.unb ?? null
    const first = a?.messages[0]
    return {
      id,
      carrier: a?.carrier?.code ?? (input.candidates.length === 1 ? input.candidates[0].code : null),
      channel: input.channel,
      status: 'received',
      outcome: null,
      receivedAt: input.receivedAt.toISOString(),
      forwardedAt: null,
      acknowledgedAt: null,
      sender: unb?.sender ?? null,
      recipient: unb?.recipient ?? null,
      reference: unb?.reference ?? null,
      preparedAt: unb === null ? null : `${unb.date}:${unb.time}`,
      messageRefs: a?.messages.map(m => m.reference) ?? [],
      parts: a?.messages.filter(m => m.part.sequence !== null).map(m => `${m.part.sequence}:${m.part.final === true ? 'F' : 'C'}`) ?? [],
      messageType: first?.type ?? null,
      messageVersion: first?.version ?? null,
      flight: null,
      test: unb?.test ?? false,
      destination: null,
      sha256: sha,
      size: input.bytes.length,
      errorCodes: [],
      ackKind: null,
      ack: null,
      ackSentAt: null,
      correction: false,
      duplicateOf: null,
      releasedAt: null,
      releasedBy: null
    }
  }

  function result (id: string, input: TransmissionInput, a: Assessment | null, outcome: Outcome, reply: BuiltReply | null, extra: Finding[] = []): TransmissionResult {
    const unb = a?.interchange.unb ?? null
    return {
      transmissionId: id,
      outcome,
      carrier: a?.carrier ?? null,
      interchange: unb === null ? null : { sender: unb.sender, recipient: unb.recipient, reference: unb.reference },
      messages: reply?.json.messages ?? [],
      errors: [...(a?.errors ?? []), ...extra],
      warnings: a?.warnings ?? [],
      stripped: a?.interchange.stripped ?? [],
      ack: outcome === 'retry' ? null : (reply?.ack ?? null),
      json: reply?.json ?? { transmissionId: id, outcome, interchange: null, messages: [], errors: [...(a?.errors ?? []), ...extra].map(toPublicFinding), warnings: [], ack: null },
      refusal: null,
      retryAfterSeconds: outcome === 'retry' ? RETRY_AFTER_SECONDS : null
    }
  }

  function refused (id: string, input: TransmissionInput, a: Assessment | null, errId: keyof typeof ERRORS, status?: number): TransmissionResult {
    const r = result(id, input, a, ERRORS[errId].outcome, null)
    r.refusal = { status: status ?? ERRORS[errId].http, id: errId, text: ERRORS[errId].text }
    if (r.outcome === 'retry') r.retryAfterSeconds = RETRY_AFTER_SECONDS
    return r
  }

  function destinationOf (carrier: Agreement, a: Assessment): Destination {
    return carrier.stage === 'testing' || a.interchange.unb?.test === true ? 'test' : 'production'
  }

  async function quarantine (id: string, input: TransmissionInput, a: Assessment, sha256: string, carrier: Agreement, extra: Finding[]): Promise<void> {
    const report = JSON.stringify({ transmissionId: id, carrier: carrier.code, channel: input.channel, receivedAt: input.receivedAt.toISOString(), errors: [...a.errors, ...extra].map(toPublicFinding), warnings: a.warnings.map(toPublicFinding) })
    const unb = a.interchange.unb
    const body = bodyOf(a, input.bytes)
    const headers: Record<string, string> = { 'x-carrier': carrier.code, 'x-channel': input.channel, 'x-content-sha256': sha256, 'x-validation': 'rejected' }
    if (unb !== null) { headers['x-sender'] = unb.sender; headers['x-interchange-ref'] = unb.reference }
    if (a.messages[0] !== undefined) headers['x-message-type'] = a.messages[0].type
    await forwarder.handOff({ transmissionId: id, destination: 'quarantine', routingKey: routingKey('quarantine', a.messages[0]?.type, carrier.code), body, headers, timestamp: input.receivedAt, report })
    metrics.quarantined.inc({ carrier: carrier.code })
  }

  async function run (id: string, input: TransmissionInput, seen: { a: Assessment | null }): Promise<TransmissionResult> {
    const checked = await checker.check({
      bytes: input.bytes,
      candidates: input.candidates,
      excluded: input.excluded ?? [],
      ctx: { receiverIds: config.identity.receiverIds, receivedAt: input.receivedAt, limits: config.limits }
    })
    const a = checked.assessment
    seen.a = a
    const sha = checked.sha256
    const row = baseRow(id, input, a, sha)
    const carrier = a.carrier
    const ackCtx = { transmissionId: id, senderId: config.identity.senderId, now: new Date(), newReference }

    if (a.refusal !== null || carrier === null) {
      const errId = a.refusal ?? 'GW_ERR_INTAKE_UNKNOWN_CERTIFICATE'
      // A known carrier's unreadable transmission is kept in quarantine so an officer can see why.
      const known = input.candidates.length === 1 && input.candidates[0].stage !== 'suspended' ? input.candidates[0] : null
      if (known !== null && ERRORS[errId].outcome === 'rejected') await quarantine(id, input, a, sha, known, [])
      await ledger.record({ ...row, outcome: ERRORS[errId].outcome, errorCodes: a.errors.map(e => e.code), destination: known !== null ? 'quarantine' : null })
      const r = refused(id, input, a, errId)
      if (known !== null) r.carrier = known
      return r
    }

    if (a.outcome === 'rejected') {
      const reply = buildReply(a, 'rejected', ackCtx)
      await quarantine(id, input, a, sha, carrier, [])
      await ledger.record({ ...row, outcome: 'rejected', status: 'acknowledged', destination: 'quarantine', errorCodes: a.errors.map(e => e.code), ackKind: reply.ackKind, ack: reply.ackText, ackSentAt: reply.ack !== null ? new Date().toISOString() : null, acknowledgedAt: new Date().toISOString() })
      return result(id, input, a, 'rejected', reply)
    }

    // Accepted so far: claim the dedupe key (invariant 2), then hand off durably (invariant 1).
    const forward = checked.forward
    const forwardedIdx = forward.messages
    const reply = buildReply(a, a.outcome, ackCtx)
    const destination = destinationOf(carrier, a)
    const flight = forwardedIdx.length > 0 ? a.messages[forwardedIdx[0]] : undefined
    const claimRow: LedgerRow = { ...row, outcome: a.outcome, destination, errorCodes: a.warnings.map(w => w.code), ackKind: reply.ackKind, ack: reply.ackText, flight: flight?.facts?.ledgerFlight ?? null }
    let correction = false
    const decision = await claimDedupeKey(ledger, claimRow, {
      abandonedAfterMs: config.ledger.abandonedClaimMinutes * 60_000,
      abandonedBefore: config.ledger.kind === 'sqlite' ? startedAt : null,
      now: input.receivedAt,
      onTakeover: abandoned => logger.warn({ transmissionId: id, abandoned: abandoned.id, carrier: carrier.code }, 'took over an abandoned dedupe claim')
    })
    switch (decision.kind) {
      case 'unkeyed':
        await ledger.record(claimRow)
        break
      case 'in-flight':
      case 'abandoned-taken':
        // The original is still being handed off elsewhere: its ack is not known yet.
        await ledger.record({ ...row, outcome: 'retry', duplicateOf: decision.of.id })
        return refused(id, input, a, 'GW_ERR_FORWARD_UNAVAILABLE')
      case 'duplicate': {
        const dup = buildReply(a, 'duplicate', ackCtx, [], { kind: decision.of.ackKind, text: decision.of.ack })
        await ledger.record({ ...row, outcome: 'duplicate', status: 'acknowledged', duplicateOf: decision.of.id, ackKind: dup.ackKind, ack: dup.ackText, ackSentAt: dup.ack !== null ? new Date().toISOString() : null, acknowledgedAt: new Date().toISOString() })
        return result(id, input, a, 'duplicate', dup)
      }
      case 'changed': {
        if (carrier.strictness.changedResend === 'reject') {
          const changed = [finding('GW_ERR_ACK_DUPLICATE_CHANGED', { level: 'interchange', segment: 1, tag: 'UNB', element: 5 })]
          const neg = buildReply(a, 'rejected', ackCtx, changed)
          await quarantine(id, input, a, sha, carrier, changed)
          await ledger.record({ ...row, outcome: 'rejected', status: 'acknowledged', destination: 'quarantine', duplicateOf: decision.of.id, errorCodes: [26], ackKind: neg.ackKind, ack: neg.ackText, ackSentAt: neg.ack !== null ? new Date().toISOString() : null, acknowledgedAt: new Date().toISOString() })
          return result(id, input, a, 'rejected', neg, changed)
        }
        correction = true
        await ledger.record({ ...claimRow, correction: true, duplicateOf: decision.of.id })
        break
      }
      case 'claimed':
        break
    }

    const body = forward.body
    const headers = forwardHeaders(a, { channel: input.channel, carrier, test: destination === 'test', sha256: forward.sha256, correction, receivedAt: input.receivedAt, forwarded: forwardedIdx.map(i => a.messages[i]) })
    let via
    try {
      via = await forwarder.handOff({ transmissionId: id, destination, routingKey: routingKey(destination, flight?.type, carrier.code), body, headers, timestamp: input.receivedAt })
    } catch (err) {
      // Not durable: the key is released (retry rows never hold it) so the resend is processed normally.
      await ledger.update(id, { outcome: 'retry' })
      logger.warn({ transmissionId: id, carrier: carrier.code, reason: isGatewayError(err) ? err.id : 'forward_failed' }, 'transmission could not be made durable')
      return result(id, input, a, 'retry', null)
    }
    const now = new Date().toISOString()
    metrics.durableLatency.observe({ channel: input.channel }, (Date.now() - input.receivedAt.getTime()) / 1000)
    await ledger.update(id, { status: via === 'spool' ? 'spooled' : 'acknowledged', forwardedAt: via === 'spool' ? null : now, acknowledgedAt: now, ackSentAt: reply.ack !== null ? now : null })
    const r = result(id, input, a, a.outcome, reply)
    r.json.messages = reply.json.messages
    return r
  }

  return {
    async process (input) {
      const id = newTransmissionId(input.receivedAt.getTime())
      metrics.inFlight.inc()
      let r: TransmissionResult
      const seen: { a: Assessment | null } = { a: null }
      try {
        r = await run(id, input, seen)
      } catch (err) {
        // A ledger or forward failure we could not map: nothing was acknowledged, so retry is safe.
        const known = isGatewayError(err) ? err : new GatewayError('GW_ERR_LEDGER_UNAVAILABLE', 'pipeline failure', { cause: err })
        if (known.id === 'GW_ERR_LEDGER_UNAVAILABLE') metrics.ledgerErrors.inc()
        logger.error({ transmissionId: id, err: { id: known.id, message: known.message } }, 'transmission failed; carrier told to retry')
        r = refused(id, input, null, known.def.outcome === 'retry' ? known.id : 'GW_ERR_FORWARD_UNAVAILABLE')
        if (input.candidates.length === 1) r.carrier = input.candidates[0]
      } finally {
        metrics.inFlight.dec()
      }
      observeTransmission(r, input, seen.a, metrics, logger)
      return r
    }
  }
}
