// The interactive lane never waits behind batch traffic (docs/interactive.md "The lane"): while
// two 20 MB PNRGOV pushes are being received and checked, interactive requests are still answered
// by their deadline. The figure itself (gateway-added latency beside the pushes) belongs to the
// bench; here the contract: answered, and before the deadline.
import t from 'tap'
import { pnrgovOfSize } from '../../bench/generate.js'
import { WORKER_CHECKING, buildGateway, exampleAgreement } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { iapiRequest, RULES, TRAVELLERS } from '../helpers/iapi.js'
import { paxlst } from '../helpers/edi.js'

const DEADLINE_MS = 2500

t.test('interactive requests are answered by the deadline beside two 20 MB pushes', async t => {
  const agreement = exampleAgreement({
    stage: 'testing',
    interactive: { enabled: true, deadlineMs: DEADLINE_MS, testResponder: RULES }
  })
  // A 20 MB push is about 700 000 segments: over the default limit (docs/configuration.md "Limits").
  // Checked by the worker pool, as in production: on the event loop the pushes would hold everything.
  const config = { limits: { ...WORKER_CHECKING.limits, maxSegments: 1_000_000 } }
  const b = await buildGateway(t, { agreements: [agreement], config })
  const port = b.gateway.httpsPort()!
  // A first transmission starts the worker the pushes will use (seconds under the tests' loader).
  t.equal((await call(port, { body: paxlst() })).status, 200, 'the worker is up')
  const pushes = [1, 2].map(n => call(port, { body: pnrgovOfSize(20e6, { reference: `BIG${n}` }) }))
  let bigDone = false
  const settled = Promise.all(pushes).finally(() => { bigDone = true })
  const answers: Array<{ status: number, ms: number, duringPushes: boolean }> = []
  for (let i = 0; i < 10; i++) {
    const started = Date.now()
    const res = await call(port, { path: '/v1/interactive', body: iapiRequest({ travellers: TRAVELLERS }) })
    answers.push({ status: res.status, ms: Date.now() - started, duringPushes: !bigDone })
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  const big = await settled
  t.same(big.map(r => r.status), [200, 200], 'both pushes accepted')
  t.ok(answers.some(a => a.duringPushes), 'some requests were answered while the pushes were in flight')
  for (const a of answers) {
    t.equal(a.status, 200, 'decided')
    t.ok(a.ms < DEADLINE_MS, `answered in ${a.ms} ms, before the ${DEADLINE_MS} ms deadline`)
  }
})
