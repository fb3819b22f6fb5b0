// Invariants 1 and 2 on the AMQP bridge: the gateway dies (or loses the carrier connection) after
// the transmission was made durable but before the delivery was acked. The broker redelivers; the
// resend is answered as a duplicate with the ack of the first time, and exactly one copy was
// forwarded. Serial: it cuts connections and SIGKILLs a gateway process.
import t from 'tap'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildGateway, testConfig, tmpDir, writeAgreements } from '../helpers/gateway.js'
import { startProxy } from '../helpers/tcp-proxy.js'
import type { TransmissionInput, TransmissionResult } from '../../src/pipeline/types.js'
import { amqpAgreement, carrierSide, ediFiles, header, newReference, outbox, ownBridge, paxlst, until } from '../channels/amqp/fixtures.js'

t.test('connection lost after durable hand-off, before ack: redelivered, answered as duplicate, forwarded once', async t => {
  const carrier = await carrierSide(t)
  const proxy = await startProxy('127.0.0.1', 5672)
  t.teardown(() => proxy.close())
  const built = await buildGateway(t, { agreements: [amqpAgreement(carrier.q, {}, { url: `amqp://guest:guest@127.0.0.1:${proxy.port}` })] })
  const inner = built.gateway.pipeline
  const outcomes: string[] = []
  let cutDone = false
  const bridge = await ownBridge(t, built, {
    pipeline: {
      async process (input: TransmissionInput): Promise<TransmissionResult> {
        const r = await inner.process(input)
        outcomes.push(r.outcome)
        if (input.sourceRef === 'victim' && !cutDone) {
          // Durable now (the pipeline returned a positive outcome): lose the connection before the ack.
          cutDone = true
          proxy.cut()
          await until(() => bridge.carrierState('XA') !== 'consuming', 'connection loss noticed')
        }
        return r
      }
    }
  })
  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'victim' })
  const [reply] = await carrier.waitForReplies(1)
  t.equal(reply.properties.correlationId, 'victim')
  t.equal(header(reply, 'x-outcome'), 'duplicate', 'the redelivery is answered as a duplicate')
  t.match(outcomes[0], /^accepted/, 'first attempt was accepted and forwarded')
  t.equal(outcomes[1], 'duplicate')
  await until(async () => await carrier.ready() === 0, 'queue drained')
  t.equal(ediFiles(outbox(built.dir)).length, 1, 'exactly one copy forwarded')
  t.equal(carrier.replies.length, 1, 'one reply: the first was never sent, its connection was gone')
})

// The child gateway: the test's config, its own bridge whose pipeline SIGKILLs the process right
// after the first durable hand-off, before the delivery can be acked.
function childScript (root: string): string {
  const src = (p: string): string => JSON.stringify(pathToFileURL(join(root, 'src', p)).href)
  return `
import { configFrom } from ${src('config/index.js')}
import { createGateway } from ${src('app.js')}
import { createAmqpBridge } from ${src('channels/amqp/index.js')}
import { createLogger } from ${src('logger.js')}
const config = configFrom(JSON.parse(process.env.CHILD_CONFIG ?? '{}'))
const logger = createLogger('warn')
const gateway = await createGateway({ config, logger })
await gateway.start()
await gateway.channels.find(c => c.name === 'amqp')?.stop()
const pipeline = {
  async process (input: Parameters<typeof gateway.pipeline.process>[0]) {
    const r = await gateway.pipeline.process(input)
    process.stdout.write('durable ' + r.outcome + '\\n')
    process.kill(process.pid, 'SIGKILL')
    return r
  }
}
await createAmqpBridge({ config, agreements: gateway.agreements, pipeline, metrics: gateway.metrics, logger }).start()
process.stdout.write('ready\\n')
`
}

t.test('SIGKILL after durable hand-off, before ack: the restarted gateway answers the redelivery as a duplicate', async t => {
  const carrier = await carrierSide(t)
  const dir = tmpDir(t)
  const carriersDir = join(dir, 'carriers')
  const agreements = [amqpAgreement(carrier.q)]
  writeAgreements(carriersDir, agreements)
  const script = join(dir, 'child.mts')
  writeFileSync(script, childScript(resolve(import.meta.dirname, '..', '..')))
  const tsImport = process.execArgv.filter(a => a.startsWith('--import=') && a.includes('typescript'))
  const child = spawn(process.execPath, [...tsImport, script], {
    env: { ...process.env, CHILD_CONFIG: JSON.stringify(testConfig(dir, carriersDir)) },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise<NodeJS.Signals | null>(resolve => child.on('exit', (_code, signal) => resolve(signal)))
  await until(() => out.includes('ready'), 'child gateway ready', 60_000)

  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'killed' })
  t.equal(await exited, 'SIGKILL', 'the gateway died with the delivery unacked')
  t.match(out, /durable accepted/, 'it had made the transmission durable first')
  t.equal(ediFiles(outbox(dir)).length, 1, 'forwarded once before dying')
  t.equal(carrier.replies.length, 0, 'no reply: it died first')
  await until(async () => await carrier.ready() === 1, 'the broker put the unacked delivery back')

  const { gateway } = await buildGateway(t, { dir, agreements })
  t.ok(gateway.channels.some(c => c.name === 'amqp'))
  const [reply] = await carrier.waitForReplies(1)
  t.equal(reply.properties.correlationId, 'killed')
  t.equal(header(reply, 'x-outcome'), 'duplicate')
  t.match(reply.content.toString('latin1'), /UCI\+[^']+\+XAAPI\+GOVPIU\+7'/, 'the positive ack of the first time')
  await until(async () => await carrier.ready() === 0, 'queue drained')
  t.equal(ediFiles(outbox(dir)).length, 1, 'still exactly one copy forwarded')
})
