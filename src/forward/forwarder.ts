/**
 * Durable hand-off: the target when it is available, else the spool (docs/architecture.md
 * "Invariants", 1). The relay drains the spool to the target in arrival order, a bounded batch at a
 * time, deleting each file only after its publish is confirmed (at-least-once; the messageId is the
 * spooled idempotency key, src/forward/idempotency.ts, so the PIU drops a duplicate publish after a
 * crash between confirm and delete).
 * It runs at start (a crash leaves files to drain) and then on a timer whenever the target is
 * available.
 *
 * While the target is down the timer also probes the spool folder, so /health/ready turns 503 as
 * soon as neither the target nor the spool can take a transmission, before a carrier finds out.
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
  readonly spool: Spool
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
  let probing = false
  const state = { closed: false }

  const updateMetrics = (): void => {
    const s = spool.stats()
    metrics.spoolFiles.set(s.files)
    metrics.spoolBytes.set(s.bytes)
    metrics.spoolOldest.set(s.oldestMs === null ? 0 : (Date.now() - s.oldestMs) / 1000)
    metrics.targetUp.set({ target: target.name }, target.available() ? 1 : 0)
  }

  /** Reads a batch in name (= arrival) order; a file that cannot be parsed is set aside, loudly. */
  async function readBatch (names: string[]): Promise<Array<{ name: string, item: ForwardItem }>> {
    const out: Array<{ name: string, item: ForwardItem }> = []
    for (const name of names) {
      try {
        out.push({ name, item: await spool.read(name) })
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        // Only a damaged disk gets here (writes are atomic): the carrier was acknowledged, so an
        // operator must look at the file. It is kept, renamed aside, and no longer blocks the rest.
        metrics.forwardFailures.inc({ reason: 'spool_unreadable' })
        logger.error({ file: name, err }, 'spooled file unreadable; set aside as *.corrupt for an operator')
        await spool.setAside(name).catch(() => {})
      }
    }
    return out
  }

  async function relayOnce (): Promise<number> {
    let relayed = 0
    while (!state.closed && target.available()) {
      const batch = await readBatch((await spool.list()).slice(0, RELAY_BATCH))
      if (batch.length === 0) break
      // Published in order (each publish takes its window slot synchronously, in call order), many
      // in flight at once; a file goes only after its own confirm.
      const results = await Promise.allSettled(batch.map(async ({ name, item }) => {
        await target.publish(item)
        await spool.remove(name)
        metrics.forwarded.inc({ destination: item.destination, via: 'relay' })
        deps.onRelayed?.(item.transmissionId)
      }))
      const ok = results.filter(r => r.status === 'fulfilled').length
      relayed += ok
      updateMetrics()
      if (ok < batch.length) {
        logger.warn({ relayed: ok, failed: batch.length - ok }, 'spool relay interrupted; will retry')
        break
      }
    }
    if (relayed > 0) logger.info({ relayed, left: spool.stats().files }, 'spool relayed')
    return relayed
  }

  const drain = async (): Promise<number> => {
    if (draining !== null) return await draining
    draining = relayOnce().finally(() => { draining = null })
    return await draining
  }

  const tick = (): void => {
    updateMetrics()
    if (state.closed) return
    if (spool.stats().files > 0 && target.available()) drain().catch(err => logger.error({ err }, 'spool relay failed'))
    // Only a write tells whether the spool can take one (root ignores permission bits; a full
    // disk or a folder replaced by a file shows only then): probe while the spool is needed.
    if (!probing && (!target.available() || !spool.writable())) {
      probing = true
      const was = spool.writable()
      spool.probe().then(ok => {
        if (ok !== was) logger[ok ? 'info' : 'error']({ spool: spool.path }, ok ? 'spool writable again' : 'spool not writable')
      }, () => {}).finally(() => { probing = false })
    }
  }

  return {
    target,
    spool,
    async start () {
      state.closed = false
      try {
        await spool.start()
      } catch (err) {
        // Not fatal: transmissions still go to the target; readiness reports the spool, and the
        // probe makes the folder again once it can be.
        logger.error({ spool: spool.path, err }, 'spool folder unusable at start')
      }
      await target.start()
      updateMetrics()
      // A crash leaves files in the spool: drain at start, then keep draining.
      drain().catch(err => logger.error({ err }, 'spool relay failed'))
      timer = setInterval(tick, deps.relayIntervalMs)
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
          logger.warn({ err, transmissionId: item.transmissionId }, 'forward target failed; spooling')
        }
      }
      try {
        await spool.write(item)
      } catch (err) {
        const full = isGatewayError(err) && err.id === 'GW_ERR_FORWARD_SPOOL_FULL'
        metrics.forwardFailures.inc({ reason: full ? 'spool_full' : 'spool_failed' })
        logger.error(
          { transmissionId: item.transmissionId, spool: spool.path, reason: isGatewayError(err) ? err.id : 'spool_failed' },
          'target unavailable and spool refused the write; carrier told to retry'
        )
        throw isGatewayError(err) ? err : new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', 'spool write failed', { cause: err })
      }
      metrics.forwarded.inc({ destination: item.destination, via: 'spool' })
      updateMetrics()
      return 'spool'
    },
    ready: () => target.available() || spool.writable(),
    drain,
    async close () {
      state.closed = true
      if (timer !== null) clearInterval(timer)
      timer = null
      await draining?.catch(() => 0)
      await target.close()
      updateMetrics()
    }
  }
}
