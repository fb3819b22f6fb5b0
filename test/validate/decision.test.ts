// The PIU's iAPI decision JSON (src/validate/schemas/iapi-decision.json): schema rules, every
// passenger answered exactly once, passengerRef mapped through the request, and problems that
// never quote a value of the answer (docs/acknowledgements.md "Interactive API messages").
import t from 'tap'
import { MAX_DECISION_PROBLEMS, validateDecision } from '../../src/validate/decision.js'

const REQUEST = [
  { position: 1, passengerRef: 'P0001' },
  { position: 2, passengerRef: 'P0002' },
  { position: 3, passengerRef: null }
]

t.test('a complete answer by position, sorted into request order', async t => {
  const r = validateDecision({
    transmissionId: '01JTX',
    passengers: [
      { position: 3, decision: '4Z' },
      { position: 1, decision: '0Z', text: 'OK TO BOARD' },
      { position: 2, decision: '1Z', text: null }
    ]
  }, 3)
  t.same(r, {
    ok: true,
    decisions: [
      { position: 1, decision: '0Z', text: 'OK TO BOARD' },
      { position: 2, decision: '1Z', text: null },
      { position: 3, decision: '4Z', text: null }
    ]
  })
})

t.test('passengerRef instead of position is mapped through the request', async t => {
  const r = validateDecision({
    transmissionId: '01JTX',
    passengers: [
      { passengerRef: 'P0002', decision: '2Z' }, { position: 3, decision: '0Z' }, { passengerRef: 'P0001', position: 1, decision: '0Z' }
    ]
  }, REQUEST)
  t.same(r, {
    ok: true,
    decisions: [
      { position: 1, decision: '0Z', text: null }, { position: 2, decision: '2Z', text: null }, { position: 3, decision: '0Z', text: null }
    ]
  })
  t.same(validateDecision({ transmissionId: 'x', passengers: [{ passengerRef: 'P0001', decision: '0Z' }] }, 1),
    { ok: false, problems: ['passengers[0].passengerRef names no passenger of the request', 'passenger 1 of the request is not answered'] },
    'with only a count, a passengerRef cannot be mapped')
})

t.test('every passenger exactly once', async t => {
  const twice = [{ position: 1, decision: '0Z' }, { passengerRef: 'P0001', decision: '1Z' }, { position: 2, decision: '0Z' }]
  t.same(validateDecision({ transmissionId: 'x', passengers: twice }, REQUEST), {
    ok: false,
    problems: ['passengers[1] answers the same passenger as passengers[0]', 'passenger 3 of the request is not answered']
  })
  t.same(validateDecision({ transmissionId: 'x', passengers: [{ position: 4, decision: '0Z' }, { position: 1, decision: '0Z' }] }, 1), {
    ok: false,
    problems: ['passengers[0].position names no passenger of the request (it has 1)']
  })
  t.same(validateDecision({ transmissionId: 'x', passengers: [{ position: 2, passengerRef: 'P0001', decision: '0Z' }] }, REQUEST).ok, false)
  t.same(validateDecision({ transmissionId: 'x', passengers: [] }, 0), { ok: true, decisions: [] }, 'a close-out without passengers')
  t.same(validateDecision({ transmissionId: 'x', passengers: [{ decision: '0Z' }] }, 1), {
    ok: false,
    problems: ['passengers[0] names no passenger: give position or passengerRef', 'passenger 1 of the request is not answered']
  })
})

t.test('schema rules, in words that quote no value', async t => {
  const bad = validateDecision({
    transmissionId: '',
    passengers: [
      { position: 0, decision: '9Z', text: 'SECRET '.repeat(80) },
      { decision: '0Z', extra: 'SURNAME' },
      { position: 1.5, decision: '0Z', text: 42 }
    ],
    comment: 'DOE'
  }, 3)
  t.equal(bad.ok, false)
  const problems = bad.ok ? [] : bad.problems
  t.same(problems.sort(), [
    'passengers[0].decision must be one of 0Z, 1Z, 2Z, 4Z',
    'passengers[0].position must be >= 1',
    'passengers[0].text must NOT have more than 512 characters',
    'passengers[1] has a property the schema does not define',
    'passengers[2].position must be integer',
    'passengers[2].text must be string,null',
    'the answer has a property the schema does not define',
    'transmissionId must NOT have fewer than 1 characters'
  ])
  t.notMatch(JSON.stringify(problems), /SECRET|SURNAME|DOE|9Z|comment|extra/)
  t.same(validateDecision('not json', 1), { ok: false, problems: ['the answer must be object'] })
  t.same(validateDecision({ passengers: [] }, 0), { ok: false, problems: ['the answer lacks a required property'] })
})

t.test('texts up to 512 characters (FTX 4440 an..512 in D.05B) pass', async t => {
  t.equal(validateDecision({ transmissionId: 'x', passengers: [{ position: 1, decision: '1Z', text: 'N'.repeat(512) }] }, 1).ok, true)
  t.equal(validateDecision({ transmissionId: 'x', passengers: [{ position: 1, decision: '1Z', text: 'N'.repeat(513) }] }, 1).ok, false)
})

t.test('a long list of problems is cut', async t => {
  const r = validateDecision({ transmissionId: 'x', passengers: [] }, 200)
  t.equal(r.ok ? 0 : r.problems.length, MAX_DECISION_PROBLEMS + 1)
  t.equal(r.ok ? null : r.problems.at(-1), 'further problems not listed')
})
