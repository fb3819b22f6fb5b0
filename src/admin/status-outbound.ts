/**
 * The status page's "Messages to carriers" section (docs/outbound.md "Operations", docs/metrics.md
 * "Status page"): per carrier, the outbox by state, the messages stuck (queued, or held for an
 * HTTPS fetch, longer than `outbound.stuckMinutes`) and the GOVREQs whose push is overdue. Counts
 * only: no reference, flight or payload is shown.
 */
import type { OutboundState, OutboundStore } from '../ledger/index.js'
import { OUTBOUND_STATES } from '../ledger/index.js'
import { escapeHtml as esc } from '../http/html.js'

export interface OutboundCarrier {
  carrier: string
  byState: Record<OutboundState, number>
  stuck: number
  overdue: number
}

export interface OutboundBoard { carriers: OutboundCarrier[] }

/** Rows scanned for the stuck count; beyond it the count is a lower bound (the metric is the same). */
const SCAN_LIMIT = 10_000

export async function buildOutboundBoard (store: OutboundStore, now: Date, stuckMinutes: number): Promise<OutboundBoard> {
  const by = new Map<string, OutboundCarrier>()
  const of = (carrier: string): OutboundCarrier => {
    let c = by.get(carrier)
    if (c === undefined) {
      c = { carrier, byState: Object.fromEntries(OUTBOUND_STATES.map(s => [s, 0])) as Record<OutboundState, number>, stuck: 0, overdue: 0 }
      by.set(carrier, c)
    }
    return c
  }
  for (const c of await store.counts()) of(c.carrier).byState[c.state] += c.count
  const before = now.getTime() - stuckMinutes * 60_000
  for (const state of ['queued', 'delivered'] as const) {
    for (const r of await store.list({ state, limit: SCAN_LIMIT })) {
      if ((state === 'queued' || r.channel === 'https') && Date.parse(r.createdAt) < before) of(r.carrier).stuck++
    }
  }
  for (const r of await store.unanswered(now, SCAN_LIMIT)) of(r.carrier).overdue++
  return { carriers: [...by.values()].sort((a, b) => a.carrier.localeCompare(b.carrier)) }
}

export function renderOutboundBoard (b: OutboundBoard | undefined): string {
  if (b === undefined) return ''
  const head = `<tr><th>carrier</th>${OUTBOUND_STATES.map(s => `<th>${s}</th>`).join('')}<th>stuck</th><th>GOVREQ overdue</th></tr>`
  const rows = b.carriers.map(c =>
    `<tr data-carrier="${esc(c.carrier)}"><td>${esc(c.carrier)}</td>` +
    OUTBOUND_STATES.map(s => `<td class="n" data-field="${s}">${c.byState[s]}</td>`).join('') +
    `<td class="n" data-field="stuck">${c.stuck > 0 ? `<span class="badge bad">${c.stuck}</span>` : '0'}</td>` +
    `<td class="n" data-field="overdue">${c.overdue > 0 ? `<span class="badge warn">${c.overdue}</span>` : '0'}</td></tr>`
  ).join('\n')
  const body = b.carriers.length === 0
    ? '<p class="none" id="no-outbound">No messages from the PIU to carriers.</p>'
    : `<table id="outbound"><thead>${head}</thead><tbody>\n${rows}\n</tbody></table>`
  return `<h2 id="messages-to-carriers">Messages to carriers</h2>\n${body}\n` +
    '<p><small><b>stuck</b>: queued (the carrier\'s side refuses it) or not fetched over HTTPS for longer than ' +
    '<code>outbound.stuckMinutes</code>; <b>GOVREQ overdue</b>: no PNR push within <code>expect.govreqMinutes</code> ' +
    '(docs/outbound.md).</small></p>'
}
