import t from 'tap'
import { decideAck, type AckFacts } from '../../src/acknowledge/policy.js'
import type { Agreement } from '../../src/agreements/schema.js'
import type { Outcome } from '../../src/transmission/index.js'

type A = Pick<Agreement, 'messages' | 'ackWhen'>

const both = (ackWhen: A['ackWhen']): A => ({
  messages: { PAXLST: { versions: ['D05B'], ack: 'contrl' }, PNRGOV: { versions: ['13.1'], ack: 'ackres' } },
  ackWhen
})
const facts = (messageType: string | null, outcome: Outcome, ackRequested = false): AckFacts => ({ messageType, outcome, ackRequested })

t.test('ack kind per message type', async t => {
  const a = both('always')
  t.equal(decideAck(a, facts('PAXLST', 'accepted')), 'contrl')
  t.equal(decideAck(a, facts('PNRGOV', 'accepted')), 'ackres')
  t.equal(
    decideAck({ messages: { PNRGOV: { versions: ['13.1'], ack: 'contrl' } }, ackWhen: 'always' }, facts('PNRGOV', 'rejected')),
    'contrl'
  )
  t.equal(decideAck({ messages: { PAXLST: { versions: ['D05B'], ack: 'json' } }, ackWhen: 'always' }, facts('PAXLST', 'accepted')), 'json')
  t.equal(decideAck({ messages: { PAXLST: { versions: ['D05B'], ack: 'none' } }, ackWhen: 'always' }, facts('PAXLST', 'rejected')), null)
})

t.test('ackWhen matrix', async t => {
  const outcomes: Outcome[] = ['accepted', 'accepted_with_warnings', 'duplicate', 'rejected', 'retry']
  const expected: Record<A['ackWhen'], Record<Outcome, [boolean, boolean]>> = {
    // [without 0031, with 0031 = 1]
    always: {
      accepted: [true, true],
      accepted_with_warnings: [true, true],
      duplicate: [true, true],
      rejected: [true, true],
      retry: [false, false]
    },
    'on-error': {
      accepted: [false, false],
      accepted_with_warnings: [true, true],
      duplicate: [false, false],
      rejected: [true, true],
      retry: [false, false]
    },
    'on-request': {
      accepted: [false, true],
      accepted_with_warnings: [false, true],
      duplicate: [false, true],
      rejected: [false, true],
      retry: [false, false]
    }
  }
  for (const when of ['always', 'on-error', 'on-request'] as const) {
    for (const outcome of outcomes) {
      for (const [i, requested] of [false, true].entries()) {
        const got = decideAck(both(when), facts('PAXLST', outcome, requested))
        t.equal(got, expected[when][outcome][i] ? 'contrl' : null, `${when} ${outcome} 0031=${requested ? 1 : 0}`)
      }
    }
  }
})

t.test('never acknowledge an acknowledgement', async t => {
  for (const type of ['CONTRL', 'ACKRES', 'CUSRES']) {
    for (const outcome of ['accepted', 'rejected'] as const) {
      t.equal(decideAck(both('always'), facts(type, outcome, true)), null, `${type} ${outcome}`)
      t.equal(decideAck(both('always'), facts(type, outcome, true), true), null, `${type} ${outcome} with Accept JSON`)
    }
  }
})

t.test('Accept: application/json turns a due ack into JSON, never makes one due', async t => {
  t.equal(decideAck(both('always'), facts('PAXLST', 'accepted'), true), 'json')
  t.equal(decideAck(both('always'), facts('PNRGOV', 'rejected'), true), 'json')
  t.equal(decideAck(both('on-error'), facts('PAXLST', 'accepted'), true), null)
  t.equal(decideAck(both('on-request'), facts('PAXLST', 'rejected'), true), null)
  t.equal(
    decideAck({ messages: { PAXLST: { versions: ['D05B'], ack: 'none' } }, ackWhen: 'always' }, facts('PAXLST', 'accepted'), true),
    null
  )
  t.equal(decideAck(both('always'), facts('PAXLST', 'accepted'), false), 'contrl')
})

t.test('unreadable or unagreed message type: contrl, then ackres, then json from the agreement', async t => {
  t.equal(decideAck(both('always'), facts(null, 'rejected')), 'contrl')
  t.equal(decideAck(both('always'), facts('PAYMUL', 'rejected')), 'contrl')
  t.equal(decideAck({ messages: { PNRGOV: { versions: ['13.1'], ack: 'ackres' } }, ackWhen: 'always' }, facts(null, 'rejected')), 'ackres')
  t.equal(
    decideAck({ messages: { PNRGOV: { versions: ['13.1'], ack: 'ackres' } }, ackWhen: 'always' }, facts('PAXLST', 'rejected')),
    'ackres',
    'PAXLST sent under a PNRGOV-only agreement'
  )
  t.equal(
    decideAck(
      { messages: { PAXLST: { versions: ['D05B'], ack: 'json' }, PNRGOV: { versions: ['13.1'], ack: 'none' } }, ackWhen: 'always' },
      facts(null, 'rejected')
    ),
    'json'
  )
  t.equal(decideAck({ messages: { PAXLST: { versions: ['D05B'], ack: 'none' } }, ackWhen: 'always' }, facts(null, 'rejected')), null)
  t.equal(decideAck(both('on-error'), facts(null, 'accepted')), null, 'ackWhen still applies')
  t.equal(decideAck(both('always'), facts(null, 'rejected'), true), 'json')
})
