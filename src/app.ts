/**
 * Composition root: builds the stages in pipeline order and the channels around them. Reads like
 * the diagram in docs/architecture.md "The pipeline": channels → pipeline (intake → edifact → validate → forward →
 * acknowledge) → ledger; the admin listener watches all of it.
 */
import type { Logger } from 'pino'
import type { GatewayConfig } from './config/index.js'
import { resolveSecret } from './config/index.js'
import { createAgreementStore, type AgreementStore } from './agreements/store.js'
import { createLedger, type Ledger } from './ledger/index.js'
import { createMetrics, type Metrics } from './metrics/index.js'
import { createDirectoryTarget } from './forward/directory.js'
import { createAmqpTarget } from './forward/amqp.js'
import { createSpool } from './forward/spool.js'
import { createForwarder, type Forwarder } from './forward/forwarder.js'
import type { ForwardTarget } from './forward/types.js'
import { checkThreadsOf, createChecker, createInteractivePipeline, createPipeline } from './pipeline/index.js'
import { createIapiClient, type IapiClient } from './forward/iapi.js'
import type { Pipeline } from './pipeline/types.js'
import type { Channel, ChannelDeps } from './channels/channel.js'
import { createHttpsChannel, type HttpsChannel } from './channels/https/index.js'
import { createAdmin, type AdminServer } from './admin/index.js'
import { registerStatusPage } from './admin/status-page.js'
import { startHousekeeping } from './housekeeping.js'
import { createOutbound, type Outbound } from './outbound/index.js'
import { createLogger } from './logger.js'
import { createFlightWatch, type FlightWatch } from './flights/index.js'
import { registerFlightRoutes } from './admin/flights.js'

export interface GatewayOptions {
  config: GatewayConfig
  logger?: Logger
  /** An agreement store built elsewhere (tests); default: the config's carriers folder. */
  agreements?: AgreementStore
  /** The clock flight states are evaluated on (tests drive it). @default the wall clock */
  now?: () => Date
}

export interface Gateway {
  readonly config: GatewayConfig
  readonly agreements: AgreementStore
  readonly metrics: Metrics
  readonly ledger: Ledger
  readonly forwarder: Forwarder
  readonly pipeline: Pipeline
  readonly channels: Channel[]
  readonly https: HttpsChannel | null
  readonly admin: AdminServer | null
  /** Messages from the PIU to carriers (docs/outbound.md). */
  readonly outbound: Outbound
  /** The flight evaluator (docs/flights.md "States"). */
  readonly flights: FlightWatch
  httpsPort (): number | null
  adminPort (): number | null
  start (): Promise<void>
  /** Graceful: channels stop taking work and settle what is in flight, then the stores close. */
  close (): Promise<void>
  /** SIGHUP: reload agreements (keeping the last good set on error) and TLS certificates/CRL. */
  reload (): { problems: string[] }
}

function createTarget (config: GatewayConfig, metrics: Metrics, logger: Logger): ForwardTarget {
  if (config.forward.target === 'directory') {
    return createDirectoryTarget({ path: config.forward.directory.path, quarantinePath: config.quarantine.path })
  }
  const a = config.forward.amqp
  return createAmqpTarget(
    // forward.amqp.urls (cluster nodes) when given, else the one url (docs/configuration.md).
    {
      ...a,
      url: resolveSecret(a.urls[0] ?? a.url),
      urls: a.urls.map(u => resolveSecret(u)),
      quarantineRetentionHours: config.quarantine.retentionHours
    },
    metrics,
    logger.child({ component: 'forward' })
  )
}

/**
 * The interactive lane's PIU round trip: only with the AMQP target (docs/interactive.md "Without
 * a broker": with the directory target the test responder answers every request).
 */
function createIapi (config: GatewayConfig, metrics: Metrics, logger: Logger): IapiClient | null {
  if (config.forward.target !== 'amqp') return null
  const a = config.forward.amqp
  const log = logger.child({ component: 'iapi' })
  return createIapiClient({
    url: resolveSecret(a.url),
    exchange: a.exchange,
    queue: a.iapiQueue,
    queueType: a.queueType,
    heartbeatSeconds: a.heartbeatSeconds,
    logger: log,
    onLate: late => {
      // Counted here; the interactive lane turns it into the unsolicited update (docs/outbound.md).
      metrics.iapiLateDecisions.inc({ carrier: late.carrier })
      log.warn({ transmissionId: late.transmissionId, carrier: late.carrier }, 'PIU decision arrived after the deadline')
    }
  })
}

/** Channels other than HTTPS load lazily so a gateway without them never imports their clients. */
async function optionalChannels (deps: ChannelDeps): Promise<Channel[]> {
  const out: Channel[] = []
  const all = deps.agreements.current().all
  // The SFTP and AMQP channels follow agreement reloads themselves, so they are created whenever
  // their module exists; they idle while no agreement configures them.
  const mods = [
    ['./channels/sftp/index.js', 'createSftpChannel', 'sftp'],
    ['./channels/amqp/index.js', 'createAmqpBridge', 'amqp']
  ] as const
  for (const [path, factory, name] of mods) {
    let mod: Record<string, unknown>
    try {
      mod = await import(path) as Record<string, unknown>
    } catch (err) {
      if (!all.some(a => name in a.channels)) continue
      throw err
    }
    const create = mod[factory] as (d: ChannelDeps) => Channel
    out.push(create({ ...deps, logger: deps.logger.child({ channel: name }) }))
  }
  return out
}

export async function createGateway (opts: GatewayOptions): Promise<Gateway> {
  const { config } = opts
  const logger = opts.logger ?? createLogger(config.log.level)
  const metrics = createMetrics()
  const agreements = opts.agreements ?? createAgreementStore(config.carriers, { logger: logger.child({ component: 'agreements' }) })
  const ledger = await createLedger(config.ledger.kind === 'sqlite'
    ? { kind: 'sqlite', path: config.ledger.path }
    : { kind: 'postgres', url: resolveSecret(config.ledger.url), schema: config.ledger.schema })
  const target = createTarget(config, metrics, logger)
  const spool = createSpool(config.spool)
  const forwarder = createForwarder({
    target,
    spool,
    metrics,
    logger: logger.child({ component: 'relay' }),
    relayIntervalMs: config.spool.relayIntervalMs,
    onRelayed: id => {
      ledger.update(id, { status: 'acknowledged', forwardedAt: new Date().toISOString() })
        .catch(err => logger.warn({ transmissionId: id, err }, 'ledger update after relay failed'))
    }
  })
  const checker = createChecker({
    threads: checkThreadsOf(config.limits.checkWorkers),
    minBytes: config.limits.checkWorkerMinBytes,
    largeBytes: config.limits.checkLargeBytes,
    logger: logger.child({ component: 'checker' }),
    onWaiting: n => metrics.checkWaiting.set(n)
  })
  const pipeline = createPipeline({ config, ledger, forwarder, metrics, checker, logger: logger.child({ component: 'pipeline' }) })
  const iapi = createIapi(config, metrics, logger)
  const outbound = createOutbound({ config, agreements, ledger, metrics, logger: logger.child({ component: 'outbound' }) })
  const interactive = createInteractivePipeline({
    config,
    ledger,
    metrics,
    iapi,
    logger: logger.child({ component: 'interactive' }),
    onLateDecision: update => {
      outbound.late(update).catch(err => logger.error({ transmissionId: update.transmissionId, err }, 'late decision could not be queued'))
    }
  })
  const channelDeps: ChannelDeps = { config, agreements, pipeline, interactive, metrics, logger, outbox: outbound.outbox }
  const https = config.https.enabled ? createHttpsChannel({ ...channelDeps, logger: logger.child({ channel: 'https' }), ledger }) : null
  const channels: Channel[] = [...(https !== null ? [https] : []), ...await optionalChannels(channelDeps)]

  const readiness = (): { ready: boolean, checks: Record<string, boolean> } => {
    const checks: Record<string, boolean> = { config: true, forward: forwarder.ready(), targetConnected: target.available() }
    for (const c of channels) checks[`channel_${c.name}`] = c.healthy()
    // Not ready from the first moment of a shutdown, so load balancers drain this instance first.
    checks.notShuttingDown = closing === null
    return { ready: checks.forward && checks.notShuttingDown && channels.every(c => c.healthy()), checks }
  }
  const admin = config.admin.enabled
    ? createAdmin({
      config,
      agreements,
      ledger,
      metrics,
      logger: logger.child({ component: 'admin' }),
      readiness,
      extend: async app => {
        await registerStatusPage(app, { agreements, ledger, metrics, outboundStuckMinutes: config.outbound.stuckMinutes })
        await registerFlightRoutes(app, { agreements, ledger, now: opts.now })
      }
    })
    : null
  const flights = createFlightWatch({ ledger, agreements, metrics, logger: logger.child({ component: 'flights' }), now: opts.now })
  let stopHousekeeping: (() => void) | null = null
  let closing: Promise<void> | null = null
  const shutdown = async (): Promise<void> => {
    stopHousekeeping?.()
    agreements.close()
    for (const c of [...channels].reverse()) await c.stop().catch(err => logger.error({ err }, 'channel stop failed'))
    await admin?.close()
    await outbound.stop()
    await flights.stop()
    // Channels have settled what was in flight, so no check is waiting for a worker any more.
    await checker.close()
    await iapi?.close()
    await forwarder.close()
    await ledger.close()
  }

  return {
    config,
    agreements,
    metrics,
    ledger,
    forwarder,
    pipeline,
    channels,
    https,
    admin,
    outbound,
    flights,
    httpsPort: () => https?.port() ?? null,
    adminPort: () => admin?.port() ?? null,
    async start () {
      await forwarder.start()
      for (const c of channels) await c.start()
      await outbound.start()
      flights.start()
      await admin?.start()
      stopHousekeeping = startHousekeeping({
        config,
        agreements,
        ledger,
        metrics,
        logger,
        observedExpiries: () => https?.certificateExpiries() ?? new Map()
      })
      agreements.watch(problems => {
        metrics.configReloads.inc({ result: 'failed' })
        logger.error(
          { problems: problems.map(p => `${p.file}: ${p.path} ${p.message}`) },
          'agreement reload failed; keeping the last good set'
        )
      })
      agreements.onChange(() => metrics.configReloads.inc({ result: 'ok' }))
      logger.info(
        { carriers: agreements.current().all.length, target: target.name, channels: channels.map(c => c.name) },
        'gateway started'
      )
    },
    async close () {
      closing ??= shutdown()
      await closing
    },
    reload () {
      const problems = agreements.reload().map(p => `${p.file}: ${p.path} ${p.message}`)
      if (problems.length > 0) metrics.configReloads.inc({ result: 'failed' })
      try {
        https?.reloadTls()
      } catch (err) {
        problems.push(`TLS reload failed: ${(err as Error).message}`)
      }
      return { problems }
    }
  }
}
