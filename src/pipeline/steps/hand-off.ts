/**
 * The hand-off step (docs/architecture.md invariant 1): an accepted transmission goes to the PIU
 * target, else the local spool; a rejected one, and a known carrier's unreadable one, to
 * quarantine with its error report. A forward that cannot be made durable turns the outcome into
 * retry: nothing is acknowledged, and the dedupe key is released for the resend.
 */
import type { Logger } from 'pino'
import type { Forwarder } from '../../forward/forwarder.js'
import type { Metrics } from '../../metrics/index.js'
import { isGatewayError } from '../../errors.js'
import { toPublicFinding } from '../../acknowledge/index.js'
import { sha256Hex } from '../../intake/transmission.js'
import { bodyOf } from '../check.js'
import { forwardHeaders, routingKey, sensitiveHeaders } from '../headers.js'
import { assessmentOf, isAcceptedSoFar, type InFlight } from './state.js'

export interface HandOffStep {
  readonly forwarder: Forwarder
  readonly metrics: Metrics
  readonly logger: Logger
}

export async function handOff (t: InFlight, deps: HandOffStep): Promise<void> {
  const v = t.verdict
  if (v.destination === 'quarantine') return await quarantine(t, deps)
  if (v.destination === null || !isAcceptedSoFar(v)) return
  const a = assessmentOf(t)!
  const carrier = v.carrier!
  const forward = t.checked!.forward
  const messages = forward.messages.map(i => a.messages[i])
  const headers = forwardHeaders(a, {
    channel: t.input.channel,
    carrier,
    test: v.destination === 'test',
    sha256: forward.sha256,
    correction: v.correction,
    receivedAt: t.input.receivedAt,
    forwarded: messages,
    sensitive: forward.sensitive
  })
  try {
    t.via = await deps.forwarder.handOff({
      transmissionId: t.id,
      destination: v.destination,
      routingKey: routingKey(v.destination, messages[0]?.type, carrier.code),
      body: forward.body,
      headers,
      timestamp: t.input.receivedAt
    })
  } catch (err) {
    v.outcome = 'retry'
    const reason = isGatewayError(err) ? err.id : 'forward_failed'
    deps.logger.warn({ transmissionId: t.id, carrier: carrier.code, reason }, 'transmission could not be made durable')
    return
  }
  deps.metrics.durableLatency.observe({ channel: t.input.channel }, (Date.now() - t.input.receivedAt.getTime()) / 1000)
  if (forward.sensitive !== undefined) deps.metrics.sensitiveFiltered.inc({ carrier: carrier.code }, forward.sensitive.removed)
}

/**
 * The body as received (the interchange, or the bytes when none was found) with its error report;
 * with the sensitive-data filter on, the filtered copy, hashed as stored (docs/sensitive-data.md).
 */
async function quarantine (t: InFlight, deps: HandOffStep): Promise<void> {
  const a = assessmentOf(t)!
  const { input, verdict: v } = t
  const carrier = v.carrier!
  const errors = [...a.errors, ...v.extraErrors]
  const report = JSON.stringify({
    transmissionId: t.id,
    carrier: carrier.code,
    channel: input.channel,
    receivedAt: input.receivedAt.toISOString(),
    errors: errors.map(toPublicFinding),
    warnings: a.warnings.map(toPublicFinding)
  })
  const body = bodyOf(a, input.bytes)
  const sensitive = t.checked!.forward.sensitive
  const headers: Record<string, string> = {
    'x-carrier': carrier.code,
    'x-channel': input.channel,
    'x-content-sha256': sensitive === undefined ? t.checked!.sha256 : sha256Hex(body),
    'x-validation': 'rejected',
    ...(sensitive === undefined ? {} : sensitiveHeaders(sensitive))
  }
  if (a.envelope !== null) {
    headers['x-sender'] = a.envelope.sender
    headers['x-interchange-ref'] = a.envelope.reference
  }
  const type = a.envelope?.messages[0]?.type
  if (type !== undefined) headers['x-message-type'] = type
  await deps.forwarder.handOff({
    transmissionId: t.id,
    destination: 'quarantine',
    routingKey: routingKey('quarantine', type, carrier.code),
    body,
    headers,
    timestamp: input.receivedAt,
    report
  })
  deps.metrics.quarantined.inc({ carrier: carrier.code })
  if (sensitive !== undefined) deps.metrics.sensitiveFiltered.inc({ carrier: carrier.code }, sensitive.removed)
}
