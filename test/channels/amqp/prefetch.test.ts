// Prefetch under a burst: 1,000 interchanges waiting on the carrier queue, agreement prefetch 20.
// The real pipeline is wrapped only to count how many transmissions it holds at once, and to hold
// the first ones until the window is full: while they are held the broker shows exactly 980 ready
// (so exactly 20 unacked), and at no point does the bridge process more than 20 at once.
import t from 'tap'
import { buildGateway } from '../../helpers/gateway.js'
import type { TransmissionInput, TransmissionResult } from '../../../src/pipeline/types.js'
import { amqpAgreement, carrierSide, ediFiles, header, newReference, outbox, ownBridge, paxlst, until } from './fixtures.js'

const BURST = 1000
const PREFETCH = 20

t.test(`prefetch ${PREFETCH} respected under a burst of ${BURST} messages`, async t => {
  const carrier = await carrierSide(t)
  const built = await buildGateway(t, { agreements: [amqpAgreement(carrier.q, {}, { prefetch: PREFETCH })] })
  await built.gateway.channels.find(c => c.name === 'amqp')?.stop()
  const ids: string[] = []
  for (let i = 0; i < BURST; i++) {
    const id = `burst-${i}`
    ids.push(id)
    carrier.ch.sendToQueue(carrier.q.queue, paxlst({ reference: newReference() }), { persistent: true, messageId: id })
  }
  await carrier.ch.waitForConfirms()
  t.equal(await carrier.ready(), BURST)

  let release!: () => void
  const gate = new Promise<void>(resolve => { release = resolve })
  const inner = built.gateway.pipeline
  const seen = { active: 0, max: 0 }
  const pipeline = {
    async process (input: TransmissionInput): Promise<TransmissionResult> {
      seen.active++
      seen.max = Math.max(seen.max, seen.active)
      try {
        await gate
        return await inner.process(input)
      } finally {
        seen.active--
      }
    }
  }
  await ownBridge(t, built, { pipeline })
  await until(() => seen.active === PREFETCH, 'the prefetch window filled')
  t.equal(await carrier.ready(), BURST - PREFETCH, `broker: ${BURST - PREFETCH} ready, so exactly ${PREFETCH} unacked`)
  release()

  const replies = await carrier.waitForReplies(BURST, 90_000)
  t.equal(seen.max, PREFETCH, 'never more transmissions in the bridge than the prefetch')
  t.same(new Set(replies.map(r => r.properties.correlationId)), new Set(ids), 'one reply per message, correlated')
  t.ok(replies.every(r => /^accepted/.test(String(header(r, 'x-outcome')))), 'all accepted')
  t.equal(ediFiles(outbox(built.dir)).length, BURST, 'each forwarded once')
  await until(async () => await carrier.ready() === 0, 'queue drained')
})
