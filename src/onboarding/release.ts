/**
 * Releasing a quarantined transmission after an officer decided it is usable (docs/onboarding.md
 * "4. Test traffic and quarantine review"): it goes to the PIU through the configured forward
 * target, to production or — carrier in `testing`, or UNB test indicator — to the test destination
 * (docs/agreements.md, "Stages"), with the x-* headers an accepted transmission would have plus
 * `x-released: true`, `x-released-by`, `x-released-at`. Then the ledger row (when there is one)
 * gets releasedAt/releasedBy and the audit log a line; only after all of that does the quarantine
 * entry go.
 */
import type { Agreement } from '../agreements/schema.js'
import type { GatewayConfig } from '../config/index.js'
import { resolveSecret } from '../config/index.js'
import type { Ledger } from '../ledger/index.js'
import type { ForwardTarget } from '../forward/types.js'
import type { Destination } from '../transmission/index.js'
import { createDirectoryTarget } from '../forward/directory.js'
import { createAmqpTarget } from '../forward/amqp.js'
import { createMetrics } from '../metrics/index.js'
import { createLogger } from '../logger.js'
import { assessTransmission } from '../pipeline/assess.js'
import { forwardHeaders, routingKey } from '../pipeline/headers.js'
import { sha256Hex } from '../intake/transmission.js'
import { appendAudit } from './stage.js'
import type { QuarantineEntry, QuarantineStore } from './quarantine.js'
import type { ChannelName } from '../transmission/index.js'
import { GatewayError } from '../errors.js'

/** The PIU-facing target of the config, started; the caller closes it. */
export async function openForwardTarget (config: GatewayConfig, env: NodeJS.ProcessEnv): Promise<ForwardTarget> {
  if (config.forward.target === 'directory') {
    const t = createDirectoryTarget({ path: config.forward.directory.path, quarantinePath: config.quarantine.path })
    await t.start()
    return t
  }
  const a = config.forward.amqp
  const t = createAmqpTarget(
    { ...a, url: resolveSecret(a.url, env), quarantineRetentionHours: config.quarantine.retentionHours },
    createMetrics(),
    createLogger('silent')
  )
  await t.start()
  if (!t.available()) {
    await t.close()
    throw new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', 'the PIU broker (forward.amqp.url) cannot be reached')
  }
  return t
}

export interface ReleasePlan {
  destination: Destination
  routingKey: string
  headers: Record<string, string>
}

/** Where and with which headers the body goes; the body is re-read only for envelope and flight facts. */
export function planRelease (
  config: GatewayConfig,
  carrier: Agreement,
  entry: QuarantineEntry,
  body: Buffer,
  by: string,
  now: Date
): ReleasePlan {
  const receivedAt = entry.receivedAt !== null ? new Date(entry.receivedAt) : now
  const a = assessTransmission(body, [carrier], { receiverIds: config.identity.receiverIds, receivedAt, limits: config.limits })
  const test = a.interchange.unb?.test === true || entry.headers['x-test'] === 'true'
  const destination: Destination = carrier.stage === 'testing' || test ? 'test' : 'production'
  const channel = (entry.channel ?? entry.headers['x-channel'] ?? 'https') as ChannelName
  const headers: Record<string, string> = a.interchange.unb !== null
    ? forwardHeaders(a, {
      channel,
      carrier,
      test: destination === 'test',
      sha256: sha256Hex(body),
      correction: false,
      receivedAt,
      forwarded: a.messages
    })
    : { ...entry.headers, 'x-test': String(destination === 'test'), 'x-content-sha256': sha256Hex(body) }
  // It failed the checks: never labelled `ok`, whatever the re-read says.
  headers['x-validation'] = 'warnings'
  headers['x-released'] = 'true'
  headers['x-released-by'] = by
  headers['x-released-at'] = now.toISOString()
  return { destination, routingKey: routingKey(destination, a.messages[0]?.type ?? entry.headers['x-message-type'], carrier.code), headers }
}

export interface ReleaseDeps {
  config: GatewayConfig
  store: QuarantineStore
  target: ForwardTarget
  /** Null when there is no ledger yet. */
  ledger: Ledger | null
  agreements: readonly Agreement[]
  auditLog: string
  now?: Date
}

export type ReleaseResult =
  | { released: true, destination: Destination, routingKey: string, ledger: 'updated' | 'no row' | 'no ledger' }
  | { released: false, why: string }

export async function releaseTransmission (d: ReleaseDeps, id: string, reason: string, by: string): Promise<ReleaseResult> {
  const now = d.now ?? new Date()
  let result: ReleaseResult = { released: false, why: `no quarantined transmission ${id}` }
  await d.store.take(id, async (entry, body) => {
    const carrier = d.agreements.find(a => a.code === entry.carrier)
    if (carrier === undefined) {
      throw new GatewayError(
        'GW_ERR_ONBOARDING_RELEASE',
        `no agreement for carrier ${entry.carrier ?? '(unknown)'}: the destination (test or production) cannot be decided`
      )
    }
    const plan = planRelease(d.config, carrier, entry, body, by, now)
    await d.target.publish({
      transmissionId: id,
      destination: plan.destination,
      routingKey: plan.routingKey,
      body,
      headers: plan.headers,
      timestamp: entry.receivedAt !== null ? new Date(entry.receivedAt) : now
    })
    let ledger: 'updated' | 'no row' | 'no ledger' = 'no ledger'
    if (d.ledger !== null) {
      if (await d.ledger.get(id) !== null) {
        await d.ledger.update(id, { releasedAt: now.toISOString(), releasedBy: by })
        ledger = 'updated'
      } else {
        ledger = 'no row'
      }
    }
    await appendAudit(d.auditLog, {
      at: now.toISOString(),
      by,
      action: 'quarantine-release',
      carrier: carrier.code,
      transmissionId: id,
      destination: plan.destination,
      reason
    })
    result = { released: true, destination: plan.destination, routingKey: plan.routingKey, ledger }
  })
  return result
}
