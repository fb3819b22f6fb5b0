/**
 * What only the SQLite store has: its file (folder creation, mode 0600, WAL), durability across a
 * reopen and across `kill -9` of the writing process, and store failures mapped to the catalogue.
 */
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import t, { type Test } from 'tap'
import Database from 'better-sqlite3'
import { isGatewayError } from '../../src/errors.js'
import { createLedger, type LedgerRow } from '../../src/ledger/index.js'
import { WalSync } from '../../src/ledger/wal-sync.js'

function row (id: string, over: Partial<LedgerRow> = {}): LedgerRow {
  return {
    id,
    carrier: 'XA',
    channel: 'https',
    status: 'acknowledged',
    outcome: 'accepted',
    receivedAt: '2025-01-14T06:31:00.000Z',
    forwardedAt: '2025-01-14T06:31:00.020Z',
    acknowledgedAt: '2025-01-14T06:31:00.025Z',
    sender: 'XAAPI',
    recipient: 'GOVPIU',
    reference: `R-${id}`,
    preparedAt: '250114:0630',
    messageRefs: ['PAX001'],
    parts: ['01:F'],
    messageType: 'PAXLST',
    messageVersion: 'D:05B',
    flight: 'XA123',
    test: false,
    destination: 'production',
    sha256: 'f'.repeat(64),
    size: 812,
    errorCodes: [],
    ackKind: 'contrl',
    ack: "UNA:+.? 'UNB+UNOA:4+GOVPIU+XAAPI+250114:0631+1'",
    ackSentAt: '2025-01-14T06:31:00.030Z',
    correction: false,
    duplicateOf: null,
    releasedAt: null,
    releasedBy: null,
    interactive: null,
    ...over
  }
}

const unavailable = (err: unknown): boolean => isGatewayError(err, 'GW_ERR_LEDGER_UNAVAILABLE')

async function rejectsUnavailable (t: Test, p: Promise<unknown>): Promise<void> {
  await p.then(() => t.fail('expected GW_ERR_LEDGER_UNAVAILABLE'), err => t.ok(unavailable(err), 'rejects with GW_ERR_LEDGER_UNAVAILABLE'))
}

t.test('creates the missing folder and a file only its owner can read', async t => {
  const dir = join(t.testdir(), 'deep', 'var')
  const path = join(dir, 'ledger.db')
  const ledger = await createLedger({ kind: 'sqlite', path })
  t.teardown(() => ledger.close())
  await ledger.record(row('m1'))
  t.equal(statSync(dir).mode & 0o777, 0o700)
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    t.ok(existsSync(f), `${f} exists`)
    t.equal(statSync(f).mode & 0o777, 0o600, `${f} is 0600`)
  }
  const probe = new Database(path, { readonly: true })
  t.teardown(() => probe.close())
  t.equal(probe.pragma('journal_mode', { simple: true }), 'wal')
  t.equal((probe.prepare('SELECT count(*) AS n FROM transmissions').get() as { n: number }).n, 1)
})

t.test('an existing file with a wider mode is narrowed to 0600', async t => {
  const path = join(t.testdir(), 'ledger.db')
  writeFileSync(path, '')
  chmodSync(path, 0o644)
  const ledger = await createLedger({ kind: 'sqlite', path })
  await ledger.close()
  t.equal(statSync(path).mode & 0o777, 0o600)
})

t.test('rows survive close and reopen', async t => {
  const path = join(t.testdir(), 'ledger.db')
  const first = await createLedger({ kind: 'sqlite', path })
  const rows = Array.from({ length: 25 }, (_, i) => row(`r${i}`))
  await Promise.all(rows.map(r => first.record(r)))
  await first.update('r3', { outcome: 'retry' })
  await first.close()

  const again = await createLedger({ kind: 'sqlite', path })
  t.teardown(() => again.close())
  t.equal(await again.size(), 25)
  t.same(await again.get('r7'), rows[7])
  t.same(await again.findOriginal({ carrier: 'XA', sender: 'XAAPI', reference: 'R-r7', preparedAt: '250114:0630' }), rows[7])
  t.equal(await again.findOriginal({ carrier: 'XA', sender: 'XAAPI', reference: 'R-r3', preparedAt: '250114:0630' }), null)
  t.same(await again.claimOriginal(row('other', { reference: 'R-r7' })), rows[7], 'the dedupe key is still held')
})

t.test('every resolved record survives kill -9 of the writing process', async t => {
  const dir = t.testdir()
  const path = join(dir, 'ledger.db')
  const child = join(dir, 'writer.ts')
  const ledgerModule = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'ledger', 'index.ts')).href
  // Writes batches of 50 concurrent records forever, reporting each batch once all its promises resolved.
  writeFileSync(child, `
    const { createLedger } = await import(${JSON.stringify(ledgerModule)})
    const ledger = await createLedger({ kind: 'sqlite', path: ${JSON.stringify(path)} })
    const base = ${JSON.stringify(row('x'))}
    for (let b = 0; ; b++) {
      const batch = Array.from({ length: 50 }, (_, i) => ({ ...base, id: 'k-' + b + '-' + i, reference: 'K' + b + '-' + i }))
      await Promise.all(batch.map(r => ledger.record(r)))
      process.stdout.write('committed ' + b + '\\n')
    }
  `)
  const loader = process.execArgv.filter(a => a.includes('@tapjs/typescript'))
  const proc = spawn(process.execPath, [...loader, child], { stdio: ['ignore', 'pipe', 'inherit'] })
  const committed: number[] = []
  await new Promise<void>((resolve, reject) => {
    let buf = ''
    proc.on('error', reject)
    proc.on('exit', () => resolve())
    proc.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString()
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      for (const l of lines) if (l.startsWith('committed ')) committed.push(Number(l.slice(10)))
      // Killed mid-stream: later batches are still being written.
      if (committed.length >= 20 && proc.exitCode === null) proc.kill('SIGKILL')
    })
  })
  t.equal(proc.signalCode, 'SIGKILL')
  t.ok(committed.length >= 20, 'the writer reported committed batches')

  const ledger = await createLedger({ kind: 'sqlite', path })
  t.teardown(() => ledger.close())
  let missing = 0
  for (const b of committed) {
    for (let i = 0; i < 50; i++) if (await ledger.get(`k-${b}-${i}`) === null) missing++
  }
  t.equal(missing, 0, 'no reported row is missing')
  t.ok(await ledger.size() >= committed.length * 50)
})

t.test('a path that cannot hold the file is GW_ERR_LEDGER_UNAVAILABLE', async t => {
  const dir = t.testdir({ blocker: 'a regular file' })
  await rejectsUnavailable(t, createLedger({ kind: 'sqlite', path: join(dir, 'blocker', 'ledger.db') }))
})

t.test('a file that is not a database is GW_ERR_LEDGER_UNAVAILABLE', async t => {
  const dir = t.testdir({ 'ledger.db': 'this is not an SQLite database, just some bytes '.repeat(200) })
  await rejectsUnavailable(t, createLedger({ kind: 'sqlite', path: join(dir, 'ledger.db') }))
})

t.test('a schema newer than this gateway is refused', async t => {
  const path = join(t.testdir(), 'ledger.db')
  const db = new Database(path)
  db.pragma('user_version = 99')
  db.close()
  await rejectsUnavailable(t, createLedger({ kind: 'sqlite', path }))
})

t.test('a write lock held by another connection fails the whole batch as unavailable', async t => {
  const path = join(t.testdir(), 'ledger.db')
  const ledger = await createLedger({ kind: 'sqlite', path, busyTimeoutMs: 50 })
  t.teardown(() => ledger.close())
  await ledger.record(row('before'))

  const other = new Database(path)
  t.teardown(() => { if (other.open) other.close() })
  other.exec('BEGIN IMMEDIATE')
  const results = await Promise.allSettled([
    ledger.record(row('a')),
    ledger.record(row('b')),
    ledger.update('before', { status: 'forwarded' })
  ])
  t.ok(results.every(r => r.status === 'rejected' && unavailable(r.reason)), 'each write rejects with GW_ERR_LEDGER_UNAVAILABLE')
  t.same(await ledger.get('before'), row('before'), 'reads still work')
  other.exec('ROLLBACK')
  other.close()

  await ledger.record(row('after'))
  t.equal(await ledger.size(), 2, 'the ledger recovers once the lock is gone')
})

t.test('a version-1 ledger file gains the interactive column and keeps its rows', async t => {
  const path = join(t.testdir(), 'v1.db')
  // The version-1 table as earlier gateways created it: every column but `interactive`.
  const v1 = await createLedger({ kind: 'sqlite', path })
  await v1.record(row('old'))
  await v1.close()
  const db = new Database(path)
  db.exec('ALTER TABLE transmissions DROP COLUMN interactive')
  db.pragma('user_version = 1')
  db.close()

  const ledger = await createLedger({ kind: 'sqlite', path })
  t.teardown(() => ledger.close())
  t.equal((await ledger.get('old'))?.interactive, null, 'the old row reads with no summary')
  await ledger.record(row('new', { interactive: '{"decisions":{"0Z":1}}' }))
  t.equal((await ledger.get('new'))?.interactive, '{"decisions":{"0Z":1}}')
  const check = new Database(path, { readonly: true })
  t.equal(check.pragma('user_version', { simple: true }), 2)
  check.close()
})

t.test('a write is acknowledged only once its WAL is fsynced: a WAL that cannot be synced fails it', async t => {
  const path = join(t.testdir(), 'ledger.db')
  const ledger = await createLedger({ kind: 'sqlite', path })
  t.teardown(async () => { await ledger.close().catch(() => {}) })
  // The gateway opens the WAL for its fsyncs at the first write; a WAL unlinked before then (which
  // SQLite's own descriptor does not notice) cannot be synced, so nothing written may resolve.
  unlinkSync(`${path}-wal`)
  const writes = await Promise.allSettled([ledger.record(row('W1')), ledger.record(row('W2'))])
  t.match(writes[0], { status: 'rejected', reason: { id: 'GW_ERR_LEDGER_UNAVAILABLE' } })
  t.match(writes[1], { status: 'rejected', reason: { id: 'GW_ERR_LEDGER_UNAVAILABLE' } }, 'the whole group commit')
})

t.test('WalSync: waiters share fsyncs, each resolves after one that began after it asked, close waits for them', async t => {
  const dir = t.testdir({ 'x.db-wal': 'frames' })
  const wal = new WalSync(join(dir, 'x.db'))
  const order: string[] = []
  const first = wal.durable().then(() => order.push('first'))
  // Asked while the first fsync runs: served by the next one, never by the one already running.
  const later = Array.from({ length: 20 }, (_, i) => wal.durable().then(() => order.push(`later${i}`)))
  const closed = wal.close().then(() => order.push('closed'))
  await Promise.all([first, ...later, closed])
  t.equal(order[0], 'first')
  t.equal(order.at(-1), 'closed', 'close waited for every fsync asked for')
  t.equal(order.length, 22)
  const missing = new WalSync(join(dir, 'nothing.db'))
  await t.rejects(missing.durable(), { code: 'ENOENT' }, 'a WAL that is not there fails the waiter')
  await missing.close()
})
