// Backpressure (docs/security.md "Limits"): a lagging event loop makes HTTPS answer 503 with Retry-After at once,
// instead of queueing transmissions without bound; it recovers when the lag is gone.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildGateway } from '../../helpers/gateway.js'
import { call } from '../../helpers/https-client.js'

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'xa-paxlst.edi'))

function blockEventLoop (ms: number): void {
  const until = Date.now() + ms
  while (Date.now() < until) { /* the gateway runs in this process: its event loop lags */ }
}

t.test('event-loop lag over limits.maxEventLoopDelayMs: 503 problem with Retry-After, then recovery', async t => {
  const { gateway } = await buildGateway(t, { config: { limits: { maxEventLoopDelayMs: 100 } } })
  const port = gateway.httpsPort()!
  t.equal((await call(port, { body: EXAMPLE })).status, 200, 'healthy first')
  let refused = null
  for (let i = 0; i < 5 && refused === null; i++) {
    blockEventLoop(1500)
    const res = await call(port, { body: EXAMPLE, headers: { 'x-attempt': String(i) } })
    if (res.status === 503) refused = res
  }
  t.ok(refused !== null, 'a lagging gateway sheds load')
  t.equal(refused?.headers['retry-after'], '5')
  t.match(refused?.json(), { status: 503, code: 'GW_ERR_INTAKE_OVERLOADED' })
  let recovered = false
  for (let i = 0; i < 40 && !recovered; i++) {
    await new Promise(resolve => setTimeout(resolve, 250))
    recovered = (await call(port, { body: Buffer.from(EXAMPLE.toString('latin1').replace(/XA0000000217/g, `XA00000003${String(i).padStart(2, '0')}`), 'latin1') })).status === 200
  }
  t.ok(recovered, 'accepted again once the loop is idle')
})
