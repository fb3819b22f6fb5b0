// Store-and-forward fault scenario 1 (docs/operations.md "Testing the faults"): the PIU broker connection cut mid-load (a TCP
// proxy the test controls
// between gateway and broker), then restored. Two carriers send over HTTPS while a third one's
// interchanges arrive over the AMQP bridge (its own broker link is not cut); every ack any of
// them received must be delivered (acked ⊆ delivered, zero lost). A publish whose confirm was lost
// in the cut is spooled and relayed: a duplicate the PIU can drop, because it keeps its messageId.
import t, { type Test } from 'tap'
import { buildGateway } from '../helpers/gateway.js'
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { amqpForward, piuBroker, until } from '../helpers/piu-queue.js'
import {
  carrierAgreements,
  POSITIVE,
  sendAll,
  table,
  tally,
  transmissions,
  type Tally,
  type Transmission
} from '../helpers/carrier-load.js'
import { amqpAgreement, carrierSide, paxlst } from '../channels/amqp/fixtures.js'

const brokerPort = Number(new URL(process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672').port || 5672)
// N ≥ 500 transmissions per scenario (docs/operations.md "Testing the faults"); FAULT_N overrides it for a longer or shorter run.
const N = Number(process.env.FAULT_N ?? 500)
const results: Tally[] = []
t.teardown(() => { if (results.length > 0) console.log(`\n${table(results)}\n`) })

async function scenario (t: Test, name: string, fault: (answered: number, proxy: TcpProxy) => void, mustSpool: boolean): Promise<void> {
  const piu = await piuBroker(t)
  const proxy = await startProxy('127.0.0.1', brokerPort)
  t.teardown(() => proxy.close())
  const bridged = await carrierSide(t)
  const { gateway } = await buildGateway(t, {
    config: { forward: amqpForward(piu.names, { url: `amqp://guest:guest@127.0.0.1:${proxy.port}` }) },
    agreements: [...carrierAgreements(), amqpAgreement(bridged.q, { code: 'XC', name: 'Carrier XC', senderIds: ['XCAPI'] })]
  })
  t.ok(gateway.forwarder.target.available(), 'connected before the load')
  const items = transmissions(N)
  // The AMQP carrier publishes one interchange for every third HTTPS answer, so its traffic
  // meets the fault too.
  const viaAmqp: Transmission[] = Array.from({ length: Math.floor(N / 3) }, (_, i) => {
    const reference = `C${items[0].reference.slice(1, 7)}${String(i).padStart(5, '0')}`
    return {
      key: `XC/${reference}`,
      carrier: { code: 'XC', sender: 'XCAPI', cert: '' },
      reference,
      body: paxlst({ reference, sender: 'XCAPI' })
    }
  })
  const publishBridged = (x: Transmission): void => {
    bridged.ch.sendToQueue(bridged.q.queue, x.body, { persistent: true, messageId: x.key })
  }
  const record = await sendAll(() => gateway.httpsPort(), items, {
    concurrency: 12,
    onAnswer: n => {
      fault(n, proxy)
      if (n % 3 === 0 && viaAmqp[n / 3 - 1] !== undefined) publishBridged(viaAmqp[n / 3 - 1])
    }
  })
  await bridged.ch.waitForConfirms()
  proxy.accept()
  const ackedViaAmqp = (): Set<string> => new Set(bridged.replies
    .filter(r => POSITIVE.has(String(r.properties.headers?.['x-outcome'])))
    .map(r => String(r.properties.correlationId)))
  await until(() => ackedViaAmqp().size === viaAmqp.length, 'every bridged interchange answered positively', 30_000)
  for (const key of ackedViaAmqp()) record.acked.add(key)
  await until(
    () => gateway.forwarder.target.available() && gateway.forwarder.spool.stats().files === 0,
    'reconnected and spool drained',
    30_000
  )
  const all = [...items, ...viaAmqp]
  const delivered = await piu.drain(piu.names.queue)
  const result = tally(name, all, record, delivered)
  results.push(result)
  t.comment('\n' + table([result]))
  t.equal(result.lost, 0, 'zero lost: every acked interchange is in the queue')
  t.same(result.lostKeys, [])
  t.equal(record.acked.size, all.length, 'every carrier acked, over HTTPS and over AMQP (target or spool took each one)')
  t.equal(result.delivered, all.length, 'every interchange delivered')
  t.ok(delivered.some(m => m.properties.headers?.['x-channel'] === 'amqp'), 'the AMQP channel was part of the load')
  // A duplicate publish (confirm lost in the cut, then relayed) carries the same messageId.
  const byId = new Map<string, number>()
  for (const m of delivered) byId.set(String(m.properties.messageId), (byId.get(String(m.properties.messageId)) ?? 0) + 1)
  t.equal(byId.size, all.length, 'one messageId per interchange: every duplicate is droppable by messageId')
  const spooled = (await gateway.metrics.forwarded.get()).values.filter(v => v.labels.via === 'spool').reduce((s, v) => s + v.value, 0)
  // A cut with nothing in flight and an instant reconnect may leave nothing to spool.
  if (mustSpool) t.ok(spooled > 0, `the fault sent transmissions to the spool (${spooled})`)
  else t.comment(`spooled during the fault: ${spooled}`)
  t.equal(gateway.forwarder.spool.stats().files, 0, 'spool empty')
}

t.test('connection cut once mid-load, reconnect at once', async t => {
  await scenario(t, 'cut mid-load', (n, proxy) => { if (n === Math.floor(N / 3)) proxy.cut() }, false)
})

t.test('connection cut and the broker unreachable for a third of the load, then restored', async t => {
  await scenario(t, 'cut + refused, restored', (n, proxy) => {
    if (n === Math.floor(N / 3)) { proxy.refuse(); proxy.cut() }
    if (n === Math.floor(2 * N / 3)) proxy.accept()
  }, true)
})
