// iAPI requests are linked to their flight too (kind `iapi`), from the interactive lane, with
// counts only: no traveller value in the flight ledger.
import t from 'tap'
import { buildGateway, exampleAgreement } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { iapiRequest, RULES, TRAVELLERS } from '../helpers/iapi.js'

t.test('an interactive request is linked to its flight as kind iapi', async t => {
  const b = await buildGateway(t, {
    agreements: [exampleAgreement({ interactive: { enabled: true, deadlineMs: 1500, testResponder: RULES } })]
  })
  const res = await call(b.gateway.httpsPort()!, { path: '/v1/interactive', body: iapiRequest({ travellers: TRAVELLERS.slice(0, 2) }) })
  t.equal(res.status, 200)
  // The request names XA339 leaving ICN 2026-12-24 16:20 local: 07:20Z the same day.
  const f = await b.gateway.ledger.flights.get({ carrier: 'XA', number: '339', date: '2026-12-24' })
  t.ok(f !== null, 'the flight exists')
  t.equal(f?.departureAt, '2026-12-24T07:20:00.000Z')
  t.same(f?.transmissions.map(x => [x.kind, x.outcome, x.travellers, x.partSequence, x.partFinal]), [['iapi', 'accepted', 2, 1, true]])
  const stored = JSON.stringify(f)
  t.same(TRAVELLERS.flatMap(p => [p.surname, p.doc, p.locator, p.ref]).filter(v => stored.includes(v)), [], 'no traveller value stored')
})
