import t from 'tap'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { loadAgreementDir, validateAgreement } from '../../src/agreements/store.js'
import { checkScaffold, scaffoldAgreement, writeNewAgreement, type ScaffoldOptions } from '../../src/onboarding/scaffold.js'
import { isGatewayError } from '../../src/errors.js'

const FP = `sha256/${Array(32).fill('AB').join(':')}`
const FP2 = `sha256/${Array(32).fill('01').join(':')}`

function dir (t: { teardown: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), 'cg-scaffold-'))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}

const base = (o: Partial<ScaffoldOptions> = {}): ScaffoldOptions => ({
  code: 'XA',
  name: 'Example Air',
  paxlst: ['D02B', 'D05B'],
  pnrgov: ['13.1'],
  channels: ['https'],
  senderIds: ['XAAPI'],
  certificates: [{ fingerprint: FP, notAfter: '2027-01-14T00:00:00.000Z', label: 'CN=XA' }],
  now: new Date('2025-01-14T00:00:00Z'),
  ...o
})

t.test('every channel combination scaffolds a valid, commented agreement in stage testing', async t => {
  for (const channels of [['https'], ['sftp'], ['amqp'], ['https', 'sftp', 'amqp']] as Array<ScaffoldOptions['channels']>) {
    const text = scaffoldAgreement(base({ channels, certificates: channels.includes('https') ? base().certificates : [] }))
    const v = validateAgreement(parse(text), '/c/XA.yaml')
    t.same(v.problems, [], `${channels.join('+')} validates`)
    t.equal(v.agreement?.stage, 'testing')
    t.same(Object.keys(v.agreement?.channels ?? {}).sort(), [...channels].sort())
    t.ok(text.split('\n').filter(l => l.includes('#')).length >= 15, 'explained by comments')
  }
  const text = scaffoldAgreement(base({ channels: ['sftp'], certificates: [] }))
  t.match(text, /FILL IN/)
  t.match(text, /host: sftp\.xa\.invalid/)
  const a = validateAgreement(parse(scaffoldAgreement(base())), '/c/XA.yaml').agreement!
  t.same(a.messages, { PAXLST: { versions: ['D02B', 'D05B'], ack: 'contrl' }, PNRGOV: { versions: ['13.1'], ack: 'ackres' } })
  t.same(a.channels.https?.certificates, [
    { fingerprint: FP.slice(7), notAfter: '2027-01-14T00:00:00.000Z', label: 'CN=XA', revoked: false }
  ])
})

t.test('the scaffold names every optional block at its default, so an officer sees what can be agreed', async t => {
  const doc = parse(scaffoldAgreement(base())) as Record<string, unknown>
  const scaffolded = validateAgreement(doc, '/c/XA.yaml').agreement!
  const blocks = ['syntax', 'expect', 'schedule', 'sensitiveData', 'outbound', 'interactive'] as const
  for (const b of blocks) t.ok(b in doc, `${b} is in the file`)
  const without = Object.fromEntries(Object.entries(doc).filter(([k]) => !(blocks as readonly string[]).includes(k)))
  const bare = validateAgreement(without, '/c/XA.yaml')
  t.same(bare.problems, [])
  for (const b of blocks) t.same(scaffolded[b], bare.agreement![b], `${b}: the defaults, as if left out`)
})

t.test('names with YAML-special characters survive', async t => {
  const name = 'Air "Quote": #1 \\ line'
  const v = validateAgreement(parse(scaffoldAgreement(base({ name }))), '/c/XA.yaml')
  t.equal(v.agreement?.name, name)
})

t.test('checkScaffold: own problems, and a sender id clash with an agreement sharing the certificate', async t => {
  const d = dir(t)
  t.same(checkScaffold(d, 'XA', scaffoldAgreement(base())), [], 'an empty folder')
  writeFileSync(
    join(d, 'XB.yaml'),
    stringify({
      code: 'XB',
      name: 'B',
      stage: 'live',
      senderIds: ['XAAPI'],
      messages: { PAXLST: { versions: ['D05B'] } },
      channels: { https: { certificates: [FP] } }
    })
  )
  writeFileSync(join(d, 'BAD.yaml'), 'code: [unclosed')
  const clash = checkScaffold(d, 'XA', scaffoldAgreement(base()))
  t.ok(clash.length > 0)
  t.ok(clash.every(p => p.file.startsWith(d)), 'problems name the real folder')
  t.match(clash.map(p => p.message).join(' '), /also claimed by/)
  t.same(
    checkScaffold(d, 'XA', scaffoldAgreement(base({ certificates: [{ fingerprint: FP2 }] }))),
    [],
    'another certificate: no clash; the broken BAD.yaml is not ours'
  )
  t.same(readdirSync(d).sort(), ['BAD.yaml', 'XB.yaml'], 'checking writes nothing into the folder')
})

/** The catalogue id `fn` throws, or null when it does not throw. */
function refusal (fn: () => unknown): string | null {
  try {
    fn()
    return null
  } catch (err) {
    return isGatewayError(err) ? err.id : String(err)
  }
}

t.test('writeNewAgreement never overwrites', async t => {
  const d = dir(t)
  const file = writeNewAgreement(d, 'XA', 'first\n')
  t.equal(readFileSync(file, 'utf8'), 'first\n')
  t.equal(refusal(() => writeNewAgreement(d, 'XA', 'second\n')), 'GW_ERR_ONBOARDING_EXISTS')
  t.equal(readFileSync(file, 'utf8'), 'first\n')
  writeFileSync(join(d, 'XC.yml'), 'x')
  t.equal(refusal(() => writeNewAgreement(d, 'XC', 'y')), 'GW_ERR_ONBOARDING_EXISTS', 'a .yml twin counts')
  t.same(readdirSync(d).sort(), ['XA.yaml', 'XC.yml'], 'no temporary file left behind')
  t.equal(loadAgreementDir(d).agreements.length, 0)
})
