/**
 * The gateway as a child process of the benchmark (docs/benchmarks.md: its peak RSS must be its own).
 * The parent sends `{ type: 'start', config }` (a gateway.yaml object); the child validates it with
 * configFrom, starts createGateway and answers `{ type: 'ready', https, admin }`. `{ type:
 * 'close' }` closes the gateway gracefully and exits. Logs go to stdout (as `npm start` does),
 * which the parent sends to a file. Memory is read by the parent from /proc (VmHWM), which works
 * even while this process is busy parsing a 20 MB interchange; `{ type: 'memory' }` is the fallback.
 */
import { configFrom } from '../src/config/index.js'
import { createGateway, type Gateway } from '../src/app.js'
import { createLogger } from '../src/logger.js'

let gateway: Gateway | null = null

async function start (raw: unknown): Promise<void> {
  const config = configFrom(raw)
  gateway = await createGateway({ config, logger: createLogger(config.log.level) })
  await gateway.start()
  process.send?.({ type: 'ready', https: gateway.httpsPort(), admin: gateway.adminPort(), pid: process.pid })
}

process.on('message', (msg: { type: string, config?: unknown }) => {
  if (msg.type === 'start') {
    start(msg.config).catch(err => {
      process.send?.({ type: 'error', message: (err as Error).message })
      process.exitCode = 1
    })
  } else if (msg.type === 'memory') {
    process.send?.({ type: 'memory', ...process.memoryUsage() })
  } else if (msg.type === 'close') {
    const done = (): void => { process.send?.({ type: 'closed' }, undefined, undefined, () => process.exit(0)) }
    if (gateway === null) done()
    else gateway.close().then(done, done)
  }
})
process.on('disconnect', () => {
  // The parent went away without closing us: do not linger as an orphan holding ports.
  (gateway?.close() ?? Promise.resolve()).finally(() => process.exit(0)).catch(() => {})
})
