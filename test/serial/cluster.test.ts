// A three-node RabbitMQ cluster started by the test (test/helpers/rabbit-cluster.ts; docs/scaling.md "The broker
// cluster"): the gateway has the three nodes in forward.amqp.urls and its quorum queues are replicated on all
// three. Under HTTPS load from several carriers one node is stopped, then a second (the quorum is lost, the
// gateway spools), then both are started again: every acknowledged transmission reaches the PIU queue, and the
// duplicates (a copy relayed after a lost confirm) are counted and carry the same messageId.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { connect, type GetMessage } from 'amqplib'
import { buildGateway } from '../helpers/gateway.js'
import { until } from '../helpers/piu-queue.js'
import { CARRIERS, carrierAgreements, sendAll, table, tally, transmissions } from '../helpers/carrier-load.js'
import { startRabbitCluster } from '../helpers/rabbit-cluster.js'

const N = Number(process.env.FAULT_N ?? 400)

t.test('three nodes, one stopped then the majority, then back: every acked transmission is in the queue', async t => {
  const cluster = await startRabbitCluster(3)
  t.teardown(async () => { await cluster.destroy() })
  const [n0, n1, n2] = cluster.nodes
  const status = JSON.parse(await cluster.ctl(n0, 'cluster_status', '--formatter', 'json')) as { running_nodes: string[] }
  t.same(status.running_nodes.sort(), cluster.nodes.map(n => n.name).sort(), 'three running nodes')

  const id = randomBytes(4).toString('hex')
  const prefix = `test.cluster.${id}`
  const names = { exchange: prefix, queue: `${prefix}.inbound`, testQueue: `${prefix}.test`, quarantineQueue: `${prefix}.quarantine` }
  const refs = cluster.nodes.map((n, i) => {
    const env = `CG_TEST_CLUSTER_${id.toUpperCase()}_${i}`
    process.env[env] = n.url
    return `env:${env}`
  })
  const { gateway } = await buildGateway(t, {
    agreements: carrierAgreements(),
    config: {
      forward: {
        target: 'amqp',
        amqp: {
          url: refs[0],
          urls: refs,
          ...names,
          confirmTimeoutMs: 2000,
          heartbeatSeconds: 1,
          reconnectMinMs: 50,
          reconnectMaxMs: 500,
          connectTimeoutMs: 2000
        }
      }
    }
  })
  await until(() => gateway.forwarder.target.available(), 'gateway connected to the cluster', 30_000)
  const queues = JSON.parse(await cluster.ctl(n0, 'list_queues', 'name', 'type', 'members', '--formatter', 'json')) as
    Array<{ name: string, type: string, members: string[] }>
  const inbound = queues.find(q => q.name === names.queue)
  t.equal(inbound?.type, 'quorum')
  t.same([...(inbound?.members ?? [])].sort(), cluster.nodes.map(n => n.name).sort(), 'the quorum queue is replicated on all three nodes')

  const items = transmissions(N, CARRIERS)
  const faults: Array<Promise<void>> = []
  const record = await sendAll(() => gateway.httpsPort(), items, {
    concurrency: 8,
    attempts: 200,
    retryDelayMs: 50,
    onAnswer: n => {
      if (n === Math.floor(N / 4)) faults.push(cluster.stop(n0))
      if (n === Math.floor(N / 2)) faults.push(Promise.all(faults).then(async () => { await cluster.stop(n1) }))
      if (n === Math.floor(3 * N / 4)) {
        faults.push(Promise.all(faults).then(async () => { await Promise.all([cluster.start(n1), cluster.start(n0)]) }))
      }
    }
  })
  await Promise.all(faults)
  t.equal(record.acked.size, items.length, 'every interchange acked in the end')
  await until(() => gateway.forwarder.spool.stats().files === 0, 'spool drained to the cluster', 60_000)

  const conn = await connect(n2.url)
  t.teardown(async () => { await conn.close().catch(() => {}) })
  const ch = await conn.createChannel()
  const ready = async (): Promise<number> => (await ch.checkQueue(names.queue)).messageCount
  await until(async () => await ready() >= record.acked.size, 'every acked interchange in the queue', 60_000)
  const delivered: GetMessage[] = []
  for (let m = await ch.get(names.queue, { noAck: true }); m !== false; m = await ch.get(names.queue, { noAck: true })) delivered.push(m)
  const result = tally('cluster: 1 node, then quorum lost', items, record, delivered)
  t.comment('\n' + table([result]))
  t.equal(result.lost, 0, 'zero lost')
  const ids = new Map<string, Set<unknown>>()
  for (const m of delivered) {
    const h = m.properties.headers ?? {}
    const key = `${String(h['x-carrier'])}/${String(h['x-interchange-ref'])}`
    ids.set(key, (ids.get(key) ?? new Set()).add(m.properties.messageId))
  }
  t.ok([...ids.values()].every(s => s.size === 1), `duplicates (${result.duplicates}) carry their original's messageId`)
  const spooled = (await gateway.metrics.forwarded.get()).values.some(v => v.labels.via === 'spool' && v.value > 0)
  t.ok(spooled, 'the gateway spooled while the quorum was lost')
})
