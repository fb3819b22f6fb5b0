// A complete outbox row for the tests that put messages to carriers in a ledger directly
// (src/ledger/outbound.ts has the fields): queued over HTTPS, created now, expiring in a day, with
// no attempt due for a day so that a running gateway's sweep leaves it alone unless a test says so.
import { randomUUID } from 'node:crypto'
import type { OutboundRow } from '../../src/ledger/index.js'

const DAY = 86_400_000

export function outboundRow (over: Partial<OutboundRow> = {}): OutboundRow {
  const now = Date.now()
  return {
    id: `ob_${randomUUID()}`,
    carrier: 'XA',
    kind: 'cusres',
    origin: 'piu',
    channel: 'https',
    state: 'queued',
    sourceKey: `id:${randomUUID()}`,
    reference: 'A1B2C3D4E5F6A7',
    messageRef: 'M1',
    transactionRef: 'TN1',
    flight: 'XA339',
    flightDate: '2026-12-24',
    contentType: 'application/edifact',
    size: 120,
    sha256: 'cd'.repeat(32),
    createdAt: new Date(now).toISOString(),
    deliveredAt: null,
    fetchedAt: null,
    answeredAt: null,
    expiredAt: null,
    expiresAt: new Date(now + DAY).toISOString(),
    answerDueAt: null,
    answeredBy: null,
    attempts: 0,
    nextAttemptAt: new Date(now + DAY).toISOString(),
    lastError: null,
    duplicates: 0,
    deliveredTo: null,
    fetches: 0,
    ...over
  }
}
