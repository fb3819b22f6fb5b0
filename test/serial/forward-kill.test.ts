// Store-and-forward fault scenario 3 (docs/operations.md "Testing the faults"): the gateway process killed with SIGKILL and
// restarted. A gateway runs in a
// child process (the real server.ts) from a config file; what it spooled before the kill is
// relayed by the next process (the relay runs at start), and a kill in the middle of a load loses
// nothing the carriers were told was accepted.
import t from 'tap'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { tmpDir, testConfig, writeAgreements } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { startProxy } from '../helpers/tcp-proxy.js'
import { startGatewayChild, writeConfig, type GatewayChild } from '../helpers/gateway-child.js'
import { amqpForward, piuBroker, until } from '../helpers/piu-queue.js'
import { CARRIERS, carrierAgreements, sendAll, table, tally, transmissions } from '../helpers/carrier-load.js'

const brokerPort = Number(new URL(process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672').port || 5672)
// N ≥ 500 transmissions per scenario (docs/operations.md "Testing the faults"); FAULT_N overrides it for a longer or shorter run.
const N = Number(process.env.FAULT_N ?? 500)

function childConfig (dir: string, forward: Record<string, unknown>): string {
  const carriersDir = join(dir, 'carriers')
  mkdirSync(carriersDir, { recursive: true })
  writeAgreements(carriersDir, carrierAgreements())
  // A claim the killed process left `received` is taken over by a resend once older than this
  // (default 10 minutes; about a second here, as every request of this test settles in far less).
  return writeConfig(dir, testConfig(dir, carriersDir, { forward, ledger: { abandonedClaimMinutes: 0.02 }, log: { level: 'info' } }))
}

t.test('killed after spooling: the next process drains the spool, one copy each', async t => {
  const piu = await piuBroker(t)
  const proxy = await startProxy('127.0.0.1', brokerPort)
  t.teardown(() => proxy.close())
  proxy.refuse()
  const dir = tmpDir(t)
  const config = childConfig(dir, amqpForward(piu.names, { url: `amqp://guest:guest@127.0.0.1:${proxy.port}` }))
  const first = await startGatewayChild(t, config)
  const items = transmissions(40)
  const record = await sendAll(() => first.httpsPort, items, { concurrency: 8 })
  t.equal(record.acked.size, items.length, 'all acked from the spool')
  const ids = [...record.attempts.values()].map(a => a[0].id!)

  first.kill('SIGKILL')
  t.same(await first.exited, { code: null, signal: 'SIGKILL' })
  t.equal(await piu.count(piu.names.queue), 0, 'nothing reached the broker before the kill')

  proxy.accept()
  const second = await startGatewayChild(t, config)
  await until(async () => await piu.count(piu.names.queue) === items.length, 'the restarted gateway relayed the spool')
  const delivered = await piu.drain(piu.names.queue)
  const result = tally('SIGKILL after spooling', items, record, delivered)
  t.comment('\n' + table([result]))
  t.equal(result.lost, 0)
  t.equal(delivered.length, items.length, 'exactly one copy each')
  t.same(new Set(delivered.map(m => m.properties.headers?.['x-transmission-id'])), new Set(ids), 'under the ids the carriers were given')
  // The carrier's view: its transmission is acknowledged (relayed), the ack it got is stored.
  const mine = ids.filter((_, i) => items[i].carrier.code === 'XA')
  await until(async () => {
    const rows = await Promise.all(mine.map(async id => (await call(second.httpsPort, { path: `/v1/transmissions/${id}` })).json()))
    return rows.every(r => r.status === 'acknowledged')
  }, 'ledger updated by the relay')
  second.kill('SIGTERM')
  t.same(await second.exited, { code: 0, signal: null }, 'graceful stop after the drain')
  t.same(await import('node:fs').then(fs => fs.readdirSync(join(dir, 'spool'))), [], 'spool empty')
})

t.test('killed mid-load and restarted: acked ⊆ delivered, the carriers resend the rest', async t => {
  const piu = await piuBroker(t)
  const dir = tmpDir(t)
  const config = childConfig(dir, amqpForward(piu.names))
  let child: GatewayChild | null = await startGatewayChild(t, config)
  const items = transmissions(N, CARRIERS)
  let killedAt = -1
  let restarting: Promise<void> | null = null
  const record = await sendAll(() => child?.httpsPort ?? null, items, {
    concurrency: 12,
    // A carrier resends what was not acked (the kill dropped its connection, or the restarted
    // gateway answered 503 while the killed process's claim was young) until it is; bounded so a
    // stuck one shows as unacked, not as a hang. The bound covers a restart of the child (about
    // 5 s under tap's TypeScript loader on this 2-core machine) with room to spare.
    attempts: 300,
    retryDelayMs: 50,
    onAnswer: n => {
      if (n !== Math.floor(N / 3) || child === null) return
      killedAt = n
      const dying = child
      child = null
      dying.kill('SIGKILL')
      restarting = dying.exited.then(async () => { child = await startGatewayChild(t, config) })
    }
  })
  await restarting
  t.ok(killedAt > 0, 'killed mid-load')
  const delivered = await piu.drain(piu.names.queue)
  const result = tally('SIGKILL mid-load', items, record, delivered)
  t.comment('\n' + table([result]))
  t.equal(result.lost, 0, 'zero lost: every acked interchange is in the queue')
  t.ok(
    [...record.attempts.values()].flat().every(a => a.status === 0 || a.status === 200 || a.status === 503),
    'only acks, retries or no answer: never a negative ack for a good interchange'
  )
  const unacked = items.filter(i => !record.acked.has(i.key))
  t.same(unacked.map(i => i.key), [], 'every carrier got its ack in the end, resending as carriers do')
  const takenOver = child === null ? [] : (child as GatewayChild).lines().filter(l => l.includes('took over an abandoned dedupe claim'))
  t.comment(`claims left by the killed process and taken over by a resend: ${takenOver.length}`)
})
