/**
 * The Ledger contract, run unchanged against both stores: SQLite (a file in a test folder) and
 * PostgreSQL at PG_URL (a throwaway schema per test, dropped in teardown).
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import pg from 'pg'
import { isGatewayError } from '../../src/errors.js'
import { createLedger, holdsDedupeKey, type Ledger, type LedgerRow } from '../../src/ledger/index.js'

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Opens Ledger instances on one fresh store; every instance is closed and the store dropped in teardown. */
type OpenStore = (t: Test) => () => Promise<Ledger>

const stores: Record<string, OpenStore> = {
  sqlite: t => {
    const path = join(t.testdir(), 'var', 'ledger.db')
    const opened: Ledger[] = []
    t.teardown(async () => { for (const l of opened) await l.close() })
    return async () => {
      const l = await createLedger({ kind: 'sqlite', path })
      opened.push(l)
      return l
    }
  },
  postgres: t => {
    const schema = `ledger_test_${process.pid}_${randomBytes(4).toString('hex')}`
    const opened: Ledger[] = []
    t.teardown(async () => {
      for (const l of opened) await l.close()
      const c = new pg.Client(PG_URL)
      await c.connect()
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await c.end()
    })
    return async () => {
      const l = await createLedger({ kind: 'postgres', url: PG_URL, schema })
      opened.push(l)
      return l
    }
  }
}

const BASE = Date.UTC(2025, 0, 14, 6, 30)
let seq = 0

function at (ms: number): string {
  return new Date(ms).toISOString()
}

/** A complete accepted row; every field set so a round trip checks all of them. */
function row (over: Partial<LedgerRow> = {}): LedgerRow {
  seq++
  return {
    id: `tx-${seq.toString().padStart(6, '0')}`,
    carrier: 'XA',
    channel: 'https',
    status: 'acknowledged',
    outcome: 'accepted',
    receivedAt: at(BASE + seq * 1000),
    forwardedAt: at(BASE + seq * 1000 + 20),
    acknowledgedAt: at(BASE + seq * 1000 + 25),
    sender: 'XAAPI',
    recipient: 'GOVPIU',
    reference: `REF${seq}`,
    preparedAt: '250114:0630',
    messageRefs: ['PAX001', 'PAX002'],
    parts: ['01:C', '02:F'],
    messageType: 'PAXLST',
    messageVersion: 'D:05B',
    flight: 'XA123',
    test: false,
    destination: 'production',
    sha256: 'a'.repeat(64),
    size: 4096,
    errorCodes: [],
    ackKind: 'contrl',
    ack: "UNA:+.? 'UNB+UNOA:4+GOVPIU+XAAPI+250114:0631+1'UNZ+0+1'",
    ackSentAt: at(BASE + seq * 1000 + 30),
    correction: false,
    duplicateOf: null,
    releasedAt: null,
    releasedBy: null,
    interactive: null,
    ...over
  }
}

const key = (r: LedgerRow): { carrier: string, sender: string, reference: string, preparedAt: string } =>
  ({ carrier: r.carrier as string, sender: r.sender as string, reference: r.reference as string, preparedAt: r.preparedAt as string })

for (const [name, store] of Object.entries(stores)) {
  t.test(`${name} store`, async t => {
    t.test('record and get round-trip every field', async t => {
      const ledger = await store(t)()
      const full = row({
        outcome: 'rejected',
        channel: 'sftp',
        status: 'acknowledged',
        test: true,
        destination: 'quarantine',
        errorCodes: [26, 12, 0, 2147483647],
        // Characters that array and JSON encodings must carry through untouched.
        messageRefs: ['a,b', 'q"uote', 'brace{}', 'back\\slash', 'ü€', ''],
        parts: ['01:C'],
        ack: "UNA:+.? 'UNB+UNOC:3+GOVPIU+XAAPI+250114:0631+1'\r\nUCI+1+XAAPI+GOVPIU+7'UNZ+1+1'\n\ttrailing  ",
        ackKind: 'contrl',
        correction: true,
        duplicateOf: 'tx-earlier',
        releasedAt: at(BASE + 86_400_000),
        releasedBy: 'officer-17',
        interactive: '{"decisions":{"0Z":2,"1Z":1},"piuMs":12}',
        size: 2147483647
      })
      await ledger.record(full)
      t.same(await ledger.get(full.id), full)
      t.equal(await ledger.get('no-such-id'), null)

      const sparse = row({
        carrier: null,
        channel: 'amqp',
        status: 'received',
        outcome: null,
        forwardedAt: null,
        acknowledgedAt: null,
        sender: null,
        recipient: null,
        reference: null,
        preparedAt: null,
        messageRefs: [],
        parts: [],
        messageType: null,
        messageVersion: null,
        flight: null,
        destination: null,
        size: 0,
        ackKind: null,
        ack: null,
        ackSentAt: null
      })
      await ledger.record(sparse)
      t.same(await ledger.get(sparse.id), sparse)
    })

    t.test('record replaces by id and stores instants in canonical UTC form', async t => {
      const ledger = await store(t)()
      const r = row({ status: 'received', outcome: null, receivedAt: '2025-01-14T07:30:00+01:00' })
      await ledger.record(r)
      t.equal((await ledger.get(r.id))?.receivedAt, '2025-01-14T06:30:00.000Z')
      const final = { ...r, receivedAt: at(BASE), status: 'acknowledged' as const, outcome: 'accepted' as const }
      await ledger.record(final)
      t.same(await ledger.get(r.id), final)
      t.equal(await ledger.size(), 1)
    })

    t.test('malformed rows are refused before they reach the store', async t => {
      const ledger = await store(t)()
      await t.rejects(ledger.record({ ...row(), channel: 'fax' as 'https' }), TypeError)
      await t.rejects(ledger.record({ ...row(), receivedAt: 'yesterday-ish' }), TypeError)
      await t.rejects(ledger.record({ ...row(), size: -1 }), TypeError)
      await t.rejects(ledger.record({ ...row(), errorCodes: ['26' as unknown as number] }), TypeError)
      await t.rejects(ledger.record({ ...row(), ack: 'nul\u0000byte' }), TypeError)
      await t.rejects(ledger.record({ ...row(), releasedBy: 'lone \ud800 surrogate' }), TypeError)
      await t.rejects(ledger.record({ ...row(), parts: ['\udc00'] }), TypeError)
      t.equal(await ledger.size(), 0)
    })

    t.test('update merges a patch and keeps the id', async t => {
      const ledger = await store(t)()
      const r = row({
        status: 'received',
        outcome: null,
        forwardedAt: null,
        acknowledgedAt: null,
        ack: null,
        ackKind: null,
        ackSentAt: null
      })
      await ledger.record(r)
      await ledger.update(r.id, { status: 'forwarded', forwardedAt: at(BASE + 5) })
      await ledger.update(r.id, {
        id: 'other',
        status: 'acknowledged',
        outcome: 'accepted_with_warnings',
        ackKind: 'ackres',
        ack: 'UNA:+.? \'',
        ackSentAt: at(BASE + 9),
        errorCodes: [35]
      })
      t.same(await ledger.get(r.id), {
        ...r,
        status: 'acknowledged',
        outcome: 'accepted_with_warnings',
        forwardedAt: at(BASE + 5),
        ackKind: 'ackres',
        ack: 'UNA:+.? \'',
        ackSentAt: at(BASE + 9),
        errorCodes: [35]
      })
      t.equal(await ledger.get('other'), null)
      await t.rejects(ledger.update('no-such-id', { status: 'forwarded' }), RangeError)
      await t.rejects(ledger.update(r.id, { status: 'lost' as 'forwarded' }), TypeError)
      t.equal((await ledger.get(r.id))?.status, 'acknowledged', 'a refused patch changes nothing')
    })

    t.test('findOriginal ignores retry, rejected, duplicate and correction rows', async t => {
      const ledger = await store(t)()
      const k = { reference: 'REF-DUP', preparedAt: '250114:0630' }
      await ledger.record(row({ ...k, outcome: 'retry' }))
      await ledger.record(row({ ...k, outcome: 'rejected', errorCodes: [26] }))
      await ledger.record(row({ ...k, outcome: 'duplicate', duplicateOf: 'tx-x' }))
      await ledger.record(row({ ...k, outcome: 'accepted', correction: true }))
      const probe = { carrier: 'XA', sender: 'XAAPI', reference: 'REF-DUP', preparedAt: '250114:0630' }
      t.equal(await ledger.findOriginal(probe), null)

      const original = row({ ...k, outcome: 'accepted_with_warnings', errorCodes: [12] })
      await ledger.record(original)
      t.same(await ledger.findOriginal(probe), original)
      // Every key part matters.
      t.equal(await ledger.findOriginal({ ...probe, carrier: 'XB' }), null)
      t.equal(await ledger.findOriginal({ ...probe, sender: 'XAPNR' }), null)
      t.equal(await ledger.findOriginal({ ...probe, preparedAt: '250114:0631' }), null)
      t.equal(await ledger.findOriginal({ ...probe, reference: 'REF-DUP2' }), null)

      // A forward that failed after acceptance ends in retry: the key is free for the resend.
      await ledger.update(original.id, { outcome: 'retry' })
      t.equal(await ledger.findOriginal(probe), null)
    })

    t.test('update recomputes who holds the key, and never steals it', async t => {
      const ledger = await store(t)()
      const k = { reference: 'REF-U' }
      const probe = { carrier: 'XA', sender: 'XAAPI', reference: 'REF-U', preparedAt: '250114:0630' }
      const first = row({ ...k, status: 'received', outcome: null })
      const second = row({ ...k, status: 'received', outcome: null })
      await ledger.record(first)
      await ledger.record(second)
      t.equal(await ledger.findOriginal(probe), null, 'no outcome yet, no holder')
      await ledger.update(first.id, { outcome: 'accepted' })
      t.equal((await ledger.findOriginal(probe))?.id, first.id, 'accepting takes the free key')
      await ledger.update(second.id, { outcome: 'accepted' })
      t.equal((await ledger.findOriginal(probe))?.id, first.id, 'a later acceptance does not take it away')
      t.equal((await ledger.get(second.id))?.outcome, 'accepted', 'yet its row is updated')
      await ledger.update(first.id, { duplicateOf: 'tx-elsewhere' })
      t.equal(await ledger.findOriginal(probe), null, 'a row marked duplicate gives the key up')
      await ledger.update(first.id, {})
      t.same(await ledger.get(first.id), { ...first, outcome: 'accepted', duplicateOf: 'tx-elsewhere' }, 'an empty patch changes nothing')
    })

    t.test('concurrent records of one id: the later call wins', async t => {
      const ledger = await store(t)()
      const r = row({ status: 'received', outcome: null })
      const final = { ...r, status: 'acknowledged' as const, outcome: 'accepted' as const }
      await Promise.all([ledger.record(r), ledger.record(final)])
      t.same(await ledger.get(r.id), final)
      t.equal(await ledger.size(), 1)
    })

    t.test('claimOriginal: first claim wins, a conflict returns the original and writes nothing', async t => {
      const ledger = await store(t)()
      const first = row({ reference: 'REF-C', status: 'received' })
      const second = row({ reference: 'REF-C', sha256: 'b'.repeat(64) })
      t.equal(await ledger.claimOriginal(first), null)
      t.same(await ledger.claimOriginal(second), first)
      t.equal(await ledger.get(second.id), null)
      t.equal(await ledger.claimOriginal({ ...first, status: 'forwarded' }), null, 'the holder may claim again')
      t.equal((await ledger.get(first.id))?.status, 'forwarded')
      await t.rejects(ledger.claimOriginal(row({ outcome: 'retry' })), TypeError)
      await t.rejects(ledger.claimOriginal(row({ reference: null })), TypeError)

      // record() never takes the key from its holder.
      const third = row({ reference: 'REF-C' })
      await ledger.record(third)
      t.same(await ledger.findOriginal(key(first)), { ...first, status: 'forwarded' })
      t.same(await ledger.get(third.id), third)

      // Once the holder ends in retry, a resend claims the key.
      await ledger.update(first.id, { outcome: 'retry' })
      t.equal(await ledger.claimOriginal(second), null)
      t.same(await ledger.findOriginal(key(second)), second)
    })

    t.test('concurrent claims of one key from two Ledger instances: exactly one wins', async t => {
      const open = store(t)
      const [a, b] = [await open(), await open()]
      for (let i = 0; i < 20; i++) {
        const ra = row({ reference: `RACE${i}` })
        const rb = row({ reference: `RACE${i}`, sha256: 'c'.repeat(64) })
        const [ca, cb] = await Promise.all([a.claimOriginal(ra), b.claimOriginal(rb)])
        t.equal([ca, cb].filter(c => c === null).length, 1, `key ${i}: one claim wins`)
        const winner = ca === null ? ra : rb
        t.same(ca ?? cb, winner, `key ${i}: the loser sees the winner`)
        t.same(await b.findOriginal(key(ra)), winner)
      }
      // Many claimants on one key, spread over both instances.
      const contenders = Array.from({ length: 16 }, () => row({ reference: 'RACE-MANY' }))
      const results = await Promise.all(contenders.map((r, i) => (i % 2 === 0 ? a : b).claimOriginal(r)))
      const winners = contenders.filter((_, i) => results[i] === null)
      t.equal(winners.length, 1)
      for (const r of results) if (r !== null) t.equal(r.id, winners[0].id)
    })

    t.test('list filters and orders newest first', async t => {
      const ledger = await store(t)()
      const rows = [
        row({ carrier: 'XA', reference: 'L1', outcome: 'accepted', receivedAt: at(BASE + 1000) }),
        row({ carrier: 'XB', reference: 'L2', outcome: 'rejected', receivedAt: at(BASE + 3000) }),
        row({ carrier: 'XA', reference: 'L2', outcome: 'rejected', receivedAt: at(BASE + 2000) }),
        row({ carrier: 'XA', reference: 'L3', outcome: 'duplicate', duplicateOf: 'x', receivedAt: at(BASE + 4000) }),
        // Same instant: the id breaks the tie.
        row({ id: 'tie-a', carrier: 'XB', reference: 'L4', receivedAt: at(BASE + 5000) }),
        row({ id: 'tie-b', carrier: 'XB', reference: 'L5', receivedAt: at(BASE + 5000) })
      ]
      await Promise.all(rows.map(r => ledger.record(r)))
      const ids = (list: LedgerRow[]): string[] => list.map(r => r.id)
      t.same(ids(await ledger.list({})), ['tie-b', 'tie-a', rows[3].id, rows[1].id, rows[2].id, rows[0].id])
      t.same(ids(await ledger.list({ carrier: 'XA' })), [rows[3].id, rows[2].id, rows[0].id])
      t.same(ids(await ledger.list({ reference: 'L2' })), [rows[1].id, rows[2].id])
      t.same(ids(await ledger.list({ outcome: 'rejected', carrier: 'XA' })), [rows[2].id])
      t.same(ids(await ledger.list({ since: at(BASE + 3000) })), ['tie-b', 'tie-a', rows[3].id, rows[1].id])
      t.same(ids(await ledger.list({ limit: 2 })), ['tie-b', 'tie-a'])
      t.same(ids(await ledger.list({ carrier: 'ZZ' })), [])
      t.same((await ledger.list({ carrier: 'XA' }))[2], rows[0], 'list returns whole rows')
    })

    t.test('list returns 100 rows by default', async t => {
      const ledger = await store(t)()
      await Promise.all(Array.from({ length: 120 }, () => ledger.record(row())))
      t.equal((await ledger.list({})).length, 100)
      t.equal((await ledger.list({ limit: 500 })).length, 120)
    })

    t.test('lastByType and countsSince', async t => {
      const ledger = await store(t)()
      await ledger.record(row({ messageType: 'PAXLST', receivedAt: at(BASE + 1000) }))
      await ledger.record(row({ messageType: 'PAXLST', receivedAt: at(BASE + 9000), outcome: 'rejected' }))
      await ledger.record(row({ messageType: 'PNRGOV', receivedAt: at(BASE + 5000) }))
      await ledger.record(row({ messageType: null, receivedAt: at(BASE + 9500), outcome: 'rejected' }))
      await ledger.record(row({ carrier: 'XB', messageType: 'PNRGOV', receivedAt: at(BASE + 7000) }))
      await ledger.record(row({ carrier: null, messageType: null, outcome: 'rejected', receivedAt: at(BASE + 8000) }))
      await ledger.record(row({ carrier: 'XB', outcome: null, status: 'received', receivedAt: at(BASE + 8500) }))
      t.same(await ledger.lastByType('XA'), { PAXLST: at(BASE + 9000), PNRGOV: at(BASE + 5000) })
      t.same(await ledger.lastByType('ZZ'), {})
      t.same(await ledger.countsSince(at(BASE + 2000)), [
        { carrier: '', outcome: 'rejected', count: 1 },
        { carrier: 'XA', outcome: 'accepted', count: 1 },
        { carrier: 'XA', outcome: 'rejected', count: 2 },
        { carrier: 'XB', outcome: 'accepted', count: 1 },
        { carrier: 'XB', outcome: 'pending', count: 1 }
      ])
      t.same(await ledger.countsSince(at(BASE + 60_000)), [])
    })

    t.test('purge removes rows older than the retention', async t => {
      const ledger = await store(t)()
      const now = new Date(BASE + 100 * 86_400_000)
      const day = (n: number): string => at(now.getTime() - n * 86_400_000)
      const old = [row({ receivedAt: day(40) }), row({ receivedAt: day(30.5) })]
      const young = [row({ receivedAt: day(29.5) }), row({ receivedAt: day(1) })]
      for (const r of [...old, ...young]) await ledger.record(r)
      t.equal(await ledger.size(), 4)
      t.equal(await ledger.purge(30, now), 2)
      t.equal(await ledger.size(), 2)
      t.same((await ledger.list({})).map(r => r.id).sort(), young.map(r => r.id).sort())
      t.equal(await ledger.findOriginal(key(old[0])), null, 'a purged original no longer holds its key')
      t.equal(await ledger.purge(30, now), 0)
      t.equal(await ledger.purge(0), 2, 'now defaults to the current time')
      await t.rejects(ledger.purge(-1), TypeError)
    })

    t.test('500 concurrent records all land', async t => {
      const ledger = await store(t)()
      const rows = Array.from({ length: 500 }, (_, i) => row({ reference: `B${i}` }))
      await Promise.all(rows.map(r => ledger.record(r)))
      t.equal(await ledger.size(), 500)
      const got = await Promise.all(rows.map(r => ledger.get(r.id)))
      t.same(got, rows)
      for (const r of rows.slice(0, 50)) t.same(await ledger.findOriginal(key(r)), r)
    })

    t.test('concurrent records sharing a key: all land, the first recorded holds it', async t => {
      const ledger = await store(t)()
      const rows = Array.from({ length: 50 }, (_, i) => row({ reference: i % 10 === 0 ? 'SHARED' : `S${i}` }))
      const bad = { ...row(), size: 1.5 }
      const results = await Promise.allSettled([...rows.map(r => ledger.record(r)), ledger.record(bad)])
      t.equal(results.filter(r => r.status === 'fulfilled').length, 50)
      t.equal(await ledger.size(), 50)
      t.same(await ledger.findOriginal(key(rows[0])), rows[0])
      t.ok(rows.every(holdsDedupeKey))
    })

    t.test('a closed ledger refuses with GW_ERR_LEDGER_UNAVAILABLE', async t => {
      const open = store(t)
      const ledger = await open()
      const queued = row()
      const pending = ledger.record(queued)
      await ledger.close()
      await t.resolves(pending, 'what was queued before close is committed')
      t.same(await (await open()).get(queued.id), queued)
      await ledger.close()
      const isUnavailable = (err: unknown): boolean => isGatewayError(err, 'GW_ERR_LEDGER_UNAVAILABLE')
      await ledger.record(row()).then(() => t.fail('record after close'), err => t.ok(isUnavailable(err)))
      await ledger.get('x').then(() => t.fail('get after close'), err => t.ok(isUnavailable(err)))
      await ledger.size().then(() => t.fail('size after close'), err => t.ok(isUnavailable(err)))
    })
  })
}
