// The spool on a real file system: durable files (0600 in a 0700 folder) that sort by arrival,
// a byte budget that concurrent writes cannot overrun together, a refused write that never
// reports success, and a start that cleans up what a crash left mid-write.
import t from 'tap'
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createSpool, spoolFileName } from '../../src/forward/spool.js'
import type { ForwardItem } from '../../src/forward/types.js'
import { isGatewayError } from '../../src/errors.js'
import { newTransmissionId } from '../../src/intake/transmission.js'
import { tmpDir } from '../helpers/gateway.js'

function item (n: number, over: Partial<ForwardItem> = {}): ForwardItem {
  return {
    transmissionId: newTransmissionId(),
    destination: 'production',
    routingKey: 'paxlst.XA',
    body: Buffer.from(`UNA:+.? 'UNB+UNOA:4+XAAPI+GOVPIU+250114:0630+R${n}'UNZ+0+R${n}'`, 'latin1'),
    headers: { 'x-carrier': 'XA', 'x-interchange-ref': `R${n}` },
    timestamp: new Date('2025-01-14T06:30:00Z'),
    ...over
  }
}

const errId = (err: unknown): string => isGatewayError(err) ? err.id : String(err)

t.test('write → list → read → remove round trip, files 0600 in a 0700 folder, arrival order', async t => {
  const path = join(tmpDir(t), 'spool')
  const spool = createSpool({ path, maxBytes: 1 << 20 })
  await spool.start()
  t.equal(statSync(path).mode & 0o777, 0o700)
  const items = [
    item(1),
    item(2),
    item(3, { destination: 'quarantine', routingKey: 'quarantine.paxlst.XA', report: '{"errors":[{"code":29}]}' })
  ]
  for (const i of items) await spool.write(i)
  const names = await spool.list()
  t.same(names, items.map(spoolFileName), 'sorted by transmission id = arrival')
  for (const n of names) t.equal(statSync(join(path, n)).mode & 0o777, 0o600, `${n} readable by the gateway's user alone`)
  const back = await spool.read(names[2])
  t.same(
    { ...back, body: back.body.toString('latin1') },
    { ...items[2], body: items[2].body.toString('latin1') },
    'everything the target needs comes back'
  )
  t.equal(spool.stats().files, 3)
  t.ok(spool.stats().oldestMs !== null)
  for (const n of names) await spool.remove(n)
  t.same(await spool.list(), [])
  t.same(spool.stats(), { files: 0, bytes: 0, oldestMs: null })
  await spool.remove(names[0])
  t.pass('removing a file already gone is not an error (a relay retried after a crash)')
})

t.test('maxBytes: a write over the budget is refused with SPOOL_FULL; concurrent writes cannot overrun it together', async t => {
  const spool = createSpool({ path: join(tmpDir(t), 'spool'), maxBytes: 2000 })
  await spool.start()
  const big = (n: number): ForwardItem => item(n, { body: Buffer.alloc(600, 0x41) })
  const results = await Promise.allSettled(Array.from({ length: 6 }, async (_, i) => { await spool.write(big(i)) }))
  const ok = results.filter(r => r.status === 'fulfilled').length
  t.ok(ok >= 1 && ok <= 2, `only what fits was written (${ok})`)
  t.ok(results.filter(r => r.status === 'rejected').every(r => errId((r as PromiseRejectedResult).reason) === 'GW_ERR_FORWARD_SPOOL_FULL'))
  t.ok(spool.stats().bytes <= 2000, 'the budget holds')
  t.equal((await spool.list()).length, ok, 'no file for a refused write')
  t.notOk(spool.writable(), 'full for readiness once a write was refused for space')
  await spool.remove((await spool.list())[0])
  t.ok(spool.writable(), 'room again once a file left')
})

t.test('a folder replaced by a file: the write fails GW_ERR_FORWARD_UNAVAILABLE, the probe says so, and recovers', async t => {
  const path = join(tmpDir(t), 'spool')
  const spool = createSpool({ path, maxBytes: 1 << 20 })
  await spool.start()
  t.ok(spool.writable())
  rmSync(path, { recursive: true })
  writeFileSync(path, 'not a folder')
  t.equal(await spool.probe(), false, 'the probe finds out without a transmission')
  t.notOk(spool.writable())
  const err = await spool.write(item(1)).then(() => null, (e: unknown) => e)
  t.equal(errId(err), 'GW_ERR_FORWARD_UNAVAILABLE')
  rmSync(path)
  t.equal(await spool.probe(), true, 'the probe makes the folder again')
  await spool.write(item(2))
  t.equal((await spool.list()).length, 1)
})

t.test('a folder removed under the gateway is made again by the next write', async t => {
  const path = join(tmpDir(t), 'spool')
  const spool = createSpool({ path, maxBytes: 1 << 20 })
  await spool.start()
  rmSync(path, { recursive: true })
  await spool.write(item(1))
  t.equal((await spool.list()).length, 1)
  t.equal(statSync(path).mode & 0o777, 0o700)
})

t.test('start: counts what a previous process spooled, removes what a crash left mid-write', async t => {
  const path = join(tmpDir(t), 'spool')
  mkdirSync(path)
  const first = createSpool({ path, maxBytes: 1 << 20 })
  await first.start()
  await first.write(item(1))
  await first.write(item(2))
  writeFileSync(join(path, `${spoolFileName(item(3))}.tmp-123-abc`), 'half a transmission')
  writeFileSync(join(path, '999-x.probe'), 'probe')
  const second = createSpool({ path, maxBytes: 1 << 20 })
  await second.start()
  t.equal(second.stats().files, 2, 'the two durable files are counted')
  t.equal(second.stats().bytes, first.stats().bytes)
  t.same(readdirSync(path).filter(n => !n.endsWith('.spool')), [], 'temporary and probe files removed: never acknowledged')
})

t.test('an unreadable spool file is set aside, kept for an operator', async t => {
  const path = join(tmpDir(t), 'spool')
  const spool = createSpool({ path, maxBytes: 1 << 20 })
  await spool.start()
  await spool.write(item(1))
  const [name] = await spool.list()
  writeFileSync(join(path, name), 'no header line')
  await t.rejects(spool.read(name))
  await spool.setAside(name)
  t.same(await spool.list(), [])
  t.same(readdirSync(path), [`${name}.corrupt`])
  t.equal(spool.stats().files, 0)
})
