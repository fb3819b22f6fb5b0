// Every real sample in every samples folder (CARRIER_GATEWAY_SAMPLES): parseInterchange never
// throws, and the CONTRL and ACKRES the gateway would answer with read back clean with its own
// parser. The same property on the project's fixtures: test/acknowledge/roundtrip.test.ts.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseInterchange } from '../../src/edifact/index.js'
import { buildAckres, buildContrl } from '../../src/acknowledge/index.js'
import type { Interchange } from '../../src/edifact/types.js'
import { SAMPLE_DIRS, sampleNames } from './samples.js'

const now = new Date('2025-01-14T06:31:00Z')
type Subject = Parameters<typeof buildContrl>[0]

function subjectOf (ic: Interchange): Subject {
  if (ic.unb === null) throw new Error('no UNB')
  const outcomes: Record<string, string> = {}
  for (const m of ic.messages) outcomes[m.reference] = ic.errors.some(f => f.message === m.reference) ? 'rejected' : 'accepted'
  return {
    unb: ic.unb,
    separators: ic.separators,
    groups: ic.groups,
    messages: ic.messages,
    errors: ic.errors,
    warnings: ic.warnings,
    messageOutcomes: outcomes,
    interchangeRejected: false
  } as Subject
}

const readBack = (text: string): Interchange => parseInterchange(Buffer.from(text, 'utf8'))

for (const dir of SAMPLE_DIRS) {
  t.test(dir.split('/').slice(-1)[0], async t => {
    for (const name of sampleNames(dir)) {
      const bytes = readFileSync(join(dir, name))
      let ic: Interchange | null = null
      t.doesNotThrow(() => { ic = parseInterchange(bytes, { typeB: true, unaRepair: true }) }, `${name}: parsed`)
      ic = parseInterchange(bytes)
      if (ic.unb === null) { t.pass(`${name}: no readable UNB, answered by the transport`); continue }
      // Inherited defects (as in the fixture test): a harness macro in the subject's own ids, and a
      // carrier id outside the IATA:1 repertoire that ACKRES echoes as sent.
      const macro = ic.errors.some(f => f.id === 'GW_ERR_EDIFACT_HARNESS_MACRO')
      const unbCharset = [...ic.errors, ...ic.warnings].some(f => f.id === 'GW_ERR_EDIFACT_CHARSET' && f.tag === 'UNB')
      const left = (back: Interchange, iata: boolean): string[] => back.errors
        .filter(f => !(macro && f.id === 'GW_ERR_EDIFACT_HARNESS_MACRO') && !(iata && unbCharset && f.id === 'GW_ERR_EDIFACT_CHARSET'))
        .map(f => `${f.id} ${f.tag ?? ''} ${f.element ?? ''}`)
      for (const partial of ['interchange', 'message'] as const) {
        const contrl = readBack(buildContrl(subjectOf(ic), { senderId: 'GOVPIU', reference: 'S1', now, partial, messageLevel: true }).text)
        t.same(left(contrl, false), [], `${name} CONTRL ${partial}`)
        const ackres = readBack(buildAckres(subjectOf(ic), { senderId: 'GOVPIU', reference: 'S1', now, partial }).text)
        t.same(left(ackres, true), [], `${name} ACKRES ${partial}`)
      }
    }
  })
}
