// Store-and-forward fault scenario 5 (docs/operations.md "Testing the faults"): publisher confirms delayed — the proxy between
// gateway and broker stalls
// (no byte either way, no error). Publishes in flight time out (confirmTimeoutMs) and go to the
// spool; the stalled connection is abandoned, so later transmissions spool at once; when the link
// flows again the gateway reconnects and the relay drains. Zero lost; readiness stays green (the
// spool takes writes) while the target metric says down.
import t from 'tap'
import { buildGateway } from '../helpers/gateway.js'
import { startProxy } from '../helpers/tcp-proxy.js'
import { admin, amqpForward, metricValue, piuBroker, until } from '../helpers/piu-queue.js'
import { carrierAgreements, sendAll, table, tally, transmissions } from '../helpers/carrier-load.js'

const brokerPort = Number(new URL(process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672').port || 5672)
// N ≥ 500 transmissions per scenario (docs/operations.md "Testing the faults"); FAULT_N overrides it for a longer or shorter run.
const N = Number(process.env.FAULT_N ?? 500)

t.test('confirms stalled mid-load: timeouts lead to the spool, not to loss', async t => {
  const piu = await piuBroker(t)
  const proxy = await startProxy('127.0.0.1', brokerPort)
  t.teardown(() => proxy.close())
  const { gateway } = await buildGateway(t, {
    config: { forward: amqpForward(piu.names, { url: `amqp://guest:guest@127.0.0.1:${proxy.port}`, confirmTimeoutMs: 400, heartbeatSeconds: 5, connectTimeoutMs: 500 }) },
    agreements: carrierAgreements()
  })
  const adminPort = gateway.adminPort()!
  const items = transmissions(N)
  let during: { ready: number, up: number | null } | null = null
  const record = await sendAll(() => gateway.httpsPort(), items, {
    concurrency: 12,
    onAnswer: async n => {
      if (n === Math.floor(N / 3)) proxy.pause()
      if (n === Math.floor(N / 2) && during === null) {
        during = {
          ready: (await admin(adminPort, '/health/ready')).status,
          up: metricValue((await admin(adminPort, '/metrics')).text, 'carrier_gateway_forward_target_up', { target: 'amqp' })
        }
      }
      if (n === Math.floor(2 * N / 3)) proxy.resume()
    }
  })
  t.same(
    during,
    { ready: 200, up: 0 },
    'while stalled: ready (spool writable), target_up 0 (connection abandoned after the confirm timeout)'
  )
  await until(
    () => gateway.forwarder.target.available() && gateway.forwarder.spool.stats().files === 0,
    'reconnected and spool drained',
    30_000
  )
  const delivered = await piu.drain(piu.names.queue)
  const result = tally('confirms stalled', items, record, delivered)
  t.comment('\n' + table([result]))
  t.equal(result.lost, 0, 'zero lost')
  t.equal(record.acked.size, N, 'every carrier acked')
  t.equal(result.delivered, N, 'every interchange delivered')
  t.equal(new Set(delivered.map(m => m.properties.messageId)).size, N, 'duplicates (if any) keep their messageId')

  const failures = await gateway.metrics.forwardFailures.get()
  const timeouts = failures.values.filter(v => v.labels.reason === 'GW_ERR_FORWARD_UNAVAILABLE').reduce((s, v) => s + v.value, 0)
  t.ok(timeouts > 0, `publishes timed out waiting for their confirm (${timeouts})`)
  const spooled = (await gateway.metrics.forwarded.get()).values.filter(v => v.labels.via === 'spool').reduce((s, v) => s + v.value, 0)
  t.ok(spooled > 0, `and went to the spool (${spooled})`)
  t.ok(spooled >= timeouts, 'every timed-out publish was spooled')
})
