// Two and three gateway processes (docs/scaling.md "The deployment"): real server.ts children over HTTPS with
// mutual TLS, one shared PostgreSQL ledger (a schema of this test) and the default broker (a throwaway
// topology). The same interchange sent to two instances at once is accepted once and forwarded once; SIGKILL
// of one instance under load from several carriers loses nothing acknowledged, and the others go on.
import t from 'tap'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { pgUrl, testConfig, tmpDir, writeAgreements, type TeardownHost } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { startGatewayChild, writeConfig, type GatewayChild } from '../helpers/gateway-child.js'
import { amqpForward, piuBroker, until, type PiuBroker } from '../helpers/piu-queue.js'
import { CARRIERS, POSITIVE, carrierAgreements, sendAll, table, tally, transmissions } from '../helpers/carrier-load.js'

const N = Number(process.env.FAULT_N ?? 300)

/** A ledger schema of this test on the shared PostgreSQL, dropped in teardown. */
async function ledgerSchema (t: TeardownHost): Promise<Record<string, unknown>> {
  const schema = `cg_instances_${randomBytes(4).toString('hex')}`
  const env = `CG_TEST_PG_URL_${schema.toUpperCase()}`
  process.env[env] = pgUrl
  t.teardown(async () => {
    const c = new pg.Client({ connectionString: pgUrl })
    await c.connect()
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await c.end()
  })
  // A claim a killed instance left `received` is taken over after about a second (default 10 minutes).
  return { kind: 'postgres', url: `env:${env}`, schema, abandonedClaimMinutes: 0.02 }
}

/** `n` gateway children sharing the ledger and the broker topology; each its own folder (spool). */
async function instances (t: TeardownHost, piu: PiuBroker, n: number): Promise<GatewayChild[]> {
  const ledger = await ledgerSchema(t)
  const forward = amqpForward(piu.names)
  const configs = Array.from({ length: n }, () => {
    const dir = tmpDir(t)
    const carriersDir = join(dir, 'carriers')
    mkdirSync(carriersDir, { recursive: true })
    writeAgreements(carriersDir, carrierAgreements())
    return writeConfig(dir, testConfig(dir, carriersDir, { forward, ledger, log: { level: 'info' } }))
  })
  // The first creates the schema; the others then start in parallel.
  const first = await startGatewayChild(t, configs[0])
  return [first, ...await Promise.all(configs.slice(1).map(async c => await startGatewayChild(t, c)))]
}

t.test('the same interchange to two instances at once: one accepted, one duplicate, one forward', async t => {
  const piu = await piuBroker(t)
  const [a, b] = await instances(t, piu, 2)
  const items = transmissions(20)
  const outcomes: string[][] = []
  for (const item of items) {
    const answers: string[] = []
    // A carrier resends what was answered retry (the other instance still had it in flight).
    const sendTo = async (g: GatewayChild): Promise<void> => {
      for (let i = 0; i < 50; i++) {
        const r = await call(g.httpsPort, { body: item.body, cert: item.carrier.cert })
        const outcome = String(r.headers['x-outcome'])
        answers.push(outcome)
        if (POSITIVE.has(outcome)) return
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    }
    await Promise.all([sendTo(a), sendTo(b)])
    outcomes.push(answers)
  }
  const positive = outcomes.map(list => list.filter(o => POSITIVE.has(o)).sort())
  t.same(positive, items.map(() => ['accepted', 'duplicate']), 'per interchange: exactly one accepted and one duplicate')
  t.ok(outcomes.flat().every(o => o === 'accepted' || o === 'duplicate' || o === 'retry'), 'nothing else (retry while in flight)')
  await until(async () => await piu.count(piu.names.queue) >= items.length, 'forwards delivered')
  const delivered = await piu.drain(piu.names.queue)
  t.equal(delivered.length, items.length, 'never two forwards')
  t.equal(new Set(delivered.map(m => m.properties.messageId)).size, items.length, 'one idempotency key each')
})

t.test('three instances, SIGKILL of one under load: nothing acknowledged is lost, the others go on', async t => {
  const piu = await piuBroker(t)
  const gateways = await instances(t, piu, 3)
  const alive = new Set(gateways)
  const items = transmissions(N, CARRIERS)
  let next = 0
  let killed: GatewayChild | null = null
  const record = await sendAll(() => {
    const live = [...alive]
    return live.length === 0 ? null : live[next++ % live.length].httpsPort
  }, items, {
    concurrency: 12,
    attempts: 100,
    retryDelayMs: 50,
    onAnswer: n => {
      if (n !== Math.floor(N / 3) || killed !== null) return
      killed = gateways[0]
      alive.delete(killed)
      killed.kill('SIGKILL')
    }
  })
  t.ok(killed !== null, 'one instance killed mid-load')
  t.same(await (killed as unknown as GatewayChild).exited, { code: null, signal: 'SIGKILL' })
  t.equal(record.acked.size, items.length, 'every interchange acked in the end (by the other two)')
  // What the killed instance had confirmed is in the queue already; a resend elsewhere may add a copy.
  await until(async () => await piu.count(piu.names.queue) >= record.acked.size, 'every acked interchange delivered', 30_000)
  const delivered = await piu.drain(piu.names.queue)
  const result = tally('3 instances, SIGKILL of one', items, record, delivered)
  t.comment('\n' + table([result]))
  t.equal(result.lost, 0, 'zero lost')
  const byKey = new Map<string, Set<unknown>>()
  for (const m of delivered) {
    const h = m.properties.headers ?? {}
    const key = `${String(h['x-carrier'])}/${String(h['x-interchange-ref'])}`
    byKey.set(key, (byKey.get(key) ?? new Set()).add(m.properties.messageId))
  }
  t.ok([...byKey.values()].every(ids => ids.size === 1), 'every copy of an interchange has the same messageId (droppable)')
  const after = transmissions(alive.size)
  for (const [i, g] of [...alive].entries()) {
    const r = await call(g.httpsPort, { body: after[i].body, cert: after[i].carrier.cert })
    t.equal(r.headers['x-outcome'], 'accepted', 'a surviving instance goes on accepting')
  }
})
