import t from 'tap'
import { parseInterchange } from '../../src/edifact/index.js'
import { mapMessage, type PaxlstModel, type PnrgovModel } from '../../src/messages/index.js'
import { MAX_SCHEMA_FINDINGS, validateModel } from '../../src/validate/schema.js'
import { fixture, fixtureNames, optionsOf } from '../fixtures/index.js'

const receivedAt = new Date('2025-01-01T00:00:00Z')

function models (): { file: string, type: 'PAXLST' | 'PNRGOV', model: PaxlstModel | PnrgovModel }[] {
  const out: { file: string, type: 'PAXLST' | 'PNRGOV', model: PaxlstModel | PnrgovModel }[] = []
  for (const file of fixtureNames()) {
    if (!file.startsWith('paxlst-') && !file.startsWith('pnrgov-')) continue
    const ic = parseInterchange(fixture(file), { ...optionsOf(file), unaRepair: true })
    for (const env of ic.messages) {
      const r = mapMessage(env, { receivedAt })
      if (r.type !== null) out.push({ file, type: r.type, model: r.model })
    }
  }
  return out
}

function paxlst (): PaxlstModel {
  return {
    documentType: 'passenger-list',
    documentCode: '745',
    documentId: null,
    transactionReference: 'TN1',
    reportingParty: null,
    flight: {
      carrier: 'ZZ',
      number: '123',
      legs: [
        {
          carrier: 'ZZ',
          number: '123',
          departure: { airport: 'ZZA', scheduled: '2025-01-14T09:15' },
          arrival: { airport: 'ZZB', scheduled: '2025-01-14T11:40' }
        }
      ]
    },
    travellers: [{
      role: 'passenger',
      surname: 'DOE',
      givenNames: 'JANE',
      gender: 'F',
      birthDate: '1990-02-14',
      nationality: 'UTO',
      residence: null,
      birthPlace: null,
      embarkation: 'ZZA',
      debarkation: 'ZZB',
      clearance: null,
      references: { pnr: null, passenger: null, seat: null },
      documents: [{ type: 'P', number: 'X1', issuingCountry: 'UTO', expiry: '2030-01-31', issued: null }]
    }],
    totals: { passengers: 1, crew: null }
  }
}

t.test('the model of every PAXLST and PNRGOV sample satisfies its schema', async t => {
  const all = models()
  t.ok(all.length >= 20, `${all.length} models`)
  for (const { file, type, model } of all) t.same(validateModel(type, model, 'M'), [], file)
})

t.test('violations become profile findings that name the field, never its value', async t => {
  const secret = 'QZXJ-1990-02-30'
  const m = paxlst() as unknown as Record<string, unknown> & PaxlstModel
  m.travellers[0].birthDate = secret
  m.travellers[0].gender = 'Q'
  ;(m.travellers[0] as unknown as Record<string, unknown>).nickname = secret
  m.totals.passengers = -1
  delete (m as Partial<PaxlstModel>).documentId
  const findings = validateModel('PAXLST', m, 'PAX001')
  t.same(findings.map(f => f.text).sort(), [
    'model field /totals/passengers must be >= 0',
    'model field /travellers/0 has a property the schema does not define',
    'model field /travellers/0/birthDate must match format "date"',
    'model field /travellers/0/gender must be equal to one of the allowed values',
    'model lacks a required property'
  ])
  for (const f of findings) {
    t.match(f, { id: 'GW_ERR_MESSAGE_SCHEMA', code: 12, level: 'message', message: 'PAX001', segment: null, family: 'profile' })
  }
  t.notOk(JSON.stringify(findings).includes('QZXJ'))
})

t.test('an impossible calendar date is caught by the date format', async t => {
  const m = paxlst()
  m.travellers[0].documents[0].expiry = '2030-02-30'
  t.same(validateModel('PAXLST', m).map(f => f.text), ['model field /travellers/0/documents/0/expiry must match format "date"'])
})

t.test('PNRGOV: push type enum, DOCS gender codes, optional codeshare fields', async t => {
  const m: PnrgovModel = {
    pushType: 'full',
    messageFunction: '22',
    originator: { airline: 'ZZ', location: null },
    flight: { carrier: 'ZZ', number: '1', legs: [] },
    totalPnrs: 1,
    pnrs: [{
      locator: 'ABC123',
      locators: [{ company: 'ZZ', locator: 'ABC123' }],
      created: '2025-01-12T17:30:00',
      cancelled: false,
      travellers: [
        {
          surname: 'DOE',
          givenNames: null,
          type: 'IN',
          reference: '2',
          documents: [
            {
              type: 'P',
              number: null,
              issuingCountry: 'KR',
              nationality: null,
              birthDate: '2024-12-01',
              gender: 'FI',
              expiry: null,
              surname: null,
              givenNames: null
            }
          ]
        }
      ],
      itinerary: [
        {
          carrier: 'KE',
          number: '609',
          departure: { airport: 'ICN', scheduled: '2025-01-14' },
          arrival: { airport: 'SIN', scheduled: null },
          operatingCarrier: 'SQ',
          operatingNumber: '303',
          status: 'HK'
        }
      ]
    }]
  }
  t.same(validateModel('PNRGOV', m), [])
  const bad = structuredClone(m) as unknown as {
    pushType: string
    pnrs: { travellers: { documents: { gender: string }[] }[], created: string }[]
  }
  bad.pushType = 'partial'
  bad.pnrs[0].travellers[0].documents[0].gender = 'Z'
  bad.pnrs[0].created = '12/01/2025'
  t.same(validateModel('PNRGOV', bad as unknown as PnrgovModel).map(f => f.text).sort(), [
    'model field /pnrs/0/created must match pattern "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$"',
    'model field /pnrs/0/travellers/0/documents/0/gender must be equal to one of the allowed values',
    'model field /pushType must be equal to one of the allowed values'
  ])
})

t.test('a model with many bad travellers gives a bounded report', async t => {
  const m = paxlst()
  const one = m.travellers[0]
  m.travellers = Array.from({ length: MAX_SCHEMA_FINDINGS * 2 }, () => ({ ...one, gender: 'Q' }))
  const findings = validateModel('PAXLST', m)
  t.equal(findings.length, MAX_SCHEMA_FINDINGS + 1)
  t.equal(findings[findings.length - 1].text, 'further schema violations not listed')
})
