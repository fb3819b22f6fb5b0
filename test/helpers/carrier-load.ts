// Carriers under load for the fault tests (docs/operations.md "Testing the faults"): many distinct interchanges from several
// carriers over HTTPS, every answer recorded, then compared with what the PIU queue holds.
// "Acked" means the carrier got a positive answer (200: accepted, with warnings, or duplicate);
// invariant 1 says every acked interchange is delivered: acked ⊆ delivered, zero lost.
import { randomBytes } from 'node:crypto'
import type { GetMessage } from 'amqplib'
import { paxlst } from './edi.js'
import { exampleAgreement, fingerprintOf } from './gateway.js'
import { call } from './https-client.js'

export interface Carrier { code: string, sender: string, cert: string }

/** XA and XB, each with its own example client certificate. */
export const CARRIERS: Carrier[] = [
  { code: 'XA', sender: 'XAAPI', cert: 'xa-client' },
  { code: 'XB', sender: 'XBAPI', cert: 'xb-client' }
]

export function carrierAgreements (carriers: Carrier[] = CARRIERS): Array<Record<string, unknown>> {
  return carriers.map(c =>
    exampleAgreement({
      code: c.code,
      name: `Carrier ${c.code}`,
      senderIds: [c.sender],
      channels: { https: { certificates: [fingerprintOf(c.cert)] } }
    })
  )
}

export interface Transmission { key: string, carrier: Carrier, reference: string, body: Buffer }

/** `n` distinct interchanges, round robin over the carriers, each with its own UNB reference. */
export function transmissions (n: number, carriers: Carrier[] = CARRIERS): Transmission[] {
  const run = randomBytes(3).toString('hex').toUpperCase()
  return Array.from({ length: n }, (_, i) => {
    const carrier = carriers[i % carriers.length]
    const reference = `F${run}${String(i).padStart(5, '0')}`
    return { key: `${carrier.code}/${reference}`, carrier, reference, body: paxlst({ reference, sender: carrier.sender }) }
  })
}

export interface Attempt { status: number, outcome: string | null, id: string | null, retryAfter: string | null, ack: string | null }

export interface LoadRecord {
  /** Every answer (or transport error, status 0) per transmission key, in order. */
  attempts: Map<string, Attempt[]>
  /** Keys whose carrier got a positive answer. */
  acked: Set<string>
}

export const POSITIVE = new Set(['accepted', 'accepted_with_warnings', 'duplicate'])

export interface SendOptions {
  /** Requests in flight at once. */
  concurrency?: number
  /** Called after each answer with the number answered so far (to inject a fault mid-load). */
  onAnswer?: (answered: number) => void | Promise<void>
  /** Sends again what was not acked, as a carrier does, up to this many attempts in all. */
  attempts?: number
  /** Pause between a carrier's attempts (a carrier honours Retry-After; tests keep it short). */
  retryDelayMs?: number
}

/** Sends every transmission to the gateway at `port()` and records the answers. */
export async function sendAll (
  port: () => number | null,
  items: Transmission[],
  opts: SendOptions = {},
  record: LoadRecord = { attempts: new Map(), acked: new Set() }
): Promise<LoadRecord> {
  const queue = [...items]
  let answered = 0
  const maxAttempts = opts.attempts ?? 1
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      const list = record.attempts.get(item.key) ?? []
      record.attempts.set(item.key, list)
      for (let n = 0; n < maxAttempts && !record.acked.has(item.key); n++) {
        if (n > 0) await new Promise(resolve => setTimeout(resolve, opts.retryDelayMs ?? 100))
        const p = port()
        let attempt: Attempt = { status: 0, outcome: null, id: null, retryAfter: null, ack: null }
        if (p !== null) {
          try {
            const res = await call(p, { body: item.body, cert: item.carrier.cert })
            const outcome = typeof res.headers['x-outcome'] === 'string' ? res.headers['x-outcome'] : null
            attempt = {
              status: res.status,
              outcome,
              id: (res.headers['x-transmission-id'] as string | undefined) ?? null,
              retryAfter: (res.headers['retry-after'] as string | undefined) ?? null,
              ack: res.status === 200 ? res.body : null
            }
          } catch { /* connection refused or reset: no answer, nothing acked */ }
        }
        list.push(attempt)
        if (attempt.status === 200 && attempt.outcome !== null && POSITIVE.has(attempt.outcome)) record.acked.add(item.key)
      }
      answered++
      await opts.onAnswer?.(answered)
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker))
  return record
}

export interface Tally {
  scenario: string
  sent: number
  acked: number
  delivered: number
  duplicates: number
  lost: number
  lostKeys: string[]
}

/** Compares acks with deliveries (keyed by carrier and UNB reference). */
export function tally (scenario: string, items: Transmission[], record: LoadRecord, delivered: GetMessage[]): Tally {
  const copies = new Map<string, number>()
  for (const m of delivered) {
    const h = m.properties.headers ?? {}
    const key = `${String(h['x-carrier'])}/${String(h['x-interchange-ref'])}`
    copies.set(key, (copies.get(key) ?? 0) + 1)
  }
  const lostKeys = [...record.acked].filter(k => !copies.has(k))
  let duplicates = 0
  for (const n of copies.values()) duplicates += n - 1
  return { scenario, sent: items.length, acked: record.acked.size, delivered: copies.size, duplicates, lost: lostKeys.length, lostKeys }
}

/** The table the issue asks for, one line per scenario. */
export function table (rows: Tally[]): string {
  const head = ['scenario', 'sent', 'acked', 'delivered', 'duplicates', 'lost']
  const lines = rows.map(r => [r.scenario, r.sent, r.acked, r.delivered, r.duplicates, r.lost].map(String))
  const width = head.map((h, i) => Math.max(h.length, ...lines.map(l => l[i].length)))
  const fmt = (cells: string[]): string => cells.map((c, i) => i === 0 ? c.padEnd(width[i]) : c.padStart(width[i])).join('  ')
  return [fmt(head), ...lines.map(fmt)].join('\n')
}
