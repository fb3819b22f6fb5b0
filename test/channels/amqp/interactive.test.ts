// Interactive API over the AMQP bridge (docs/interactive.md "Carrier side"): a request on the
// carrier's interactiveQueue is answered on its replyQueue, correlated to the request's messageId,
// and acked; the batch queue goes on as before.
import t from 'tap'
import { parseInterchange } from '../../../src/edifact/index.js'
import { readCusres } from '../../../src/messages/index.js'
import { buildGateway } from '../../helpers/gateway.js'
import { iapiRequest, RULES, TRAVELLERS } from '../../helpers/iapi.js'
import { amqpAgreement, carrierSide, header, newReference, paxlst, queueNames, until } from './fixtures.js'

t.test('a request on interactiveQueue gets the CUSRES on replyQueue; a bad one the negative CONTRL', async t => {
  const q = queueNames('test.iapi')
  const interactiveQueue = `${q.queue}.iapi`
  const carrier = await carrierSide(t, q)
  await carrier.ch.assertQueue(interactiveQueue, { durable: false })
  t.teardown(async () => { await carrier.ch.deleteQueue(interactiveQueue).catch(() => {}) })
  const agreement = amqpAgreement(q, {
    stage: 'testing',
    interactive: { enabled: true, deadlineMs: 2000, testResponder: RULES }
  }, { interactiveQueue })
  const { logs } = await buildGateway(t, { agreements: [agreement] })

  const nodata = { surname: 'NODATAONE', doc: 'X1000009', locator: 'UIO789', ref: 'P0009' }
  carrier.ch.sendToQueue(interactiveQueue, iapiRequest({ travellers: [...TRAVELLERS, nodata] }), { messageId: 'check-in-1' })
  const [answer] = await carrier.waitForReplies(1)
  t.equal(answer.properties.correlationId, 'check-in-1', 'correlated to the request')
  t.equal(answer.properties.contentType, 'application/edifact')
  t.equal(header(answer, 'x-outcome'), 'decided')
  t.equal(header(answer, 'x-status'), '200')
  const reading = readCusres(parseInterchange(answer.content))
  const decided = reading?.passengers.map(p => p.decision)
  t.same(decided, ['0Z', '2Z', '1Z', '4Z'], 'board, advisory, no board, insufficient data, in request order')

  carrier.ch.sendToQueue(interactiveQueue, iapiRequest({ badCount: true }), { messageId: 'check-in-2' })
  const [, bad] = await carrier.waitForReplies(2)
  t.equal(bad.properties.correlationId, 'check-in-2')
  t.equal(header(bad, 'x-outcome'), 'rejected')
  t.match(bad.content.toString('latin1'), /UNH\+[^']+\+CONTRL:D:3:UN'/, 'the negative CONTRL')
  await until(async () => await carrier.ready(interactiveQueue) === 0, 'interactive requests acked')

  await carrier.publish(paxlst({ reference: newReference() }), { messageId: 'batch-1' })
  const [, , batch] = await carrier.waitForReplies(3)
  t.equal(batch.properties.correlationId, 'batch-1', 'batch traffic is answered as before')
  for (const p of TRAVELLERS) t.notOk(logs.text().includes(p.doc), 'no passenger value in the logs')
})
