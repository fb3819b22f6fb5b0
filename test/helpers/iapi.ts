// Interactive API requests for the tests, written with the project's writer from invented data:
// a PAXLST BGM 745 from the example carrier XA (sender XAAPI) to the gateway (GOVPIU).
import { writeInterchange, type SegmentSpec } from '../../src/edifact/writer.js'

export interface IapiTestTraveller { surname: string, doc: string, locator: string, ref: string }

export const TRAVELLERS: readonly IapiTestTraveller[] = Object.freeze([
  { surname: 'ZEPHYRA', doc: 'X1000001', locator: 'QWE123', ref: 'P0001' },
  { surname: 'ADVISORYONE', doc: 'X1000002', locator: 'QWE123', ref: 'P0002' },
  { surname: 'MORROW', doc: 'TEST1Z77', locator: 'RTY456', ref: 'P0003' }
])

/** Agreement rules the tests answer by, in the agreement's (and the reference responder's) form. */
export const RULES = Object.freeze({
  default: '0Z',
  rules: [
    { documentNumber: 'TEST1Z*', decision: '1Z' },
    { surname: 'ADVISORY*', decision: '2Z' },
    { surname: 'NODATA*', decision: '4Z' }
  ]
})

function traveller (p: IapiTestTraveller): SegmentSpec[] {
  return [
    { tag: 'NAD', elements: ['FL', null, null, [p.surname, 'ANNA']] },
    { tag: 'ATT', elements: ['2', null, 'F'] },
    { tag: 'DTM', elements: [['329', '850315']] },
    { tag: 'NAT', elements: ['2', 'UTO'] },
    { tag: 'RFF', elements: [['AVF', p.locator]] },
    { tag: 'RFF', elements: [['ABO', p.ref]] },
    { tag: 'DOC', elements: [['P', '110', '111'], p.doc] },
    { tag: 'DTM', elements: [['36', '310101']] },
    { tag: 'LOC', elements: ['91', 'UTO'] }
  ]
}

export interface IapiRequestOptions {
  travellers?: readonly IapiTestTraveller[]
  reference?: string
  /** Declares UNT with this count instead of the true one (a request that fails the checks). */
  badCount?: boolean
  /** UNB sender id. @default 'XAAPI' */
  sender?: string
}

export function iapiRequest (o: IapiRequestOptions = {}): Buffer {
  const pax = o.travellers ?? TRAVELLERS.slice(0, 1)
  const segments: SegmentSpec[] = [
    { tag: 'BGM', elements: ['745'] },
    { tag: 'RFF', elements: [['TN', 'TX0042']] },
    { tag: 'TDT', elements: ['20', 'XA339', null, null, 'XA'] },
    { tag: 'LOC', elements: ['125', 'ICN'] },
    { tag: 'DTM', elements: [['189', '2612241620', '201']] },
    { tag: 'LOC', elements: ['87', 'CAN'] },
    { tag: 'DTM', elements: [['232', '2612242035', '201']] },
    ...pax.flatMap(traveller),
    { tag: 'CNT', elements: [['42', String(pax.length)]] }
  ]
  const text = writeInterchange({
    syntax: ['UNOA', '4'],
    una: true,
    sender: o.sender ?? 'XAAPI',
    recipient: 'GOVPIU',
    preparedAt: new Date(),
    reference: o.reference ?? `IAPI${Date.now().toString(36).toUpperCase()}`,
    applicationReference: 'IAPI',
    messages: [{
      reference: 'M1',
      identifier: ['PAXLST', 'D', '05B', 'UN', 'IATA'],
      commonAccessReference: 'XA339/261224/1620',
      transfer: ['01', 'F'],
      segments
    }]
  })
  return Buffer.from(o.badCount === true ? text.replace(/UNT\+(\d+)\+/, (_, n: string) => `UNT+${Number(n) + 3}+`) : text, 'latin1')
}
