// Agreement reloads (README "Carrier agreements"): a reload with any problem keeps the last good
// set, onChange fires only when a new set takes effect, and a file change is picked up by watch().
import t, { type Test } from 'tap'
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { createAgreementStore, type AgreementSet } from '../../src/agreements/store.js'
import type { ConfigProblem } from '../../src/config/index.js'
import { waitUntil } from '../helpers/wait.js'

const FP = Array(32).fill('AB').join(':')
type Doc = Record<string, unknown>
const agreement = (over: Doc = {}): Doc => ({
  code: 'XA',
  name: 'Example Air',
  stage: 'live',
  senderIds: ['XAAPI'],
  messages: { PAXLST: { versions: ['D05B'] } },
  channels: { https: { certificates: [FP] } },
  ...over
})

function setup (t: Test): { dir: string, write: (name: string, doc: Doc | string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cg-reload-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // Written to a temporary name and renamed, as editors and config management do.
  const write = (name: string, doc: Doc | string): void => {
    writeFileSync(join(dir, `.${name}.tmp`), typeof doc === 'string' ? doc : stringify(doc))
    renameSync(join(dir, `.${name}.tmp`), join(dir, name))
  }
  write('XA.yaml', agreement())
  return { dir, write }
}

/** Polls until `check` holds (watch events and their debounce take a moment), or fails after 5 s. */
async function until (check: () => boolean): Promise<boolean> {
  return await waitUntil(check, 5000)
}

t.test('reload picks up a valid change and tells the listeners', async t => {
  const { dir, write } = setup(t)
  const store = createAgreementStore(dir)
  t.teardown(() => store.close())
  const seen: AgreementSet[] = []
  store.onChange(set => seen.push(set))
  const before = store.current()
  write('XA.yaml', agreement({ stage: 'suspended' }))
  write('XB.yaml', agreement({ code: 'XB', senderIds: ['XBAPI'] }))
  t.same(store.reload(), [])
  t.equal(seen.length, 1)
  t.equal(seen[0], store.current())
  t.not(store.current(), before, 'a new set')
  t.equal(store.current().byCode('XA')?.stage, 'suspended')
  t.same(store.current().all.map(a => a.code), ['XA', 'XB'])
  t.equal(before.byCode('XA')?.stage, 'live', 'the old set is unchanged (readers holding it are not disturbed)')
})

t.test('a reload with a problem keeps the last good set and does not fire onChange', async t => {
  const { dir, write } = setup(t)
  const store = createAgreementStore(dir)
  t.teardown(() => store.close())
  let fired = 0
  store.onChange(() => { fired++ })
  const good = store.current()

  write('XA.yaml', agreement({ stage: 'paused' }))
  const problems = store.reload()
  t.same(problems.map(p => [p.file, p.path]), [[join(dir, 'XA.yaml'), '/stage']])
  t.equal(store.current(), good, 'last good set kept')
  t.equal(fired, 0)

  // A typo in another carrier's file must not take XA's change either: the set changes as a whole.
  write('XA.yaml', agreement({ stage: 'testing' }))
  write('XB.yaml', 'code: XB\nname: [broken\n')
  t.equal(store.reload().length, 1)
  t.equal(store.current().byCode('XA')?.stage, 'live')
  t.equal(fired, 0)

  unlinkSync(join(dir, 'XB.yaml'))
  t.same(store.reload(), [])
  t.equal(store.current().byCode('XA')?.stage, 'testing')
  t.equal(fired, 1, 'fires once the folder is good again')
})

t.test('a missing folder on reload keeps the last good set', async t => {
  const { dir } = setup(t)
  const store = createAgreementStore(dir)
  t.teardown(() => store.close())
  const good = store.current()
  rmSync(dir, { recursive: true })
  t.same(store.reload().map(p => p.message), ['carriers folder cannot be read'])
  t.equal(store.current(), good)
})

t.test('every listener hears of a reload even when one throws', async t => {
  const { dir, write } = setup(t)
  const store = createAgreementStore(dir)
  t.teardown(() => store.close())
  let second = 0
  store.onChange(() => { throw new Error('listener bug') })
  store.onChange(() => { second++ })
  write('XA.yaml', agreement({ name: 'Renamed Air' }))
  t.throws(() => store.reload(), /listener bug/)
  t.equal(second, 1)
  t.equal(store.current().byCode('XA')?.name, 'Renamed Air')
})

t.test('watch picks up a file change; a bad change is reported and the last good set kept', async t => {
  const { dir, write } = setup(t)
  const store = createAgreementStore(dir)
  t.teardown(() => store.close())
  const reported: ConfigProblem[][] = []
  let changes = 0
  store.onChange(() => { changes++ })
  store.watch(problems => reported.push(problems))
  store.watch(() => { t.fail('a second watch() is ignored') })

  write('XA.yaml', agreement({ stage: 'suspended' }))
  t.ok(await until(() => store.current().byCode('XA')?.stage === 'suspended'), 'change applied')
  t.ok(changes >= 1)

  const good = store.current()
  write('XA.yaml', agreement({ senderIds: [] }))
  t.ok(await until(() => reported.length > 0), 'problems reported')
  t.equal(reported[0][0].path, '/senderIds')
  t.equal(store.current(), good, 'last good set kept')

  write('XB.yaml', agreement({ code: 'XB', senderIds: ['XBAPI'] }))
  write('XA.yaml', agreement())
  t.ok(
    await until(() => store.current().byCode('XB') !== undefined && store.current().byCode('XA')?.stage === 'live'),
    'new file picked up'
  )
})
