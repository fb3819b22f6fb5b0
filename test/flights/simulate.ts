// A simulated day of traffic for two carriers, sent through the real pipeline with receipt times
// the test chooses, and a gateway whose flight evaluator runs on a clock the test controls.
// Fictional flights and travellers; the traveller values are listed so tests can assert that none
// of them ever reaches the ledger, the views, the HTML or the CSV (invariant 4).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { writeInterchange, type MessageSpec, type SegmentSpec } from '../../src/edifact/writer.js'
import { configFrom } from '../../src/config/index.js'
import { createGateway, type Gateway } from '../../src/app.js'
import { createLogger } from '../../src/logger.js'
import type { Agreement } from '../../src/agreements/schema.js'
import {
  exampleAgreement, fingerprintOf, LogSink, testConfig, tmpDir, WORKER_CHECKING, writeAgreements, type TeardownHost
} from '../helpers/gateway.js'

export const SURNAME = 'QUIXOTEVA'
export const GIVEN = 'ZENOBIA'
export const DOC_NUMBER = 'Q7777777'
export const LOCATOR = 'QZL0C9'
export const BIRTH = '850315'
/** Every traveller value the simulated messages carry. */
export const PASSENGER_VALUES = [SURNAME, GIVEN, DOC_NUMBER, LOCATOR, '15MAR85']

export interface PaxOpts {
  carrier: string
  number: string
  from: string
  to: string
  /** Local departure `YYMMDDHHMM` as DTM 189 carries it. */
  departs: string
  /** BGM 1001: 745 passengers, 250 crew. */
  document?: '745' | '250'
  part?: { sequence: number, final: boolean, reference: string }
  noNationality?: boolean
}

function traveller (o: PaxOpts): SegmentSpec[] {
  return [
    { tag: 'NAD', elements: [o.document === '250' ? 'FM' : 'FL', null, null, [SURNAME, GIVEN]] },
    { tag: 'ATT', elements: ['2', null, 'F'] },
    { tag: 'DTM', elements: [['329', BIRTH]] },
    ...(o.noNationality === true ? [] : [{ tag: 'NAT', elements: ['2', 'GBR'] }]),
    { tag: 'DOC', elements: [['P', '110', '111'], DOC_NUMBER] },
    { tag: 'DTM', elements: [['36', '310101']] },
    { tag: 'LOC', elements: ['91', 'GBR'] }
  ]
}

export function paxlstSpec (ref: string, o: PaxOpts): MessageSpec {
  return {
    reference: ref,
    identifier: ['PAXLST', 'D', '05B', 'UN', 'IATA'],
    ...(o.part !== undefined
      ? {
          commonAccessReference: o.part.reference,
          transfer: [String(o.part.sequence).padStart(2, '0'), o.part.final ? 'F' : o.part.sequence === 1 ? 'C' : null]
        }
      : {}),
    segments: [
      { tag: 'BGM', elements: [o.document ?? '745'] },
      { tag: 'NAD', elements: ['MS', null, null, 'TEST DESK'] },
      { tag: 'TDT', elements: ['20', `${o.carrier}${o.number}`, null, null, o.carrier] },
      { tag: 'LOC', elements: ['125', o.from] },
      { tag: 'DTM', elements: [['189', o.departs, '201']] },
      { tag: 'LOC', elements: ['87', o.to] },
      ...traveller(o),
      { tag: 'CNT', elements: [[o.document === '250' ? '41' : '42', '1']] }
    ]
  } as MessageSpec
}

export interface PnrOpts {
  carrier: string
  number: string
  from: string
  to: string
  /** Local departure `DDMMYY:HHMM` as TVL C310 carries it. */
  departs: [string, string]
  update?: boolean
}

export function pnrgovSpec (ref: string, o: PnrOpts): MessageSpec {
  return {
    reference: ref,
    identifier: ['PNRGOV', '13', '1', 'IA'],
    segments: [
      { tag: 'MSG', elements: [[null, o.update === true ? '141' : '22']] },
      { tag: 'ORG', elements: [[o.carrier, o.from]] },
      { tag: 'TVL', elements: [o.departs, o.from, o.to, o.carrier, o.number] },
      { tag: 'EQN', elements: ['1'] },
      { tag: 'SRC', elements: [] },
      { tag: 'RCI', elements: [[o.carrier, LOCATOR]] },
      { tag: 'TIF', elements: [SURNAME, [GIVEN, 'A', '1']] },
      {
        tag: 'SSR',
        elements: [['DOCS', 'HK', null, o.carrier, null, null, null, null,
        `/P/GBR/${DOC_NUMBER}/GBR/15MAR85/F/01JAN31/${SURNAME}/${GIVEN}`]]
      },
      { tag: 'TVL', elements: [o.departs, o.from, o.to, o.carrier, o.number] }
    ]
  } as MessageSpec
}

export function interchange (sender: string, ref: string, messages: MessageSpec[], badCount = false): Buffer {
  let text = writeInterchange({
    sender,
    recipient: 'GOVPIU',
    preparedAt: { date: '260601', time: '0000' },
    reference: ref,
    messages,
    newline: true
  })
  if (badCount) text = text.replace(/UNT\+(\d+)\+/, (_m, c: string) => `UNT+${Number(c) + 5}+`)
  return Buffer.from(text, 'latin1')
}

export const SCHEDULE_XA = {
  PNRGOV: { pushesAt: ['-24h', '-2h', '0h'], toleranceMinutes: 30 },
  PAXLST: { passengersBy: '0h', crewBy: '-1h', finalAfterDeparture: '30m' },
  partsTimeoutMinutes: 30
}
export const SCHEDULE_XB = {
  PNRGOV: { pushesAt: ['-2h'], toleranceMinutes: 30 },
  PAXLST: { passengersBy: '0h' }
}

export function agreements (): Array<Record<string, unknown>> {
  return [
    exampleAgreement({ schedule: SCHEDULE_XA }),
    exampleAgreement({
      code: 'XB',
      name: 'Bravo Wings',
      senderIds: ['XBAPI'],
      schedule: SCHEDULE_XB,
      channels: { https: { certificates: [fingerprintOf('xb-client')] } }
    })
  ]
}

export interface SimGateway { gateway: Gateway, dir: string, logs: LogSink, clock: { now: Date } }

/** A gateway on `dir` whose flight evaluator reads `clock.now`. */
export async function simGateway (t: TeardownHost, ledger: Record<string, unknown> | null, dir = tmpDir(t),
  clock = { now: new Date('2026-06-09T12:00:00Z') }):
  Promise<SimGateway> {
  const carriersDir = join(dir, 'carriers')
  writeAgreements(carriersDir, agreements())
  // Checked by worker threads, as in production: the flight links come from the facts they send back.
  const doc = testConfig(dir, carriersDir, {
    ledger: { ...(ledger ?? { kind: 'sqlite', path: join(dir, 'ledger.db') }), retentionDays: 3650 },
    ...WORKER_CHECKING
  })
  // The same config as a file, for the CLI commands that read the ledger.
  writeFileSync(join(dir, 'gateway.yaml'), stringify(doc))
  const config = configFrom(doc)
  const logs = new LogSink()
  const gateway = await createGateway({ config, logger: createLogger(config.log.level, logs), now: () => clock.now })
  let closed = false
  t.teardown(async () => { if (!closed) await gateway.close() })
  await gateway.start()
  const close = gateway.close.bind(gateway)
  ;(gateway as { close: () => Promise<void> }).close = async () => { closed = true; await close() }
  return { gateway, dir, logs, clock }
}

export async function send (g: Gateway, carrier: string, at: string, bytes: Buffer): Promise<string> {
  const agreement = g.agreements.current().byCode(carrier) as Agreement
  const r = await g.pipeline.process({ channel: 'https', bytes, candidates: [agreement], receivedAt: new Date(at) })
  return r.outcome
}

/** ICN is UTC+9 all year; LAX is UTC-7 in June (PDT); LHR UTC+1 in June (BST). */
export const XA101 = { carrier: 'XA', number: '101', from: 'ICN', to: 'LHR' }
export const XA202 = { carrier: 'XA', number: '202', from: 'LAX', to: 'ICN' }
export const XB303 = { carrier: 'XB', number: '303', from: 'LHR', to: 'JFK' }
/** An airport code the time zone data does not list (checked by the tests). */
export const UNKNOWN_AIRPORT = 'QQQ'
export const XB404 = { carrier: 'XB', number: '404', from: UNKNOWN_AIRPORT, to: 'JFK' }

/**
 * The day as arranged (UTC receipt times). XA101 leaves ICN 2026-06-11 01:30 local = 2026-06-10
 * 16:30Z (its UTC date is the day before its local one); XA202 leaves LAX 2026-06-10 20:00 local =
 * 2026-06-11 03:00Z (its UTC date is the day after); XB303 leaves LHR 10:00 local = 09:00Z.
 */
export async function simulateDay (s: SimGateway): Promise<Record<string, string>> {
  const g = s.gateway
  const pax101 = { ...XA101, departs: '2606110130' }
  const pnr101 = { ...XA101, departs: ['110626', '0130'] as [string, string] }
  const pnr202 = { ...XA202, departs: ['100626', '2000'] as [string, string] }
  const outcomes: Record<string, string> = {}
  const step = async (name: string, carrier: string, at: string, bytes: Buffer): Promise<void> => {
    outcomes[name] = await send(g, carrier, at, bytes)
  }
  await step('T1', 'XA', '2026-06-09T16:35:00Z', interchange('XAAPI', 'XAT1', [pnrgovSpec('P1', pnr101)]))
  await step('T2', 'XA', '2026-06-10T03:10:00Z', interchange('XAAPI', 'XAT2', [pnrgovSpec('P1', pnr202)]))
  await step('T3', 'XB', '2026-06-10T07:05:00Z', interchange('XBAPI', 'XBT3', [pnrgovSpec('P1', {
    ...XB303,
    departs: ['100626',
      '1000']
  })]))
  await step('T4', 'XB', '2026-06-10T08:30:00Z', interchange('XBAPI', 'XBT4', [paxlstSpec('M1', {
    ...XB303, departs: '2606101000', part: { sequence: 1, final: true, reference: 'XB303/260610/1000' }
  })]))
  await step('T5', 'XB', '2026-06-10T08:40:00Z', interchange('XBAPI', 'XBT5', [paxlstSpec('M1', { ...XB303, departs: '2606101000' })],
    true))
  await step('T13', 'XB', '2026-06-10T10:00:00Z', interchange('XBAPI', 'XBT13', [paxlstSpec('M1', { ...XB404, departs: '2606101200' })]))
  await g.ledger.flights.expectPush({
    carrier: 'XA', number: '101', date: '2026-06-10', reason: 'govreq', requestedAt: '2026-06-10T14:00:00Z', dueBy: '2026-06-10T15:00:00Z'
  })
  await g.ledger.flights.expectPush({
    carrier: 'XA', number: '202', date: '2026-06-11', reason: 'govreq', requestedAt: '2026-06-10T12:00:00Z', dueBy: '2026-06-10T13:00:00Z'
  })
  await step('T6', 'XA', '2026-06-10T14:20:00Z', interchange('XAAPI', 'XAT6', [pnrgovSpec('P1', { ...pnr101, update: true })]))
  await step('T7', 'XA', '2026-06-10T15:00:00Z', interchange('XAAPI', 'XAT7', [paxlstSpec('M1', { ...pax101, document: '250' })]))
  await step('T8', 'XA', '2026-06-10T16:00:00Z', interchange('XAAPI', 'XAT8', [paxlstSpec('M1', pax101)]))
  await step('T9', 'XA', '2026-06-10T16:45:00Z', interchange('XAAPI', 'XAT9', [paxlstSpec('M1', { ...pax101, noNationality: true })]))
  await step('T10', 'XA', '2026-06-10T17:15:00Z', interchange('XAAPI', 'XAT10', [pnrgovSpec('P1', { ...pnr101, update: true })]))
  return outcomes
}

/** The rest of the day, after the evaluator noticed XA202's missing T-2h push. */
export async function simulateNight (s: SimGateway, outcomes: Record<string, string>): Promise<void> {
  const g = s.gateway
  await send(g, 'XA', '2026-06-11T02:00:00Z', interchange('XAAPI', 'XAT11', [paxlstSpec('M1', {
    ...XA202, departs: '2606102000', part: { sequence: 1, final: false, reference: 'XA202/260610/2000' }
  })])).then(o => { outcomes.T11 = o })
  await send(g, 'XA', '2026-06-11T03:00:00Z', interchange('XAAPI', 'XAT12', [pnrgovSpec('P1', {
    ...XA202, departs: ['100626', '2000'], update: true
  })])).then(o => { outcomes.T12 = o })
}
