// One carrier can never read another's transmissions or acks (architecture invariant 3): by id
// and by interchange reference, another carrier's transmission is indistinguishable from none.
import t from 'tap'
import { buildGateway, exampleAgreement } from '../../helpers/gateway.js'
import { call } from '../../helpers/https-client.js'
import { assertProblem, interchange, xbAgreement } from './fixtures.js'

t.test("XB reads neither XA's transmission by id nor by reference; XA reads its own", async t => {
  const { gateway } = await buildGateway(t, { agreements: [exampleAgreement(), xbAgreement()] })
  const port = gateway.httpsPort()!
  const sent = await call(port, { body: interchange('XAAPI', 'SHAREDREF0001') })
  t.equal(sent.status, 200)
  const id = String(sent.headers['x-transmission-id'])

  assertProblem(t, await call(port, { path: `/v1/transmissions/${id}`, cert: 'xb-client' }), 404, 'GW_ERR_INTAKE_NOT_FOUND', [
    id,
    'SHAREDREF0001',
    'XAAPI'
  ])
  assertProblem(
    t,
    await call(port, { path: '/v1/transmissions?reference=SHAREDREF0001', cert: 'xb-client' }),
    404,
    'GW_ERR_INTAKE_NOT_FOUND',
    ['SHAREDREF0001']
  )
  const missing = await call(port, { path: '/v1/transmissions/0000000000-000-000000000000', cert: 'xb-client' })
  assertProblem(t, missing, 404, 'GW_ERR_INTAKE_NOT_FOUND')
  t.same(
    missing.json(),
    (await call(port, { path: `/v1/transmissions/${id}`, cert: 'xb-client' })).json(),
    'the same answer as for an id that does not exist'
  )

  // XB using the same reference for its own interchange sees only its own.
  const own = await call(port, { body: interchange('XBAPI', 'SHAREDREF0001'), cert: 'xb-client' })
  t.equal(own.status, 200)
  const list = await call(port, { path: '/v1/transmissions?reference=SHAREDREF0001', cert: 'xb-client' })
  t.equal(list.status, 200)
  t.same(list.json().transmissions.map((r: { transmissionId: string }) => r.transmissionId), [own.headers['x-transmission-id']])

  const mine = await call(port, { path: `/v1/transmissions/${id}` })
  t.equal(mine.status, 200)
  t.match(mine.json(), { transmissionId: id, outcome: 'accepted', ack: sent.body })
  const mineByRef = await call(port, { path: '/v1/transmissions?reference=SHAREDREF0001' })
  t.same(mineByRef.json().transmissions.map((r: { transmissionId: string }) => r.transmissionId), [id])
})

t.test('a rejected transmission and its negative ack are private too', async t => {
  const { gateway } = await buildGateway(t, { agreements: [exampleAgreement(), xbAgreement()] })
  const port = gateway.httpsPort()!
  const bad = await call(port, { body: interchange('XBAPI', 'XAREJECTED01') })
  t.equal(bad.status, 422)
  const id = String(bad.headers['x-transmission-id'])
  assertProblem(t, await call(port, { path: `/v1/transmissions/${id}`, cert: 'xb-client' }), 404, 'GW_ERR_INTAKE_NOT_FOUND')
  assertProblem(
    t,
    await call(port, { path: '/v1/transmissions?reference=XAREJECTED01', cert: 'xb-client' }),
    404,
    'GW_ERR_INTAKE_NOT_FOUND'
  )
  t.equal((await call(port, { path: `/v1/transmissions/${id}` })).json().outcome, 'rejected', 'XA, whose certificate sent it, sees it')
})

t.test('malformed lookups: 400 without echo, never a stack trace', async t => {
  const { gateway } = await buildGateway(t)
  const port = gateway.httpsPort()!
  const long = 'Q'.repeat(80)
  assertProblem(t, await call(port, { path: `/v1/transmissions/${long}` }), 400, 'GW_ERR_INTAKE_BAD_REQUEST', [long])
  assertProblem(t, await call(port, { path: '/v1/transmissions?reference=' }), 400, 'GW_ERR_INTAKE_BAD_REQUEST')
  // Unknown query members are dropped (Fastify's ajv removeAdditional), never echoed.
  assertProblem(t, await call(port, { path: '/v1/transmissions?reference=A&surname=SMUGGLED' }), 404, 'GW_ERR_INTAKE_NOT_FOUND', [
    'SMUGGLED'
  ])
  assertProblem(t, await call(port, { path: '/v1/transmissions/%3Cscript%3EPAXNAME' }), 404, 'GW_ERR_INTAKE_NOT_FOUND', [
    '<script>',
    'PAXNAME'
  ])
})
