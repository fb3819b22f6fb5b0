/**
 * The only file that touches the process: config, logger, listen, signals, graceful close.
 * SIGTERM/SIGINT: stop taking work, settle what is in flight (durable or left with the carrier),
 * close; a second signal or the `shutdownTimeoutMs` deadline forces exit — nothing that is not
 * durable has been acknowledged, so a forced exit loses nothing (invariant 1).
 * SIGHUP: reload agreements and TLS material (certificates, CRL).
 */
import { loadConfig } from './config/index.js'
import { createGateway } from './app.js'
import { createLogger } from './logger.js'

export async function runServer (configFile: string): Promise<void> {
  const config = loadConfig(configFile)
  const logger = createLogger(config.log.level)
  const gateway = await createGateway({ config, logger })
  await gateway.start()
  logger.info({ https: gateway.httpsPort(), admin: gateway.adminPort(), config: configFile }, 'carrier gateway ready')

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    stopping = true
    logger.info({ signal }, 'shutting down')
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed: exiting with work unsettled (nothing undurable was acknowledged)')
      process.exit(1)
    }, config.shutdownTimeoutMs)
    deadline.unref()
    gateway.close().then(() => {
      logger.info('stopped')
      process.exit(0)
    }, err => {
      logger.error({ err }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGHUP', () => {
    const { problems } = gateway.reload()
    if (problems.length === 0) logger.info('reloaded agreements and TLS material')
    else logger.error({ problems }, 'reload found problems; the last good configuration stays in effect')
  })
}
