/**
 * The per-carrier overview for the operations desk (`GET /admin/carriers`, `carriers show`):
 * stage, channels, last transmission per type, 24-hour counts by outcome, certificate expiry and
 * whether the carrier is overdue against its `expect` declaration, counted from the gateway's start
 * for a carrier that has never sent (src/agreements/expect.ts).
 */
import type { Agreement } from '../agreements/schema.js'
import type { Ledger } from '../ledger/index.js'
import { expectStates, type ExpectState } from '../agreements/expect.js'

export interface CarrierOverview {
  code: string
  name: string
  stage: string
  channels: string[]
  messages: Record<string, { versions: readonly string[], ack: string }>
  certificates: Array<{ fingerprint: string, label: string | null, notAfter: string | null, revoked: boolean }>
  lastTransmission: Record<string, string>
  last24h: Record<string, number>
  overdue: Record<string, boolean>
  /** Per `expect` type: ok, overdue, or no-traffic-yet (never sent, within the grace after start-up). */
  expect: Record<string, ExpectState>
}

/** `startedAt`: the gateway's start (src/agreements/expect.ts); the default 0 gives no grace. */
export async function carrierOverview (
  agreements: readonly Agreement[], ledger: Ledger, now = Date.now(), startedAt = 0
): Promise<CarrierOverview[]> {
  const since = new Date(now - 86_400_000).toISOString()
  const counts = await ledger.countsSince(since)
  const out: CarrierOverview[] = []
  for (const a of agreements) {
    const last = await ledger.lastByType(a.code)
    const last24h: Record<string, number> = {}
    for (const c of counts) if (c.carrier === a.code) last24h[c.outcome] = c.count
    const expect = expectStates(a, last, now, startedAt)
    out.push({
      code: a.code,
      name: a.name,
      stage: a.stage,
      channels: Object.keys(a.channels),
      messages: Object.fromEntries(Object.entries(a.messages).map(([k, v]) => [k, { versions: v.versions, ack: v.ack }])),
      certificates: (a.channels.https?.certificates ?? [])
        .map(c => ({ fingerprint: c.fingerprint, label: c.label, notAfter: c.notAfter, revoked: c.revoked })),
      lastTransmission: last,
      last24h,
      overdue: Object.fromEntries(Object.entries(expect).map(([type, state]) => [type, state === 'overdue'])),
      expect
    })
  }
  return out
}
