// Interactive API when the PIU broker goes away (docs/interactive.md "The deadline"): a cut
// connection and a stopped broker are answered by the deadline, nothing hangs, and answers come back
// once the broker does. Serial: it stops the shared broker; the teardown starts it again.
import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { buildGateway, exampleAgreement, testConfig } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { amqpForward, ensureBroker, piuBroker, until } from '../helpers/piu-queue.js'
import { startProxy } from '../helpers/tcp-proxy.js'
import { writeConfig } from '../helpers/gateway-child.js'
import { iapiRequest, RULES, TRAVELLERS } from '../helpers/iapi.js'
import { startResponder } from '../interactive/responder.js'

const run = promisify(execFile)
const DEADLINE_MS = 1500
/** The deadline plus the TLS round trip on a busy 2-core machine. */
const BOUND_MS = DEADLINE_MS + 1000

t.test('a cut connection and a stopped broker: answered by the deadline, and decisions again afterwards', async t => {
  t.teardown(ensureBroker)
  const piu = await piuBroker(t)
  const iapiQueue = `${piu.names.queue}.iapi`
  const proxy = await startProxy('127.0.0.1', 5672)
  t.teardown(async () => { await proxy.close() })
  const viaProxy = amqpForward(piu.names, { url: `amqp://guest:guest@127.0.0.1:${proxy.port}` })
  ;(viaProxy.amqp as Record<string, unknown>).iapiQueue = iapiQueue
  const agreement = exampleAgreement({ interactive: { enabled: true, deadlineMs: DEADLINE_MS, testResponder: RULES } })
  const b = await buildGateway(t, { agreements: [agreement], config: { forward: viaProxy } })
  // The responder reaches the broker directly: only the gateway's side is cut.
  const direct = amqpForward(piu.names)
  ;(direct.amqp as Record<string, unknown>).iapiQueue = iapiQueue
  const responderConfig = writeConfig(b.dir, testConfig(b.dir, b.carriersDir, { forward: direct }), 'r.yaml')
  const responder = await startResponder(t, b.dir, responderConfig, RULES)
  const ask = async (): Promise<{ status: number, ms: number }> => {
    const started = Date.now()
    const res = await call(b.gateway.httpsPort()!, { path: '/v1/interactive', body: iapiRequest({ travellers: TRAVELLERS.slice(0, 1) }) })
    return { status: res.status, ms: Date.now() - started }
  }

  t.equal((await ask()).status, 200, 'decided through the broker')

  proxy.cut()
  const cut = await ask()
  t.ok([200, 504].includes(cut.status), `right after the cut: ${cut.status}`)
  t.ok(cut.ms < BOUND_MS, `answered in ${cut.ms} ms`)
  await until(async () => (await ask()).status === 200, 'decisions again after the cut', 20_000, 200)

  await responder.stop()
  await run('rabbitmqctl', ['stop_app'])
  const down = await ask()
  t.equal(down.status, 504, 'the broker is stopped: the timeout answer')
  t.ok(down.ms < BOUND_MS, `answered in ${down.ms} ms`)

  await ensureBroker()
  await startResponder(t, b.dir, responderConfig, RULES)
  await until(async () => (await ask()).status === 200, 'decisions again once the broker is back', 60_000, 250)
})
