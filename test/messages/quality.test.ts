import t from 'tap'
import { parseInterchange } from '../../src/edifact/index.js'
import { mapMessage, qualityOf, type MapResult } from '../../src/messages/index.js'
import { fixture } from '../fixtures/index.js'

function mapped (file: string): MapResult {
  const ic = parseInterchange(fixture(file), { unaRepair: true })
  return mapMessage(ic.messages[0], { receivedAt: new Date('2025-01-01T00:00:00Z') })
}

t.test('PAXLST: travellers and the API fields they carry', async t => {
  const secure = mapped('paxlst-d05b-repetition-una.edi')
  if (secure.type !== 'PAXLST') return t.fail('PAXLST expected')
  t.same(qualityOf('PAXLST', secure.model), {
    type: 'PAXLST',
    travellers: 2,
    documentNumber: 0,
    documentExpiry: 0,
    birthDate: 2,
    nationality: 0,
    gender: 2
  })
  const e = mapped('paxlst-d15b-progressive-2legs.edi')
  if (e.type !== 'PAXLST') return t.fail('PAXLST expected')
  t.same(qualityOf('PAXLST', e.model), {
    type: 'PAXLST',
    travellers: 2,
    documentNumber: 2,
    documentExpiry: 2,
    birthDate: 2,
    nationality: 2,
    gender: 2
  })
})

t.test('PNRGOV: PNRs with DOCS for every traveller, and DOCS fields per traveller', async t => {
  const tz = mapped('pnrgov-11-3pnrs.edi')
  if (tz.type !== 'PNRGOV') return t.fail('PNRGOV expected')
  t.same(qualityOf('PNRGOV', tz.model), {
    type: 'PNRGOV',
    pnrs: 3,
    cancelledPnrs: 0,
    pnrsWithAllDocs: 2,
    travellers: 5,
    documentNumber: 3,
    documentExpiry: 3,
    birthDate: 4,
    nationality: 3,
    gender: 4
  })
})

t.test('counts only: the figures hold no value from the message', async t => {
  const r = mapped('paxlst-crew-two-docs.edi')
  if (r.type !== 'PAXLST') return t.fail('PAXLST expected')
  const q = qualityOf(r.type, r.model)
  for (const [k, v] of Object.entries(q)) if (k !== 'type') t.type(v, 'number', k)
})

t.test('a cancelled PNR counts as cancelled and never as complete', async t => {
  const q = qualityOf('PNRGOV', {
    pushType: 'update',
    messageFunction: '141',
    originator: null,
    flight: { carrier: 'ZZ', number: '1', legs: [] },
    totalPnrs: 1,
    pnrs: [
      { locator: 'ABC123', locators: [{ company: 'ZZ', locator: 'ABC123' }], created: null, travellers: [], itinerary: [], cancelled: true }
    ]
  })
  t.same(q, {
    type: 'PNRGOV',
    pnrs: 1,
    cancelledPnrs: 1,
    pnrsWithAllDocs: 0,
    travellers: 0,
    documentNumber: 0,
    documentExpiry: 0,
    birthDate: 0,
    nationality: 0,
    gender: 0
  })
})
