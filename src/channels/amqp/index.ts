/**
 * The AMQP bridge channel (docs/channels.md "AMQP bridge"): one Channel that runs a bridge for every carrier whose
 * agreement configures `channels.amqp`, each consuming the carrier's queue on the carrier's own
 * broker and replying on its reply queue. The carrier is the agreement that configured the queue
 * (docs/architecture.md "Invariants", 3); the pipeline still checks the UNB sender against it.
 *
 * Agreement reloads are followed: a carrier added gets a bridge, one removed (or its AMQP channel
 * removed) is stopped, one whose URL, queues or prefetch changed is restarted, and a stage change
 * to or from `suspended` pauses or resumes its consumer without touching the others.
 */
import type { Agreement } from '../../agreements/schema.js'
import type { Channel, ChannelDeps } from '../channel.js'
import { connectionKey, createCarrierBridge, type BridgeState, type CarrierBridge } from './carrier.js'
import { DEFAULT_BRIDGE_OPTIONS, type BridgeOptions } from './options.js'

export type { BridgeOptions } from './options.js'
export type { BridgeState } from './carrier.js'

export interface AmqpBridge extends Channel {
  /** The state of one carrier's bridge, or undefined when it has none. */
  carrierState (code: string): BridgeState | undefined
  /** Codes of the carriers bridged now. */
  carriers (): string[]
}

export function createAmqpBridge (deps: ChannelDeps, overrides: Partial<BridgeOptions> = {}): AmqpBridge {
  const options: BridgeOptions = { ...DEFAULT_BRIDGE_OPTIONS, shutdownTimeoutMs: deps.config.shutdownTimeoutMs, ...overrides }
  const log = deps.logger
  const bridges = new Map<string, { bridge: CarrierBridge, key: string }>()
  let running = false
  // Reloads are applied one after the other, in order.
  let chain: Promise<void> = Promise.resolve()

  async function apply (agreements: readonly Agreement[]): Promise<void> {
    const wanted = new Map(agreements.filter(a => a.channels.amqp !== undefined).map(a => [a.code, a]))
    const stopping: Array<Promise<void>> = []
    for (const [code, entry] of bridges) {
      const next = wanted.get(code)
      if (next !== undefined && connectionKey(next) === entry.key) { entry.bridge.update(next); continue }
      const reason = next === undefined ? 'no AMQP channel any more' : 'AMQP settings changed'
      log.info({ carrier: code, reason }, 'stopping the carrier bridge')
      bridges.delete(code)
      stopping.push(entry.bridge.stop())
    }
    await Promise.all(stopping)
    if (!running) return
    const starting: Array<Promise<void>> = []
    for (const [code, a] of wanted) {
      if (bridges.has(code)) continue
      const bridge = createCarrierBridge(a, {
        pipeline: deps.pipeline,
        interactive: deps.interactive,
        metrics: deps.metrics,
        logger: log,
        options
      })
      bridges.set(code, { bridge, key: connectionKey(a) })
      starting.push(bridge.start())
    }
    await Promise.all(starting)
  }

  const reconcile = (agreements: readonly Agreement[]): Promise<void> => {
    chain = chain.then(() => apply(agreements)).catch(err => log.error({ err }, 'AMQP bridge reload failed'))
    return chain
  }

  deps.agreements.onChange(set => { if (running) reconcile(set.all).catch(() => { /* logged in reconcile */ }) })

  return {
    name: 'amqp',
    async start () {
      if (running) return
      running = true
      // Resolves after every carrier's first connection attempt; one that failed retries in the background.
      await reconcile(deps.agreements.current().all)
    },
    async stop () {
      running = false
      await chain
      const all = [...bridges.values()]
      bridges.clear()
      await Promise.all(all.map(e => e.bridge.stop()))
    },
    // Healthy while running: a carrier's broker being down is that carrier's state (metric
    // amqp_bridge_connected), never the gateway's readiness, so other carriers are unaffected.
    healthy: () => running,
    carrierState: code => bridges.get(code)?.bridge.state(),
    carriers: () => [...bridges.keys()].sort()
  }
}
