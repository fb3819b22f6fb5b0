// A successful agreement reload logs one record with what changed (docs/cli.md, last paragraph):
// carriers added, removed and changed, and for each changed carrier the top-level fields, with the
// old and new value only for short enumerations such as the stage. Never a certificate, an address
// or a secret reference. A real store on a temp folder, a pino destination read back.
import t, { type Test } from 'tap'
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { stringify } from 'yaml'
import { createAgreementStore } from '../../src/agreements/store.js'
import { createLogger } from '../../src/logger.js'

const FP = Array(32).fill('AB').join(':')
const FP2 = Array(32).fill('CD').join(':')
type Doc = Record<string, unknown>
const agreement = (over: Doc = {}): Doc => ({
  code: 'XA',
  name: 'Example Air',
  stage: 'testing',
  senderIds: ['XAAPI'],
  messages: { PAXLST: { versions: ['D05B'] } },
  channels: { https: { certificates: [FP], allowFrom: ['192.0.2.0/24'] } },
  ...over
})

class Lines extends Writable {
  lines: string[] = []
  override _write (chunk: Buffer, _enc: string, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(l => l !== ''))
    cb()
  }

  records (): Array<Record<string, any>> { return this.lines.map(l => JSON.parse(l) as Record<string, any>) }
}

function setup (t: Test): { dir: string, write: (name: string, doc: Doc) => void, logs: Lines } {
  const dir = mkdtempSync(join(tmpdir(), 'cg-reload-log-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const write = (name: string, doc: Doc): void => {
    writeFileSync(join(dir, `.${name}.tmp`), stringify(doc))
    renameSync(join(dir, `.${name}.tmp`), join(dir, name))
  }
  write('XA.yaml', agreement())
  write('XC.yaml', agreement({ code: 'XC', senderIds: ['XCAPI'], stage: 'live' }))
  return { dir, write, logs: new Lines() }
}

t.test('a go-live, a new carrier and a removed one: one record saying so', async t => {
  const { dir, write, logs } = setup(t)
  const store = createAgreementStore(dir, { logger: createLogger('info', logs) })
  t.teardown(() => store.close())
  t.same(logs.lines, [], 'the first load is not a reload')

  write('XA.yaml', agreement({ stage: 'live', channels: { https: { certificates: [FP, FP2], allowFrom: ['198.51.100.0/24'] } } }))
  write('XB.yaml', agreement({ code: 'XB', senderIds: ['XBAPI'] }))
  unlinkSync(join(dir, 'XC.yaml'))
  t.same(store.reload(), [])
  const records = logs.records()
  t.equal(records.length, 1, 'one record per reload')
  t.match(records[0], {
    level: 30,
    msg: 'agreements reloaded',
    agreements: { count: 2, added: ['XB'], removed: ['XC'], changed: [{ code: 'XA', fields: ['channels', 'stage: testing → live'] }] }
  })
  for (const secretish of [FP, FP2, '198.51.100.0', '192.0.2.0', 'XAAPI', 'XBAPI']) {
    t.notOk(logs.lines[0].includes(secretish), `no ${secretish} in the log`)
  }
})

t.test('a reload that changes nothing still logs one record; a failed one logs none here', async t => {
  const { dir, write, logs } = setup(t)
  const store = createAgreementStore(dir, { logger: createLogger('info', logs) })
  t.teardown(() => store.close())
  t.same(store.reload(), [])
  t.match(logs.records(), [{ msg: 'agreements reloaded', agreements: { count: 2, added: [], removed: [], changed: [] } }])

  writeFileSync(join(dir, 'XB.yaml'), 'code: XB\n')
  t.not(store.reload().length, 0, 'the problems go to the caller, which logs them')
  t.equal(logs.records().length, 1, 'no success record for a failed reload')

  rmSync(join(dir, 'XB.yaml'))
  write('XC.yaml', agreement({ code: 'XC', senderIds: ['XCAPI'], stage: 'suspended', ackWhen: 'on-error', name: 'Charlie Air' }))
  t.same(store.reload(), [])
  t.match(logs.records()[1].agreements.changed, [{ code: 'XC', fields: ['ackWhen: always → on-error', 'name', 'stage: live → suspended'] }])
})

t.test('the gateway logs its reloads with the same record', async t => {
  // The store's logger comes from createGateway (src/app.ts); a watch-triggered reload goes the same way.
  const { dir, write, logs } = setup(t)
  const store = createAgreementStore(dir, { logger: createLogger('info', logs).child({ component: 'agreements' }) })
  t.teardown(() => store.close())
  store.watch(() => {})
  write('XA.yaml', agreement({ stage: 'live' }))
  for (let i = 0; i < 250 && logs.lines.length === 0; i++) await new Promise(resolve => setTimeout(resolve, 20))
  t.match(logs.records()[0], {
    component: 'agreements',
    msg: 'agreements reloaded',
    agreements: { changed: [{ code: 'XA', fields: ['stage: testing → live'] }] }
  })
})
