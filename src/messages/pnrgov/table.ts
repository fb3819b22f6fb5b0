/**
 * PNRGOV (EDIFACT, versions 10.1–17.1) segment table: level 0 and groups Gr.1–Gr.12 nested as the
 * GTAS parser nests them (PNRGOV guide group numbering), except that Gr.8–Gr.10 and LTS hang off Gr.1 after the
 * itinerary, as in the guide, rather than inside the last Gr.5 (the order they accept is the same).
 *
 * The exact M/C status and repeat counts per version are unverified against the licensed guide,
 * so the table is lenient: only what every version and every real sample has is mandatory, maxima
 * are generous, and a tag the table does not know is a profile finding (a later version may add
 * it) rather than a structural error. RCI, formally mandatory but often missing in real data
 * (GTAS), is checked by the mapper as a profile rule.
 */
import { group, seg, type MessageTable } from '../structure.js'

const gr12 = group('Gr.12', 'C', 99, [seg('TVL', 'M', 1), seg('RPI', 'C', 9)])

const gr11 = group('Gr.11', 'C', 999, [
  seg('SAC', 'M', 1),
  seg('TIF', 'C', 9),
  seg('SSR', 'C', 9),
  seg('IFT', 'C', 99),
  seg('TBD', 'C', 9),
  gr12
])

const gr7 = group('Gr.7', 'C', 999, [
  seg('TRI', 'M', 1),
  seg('TIF', 'C', 9),
  seg('SSD', 'C', 9),
  seg('TBD', 'C', 9)
])

const gr4 = group('Gr.4', 'C', 99, [seg('FOP', 'M', 1), seg('IFT', 'C', 9), seg('ADD', 'C', 9)])

const gr3 = group('Gr.3', 'C', 99, [
  seg('TKT', 'M', 1),
  seg('MON', 'C', 9),
  seg('PTK', 'C', 9),
  seg('TXD', 'C', 99),
  seg('DAT', 'C', 9),
  // Not in the guide, but frequent in production (GTAS note): IFT between DAT and FOP.
  seg('IFT', 'C', 99),
  gr4
])

const gr2 = group('Gr.2', 'C', 999, [
  seg('TIF', 'M', 1),
  seg('FTI', 'C', 9),
  seg('IFT', 'C', 99),
  seg('REF', 'C', 9),
  seg('EBD', 'C', 9),
  seg('FAR', 'C', 9),
  seg('SSR', 'C', 999),
  seg('ADD', 'C', 99),
  gr3
])

const gr5 = group('Gr.5', 'C', 999, [
  seg('TVL', 'M', 1),
  seg('TRA', 'C', 9),
  seg('RPI', 'C', 9),
  seg('APD', 'C', 9),
  seg('SSR', 'C', 999),
  seg('RCI', 'C', 9),
  seg('IFT', 'C', 99),
  group('Gr.6', 'C', 999, [seg('DAT', 'M', 1), seg('ORG', 'C', 9), gr7])
])

export const PNRGOV_TABLE: MessageTable = {
  unknownTags: 'profile',
  entries: [
    seg('MSG', 'M', 1),
    seg('ORG', 'C', 1),
    seg('TVL', 'M', 1),
    seg('EQN', 'M', 1),
    group('Gr.1', 'C', 99999, [
      seg('SRC', 'M', 1),
      seg('RCI', 'C', 9),
      seg('SSR', 'C', 999),
      seg('DAT', 'C', 9),
      seg('IFT', 'C', 999),
      seg('ORG', 'C', 9),
      seg('ADD', 'C', 99),
      seg('EBD', 'C', 99),
      gr2,
      gr5,
      group('Gr.8', 'C', 999, [seg('EQN', 'M', 1), seg('RCI', 'M', 1)]),
      group('Gr.9', 'C', 999, [seg('MSG', 'M', 1), seg('TVL', 'C', 99)]),
      group('Gr.10', 'C', 999, [seg('ABI', 'M', 1), seg('DAT', 'C', 9), gr11]),
      seg('LTS', 'C', 99999)
    ])
  ]
}
