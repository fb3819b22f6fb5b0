// Store-and-forward fault scenario 2 (docs/operations.md "Testing the faults"): the broker application stopped and started
// (`rabbitmqctl stop_app` /
// `start_app`) in the middle of a load from two carriers. Whatever the carriers were acked is
// delivered once the broker is back (acked ⊆ delivered). Serial: it stops the shared broker; the
// teardown starts it again (and the whole server if need be) and waits until it answers.
import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { buildGateway } from '../helpers/gateway.js'
import { amqpForward, brokerAnswers, ensureBroker, piuBroker, until } from '../helpers/piu-queue.js'
import { carrierAgreements, sendAll, table, tally, transmissions } from '../helpers/carrier-load.js'

const run = promisify(execFile)
// N ≥ 500 transmissions per scenario (docs/operations.md "Testing the faults"); FAULT_N overrides it for a longer or shorter run.
const N = Number(process.env.FAULT_N ?? 500)

t.test('broker application stopped and started mid-load: zero lost', async t => {
  t.teardown(ensureBroker)
  const piu = await piuBroker(t)
  const { gateway } = await buildGateway(t, {
    config: { forward: amqpForward(piu.names, { reconnectMinMs: 100, reconnectMaxMs: 500 }) },
    agreements: carrierAgreements()
  })
  const items = transmissions(N)
  let stopping: Promise<unknown> | null = null
  let starting: Promise<unknown> | null = null
  let downAt = -1
  const record = await sendAll(() => gateway.httpsPort(), items, {
    concurrency: 12,
    onAnswer: async n => {
      // Never synchronously: the gateway under test runs in this process.
      if (n === Math.floor(N / 3)) stopping = run('rabbitmqctl', ['stop_app']).then(() => { downAt = n })
      // From half-way on, the load waits until the broker is really down, so a part of it meets
      // a stopped broker however long stop_app takes.
      if (n >= Math.floor(N / 2) && stopping !== null) await stopping
      if (n >= Math.floor(2 * N / 3) && starting === null && downAt > 0) starting = run('rabbitmqctl', ['start_app'])
    }
  })
  await stopping
  await (starting ?? run('rabbitmqctl', ['start_app']))
  await until(brokerAnswers, 'broker back', 60_000, 250)
  await until(
    () => gateway.forwarder.target.available() && gateway.forwarder.spool.stats().files === 0,
    'reconnected and spool drained',
    60_000
  )
  const delivered = await piu.drain(piu.names.queue)
  const result = tally('broker stop_app/start_app', items, record, delivered)
  t.comment('\n' + table([result]))
  t.equal(result.lost, 0, 'zero lost: every acked interchange is in the queue')
  t.equal(record.acked.size, N, 'every carrier acked (the spool took what the broker could not)')
  t.equal(result.delivered, N)
  t.equal(new Set(delivered.map(m => m.properties.messageId)).size, N, 'any duplicate keeps its messageId')
  const spooled = (await gateway.metrics.forwarded.get()).values.filter(v => v.labels.via === 'spool').reduce((s, v) => s + v.value, 0)
  t.ok(spooled > 0, `transmissions went to the spool while the broker was down (${spooled})`)
})
