// The real iAPI samples (Astra China NIAC test scripts, Sirena SIRE syntax): the PAXLST request is
// read, answered with the decisions of the sample answer, and the CUSRES we build equals the
// sample CUSRES segment for segment, UNT/UNE/UNZ counts included; every sample CUSRES
// (962, 132, 312) is read by position. The samples are harness fixtures: their macros (`$(...)`,
// `xxxxxx:xxxx`) are substituted first, with fixed invented values (docs/acknowledgements.md
// "Interactive API messages").
import t, { type Test } from 'tap'
import { parseInterchange, tokenize, type Interchange } from '../../src/edifact/index.js'
import { buildCusres, iapiRequestOf, readCusres, type IapiRequest } from '../../src/messages/index.js'
import { readSample } from './samples.js'

const MACROS: Array<[RegExp, string]> = [
  [/\$\(yymmdd\)/g, '261224'],
  [/\$\(hhmi\)/g, '0611'],
  [/\$\(get ediref_paxlst\)/g, 'IAPIREF1'],
  [/\$\(get pax_id1\)/g, '2000000000001'],
  [/\$\(get pax_id2\)/g, '2000000000002'],
  [/\$\(get pax_id\)/g, '2000000000009'],
  [/\$\(date_format %y \+1y\)/g, '27'],
  [/xxxxxx:xxxx/g, '261224:0610']
]

function expanded (name: string): Buffer {
  let text = readSample(name).toString('latin1')
  for (const [re, value] of MACROS) text = text.replace(re, value)
  return Buffer.from(text, 'latin1')
}

function parsed (name: string): Interchange {
  return parseInterchange(expanded(name))
}

/** Every segment of the interchange, UNB to UNZ, as tag and elements. */
function segmentsOf (ix: Interchange): Array<[string, string[][]]> {
  if (ix.separators === null) throw new Error('no separators')
  return tokenize(ix.body, ix.separators).map(s => [s.tag, s.elements.map(e => [...e])])
}

const NOW = new Date('2026-12-24T06:11:00Z')

function theRequest (t: Test): IapiRequest {
  const ix = parsed('paxlst-astra-iapi-request-sire.edi')
  t.same(ix.errors, [], 'the expanded request parses without errors')
  const req = iapiRequestOf(ix)
  if (!req.ok) throw new Error(`not a request: ${JSON.stringify(req.problems)}`)
  return req
}

t.test('the request sample is read as an iAPI request', async t => {
  const req = theRequest(t)
  t.same([req.unb.syntaxId, req.unb.sender, req.unb.recipient, req.unb.applicationReference, req.una],
    ['SIRE', ['CA'], ['NIAC'], 'IAPI', false])
  t.same(req.group, { sender: ['CA'], recipient: ['NIAC'], reference: '1', agency: 'UN' })
  t.same(req.message, { reference: '11085B94E1F8FA', commonAccessReference: 'IAPIREF1', transfer: ['01', 'F'] })
  t.same([req.documentCode, req.documentQualifier, req.transactionRef], ['745', null, '0000100'])
  t.same(req.flight, {
    flightId: 'CA339',
    departure: ['ICN'],
    departureTime: ['189', '2612241620', '201'],
    arrival: ['CAN'],
    arrivalTime: ['232', '2612242035', '201']
  })
  t.same(req.travellers.map(p => [p.position, p.segment, p.locator, p.passengerRef, p.role]), [
    [1, 11, 'MWZRDQ', '2000000000001', 'FL'],
    [2, 24, 'MWZRCY', '2000000000002', 'FL']
  ])
})

t.test('answering the request with the sample decisions gives the OK-TO-BOARD sample, segment for segment', async t => {
  const req = theRequest(t)
  const sampleIx = parsed('cusres-astra-iapi-ok-to-board-sire.edi')
  const sample = segmentsOf(sampleIx)
  const decisions = readCusres(sampleIx)?.passengers ?? []
  t.equal(decisions.length, 2)
  // The sample echoes the request's 0020 as its own; the gateway's lanes give a new one
  // (opts.reference): here the sample's, and `now` the expanded macro date, so that even UNB,
  // UNG and UNZ compare whole.
  const answer = { passengers: decisions.map(p => ({ position: p.position, decision: p.decision as '0Z', text: p.text })) }
  const text = buildCusres(req, answer, {
    senderId: 'NIAC', reference: 'IAPIREF10001', now: NOW
  })
  const ours = parseInterchange(Buffer.from(text, 'latin1'))
  t.same(ours.errors, [], 'our CUSRES re-parses without errors')
  t.same(ours.warnings, [], 'and without warnings')
  const built = segmentsOf(ours)
  t.equal(built.length, sample.length, 'as many segments')
  for (let i = 0; i < sample.length; i++) t.same(built[i], sample[i], `segment ${i + 1} (${sample[i][0]})`)
  t.same(sampleIx.errors, [], 'the sample itself is clean once expanded (UNT 19 = 19)')
  t.equal(text.split('"\n').length - 1, sample.length, 'one segment per line, ended by "')
})

t.test('the NO BOARD sample text is written as Astra writes it (SIRE: "," is the decimal mark, not released)', async t => {
  const req = theRequest(t)
  const sample = segmentsOf(parsed('cusres-astra-iapi-no-board-sire.edi')).find(([tag]) => tag === 'FTX')
  const text = readCusres(parsed('cusres-astra-iapi-no-board-sire.edi'))?.passengers[0].text ?? null
  const answer = { passengers: [{ position: 1, decision: '1Z' as const, text }, { position: 2, decision: '0Z' as const, text: null }] }
  const built = buildCusres(req, answer, { senderId: 'NIAC', reference: 'R1', now: NOW })
  t.same(segmentsOf(parseInterchange(Buffer.from(built, 'latin1'))).find(([tag]) => tag === 'FTX'), sample)
  t.match(built, /\nFTX\+AAP\+\+\+NO BOARD, if there is a question, please contact with NIA of China, tel861056095288\."\n/)
})

t.test('every sample CUSRES is read by position', async t => {
  const read = (name: string): unknown => {
    const r = readCusres(parsed(name))
    if (r === null) return null
    return { document: r.document, transactionRef: r.transactionRef, flight: r.flight, passengers: r.passengers, errors: r.errors }
  }
  t.same(read('cusres-astra-iapi-ok-to-board-sire.edi'), {
    document: '962',
    transactionRef: '0000100',
    flight: { flightId: 'CA339', departure: 'ICN', arrival: 'CAN', scheduledDeparture: '2612241620', scheduledArrival: '2612242035' },
    passengers: [
      { position: 1, segment: 9, locator: 'MWZRDQ', passengerRef: '2000000000001', decision: '0Z', text: 'OK TO BOARD' },
      { position: 2, segment: 14, locator: 'MWZRCY', passengerRef: '2000000000002', decision: '0Z', text: 'OK TO BOARD' }
    ],
    errors: []
  })
  t.same(read('cusres-astra-iapi-no-board-sire.edi'), {
    document: '962',
    transactionRef: '0000100',
    flight: { flightId: 'ZH9073', departure: 'TPE', arrival: 'SZX', scheduledDeparture: '2612241420', scheduledArrival: '2612241615' },
    passengers: [{
      position: 1,
      segment: 9,
      locator: 'MXRLBK',
      passengerRef: '2000000000009',
      decision: '1Z',
      text: 'NO BOARD, if there is a question, please contact with NIA of China, tel861056095288.'
    }],
    errors: []
  })
  const unsolicited = {
    transactionRef: '1909240821556284716',
    flight: { flightId: 'MU589', departure: 'SFO', arrival: 'PVG', scheduledDeparture: '2612241420', scheduledArrival: '2612240930' },
    passengers: [{ position: 1, segment: 9, locator: 'NY7HZZ', passengerRef: '2000000000009', decision: '1Z', text: null }],
    errors: []
  }
  t.same(read('cusres-astra-iapi-unsolicited-132-sire.edi'), { document: '132', ...unsolicited })
  // The carrier's 312 links back to the 132 by RFF+TN and the passenger references.
  t.same(read('cusres-astra-iapi-312-carrier-reply-sire.edi'), { document: '312', ...unsolicited })
})
