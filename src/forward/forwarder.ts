/**
 * Durable hand-off: the target when it is available, else the spool (architecture invariant 1).
 * The relay drains the spool to the target in order, a bounded batch at a time, deleting each file
 * only after its publish is confirmed (at-least-once; messageId = transmission id lets the PIU drop
 * a duplicate publish after a crash between confirm and delete).
 */
import type { Logger } from 'pino'
import type { Metrics } from '../metrics/index.js'
import { GatewayError, isGatewayError } from '../errors.js'
import type { ForwardItem, ForwardTarget } from './types.js'
import type { Spool } from './spool.js'

export type HandOffVia = 'target' | 'spool'

export interface Forwarder {
  start (): Promise<void>
  /** Resolves where the item is durably held; rejects with a retry-outcome GatewayError. */
  handOff (item: ForwardItem): Promise<HandOffVia>
  /** The target is available, or the spool can take writes. */
  ready (): boolean
  /** Relays what is spooled now (also runs on a timer). Resolves how many were relayed. */
  drain (): Promise<number>
  close (): Promise<void>
  readonly target: ForwardTarget
}

export interface ForwarderDeps {
  target: ForwardTarget
  spool: Spool
  metrics: Metrics
  logger: Logger
  relayIntervalMs: number
  /** Called once a spooled transmission reached the target (ledger status update). */
  onRelayed?: (transmissionId: string) => void
}

const RELAY_BATCH = 100

export function createForwarder (deps: ForwarderDeps): Forwarder {
  const { target, spool, metrics, logger } = deps
  let timer: NodeJS.Timeout | null = null
  let draining: Promise<number> | null = null
  const state = { closed: false }

  const updateSpoolMetrics = (): void => {
    const s = spool.stats()
    metrics.spoolFiles.set(s.files)
    metrics.spoolBytes.set(s.bytes)
    metrics.spoolOldest.set(s.oldestMs === null ? 0 : (Date.now() - s.oldestMs) / 1000)
  }

  async function relayOnce (): Promise<number> {
    let relayed = 0
    while (!state.closed && target.available()) {
      const names = (await spool.list()).slice(0, RELAY_BATCH)
      if (names.length === 0) break
      const results = await Promise.allSettled(names.map(async name => {
        const item = await spool.read(name)
        await target.publish(item)
        await spool.remove(name)
        metrics.forwarded.inc({ destination: item.destination, via: 'relay' })
        deps.onRelayed?.(item.transmissionId)
      }))
      const ok = results.filter(r => r.status === 'fulfilled').length
      relayed += ok
      updateSpoolMetrics()
      if (ok < names.length) {
        logger.warn({ failed: names.length - ok }, 'spool relay interrupted; will retry')
        break
      }
    }
    if (relayed > 0) logger.info({ relayed }, 'spool relayed')
    return relayed
  }

  const drain = async (): Promise<number> => {
    if (draining !== null) return await draining
    draining = relayOnce().finally(() => { draining = null })
    return await draining
  }

  return {
    target,
    async start () {
      await spool.start()
      await target.start()
      updateSpoolMetrics()
      // A crash leaves files in the spool: drain at start, then keep draining.
      drain().catch(err => logger.error({ err }, 'spool relay failed'))
      timer = setInterval(() => {
        updateSpoolMetrics()
        if (spool.stats().files > 0 && target.available()) drain().catch(err => logger.error({ err }, 'spool relay failed'))
      }, deps.relayIntervalMs)
      timer.unref()
    },
    async handOff (item) {
      if (target.available()) {
        try {
          await target.publish(item)
          metrics.forwarded.inc({ destination: item.destination, via: 'target' })
          return 'target'
        } catch (err) {
          metrics.forwardFailures.inc({ reason: isGatewayError(err) ? err.id : 'publish_failed' })
          logger.warn({ err: { message: (err as Error).message }, transmissionId: item.transmissionId }, 'forward target failed; spooling')
        }
      }
      try {
        await spool.write(item)
      } catch (err) {
        metrics.forwardFailures.inc({ reason: 'spool_failed' })
        throw isGatewayError(err) ? err : new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', 'spool write failed', { cause: err })
      }
      metrics.forwarded.inc({ destination: item.destination, via: 'spool' })
      updateSpoolMetrics()
      return 'spool'
    },
    ready: () => target.available() || spool.writable(),
    drain,
    async close () {
      state.closed = true
      if (timer !== null) clearInterval(timer)
      await draining?.catch(() => 0)
      await target.close()
    }
  }
}
