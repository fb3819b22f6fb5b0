import t from 'tap'
import type { MessageEnvelope, Segment } from '../../src/edifact/types.js'
import { mapMessage } from '../../src/messages/index.js'
import { parseDocs } from '../../src/messages/pnrgov/docs.js'

/** Segments closed by the segment terminator ' (ISO 9735 UNA default). */
const ediText = (...segments: string[]): string => segments.map(s => `${s}'`).join('')

/** Hand-made PNRGOV: `'` ends a segment, `+` and `:` separate, no release character. */
function pnrgov (body: string, part: MessageEnvelope['part'] = { sequence: null, final: null, first: null }): MessageEnvelope {
  const texts = `UNH+1+PNRGOV:13:1:IA'${body}UNT+0+1'`.split("'").filter(s => s !== '')
  const segments: Segment[] = texts.map((text, i) => {
    const [tag, ...els] = text.split('+')
    return { tag, elements: els.map(e => e.split(':')), index: i + 3, offset: 0 }
  })
  return {
    reference: '1',
    type: 'PNRGOV',
    version: '13:1',
    agency: 'IA',
    association: null,
    identifier: 'PNRGOV:13:1:IA',
    commonAccessReference: 'ZZ0123/140125/0915',
    part,
    group: null,
    segments
  }
}

const receivedAt = new Date('2025-01-13T09:15:00Z')
const HEAD = "MSG+:22'ORG+ZZ:ZZA'TVL+140125:0915:140125:1140+ZZA+ZZB+ZZ+0123'"
const PNR = ediText(
  'SRC', 'RCI+ZZ:ABC12D::120125:1730+YY:QWE987', 'DAT+700:130125:1000', 'ORG+ZZ:ZZA+12345678:XX', 'TIF+DOE+JANE MRS:A:1',
  'SSR+DOCS:HK:1:ZZ:::::/P/UTO/X1234567/UTO/14FEB90/F/31JAN30/DOE/JANE/ANN/H+::1', 'TIF+DOE+BABY:IN:2',
  'TVL+140125:0915:140125:1140+ZZA+ZZB+ZZ+0123:Y', 'RPI+2+HK',
  'SSR+DOCS:HK:1:ZZ:::ZZA:ZZB:/P/UTO/X7654321/UTO/01DEC24/FI/01DEC29/DOE/BABY+::1'
)

t.test('a full push maps push type, originator, flight, total and one PNR', async t => {
  const r = mapMessage(pnrgov(HEAD + "EQN+1'" + PNR), { receivedAt })
  t.same(r.findings, [])
  if (r.type !== 'PNRGOV') return t.fail('PNRGOV expected')
  const m = r.model
  t.equal(m.pushType, 'full')
  t.equal(m.messageFunction, '22')
  t.same(m.originator, { airline: 'ZZ', location: 'ZZA' })
  t.same(m.flight, {
    carrier: 'ZZ',
    number: '0123',
    legs: [
      {
        carrier: 'ZZ',
        number: '0123',
        departure: { airport: 'ZZA', scheduled: '2025-01-14T09:15' },
        arrival: { airport: 'ZZB', scheduled: '2025-01-14T11:40' }
      }
    ]
  })
  t.equal(m.totalPnrs, 1)
  t.equal(m.pnrs.length, 1)
  const p = m.pnrs[0]
  t.equal(p.locator, 'ABC12D')
  t.same(p.locators, [{ company: 'ZZ', locator: 'ABC12D' }, { company: 'YY', locator: 'QWE987' }])
  t.equal(p.created, '2025-01-12T17:30')
  t.equal(p.cancelled, false)
  t.same(p.itinerary, [
    {
      carrier: 'ZZ',
      number: '0123',
      departure: { airport: 'ZZA', scheduled: '2025-01-14T09:15' },
      arrival: { airport: 'ZZB', scheduled: '2025-01-14T11:40' },
      status: 'HK'
    }
  ])
  t.same(p.travellers.map(x => [x.surname, x.givenNames, x.type, x.reference]), [['DOE', 'JANE MRS', 'A', '1'], ['DOE', 'BABY', 'IN', '2']])
  t.same(p.travellers[0].documents, [{
    type: 'P',
    issuingCountry: 'UTO',
    number: 'X1234567',
    nationality: 'UTO',
    birthDate: '1990-02-14',
    gender: 'F',
    expiry: '2030-01-31',
    surname: 'DOE',
    givenNames: 'JANE ANN'
  }])
  t.equal(p.travellers[1].documents.length, 1, 'infant DOCS (gender FI) carried on the adult goes to the infant')
  t.equal(p.travellers[1].documents[0].birthDate, '2024-12-01')
})

t.test('an update push with a cancelled PNR: SRC + RCI + empty ORG', async t => {
  const body = "MSG+:141'ORG+ZZ'TVL+140125:0915+ZZA+ZZB+ZZ+123'EQN+2'" + PNR + "SRC'RCI+ZZ:XYZ789'ORG'"
  const r = mapMessage(pnrgov(body), { receivedAt })
  t.same(r.findings, [])
  if (r.type !== 'PNRGOV') return t.fail('PNRGOV expected')
  t.equal(r.model.pushType, 'update')
  t.same(r.model.pnrs.map(p => [p.locator, p.cancelled, p.travellers.length]), [['ABC12D', false, 2], ['XYZ789', true, 0]])
  t.same(r.model.flight.legs[0].arrival, { airport: 'ZZB', scheduled: null }, 'level-0 TVL with the departure only')
})

t.test('codeshare: marketing TVL, operating flight in a second TVL or in TRA', async t => {
  const body =
    HEAD +
    ediText(
      'EQN+1', 'SRC', 'RCI+1A:2LS6KP::200513:0439', 'TIF+PARK:I+SEJOONMR::1', 'TVL+270513:1640:270513:2200+ICN+SIN+KE:SQ+609:B',
      'RPI+1+HK', 'TVL+++++303:Y', 'DAT', 'TRI++1:::1', 'TVL+280513:0900::1230+SIN+KUL+XX+1:Y', 'TRA+YY+8734:B'
    )
  const r = mapMessage(pnrgov(body), { receivedAt })
  if (r.type !== 'PNRGOV') return t.fail('PNRGOV expected')
  t.same(r.model.pnrs[0].itinerary, [
    {
      carrier: 'KE',
      number: '609',
      departure: { airport: 'ICN', scheduled: '2013-05-27T16:40' },
      arrival: { airport: 'SIN', scheduled: '2013-05-27T22:00' },
      operatingCarrier: 'SQ',
      status: 'HK',
      operatingNumber: '303'
    },
    {
      carrier: 'XX',
      number: '1',
      departure: { airport: 'SIN', scheduled: '2013-05-28T09:00' },
      arrival: { airport: 'KUL', scheduled: '2013-05-28T12:30' },
      operatingCarrier: 'YY',
      operatingNumber: '8734'
    }
  ])
  t.same(r.model.pnrs[0].travellers[0].type, null)
})

t.test('profile findings: unknown MSG function, missing RCI, PNR without traveller, bad dates, EQN mismatch', async t => {
  const body = ediText(
    'MSG+:99', 'TVL+140125:0915:1140+ZZA+ZZB+ZZ+123', 'EQN+3', 'SRC', 'ORG+ZZ', 'TVL+321325:0900+ZZA+ZZB+ZZ+1', 'SRC',
    'RCI+ZZ:AAA111:230818:1220', 'TIF+DOE+J:A:1', 'SSR+DOCS:HK:1:ZZ:::::/P/UTO/X1/UTO/31FEB90/F/XXAPR30/DOE/J'
  )
  const r = mapMessage(pnrgov(body), { receivedAt })
  t.same(r.findings.map(f => `${f.id}@${f.segment}:${f.tag}:${f.element ?? '-'}:${f.component ?? '-'}:${f.family}`), [
    'GW_ERR_MESSAGE_CODE_INVALID@2:MSG:1:2:profile',
    'GW_ERR_MESSAGE_DATE_INVALID@3:TVL:1:3:profile',
    'GW_ERR_MESSAGE_CODE_INVALID@4:EQN:1:1:profile',
    'GW_ERR_MESSAGE_PROFILE@5:RCI:-:-:profile',
    'GW_ERR_MESSAGE_PROFILE@5:TIF:-:-:profile',
    'GW_ERR_MESSAGE_DATE_INVALID@7:TVL:1:1:profile',
    'GW_ERR_MESSAGE_DATE_INVALID@11:SSR:1:9:profile',
    'GW_ERR_MESSAGE_DATE_INVALID@11:SSR:1:9:profile'
  ])
  if (r.type !== 'PNRGOV') return
  t.equal(r.model.pushType, null)
  t.equal(r.model.flight.legs[0].arrival.scheduled, '2025-01-14T11:40', 'arrival time in the date slot read on the departure date')
  t.equal(r.model.pnrs[1].created, '2018-08-23T12:20', 'RCI date shifted into the type component')
  t.equal(r.model.pnrs[1].travellers[0].documents[0].birthDate, null)
})

t.test('EQN is not compared with the PNRs of one part of a multi-part push', async t => {
  const body = HEAD + "EQN+57'" + PNR
  t.same(mapMessage(pnrgov(body, { sequence: 2, final: false, first: false }), { receivedAt }).findings, [])
  t.same(mapMessage(pnrgov(body, { sequence: 1, final: true, first: true }), { receivedAt }).findings.map(f => f.tag), ['EQN'])
})

t.test('level-0 TVL without carrier, number or airports is a hard error', async t => {
  const r = mapMessage(pnrgov("MSG+:22'TVL+140125:0915'EQN+0'"), { receivedAt })
  t.same(r.findings.map(f => [f.id, f.element, f.family]), [
    ['GW_ERR_MESSAGE_ELEMENT_MISSING', 4, null],
    ['GW_ERR_MESSAGE_ELEMENT_MISSING', 5, null],
    ['GW_ERR_MESSAGE_ELEMENT_MISSING', 2, null],
    ['GW_ERR_MESSAGE_ELEMENT_MISSING', 3, null]
  ])
})

t.test('a group name TIF is not a traveller', async t => {
  const r = mapMessage(pnrgov(HEAD + "EQN+1'SRC'RCI+ZZ:A1'TIF+ACME TEAM PARTY:G'TIF+CAPSON+LISA:A:1'"), { receivedAt })
  t.same(r.type === 'PNRGOV' && r.model.pnrs[0].travellers.map(x => x.surname), ['CAPSON'])
})

t.test('findings never carry the values they are about', async t => {
  const secret = 'QJXZ'
  const body = ediText(
    `MSG+:${secret}`, `TVL+${secret}:${secret}:${secret}+${secret}+${secret}+${secret}+${secret}`, `EQN+${secret}`, 'SRC',
    `RCI+${secret}:${secret}::${secret}`, `TIF+${secret}+${secret}`,
    `SSR+DOCS:HK:1:ZZ:::::/${secret}/${secret}/${secret}/${secret}/${secret}/${secret}/${secret}`
  )
  const r = mapMessage(pnrgov(body), { receivedAt })
  t.ok(r.findings.length >= 4)
  t.notOk(JSON.stringify(r.findings).includes(secret))
})

t.test('parseDocs: every field, empty fields, two-letter States, missing leading slash', async t => {
  const ref = { year: 2010, month: 12, day: 12 }
  t.same(parseDocs('/P/GBR/123456789/GBR/12JUL64/M/23AUG19/SMITH/JOHN', ref).doc, {
    type: 'P',
    issuingCountry: 'GBR',
    number: '123456789',
    nationality: 'GBR',
    birthDate: '1964-07-12',
    gender: 'M',
    expiry: '2019-08-23',
    surname: 'SMITH',
    givenNames: 'JOHN'
  })
  t.same(parseDocs('////GBR/12JUL64/M//JONES/WILLIAMNEVELL', ref).doc, {
    type: null,
    issuingCountry: null,
    number: null,
    nationality: 'GBR',
    birthDate: '1964-07-12',
    gender: 'M',
    expiry: null,
    surname: 'JONES',
    givenNames: 'WILLIAMNEVELL'
  })
  t.equal(parseDocs('/P/KR/JR3364288/KR/10SEP72/M/05JUL16/PARK/SE JOON', ref).doc.issuingCountry, 'KR')
  t.equal(parseDocs('P/GB/509229987/GB/01JUL78/F/12NOV22/BELT/ISABELLE//H', ref).doc.number, '509229987')
  t.same(parseDocs('/P/GBR/1/GBR/99JUL64/M/23XXX19/A/B', ref).invalidDates, ['birthDate', 'expiry'])
  t.same(parseDocs('', ref).doc.type, null)
})

t.test('infant DOCS go to the infant with the same surname when a PNR has several', async t => {
  const body = HEAD + ediText(
    'EQN+1', 'SRC', 'RCI+ZZ:A1',
    'TIF+DOE+JANE:A:1', 'SSR+DOCS:HK:1:ZZ:::::/P/UTO/X1/UTO/14FEB90/F/31JAN30/DOE/JANE',
    'SSR+DOCS:HK:1:ZZ:::::/P/UTO/X2/UTO/01DEC24/FI/01DEC29/DOE/BABY',
    'TIF+ROE+RICHARD:A:2', 'SSR+DOCS:HK:1:ZZ:::::/P/UTO/X3/UTO/14FEB80/M/31JAN30/ROE/RICHARD',
    'SSR+DOCS:HK:1:ZZ:::::/P/UTO/X4/UTO/01NOV24/MI/01NOV29/R OE/KID',
    'TIF+ROE+KID:IN:3', 'TIF+DOE+BABY:IN:4'
  )
  const r = mapMessage(pnrgov(body), { receivedAt })
  if (r.type !== 'PNRGOV') return t.fail('PNRGOV expected')
  t.same(r.model.pnrs[0].travellers.map(x => [x.surname, x.documents.map(d => d.number)]), [
    ['DOE', ['X1']], ['ROE', ['X3']], ['ROE', ['X4']], ['DOE', ['X2']]
  ])
})

t.test('a DOCS without traveller reference outside Gr.2 belongs to the only traveller, else to nobody', async t => {
  const docs = "SSR+DOCS:HK:1:ZZ:::ZZA:ZZB:/P/UTO/X9/UTO/14FEB90/F/31JAN30/DOE/JANE'"
  const one = mapMessage(pnrgov(HEAD + "EQN+1'SRC'RCI+ZZ:A1'TIF+DOE+JANE:A:1'TVL+140125:0915+ZZA+ZZB+ZZ+123'" + docs), { receivedAt })
  t.same(one.type === 'PNRGOV' && one.model.pnrs[0].travellers.map(x => x.documents.length), [1])
  const two = mapMessage(pnrgov(HEAD + "EQN+1'SRC'RCI+ZZ:A1'TIF+DOE+JANE:A:1'TIF+DOE+JOHN:A:2'TVL+140125:0915+ZZA+ZZB+ZZ+123'" + docs), {
    receivedAt
  })
  t.same(two.type === 'PNRGOV' && two.model.pnrs[0].travellers.map(x => x.documents.length), [0, 0])
})
