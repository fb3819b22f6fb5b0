/**
 * The outbox contract (src/ledger/outbound.ts), run unchanged against both stores: SQLite (a file
 * in a test folder) and PostgreSQL at PG_URL (a throwaway schema, dropped in teardown).
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import pg from 'pg'
import { createLedger, type Ledger, type OutboundRow } from '../../src/ledger/index.js'

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const stores: Record<string, (t: Test) => Promise<Ledger>> = {
  sqlite: async t => {
    const l = await createLedger({ kind: 'sqlite', path: join(t.testdir(), 'ledger.db') })
    t.teardown(() => l.close())
    return l
  },
  postgres: async t => {
    const schema = `outbound_test_${process.pid}_${randomBytes(4).toString('hex')}`
    const l = await createLedger({ kind: 'postgres', url: PG_URL, schema })
    t.teardown(async () => {
      await l.close()
      const c = new pg.Client(PG_URL)
      await c.connect()
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await c.end()
    })
    return l
  }
}

const T0 = Date.UTC(2026, 11, 3, 9, 0)
const at = (min: number): Date => new Date(T0 + min * 60_000)
let seq = 0

function row (over: Partial<OutboundRow> = {}): OutboundRow {
  seq++
  return {
    id: `ob_${seq}`,
    carrier: 'XA',
    kind: 'cusres',
    origin: 'piu',
    channel: 'https',
    state: 'queued',
    sourceKey: `id:${seq}`,
    reference: `REF${seq}`,
    messageRef: `M${seq}`,
    transactionRef: `TN${seq}`,
    flight: 'XA339',
    flightDate: '2026-12-24',
    contentType: 'application/edifact',
    size: 10,
    sha256: 'ab'.repeat(32),
    createdAt: at(seq / 100).toISOString(),
    deliveredAt: null,
    fetchedAt: null,
    answeredAt: null,
    expiredAt: null,
    expiresAt: at(60).toISOString(),
    answerDueAt: null,
    answeredBy: null,
    attempts: 0,
    nextAttemptAt: at(0).toISOString(),
    lastError: null,
    duplicates: 0,
    deliveredTo: null,
    fetches: 0,
    ...over
  }
}

for (const [name, open] of Object.entries(stores)) {
  t.test(`${name}: a redelivered PIU message is stored once and counted`, async t => {
    const l = await open(t)
    const r = row()
    const first = await l.outbound.add(r, Buffer.from('UNA'))
    t.equal(first.created, true)
    const again = await l.outbound.add({ ...r, id: 'ob_other' }, Buffer.from('UNA'))
    t.equal(again.created, false)
    t.equal(again.row.id, r.id)
    t.equal(again.row.duplicates, 1)
    t.equal(await l.outbound.get('ob_other'), null)
    t.same((await l.outbound.payload(r.id))?.toString(), 'UNA')
  })

  t.test(`${name}: lease, failure with retry time, delivery purging the payload`, async t => {
    const l = await open(t)
    const r = row({ channel: 'amqp' })
    await l.outbound.add(r, Buffer.from('body'))
    t.same((await l.outbound.due(at(1), 10)).map(x => x.id), [r.id])
    t.equal(await l.outbound.lease(r.id, at(1), at(2)), true)
    t.equal(await l.outbound.lease(r.id, at(1.5), at(3)), false, 'a second attempt waits for the lease')
    t.same(await l.outbound.due(at(1.5), 10), [], 'a leased row is not due')
    await l.outbound.failed(r.id, 'GW_ERR_OUTBOUND_DELIVERY_FAILED', at(5))
    const failed = await l.outbound.get(r.id)
    t.equal(failed?.attempts, 1)
    t.equal(failed?.lastError, 'GW_ERR_OUTBOUND_DELIVERY_FAILED')
    t.same(await l.outbound.due(at(4), 10), [], 'not due before its retry time')
    t.equal((await l.outbound.due(at(5), 10)).length, 1)
    t.equal(await l.outbound.lease(r.id, at(5), at(6)), true)
    await l.outbound.delivered(r.id, at(5), 'xa.piu.in', true)
    const done = await l.outbound.get(r.id)
    t.equal(done?.state, 'delivered')
    t.equal(done?.deliveredTo, 'xa.piu.in')
    t.equal(done?.attempts, 2)
    t.equal(done?.lastError, null)
    t.equal(await l.outbound.payload(r.id), null, 'payload purged on delivery')
    t.equal(await l.outbound.requeue(r.id, at(6), at(60)), null, 'nothing to resend once purged')
  })

  t.test(`${name}: HTTPS messages: pending for their carrier only, fetched on ack`, async t => {
    const l = await open(t)
    const mine = row()
    const other = row({ carrier: 'XB' })
    for (const r of [mine, other]) {
      await l.outbound.add(r, Buffer.from(`for ${r.carrier}`))
      await l.outbound.lease(r.id, at(1), at(2))
      await l.outbound.delivered(r.id, at(1), 'outbox', false)
    }
    const pending = await l.outbound.pending('XA', 10)
    t.same(pending.map(p => p.row.id), [mine.id])
    t.equal(pending[0].payload.toString(), 'for XA')
    t.equal((await l.outbound.pending('XA', 10))[0].row.fetches, 2, 'every fetch is counted')
    t.equal(await l.outbound.fetched('XA', other.id, at(2)), null, 'another carrier\'s id is not ours to confirm')
    const f = await l.outbound.fetched('XA', mine.id, at(2))
    t.equal(f?.state, 'fetched')
    t.same(await l.outbound.pending('XA', 10), [])
    t.equal(await l.outbound.payload(mine.id), null)
    t.equal(await l.outbound.fetched('XA', mine.id, at(3)), null, 'a second ack finds nothing pending')
  })

  t.test(`${name}: answers link a 312 by reference and transaction, a push by flight and date`, async t => {
    const l = await open(t)
    const update = row({ channel: 'amqp', messageRef: 'UPD1', transactionRef: 'TN77' })
    const govreq = row({ kind: 'govreq', channel: 'amqp', messageRef: 'G1', transactionRef: null, answerDueAt: at(30).toISOString() })
    for (const r of [update, govreq]) {
      await l.outbound.add(r, Buffer.from('x'))
      await l.outbound.lease(r.id, at(1), at(2))
      await l.outbound.delivered(r.id, at(1), 'q', true)
    }
    t.same(await l.outbound.answer({ kind: 'cusres', carrier: 'XA', messageRef: 'UPD1', transactionRef: 'TN78' }, 'tx1', at(2)), [])
    t.same(await l.outbound.answer({ kind: 'cusres', carrier: 'XB', messageRef: 'UPD1', transactionRef: 'TN77' }, 'tx1', at(2)), [])
    const reply = { kind: 'cusres', carrier: 'XA', messageRef: 'UPD1', transactionRef: 'TN77' } as const
    t.same(await l.outbound.answer(reply, 'tx1', at(2)), [update.id])
    t.equal((await l.outbound.get(update.id))?.answeredBy, 'tx1')
    t.same((await l.outbound.unanswered(at(31), 10)).map(r => r.id), [govreq.id], 'a GOVREQ past its due time is unanswered')
    t.same(await l.outbound.answer({ kind: 'govreq', carrier: 'XA', flight: 'XA339', flightDate: '2026-12-25' }, 'tx2', at(40)), [])
    const push = { kind: 'govreq', carrier: 'XA', flight: 'XA339', flightDate: '2026-12-24' } as const
    t.same(await l.outbound.answer(push, 'tx2', at(40)), [govreq.id])
    t.same(await l.outbound.unanswered(at(41), 10), [])
    const counts = (await l.outbound.counts()).sort((a, b) => a.kind.localeCompare(b.kind))
    t.same(counts, [
      { carrier: 'XA', kind: 'cusres', state: 'answered', count: 1 },
      { carrier: 'XA', kind: 'govreq', state: 'answered', count: 1 }
    ])
  })

  t.test(`${name}: expiry of queued and unfetched messages, requeue while the payload is held`, async t => {
    const l = await open(t)
    const queued = row({ channel: 'amqp', expiresAt: at(10).toISOString() })
    const held = row({ expiresAt: at(10).toISOString() })
    const resent = row({ channel: 'sftp', expiresAt: at(10).toISOString() })
    for (const r of [queued, held, resent]) await l.outbound.add(r, Buffer.from('p'))
    await l.outbound.lease(held.id, at(1), at(2))
    await l.outbound.delivered(held.id, at(1), 'outbox', false)
    const again = await l.outbound.requeue(resent.id, at(2), at(100))
    t.equal(again?.state, 'queued')
    t.equal(again?.expiresAt, at(100).toISOString())
    const expired = await l.outbound.expire(at(10))
    t.same(expired.map(r => r.id).sort(), [queued.id, held.id].sort())
    t.equal((await l.outbound.get(queued.id))?.state, 'expired')
    t.equal(await l.outbound.payload(held.id), null, 'payload purged on expiry')
    t.equal((await l.outbound.get(resent.id))?.state, 'queued', 'the requeued one got a new expiry')
    t.same((await l.outbound.list({ state: 'expired' })).length, 2)
  })

  t.test(`${name}: a malformed row is refused before the store`, async t => {
    const l = await open(t)
    await t.rejects(l.outbound.add(row({ state: 'lost' as never }), Buffer.from('x')), TypeError)
    await t.rejects(l.outbound.add(row({ createdAt: 'yesterday' }), Buffer.from('x')), TypeError)
    t.same(await l.outbound.list({}), [])
  })
}
