import t from 'tap'
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appendAudit, auditLogPath, changeStage, readAudit } from '../../src/onboarding/stage.js'
import { givenOfficer, officerName } from '../../src/onboarding/officer.js'
import { userInfo } from 'node:os'

const FP = `sha256/${Array(32).fill('AB').join(':')}`
const AGREEMENT = `# Example Air: agreed 2025-01-10 with ops (ticket 42)
code: XA              # designator
name: Example Air
stage: testing        # moved by carriers set-stage
senderIds: [XAAPI]    # flow style kept
messages:
  PAXLST: { versions: [D02B, D05B], ack: contrl }
channels:
  https:
    certificates:
      - "${FP}"   # example-cert: xa-client
`

function folder (t: { teardown: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), 'cg-stage-'))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}

t.test('changeStage rewrites only the value: comments, alignment and flow style stay', async t => {
  const d = folder(t)
  const file = join(d, 'XA.yaml')
  writeFileSync(file, AGREEMENT)
  chmodSync(file, 0o640)
  const r = await changeStage(file, 'live')
  t.same(r, { file, from: 'testing', to: 'live', changed: true })
  t.equal(readFileSync(file, 'utf8'), AGREEMENT.replace('stage: testing        #', 'stage: live           #'))
  t.equal(statSync(file).mode & 0o777, 0o640, 'file mode kept')
  t.same(readdirSync(d), ['XA.yaml'], 'no temporary file left')
  await changeStage(file, 'suspended')
  t.match(readFileSync(file, 'utf8'), /^stage: suspended {6}# moved by carriers set-stage$/m, 'comment column kept when the value grows')
  t.same(await changeStage(file, 'suspended'), { file, from: 'suspended', to: 'suspended', changed: false })
})

t.test('a quoted stage and a stage without comment', async t => {
  const d = folder(t)
  const file = join(d, 'XA.yaml')
  writeFileSync(file, AGREEMENT.replace('stage: testing        # moved by carriers set-stage', 'stage: "testing"'))
  await changeStage(file, 'live')
  t.match(readFileSync(file, 'utf8'), /^stage: live$/m)
})

t.test('an agreement that would not validate is left alone', async t => {
  const d = folder(t)
  const file = join(d, 'XA.yaml')
  const broken = AGREEMENT.replace('name: Example Air\n', '')
  writeFileSync(file, broken)
  await t.rejects(changeStage(file, 'live'), /would not be valid; nothing changed:\n.*\/name is required/)
  t.equal(readFileSync(file, 'utf8'), broken)
  writeFileSync(file, 'code: [')
  await t.rejects(changeStage(file, 'live'), /not a valid YAML agreement/)
  writeFileSync(file, AGREEMENT.replace(/^stage:.*\n/m, ''))
  await t.rejects(changeStage(file, 'live'), /no stage/)
})

t.test('audit log: path beside the carriers folder, JSON lines, per-carrier reading', async t => {
  t.equal(auditLogPath('/etc/gw/config/carriers'), '/etc/gw/config/audit.log')
  t.equal(auditLogPath('config/carriers/'), 'config/audit.log')
  t.equal(auditLogPath('carriers'), 'audit.log')
  const d = folder(t)
  const log = join(d, 'audit.log')
  t.same(await readAudit(log), [], 'no log yet')
  await appendAudit(log, {
    at: '2025-01-14T10:00:00.000Z',
    by: 'alice',
    action: 'set-stage',
    carrier: 'XA',
    from: 'testing',
    to: 'live',
    reason: 'certified'
  })
  writeFileSync(log, readFileSync(log, 'utf8') + '{"torn\n')
  await appendAudit(log, {
    at: '2025-01-14T11:00:00.000Z',
    by: 'bob',
    action: 'set-stage',
    carrier: 'XB',
    from: 'testing',
    to: 'live',
    reason: 'ok'
  })
  t.same((await readAudit(log, 'XA')).map(e => e.by), ['alice'])
  t.equal((await readAudit(log)).length, 2, 'a torn line is skipped')
  t.equal(readFileSync(log, 'utf8').split('\n').filter(l => l !== '').length, 3)
})

t.test('the officer: --by, $USER, $LOGNAME, the OS account; never "unknown" (docs/cli.md "Who the audit log records")', async t => {
  t.equal(officerName('bob', { USER: 'alice' }), 'bob')
  t.equal(officerName(' bob ', {}), 'bob', 'trimmed')
  t.equal(officerName(undefined, { USER: 'alice', LOGNAME: 'carol' }), 'alice')
  t.equal(officerName(undefined, { LOGNAME: 'carol' }), 'carol')
  t.equal(officerName(undefined, { USER: ' ' }), userInfo().username, 'a blank $USER does not count')
  t.equal(officerName(undefined, {}), userInfo().username, 'no $USER: the OS account')
  t.not(officerName(undefined, {}), 'unknown')
  t.throws(() => officerName('two\nlines', {}), RangeError)
  t.throws(() => officerName('  ', {}), /one line/)
  t.equal(givenOfficer('x\ry'), null)
  t.equal(givenOfficer('dana'), 'dana')
})
