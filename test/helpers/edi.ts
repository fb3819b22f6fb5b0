// Fictional, valid PAXLST / PNRGOV interchanges for tests, written with the project's own writer.
import { writeInterchange, type MessageSpec, type SegmentSpec } from '../../src/edifact/writer.js'

export interface PaxlstOptions {
  reference?: string
  sender?: string
  recipient?: string
  messages?: number
  /** Message indexes (0-based) whose UNT count is made wrong (CONTRL 29). */
  badCount?: number[]
  /** Message indexes that lose their mandatory BGM (a structure error). */
  groups?: boolean
  test?: boolean
  ackRequest?: boolean
  version?: string
  preparedAt?: { date: string, time: string }
  surname?: string
  /** Extra traveller name to change content while keeping the reference. */
  variant?: string
}

function traveller (surname: string, given: string, doc: string): SegmentSpec[] {
  return [
    { tag: 'NAD', elements: ['FL', null, null, [surname, given]] },
    { tag: 'ATT', elements: ['2', null, 'F'] },
    { tag: 'DTM', elements: [['329', '850315']] },
    { tag: 'LOC', elements: ['178', 'LHR'] },
    { tag: 'LOC', elements: ['179', 'JFK'] },
    { tag: 'NAT', elements: ['2', 'GBR'] },
    { tag: 'DOC', elements: [['P', '110', '111'], doc] },
    { tag: 'DTM', elements: [['36', '310101']] },
    { tag: 'LOC', elements: ['91', 'GBR'] }
  ]
}

export function paxlstMessage (ref: string, opts: PaxlstOptions = {}): MessageSpec {
  const version = opts.version ?? '05B'
  return {
    reference: ref,
    identifier: ['PAXLST', 'D', version, 'UN', 'IATA'],
    segments: [
      { tag: 'BGM', elements: ['745'] },
      { tag: 'NAD', elements: ['MS', null, null, 'TEST DESK'] },
      { tag: 'TDT', elements: ['20', 'XA123', null, null, 'XA'] },
      { tag: 'LOC', elements: ['125', 'LHR'] },
      { tag: 'DTM', elements: [['189', '2501140915', '201']] },
      { tag: 'LOC', elements: ['87', 'JFK'] },
      { tag: 'DTM', elements: [['232', '2501141230', '201']] },
      ...traveller(opts.surname ?? 'QUIXOTEVA', opts.variant ?? 'ZENOBIA', 'Q7777777'),
      { tag: 'CNT', elements: [['42', '1']] }
    ]
  }
}

export function paxlst (opts: PaxlstOptions = {}): Buffer {
  const n = opts.messages ?? 1
  const messages = Array.from({ length: n }, (_, i) => paxlstMessage(`PAX${String(i + 1).padStart(3, '0')}`, opts))
  let text = writeInterchange({
    sender: opts.sender ?? 'XAAPI',
    recipient: opts.recipient ?? 'GOVPIU',
    preparedAt: opts.preparedAt ?? { date: '250114', time: '0630' },
    reference: opts.reference ?? 'REF0001',
    test: opts.test,
    ackRequest: opts.ackRequest,
    ...(opts.groups === true
      ? {
          groups: [{
            type: 'PAXLST',
            sender: 'XAAPI',
            recipient: 'GOVPIU',
            reference: 'G1',
            agency: 'UN',
            version: ['D', opts.version ?? '05B'],
            messages
          }]
        }
      : { messages }),
    newline: true
  })
  for (const i of opts.badCount ?? []) {
    const ref = messages[i].reference
    text = text.replace(new RegExp(`UNT\\+(\\d+)\\+${ref}'`), (_m, c: string) => `UNT+${Number(c) + 5}+${ref}'`)
  }
  return Buffer.from(text, 'latin1')
}

/** The forward headers every end-to-end test expects for examples/xa-paxlst.edi sent by XA over HTTPS (bar its SHA-256). */
export const EXAMPLE_HEADERS = Object.freeze({
  'x-carrier': 'XA',
  'x-channel': 'https',
  'x-message-type': 'PAXLST',
  'x-message-version': 'D:05B',
  'x-sender': 'XAAPI',
  'x-interchange-ref': 'XA0000000217',
  'x-flight': 'XA123',
  'x-departure': 'LHR',
  'x-arrival': 'JFK',
  'x-scheduled-departure': '2025-01-14T09:15',
  'x-document': 'passenger-list',
  'x-test': 'false',
  'x-validation': 'ok',
  'x-message-count': '1'
})
