// The forwarder with real targets and a real spool: the target when it takes the transmission,
// the spool when it does not, a retry error when neither can (invariant 1: never a false "durable");
// the relay drains in arrival order and deletes only after the target took each one.
import t from 'tap'
import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { createForwarder, type Forwarder } from '../../src/forward/forwarder.js'
import { createDirectoryTarget } from '../../src/forward/directory.js'
import { createAmqpTarget } from '../../src/forward/amqp.js'
import { createSpool } from '../../src/forward/spool.js'
import type { ForwardItem, ForwardTarget } from '../../src/forward/types.js'
import { createMetrics, type Metrics } from '../../src/metrics/index.js'
import { createLogger } from '../../src/logger.js'
import { isGatewayError } from '../../src/errors.js'
import { newTransmissionId } from '../../src/intake/transmission.js'
import { tmpDir, type TeardownHost } from '../helpers/gateway.js'
import { until } from '../helpers/piu-queue.js'

function item (n: number): ForwardItem {
  return {
    transmissionId: newTransmissionId(),
    destination: 'production',
    routingKey: 'paxlst.XA',
    body: Buffer.from(`UNB+UNOA:4+XAAPI+GOVPIU+250114:0630+R${n}'UNZ+0+R${n}'`, 'latin1'),
    headers: { 'x-carrier': 'XA', 'x-interchange-ref': `R${n}` },
    timestamp: new Date()
  }
}

interface Rig { forwarder: Forwarder, dir: string, outbox: string, spoolPath: string, metrics: Metrics, relayed: string[] }

async function rig (t: TeardownHost, target?: (dir: string, metrics: Metrics) => ForwardTarget): Promise<Rig> {
  const dir = tmpDir(t)
  const outbox = join(dir, 'outbox')
  const spoolPath = join(dir, 'spool')
  const metrics = createMetrics()
  const relayed: string[] = []
  const forwarder = createForwarder({
    target: target?.(dir, metrics) ?? createDirectoryTarget({ path: outbox, quarantinePath: join(dir, 'quarantine') }),
    spool: createSpool({ path: spoolPath, maxBytes: 1 << 20 }),
    metrics,
    logger: createLogger('silent'),
    relayIntervalMs: 20,
    onRelayed: id => relayed.push(id)
  })
  t.teardown(async () => { await forwarder.close() })
  await forwarder.start()
  return { forwarder, dir, outbox, spoolPath, metrics, relayed }
}

const edi = (folder: string): string[] => readdirSync(folder).filter(f => f.endsWith('.edi')).sort()
const counter = async (metrics: Metrics, labels: Record<string, string>): Promise<number> =>
  (await metrics.forwarded.get()).values
    .filter(v => Object.entries(labels).every(([k, x]) => v.labels[k as 'via'] === x))
    .reduce((s, v) => s + v.value, 0)

t.test('the target when it takes it; the spool when it refuses; the relay drains once it is back', async t => {
  const r = await rig(t)
  const a = item(1)
  t.equal(await r.forwarder.handOff(a), 'target')
  t.same(edi(r.outbox), [`${a.transmissionId}.edi`])

  // The outbox replaced by a file: the directory target refuses every write.
  rmSync(r.outbox, { recursive: true })
  writeFileSync(r.outbox, 'in the way')
  const spooled = [item(2), item(3), item(4)]
  for (const i of spooled) t.equal(await r.forwarder.handOff(i), 'spool', `${i.transmissionId} spooled`)
  t.equal(r.forwarder.spool.stats().files, 3)
  t.equal(await counter(r.metrics, { via: 'spool' }), 3)
  t.equal(await r.forwarder.drain(), 0, 'the relay cannot publish yet: nothing removed')
  t.equal(r.forwarder.spool.stats().files, 3)

  rmSync(r.outbox)
  await until(() => r.forwarder.spool.stats().files === 0, 'relay drained on its timer')
  // Published in arrival order (the AMQP tests read the queue order); the directory target's
  // writes complete in any order, so only the set is compared here.
  t.same([...r.relayed].sort(), spooled.map(i => i.transmissionId).sort(), 'each relayed and reported once')
  t.same(edi(r.outbox), spooled.map(i => `${i.transmissionId}.edi`).sort())
  t.same(readdirSync(r.spoolPath), [], 'spool empty')
  t.equal(await counter(r.metrics, { via: 'relay' }), 3)
  t.equal((await r.metrics.spoolFiles.get()).values[0].value, 0, 'spool_files gauge back to 0')
})

t.test('neither target nor spool: a retry error, nothing reported durable', async t => {
  const r = await rig(t)
  rmSync(r.outbox, { recursive: true })
  writeFileSync(r.outbox, 'in the way')
  rmSync(r.spoolPath, { recursive: true })
  writeFileSync(r.spoolPath, 'in the way too')
  const err = await r.forwarder.handOff(item(1)).then(() => null, (e: unknown) => e)
  t.ok(isGatewayError(err) && err.def.outcome === 'retry', 'a retry-outcome GatewayError')
  t.equal(await counter(r.metrics, {}), 0, 'nothing counted as forwarded')
  const failures = (await r.metrics.forwardFailures.get()).values
  t.ok(failures.some(v => v.labels.reason === 'spool_failed'))
})

t.test('an unreadable spool file is set aside; the rest is relayed', async t => {
  const r = await rig(t)
  rmSync(r.outbox, { recursive: true })
  writeFileSync(r.outbox, 'in the way')
  const items = [item(1), item(2), item(3)]
  for (const i of items) await r.forwarder.handOff(i)
  const names = await r.forwarder.spool.list()
  writeFileSync(join(r.spoolPath, names[1]), 'garbage without a header line')
  // The relay timer may have read the file intact just before it was damaged (that relay fails on
  // the blocked outbox); let it finish so that every later read sees the damage.
  t.equal(await r.forwarder.drain(), 0, 'nothing relayed while the outbox is blocked')
  rmSync(r.outbox)
  await until(() => r.relayed.length >= 2, 'the good ones relayed')
  t.same([...r.relayed].sort(), [items[0].transmissionId, items[2].transmissionId].sort())
  t.same(readdirSync(r.spoolPath), [`${names[1]}.corrupt`], 'the damaged file kept aside for an operator')
  t.ok((await r.metrics.forwardFailures.get()).values.some(v => v.labels.reason === 'spool_unreadable' && v.value === 1))
})

/** A port with nothing listening: the broker is unreachable. */
async function deadPort (): Promise<number> {
  const s = createServer()
  await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>(resolve => s.close(() => resolve()))
  return port
}

t.test('readiness: broker unreachable is ready while the spool takes writes, not ready once it cannot', async t => {
  const port = await deadPort()
  const topology = { exchange: 'x', queue: 'q', testQueue: 'tq', quarantineQueue: 'qq', queueType: 'classic' } as const
  const timing = {
    confirmWindow: 10,
    confirmTimeoutMs: 500,
    heartbeatSeconds: 1,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    connectTimeoutMs: 500
  }
  const url = `amqp://guest:guest@127.0.0.1:${port}`
  const r = await rig(t, (_dir, metrics) =>
    createAmqpTarget({ url, ...topology, ...timing, quarantineRetentionHours: 1 }, metrics, createLogger('silent'))
  )
  t.notOk(r.forwarder.target.available())
  t.ok(r.forwarder.ready(), 'ready: the spool can take writes')
  t.equal((await r.metrics.targetUp.get()).values.find(v => v.labels.target === 'amqp')?.value, 0, 'target_up 0')
  t.equal(await r.forwarder.handOff(item(1)), 'spool')

  rmSync(r.spoolPath, { recursive: true })
  writeFileSync(r.spoolPath, 'in the way')
  await until(() => !r.forwarder.ready(), 'the probe notices the spool cannot take writes')
  rmSync(r.spoolPath)
  await until(() => r.forwarder.ready(), 'ready again once it can')
})

t.test('a spool folder unusable at start does not stop the start; the target still takes transmissions', async t => {
  const dir = tmpDir(t)
  const spoolPath = join(dir, 'spool')
  writeFileSync(spoolPath, 'in the way')
  const forwarder = createForwarder({
    target: createDirectoryTarget({ path: join(dir, 'outbox'), quarantinePath: join(dir, 'quarantine') }),
    spool: createSpool({ path: spoolPath, maxBytes: 1 << 20 }),
    metrics: createMetrics(),
    logger: createLogger('silent'),
    relayIntervalMs: 20
  })
  t.teardown(async () => { await forwarder.close() })
  await forwarder.start()
  t.ok(forwarder.ready(), 'ready: the target is available')
  t.notOk(forwarder.spool.writable())
  t.equal(await forwarder.handOff(item(1)), 'target')
})
