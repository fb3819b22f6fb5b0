/**
 * PAXLST segment table, air-mode subset as profiled by the WCO/IATA/ICAO PAXLST guide.
 * D02B, D05B, D12B and D15B share it. Group maxima are the UN directory's (SG1 5, SG2 10, SG3 99,
 * SG4 99 999, SG5 9, LOC in SG4 25, RFF in SG4 9); other segment maxima are the directory's or,
 * where the guide gives none, a generous bound. Status is structural only: data that the guide
 * marks "required by most States" (R) is checked as a profile rule by the mapper, so an agreement
 * can choose to warn instead of reject.
 */
import { group, seg, type MessageTable } from '../structure.js'

export const PAXLST_TABLE: MessageTable = {
  unknownTags: 'error',
  entries: [
    seg('BGM', 'M', 1),
    seg('RFF', 'C', 1),
    seg('DTM', 'C', 9),
    // The reporting party is NAD+MS; without the qualifier a traveller NAD would be taken for it.
    group('SG1', 'C', 5, [
      seg('NAD', 'M', 1, ['MS']),
      seg('CTA', 'C', 1),
      seg('COM', 'C', 5)
    ]),
    group('SG2', 'M', 10, [
      seg('TDT', 'M', 1),
      seg('DTM', 'C', 1),
      group('SG3', 'M', 99, [
        seg('LOC', 'M', 1),
        seg('DTM', 'C', 5)
      ])
    ]),
    group('SG4', 'C', 99999, [
      seg('NAD', 'M', 1),
      seg('ATT', 'C', 9),
      seg('DTM', 'C', 9),
      seg('MEA', 'C', 9),
      seg('GEI', 'C', 9),
      seg('FTX', 'C', 99),
      seg('LOC', 'C', 25),
      seg('COM', 'C', 9),
      seg('EMP', 'C', 9),
      seg('NAT', 'C', 9),
      seg('RFF', 'C', 9),
      group('SG5', 'C', 9, [
        seg('DOC', 'M', 1),
        seg('DTM', 'C', 9),
        seg('GEI', 'C', 9),
        seg('RFF', 'C', 9),
        seg('LOC', 'C', 9),
        seg('CPI', 'C', 9),
        seg('QTY', 'C', 9),
        seg('FTX', 'C', 99)
      ])
    ]),
    seg('CNT', 'M', 9)
  ]
}
