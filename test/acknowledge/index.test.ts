import t from 'tap'
import { ackMessage, createAckReferences, newAckReference } from '../../src/acknowledge/index.js'

t.test('newAckReference: 14 upper-case alphanumerics, unique per counter, sortable by time', async t => {
  const now = new Date('2025-01-14T06:31:00Z')
  const a = newAckReference(now, 0)
  t.match(a, /^[0-9A-Z]{14}$/)
  t.not(newAckReference(now, 1), a)
  t.equal(newAckReference(now, 36 ** 5), a, 'counter wraps modulo 36^5')
  t.match(newAckReference(now, -1), /^[0-9A-Z]{14}$/, 'negative counters stay in range')
  t.ok(newAckReference(new Date('2025-01-14T06:31:00.001Z'), 0) > newAckReference(now, 99), 'later time sorts after')
  const seen = new Set<string>()
  for (let i = 0; i < 10000; i++) seen.add(newAckReference(now, i))
  t.equal(seen.size, 10000)
  t.match(newAckReference(new Date(0), 0), /^0{14}$/)
})

t.test('createAckReferences counts on', async t => {
  const next = createAckReferences(5)
  const now = new Date('2025-01-14T06:31:00Z')
  t.equal(next(now), newAckReference(now, 5))
  t.equal(next(now), newAckReference(now, 6))
  t.match(createAckReferences()(), /^[0-9A-Z]{14}$/)
})

t.test('ackMessage content types and SFTP suffixes', async t => {
  t.same(ackMessage('contrl', 'X'), { kind: 'contrl', body: 'X', contentType: 'application/edifact', extension: 'contrl' })
  t.same(ackMessage('ackres', 'X'), { kind: 'ackres', body: 'X', contentType: 'application/edifact', extension: 'ackres' })
  t.same(ackMessage('json', '{}'), { kind: 'json', body: '{}', contentType: 'application/json', extension: 'json' })
})
