/**
 * Every CONTRL and ACKRES the gateway generates must read back with the gateway's own parser
 * with zero envelope errors (UNT/UNZ counts and references right, escaping undone exactly).
 */
import type { CheckOutcome } from '../../src/transmission/index.js'
import t, { type Test } from 'tap'
import fc from 'fast-check'
import { parseInterchange } from '../../src/edifact/index.js'
import { buildAckres, buildContrl, type AckSubject } from '../../src/acknowledge/index.js'
import type { Interchange } from '../../src/edifact/types.js'
import { fixture, fixtureNames } from '../fixtures/index.js'

/** Segments closed by the segment terminator ' (ISO 9735 UNA default). */
const ediText = (...segments: string[]): string => segments.map(s => `${s}'`).join('')

const now = new Date('2025-01-14T06:31:00Z')

function subjectOf (ic: Interchange, interchangeRejected = false): AckSubject {
  if (ic.unb === null) throw new Error('no UNB')
  const outcomes: Record<string, CheckOutcome> = {}
  for (const m of ic.messages) outcomes[m.reference] = ic.errors.some(f => f.message === m.reference) ? 'rejected' : 'accepted'
  return {
    unb: ic.unb,
    separators: ic.separators,
    groups: ic.groups,
    messages: ic.messages,
    errors: ic.errors,
    warnings: ic.warnings,
    messageOutcomes: outcomes,
    interchangeRejected
  }
}

function readBack (text: string): Interchange {
  const back = parseInterchange(Buffer.from(text, 'utf8'))
  return back
}

const paxlst = (ids: { sender: string, recipient: string, ref: string }, body: string): string =>
  `UNA:+.? 'UNB+UNOA:4+${ids.sender}+${ids.recipient}+250114:0630+${ids.ref}++APIS'${body}UNZ+1+${ids.ref}'`

const GOOD = paxlst({ sender: 'ZZAIRAPI:ZZ', recipient: 'GOVPIU:ZZ', ref: '00000000000217' },
  'UNH+PAX001+PAXLST:D:05B:UN:IATA+ZZ123/250114/0915+01:F\'BGM+745\'NAD+MS+++ZZ\'UNT+4+PAX001\'')
const BAD_COUNT = GOOD.replace('UNT+4+PAX001', 'UNT+9+PAX001')
const GROUPED = ediText(
  'UNA:+.? ', 'UNB+UNOA:4+ZZAIRAPI:ZZ+GOVPIU:ZZ+250114:0630+17',
  'UNG+PAXLST+ZZ AIRLINES+GOVPIU+250114:0630+1+UN+D:05B', 'UNH+1+PAXLST:D:05B:UN:IATA', 'BGM+745', 'UNT+3+1',
  'UNH+2+PAXLST:D:05B:UN:IATA', 'BGM+745', 'UNT+3+2', 'UNE+2+1',
  'UNG+PAXLST+ZZ AIRLINES+GOVPIU+250114:0630+2+UN+D:05B', 'UNH+3+PAXLST:D:05B:UN:IATA', 'BGM+745', 'UNT+9+3', 'UNE+1+2',
  'UNZ+2+17'
)

function checkContrl (t: Test, source: Interchange, text: string, label: string): void {
  const back = readBack(text)
  t.same(back.errors, [], `${label}: no errors reading the CONTRL back`)
  t.same(back.warnings, [], `${label}: no warnings reading the CONTRL back`)
  t.equal(back.messages.length, 1)
  t.equal(back.messages[0]?.type, 'CONTRL')
  t.same(back.unb?.recipientComposite, source.unb?.senderComposite, `${label}: addressed to the subject sender`)
  const uci = back.messages[0]?.segments.find(s => s.tag === 'UCI')
  t.same(
    uci?.elements.slice(0, 3),
    [[source.unb?.reference], source.unb?.senderComposite, source.unb?.recipientComposite],
    `${label}: UCI echoes the subject UNB`
  )
}

t.test('generated CONTRL reads back clean', async t => {
  for (const [label, raw] of [['clean', GOOD], ['bad UNT count', BAD_COUNT], ['groups', GROUPED]] as const) {
    const ic = parseInterchange(Buffer.from(raw))
    t.ok(ic.unb, label)
    for (const partial of ['interchange', 'message'] as const) {
      for (const messageLevel of [false, true]) {
        for (const newline of [false, true]) {
          const ack = buildContrl(subjectOf(ic), {
            senderId: 'GOVPIU',
            senderQualifier: 'ZZ',
            reference: 'C1',
            now,
            partial,
            messageLevel,
            newline
          })
          checkContrl(t, ic, ack.text, `${label} ${partial} messageLevel=${messageLevel} newline=${newline}`)
        }
      }
    }
  }
  const bad = parseInterchange(Buffer.from(BAD_COUNT))
  t.match(buildContrl(subjectOf(bad), { senderId: 'GOVPIU', reference: 'C1', now }).text, /UCM\+PAX001\+PAXLST:D:05B:UN:IATA\+4\+29\+UNT'/, 'the parser finding becomes UCM 4 29 UNT')
  const grouped = parseInterchange(Buffer.from(GROUPED))
  t.match(buildContrl(subjectOf(grouped), { senderId: 'GOVPIU', reference: 'C1', now, partial: 'message' }).text, /UCI\+17\+ZZAIRAPI:ZZ\+GOVPIU:ZZ\+7'UCF\+2\+\+\+7'UCM\+3\+PAXLST:D:05B:UN:IATA\+4\+29\+UNT'/)
})

t.test('escaped and lower-case ids survive the round trip', async t => {
  const raw = 'UNA:+.? \'UNB+UNOB:4+Nordea?+Test:ZZ+GOV?:PIU+250114:0630+R?\'1\'UNH+1+PAXLST:D:05B:UN:IATA\'BGM+745\'UNT+3+1\'UNZ+1+R?\'1\''
  const ic = parseInterchange(Buffer.from(raw))
  t.same(ic.unb?.senderComposite, ['Nordea+Test', 'ZZ'])
  const ack = buildContrl(subjectOf(ic), { senderId: 'GOVPIU', reference: 'C2', now, messageLevel: true })
  t.match(ack.text, /^UNA:\+\.\? 'UNB\+UNOB:4\+/)
  checkContrl(t, ic, ack.text, 'escaped ids')

  // Non-ASCII ids: UNOY, sent as UTF-8.
  const utf = { ...subjectOf(ic), unb: { ...ic.unb!, senderComposite: ['NORDÉA', 'ZZ'] } }
  const back = readBack(buildContrl(utf, { senderId: 'GOVPIU', reference: 'C3', now }).text)
  t.equal(back.unb?.syntax, 'UNOY:4')
  t.same(back.errors, [])
  t.same(back.warnings, [])
})

t.test('property: arbitrary ids with service characters round-trip through CONTRL and ACKRES', async t => {
  const id = fc.array(fc.constantFrom(...'AZ09 :+?\'*.-/'), { minLength: 1, maxLength: 14 }).map(a => a.join(''))
    .filter(s => s.trim() === s && s !== '')
  fc.assert(fc.property(id, id, id, (sender, recipient, ref) => {
    const ic = parseInterchange(Buffer.from(GOOD))
    if (ic.unb === null) return false
    const unb = { ...ic.unb, senderComposite: [sender, 'ZZ'], recipientComposite: [recipient], reference: ref }
    const s = { ...subjectOf(ic), unb }
    const contrl = readBack(buildContrl(s, { senderId: 'GOVPIU', reference: 'C3', now, messageLevel: true }).text)
    const ackres = readBack(buildAckres(s, { senderId: 'GOVPIU', reference: 'A3', now }).text)
    const uci = contrl.messages[0]?.segments.find(x => x.tag === 'UCI')
    const rff = ackres.messages[0]?.segments.find(x => x.tag === 'RFF')
    return contrl.errors.length === 0 && ackres.errors.length === 0 &&
      JSON.stringify(contrl.unb?.recipientComposite) === JSON.stringify([sender, 'ZZ']) &&
      JSON.stringify(uci?.elements.slice(0, 3)) === JSON.stringify([[ref], [sender, 'ZZ'], [recipient]]) &&
      JSON.stringify(ackres.unb?.recipientComposite) === JSON.stringify([sender, 'ZZ']) &&
      JSON.stringify(rff?.elements) === JSON.stringify([['TN', ref]])
  }), { numRuns: 300 })
  t.pass('property held')
})

t.test('generated ACKRES reads back clean', async t => {
  const raw = ediText(
    'UNA:+.?*', 'UNB+IATA:1+UA+GOVPNR+180928:1120+491873609401', 'UNH+1+PNRGOV:13:1:IA+123456789', 'MSG+:22', 'ORG+UA:DJE+55107', 'EQN+1',
    'UNT+5+1', 'UNZ+1+491873609401'
  )
  const ic = parseInterchange(Buffer.from(raw))
  t.same(ic.errors, [])
  for (const rejected of [false, true]) {
    for (const newline of [false, true]) {
      const ack = buildAckres(subjectOf(ic, rejected), { senderId: 'GOVPNR', reference: 'A1', now, newline })
      const back = readBack(ack.text)
      t.same(back.errors, [], `rejected=${rejected} newline=${newline}`)
      t.same(back.warnings, [])
      t.equal(back.unb?.syntax, 'IATA:1')
      t.equal(back.unb?.applicationReference, 'ACKRES')
      t.equal(back.messages[0]?.identifier, 'ACKRES:13:1:IA')
      t.equal(back.messages[0]?.segments.some(s => s.tag === 'ERC'), rejected)
    }
  }
})

t.test('acks for every fixture read back clean', async t => {
  for (const name of fixtureNames()) {
    const ic = parseInterchange(fixture(name))
    if (ic.unb === null) { t.pass(`${name}: no readable UNB, answered by the transport`); continue }
    // Inherited defects: an unexpanded harness macro in the subject's own reference (the
    // harness-macro fixture) is echoed as sent; ACKRES must be IATA:1, so a carrier id outside that
    // repertoire (APIS*ZZ) is echoed as sent, and the carrier's own UNB already had the same finding.
    const macro = ic.errors.some(f => f.id === 'GW_ERR_EDIFACT_HARNESS_MACRO')
    const unbCharset = [...ic.errors, ...ic.warnings].some(f => f.id === 'GW_ERR_EDIFACT_CHARSET' && f.tag === 'UNB')
    const left = (back: Interchange, iata: boolean): string[] => back.errors
      .filter(f => !(macro && f.id === 'GW_ERR_EDIFACT_HARNESS_MACRO') && !(iata && unbCharset && f.id === 'GW_ERR_EDIFACT_CHARSET'))
      .map(f => `${f.id} ${f.tag ?? ''} ${f.element ?? ''}`)
    for (const partial of ['interchange', 'message'] as const) {
      const contrl = readBack(buildContrl(subjectOf(ic), { senderId: 'GOVPIU', reference: 'S1', now, partial, messageLevel: true }).text)
      t.same(left(contrl, false), [], `${name} CONTRL ${partial}`)
      t.same(contrl.warnings, [], `${name} CONTRL ${partial}: no warnings`)
      const ackres = readBack(buildAckres(subjectOf(ic), { senderId: 'GOVPIU', reference: 'S1', now, partial }).text)
      t.same(left(ackres, true), [], `${name} ACKRES ${partial}`)
      t.same(contrl.unb?.recipientComposite, ic.unb.senderComposite, `${name}: addressed to the sender`)
    }
  }
})
