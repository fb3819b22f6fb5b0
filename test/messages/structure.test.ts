import t from 'tap'
import type { MessageEnvelope, Segment } from '../../src/edifact/types.js'
import { group, seg, walkStructure, LEVEL0, type MessageTable } from '../../src/messages/structure.js'
import { PAXLST_TABLE } from '../../src/messages/paxlst/table.js'
import { PNRGOV_TABLE } from '../../src/messages/pnrgov/table.js'

/** Segments closed by the segment terminator ' (ISO 9735 UNA default). */
const ediText = (...segments: string[]): string => segments.map(s => `${s}'`).join('')

/** Hand-made message: `'` ends a segment, `+` and `:` separate, no release character. */
function message (body: string, type = 'PAXLST'): MessageEnvelope {
  const texts = `UNH+M1+${type}:D:05B:UN:IATA'${body}UNT+0+M1'`.split("'").filter(s => s !== '')
  const segments: Segment[] = texts.map((text, i) => {
    const [tag, ...els] = text.split('+')
    return { tag, elements: els.map(e => e.split(':')), index: i + 2, offset: 0 }
  })
  return {
    reference: 'M1',
    type,
    version: 'D:05B',
    agency: 'UN',
    association: 'IATA',
    identifier: `${type}:D:05B:UN:IATA`,
    commonAccessReference: null,
    part: { sequence: null, final: null, first: null },
    group: null,
    segments
  }
}

const table: MessageTable = {
  unknownTags: 'error',
  entries: [
    seg('BGM', 'M', 1),
    seg('RFF', 'C', 2),
    group('G1', 'M', 2, [seg('TDT', 'M', 1), group('G2', 'C', 3, [seg('LOC', 'M', 1), seg('DTM', 'C', 1)])]),
    group('G3', 'C', 9, [seg('NAD', 'M', 1), seg('ATT', 'C', 1), seg('NAT', 'C', 1)]),
    seg('CNT', 'M', 1)
  ]
}

const brief = (f: { code: number, segment: number | null, tag: string | null, family: string | null }): string =>
  `${f.code}@${f.segment}:${f.tag}${f.family === 'profile' ? ':profile' : ''}`

t.test('a conforming message places every segment and finds nothing', async t => {
  const env = message("BGM+745'TDT+20+ZZ1'LOC+125+AAA'DTM+189:2501010900'LOC+87+BBB'NAD+FL'ATT+2++F'NAT+2+UTO'CNT+42:1'")
  const r = walkStructure(env, table)
  t.same(r.findings, [])
  t.same(r.placement, [LEVEL0, LEVEL0, 'G1', 'G2', 'G2', 'G2', 'G3', 'G3', 'G3', LEVEL0, LEVEL0])
})

t.test('missing mandatory segments are reported where they were expected', async t => {
  const r = walkStructure(message("RFF+TN:1'NAD+FL'"), table)
  t.same(r.findings.map(brief), ['13@2:BGM', '13@3:TDT', '13@4:CNT'])
  t.equal(r.findings[1].text, 'mandatory segment group missing')
  t.equal(r.findings[0].id, 'GW_ERR_MESSAGE_SEGMENT_MISSING')
  t.equal(r.findings[0].level, 'segment')
  t.equal(r.findings[0].message, 'M1')
  t.equal(r.findings[0].family, null)
})

t.test('a mandatory trigger-dependent segment inside a group is reported at the group end', async t => {
  // G2 opened by DTM? No: DTM alone cannot open G2 (LOC is its trigger), so it is unexpected.
  const r = walkStructure(message("BGM+745'TDT+20+ZZ1'DTM+189:1'CNT+42:1'"), table)
  t.same(r.findings.map(brief), ['15@4:DTM'])
  t.equal(r.placement[3], null)
})

t.test('too many repetitions of a segment (35) and of a group (36)', async t => {
  const r = walkStructure(message("BGM+745'RFF+A'RFF+B'RFF+C'TDT+1'TDT+2'TDT+3'CNT+1'"), table)
  t.same(r.findings.map(brief), ['35@5:RFF', '36@8:TDT'])
  t.equal(r.findings[0].id, 'GW_ERR_MESSAGE_SEGMENT_REPEATS')
  t.equal(r.findings[1].id, 'GW_ERR_MESSAGE_GROUP_REPEATS')
})

t.test('a segment of the open group out of table order is placed with a profile finding', async t => {
  const r = walkStructure(message("BGM+745'TDT+1'NAD+FL'NAT+2+UTO'ATT+2++F'CNT+1'"), table)
  t.same(r.findings.map(brief), ['15@6:ATT:profile'])
  t.equal(r.findings[0].text, 'segment out of the order of the segment table')
  t.equal(r.placement[5], 'G3')
})

t.test('a segment that belongs nowhere is a structural error; an unknown tag follows the table setting', async t => {
  const misplaced = walkStructure(message("BGM+745'TDT+1'CNT+1'NAD+FL'"), table)
  t.same(misplaced.findings.map(brief), ['15@5:NAD'])
  t.equal(misplaced.findings[0].text, 'segment not allowed in this position')
  const unknown = walkStructure(message("BGM+745'XYZ+1'TDT+1'CNT+1'"), table)
  t.same(unknown.findings.map(brief), ['15@3:XYZ'])
  t.equal(unknown.findings[0].text, 'segment not defined for this message')
  const lenient = walkStructure(message("BGM+745'XYZ+1'TDT+1'CNT+1'"), { ...table, unknownTags: 'profile' })
  t.same(lenient.findings.map(brief), ['15@3:XYZ:profile'])
})

t.test('nested groups close when an outer segment arrives and reopen on their trigger', async t => {
  const r = walkStructure(message("BGM+745'TDT+1'LOC+A'DTM+1'LOC+B'TDT+2'LOC+C'NAD+FL'NAD+FM'CNT+1'"), table)
  t.same(r.findings, [])
  t.same(r.placement.slice(1, -1), [LEVEL0, 'G1', 'G2', 'G2', 'G2', 'G1', 'G2', 'G3', 'G3', LEVEL0])
})

t.test('a message without UNT is walked to its end; positions count from UNH = 1', async t => {
  const env = message("BGM+745'TDT+1'")
  env.segments.pop()
  const r = walkStructure(env, table)
  t.same(r.findings.map(brief), ['13@4:CNT'])
})

t.test('PAXLST table: the guide crew example order (NAT before LOC) is a profile deviation only', async t => {
  const env = message(
    ediText(
      'BGM+250', 'NAD+MS+X', 'TDT+20+ZZ123+++ZZ', 'LOC+125+SYD', 'DTM+189:1306210900:201', 'LOC+87+HNL', 'NAD+FM+++CLARK:MICHAEL',
      'ATT+2++M', 'NAT+2+CAN', 'LOC+22+HNL', 'LOC+174+CAN', 'DOC+P+MB140241', 'DTM+36:151021', 'LOC+91+CAN', 'CNT+41:8'
    )
  )
  const r = walkStructure(env, PAXLST_TABLE)
  t.same(r.findings.map(brief), ['15@11:LOC:profile', '15@12:LOC:profile'])
  t.same(r.placement.slice(7, 15), ['SG4', 'SG4', 'SG4', 'SG4', 'SG4', 'SG5', 'SG5', 'SG5'])
})

t.test('PAXLST table: a missing TDT group and a LOC-less TDT are structural', async t => {
  const r = walkStructure(message("BGM+745'TDT+20+ZZ1'NAD+FL'CNT+42:1'"), PAXLST_TABLE)
  t.same(r.findings.map(brief), ['13@4:LOC'])
  const none = walkStructure(message("BGM+745'NAD+FL'CNT+42:1'"), PAXLST_TABLE)
  t.same(none.findings.map(brief), ['13@3:TDT'])
})

t.test('PNRGOV table: PNR groups, codeshare TVL pairs, history and LTS', async t => {
  const env = message(
    ediText(
      'MSG+:22', 'ORG+ZZ', 'TVL+140125:0915+ZZA+ZZB+ZZ+123', 'EQN+1', 'SRC', 'RCI+ZZ:ABC12D', 'DAT+700:120125:1730', 'ORG+ZZ:ZZA',
      'TIF+DOE+JANE:A:1', 'SSR+DOCS:HK::ZZ:::::/P/UTO/X1/UTO/14FEB90/F/31JAN30/DOE/JANE', 'TKT+1:T:1', 'MON+T:1:EUR', 'FOP+CC',
      'IFT+4:43+X', 'TVL+140125:0915+ZZA+ZZB+ZZ:YY+123:Y', 'TVL+++++456:Y', 'RPI+1+HK', 'DAT+2:140125:0800', 'TRI++1:::1',
      'TIF+DOE+JANE:A:1', 'SSD+1A', 'ABI+1', 'DAT+ZT:1', 'SAC+++X', 'TVL+1+A+B+ZZ+1', 'RPI+1+K', 'LTS+0/O/NM'
    ),
    'PNRGOV'
  )
  const r = walkStructure(env, PNRGOV_TABLE)
  t.same(r.findings, [])
  t.same(r.placement.slice(5, 28), [
    'Gr.1', 'Gr.1', 'Gr.1', 'Gr.1', 'Gr.2', 'Gr.2', 'Gr.3', 'Gr.3', 'Gr.4', 'Gr.4', 'Gr.5', 'Gr.5', 'Gr.5', 'Gr.6', 'Gr.7', 'Gr.7', 'Gr.7',
    'Gr.10', 'Gr.10', 'Gr.11', 'Gr.12', 'Gr.12', 'Gr.1'
  ])
})

t.test('PNRGOV table: missing level-0 TVL and EQN are structural, unknown tags are profile', async t => {
  const r = walkStructure(message("MSG+:22'SRC'RCI+ZZ:A'FOO+1'", 'PNRGOV'), PNRGOV_TABLE)
  t.same(r.findings.map(brief), ['13@3:TVL', '13@3:EQN', '15@5:FOO:profile'])
})
