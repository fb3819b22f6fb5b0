// The operator's view of messages from the PIU to carriers (docs/outbound.md "Operations"):
// GET /admin/outbound on the admin listener and the status page's "Messages to carriers" section,
// read from a real gateway's ledger, the section checked in Debian's Chromium (as
// test/admin/status-page.test.ts does). Metadata and counts only: a payload is never shown.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import t, { type Test } from 'tap'
import { chromium, type Browser } from 'playwright-core'
import { buildGateway, exampleAgreement } from '../helpers/gateway.js'
import type { OutboundRow } from '../../src/ledger/index.js'
import { outboundRow } from '../helpers/outbound.js'
import type { Gateway } from '../../src/app.js'

/** A value only the payloads hold (where the passenger data is): it must never be shown. */
const MARKER = 'QZOUTBOUNDPASSENGER'
const HOUR = 3_600_000

const row = (over: Partial<OutboundRow>): OutboundRow => outboundRow(over)

interface Outbox { gateway: Gateway, admin: string, authorization: string, ids: Record<string, string> }

/**
 * XA (HTTPS): one queued and one held for fetching, both for two hours (stuck), one fetched.
 * XB (AMQP): a GOVREQ delivered whose push was due an hour ago (overdue), a CUSRES delivered now.
 */
async function gatewayWithOutbox (t: Test): Promise<Outbox> {
  const name = `CG_TEST_OUTBOUND_ADMIN_TOKEN_${randomBytes(4).toString('hex')}`
  const token = randomBytes(24).toString('base64url')
  process.env[name] = token
  t.teardown(() => { delete process.env[name] })
  const { gateway } = await buildGateway(t, {
    agreements: [exampleAgreement(), exampleAgreement({ code: 'XB', name: 'Bravo Wings', senderIds: ['XBAPI'] })],
    config: { admin: { token: `env:${name}` }, outbound: { stuckMinutes: 30, sweepMs: HOUR } }
  })
  const store = gateway.ledger.outbound
  const twoHoursAgo = new Date(Date.now() - 2 * HOUR).toISOString()
  const rows = {
    xaQueued: row({ createdAt: twoHoursAgo }),
    xaHeld: row({ createdAt: twoHoursAgo }),
    xaFetched: row({}),
    xbGovreq: row({
      carrier: 'XB',
      kind: 'govreq',
      channel: 'amqp',
      messageRef: null,
      transactionRef: null,
      flight: 'XB12',
      answerDueAt: new Date(Date.now() - HOUR).toISOString()
    }),
    xbCusres: row({ carrier: 'XB', channel: 'amqp', flight: 'XB12' })
  }
  for (const r of Object.values(rows)) t.ok((await store.add(r, Buffer.from(`UNA:+.? 'NAD+FL+++${MARKER}'`))).created)
  const deliver = async (r: OutboundRow, to: string, purge: boolean): Promise<void> => {
    t.ok(await store.lease(r.id, new Date(), new Date(Date.now() + 60_000)), 'lease taken')
    await store.delivered(r.id, new Date(), to, purge)
  }
  await deliver(rows.xaHeld, 'https-outbox', false)
  await deliver(rows.xaFetched, 'https-outbox', false)
  t.not(await store.fetched('XA', rows.xaFetched.id, new Date()), null, 'XA confirmed one')
  await deliver(rows.xbGovreq, 'xb.from.piu', true)
  await deliver(rows.xbCusres, 'xb.from.piu', true)
  const ids = Object.fromEntries(Object.entries(rows).map(([k, r]) => [k, r.id]))
  return { gateway, admin: `http://127.0.0.1:${gateway.adminPort()!}`, authorization: `Bearer ${token}`, ids }
}

t.test('GET /admin/outbound lists the rows by carrier, state and kind, behind the admin token, without a payload', async t => {
  const { admin, authorization, ids } = await gatewayWithOutbox(t)
  const get = async (query: string, auth = authorization): Promise<{ status: number, text: string, body: any }> => {
    const res = await fetch(`${admin}/admin/outbound${query}`, { headers: auth === '' ? {} : { authorization: auth } })
    const text = await res.text()
    return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') === true ? JSON.parse(text) : null }
  }
  const idsOf = (b: { messages: OutboundRow[] }): string[] => b.messages.map(m => m.id).sort()

  const all = await get('')
  t.equal(all.status, 200)
  t.same(idsOf(all.body), Object.values(ids).sort(), 'every row')
  const govreq = all.body.messages.find((m: OutboundRow) => m.id === ids.xbGovreq)
  t.match(govreq, { carrier: 'XB', kind: 'govreq', channel: 'amqp', state: 'delivered', deliveredTo: 'xb.from.piu', flight: 'XB12' })

  const xb = await get('?carrier=XB')
  t.same(idsOf(xb.body), [ids.xbCusres, ids.xbGovreq].sort(), 'only the carrier asked for')
  t.same(idsOf((await get('?state=queued')).body), [ids.xaQueued])
  t.same(idsOf((await get('?state=fetched&carrier=XA')).body), [ids.xaFetched])
  t.same(idsOf((await get('?kind=govreq')).body), [ids.xbGovreq])
  t.equal((await get('?limit=2')).body.messages.length, 2)

  for (const bad of ['?state=lost', '?kind=paxlst', '?carrier=xa', '?limit=0', '?limit=10001']) {
    t.equal((await get(bad)).status, 400, `${bad} is refused`)
  }
  t.equal((await get('', '')).status, 401, 'no token, no outbox')
  t.equal((await get('', 'Bearer wrong')).status, 401)

  for (const r of [all, xb]) t.notOk(r.text.includes(MARKER), 'no payload in the JSON')
})

/** scripts/test-services.mjs installs Debian's `chromium` package at /usr/bin/chromium. */
function chromiumPath (): string {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
    .find((p): p is string => p !== undefined && p !== '' && existsSync(p))
  if (found === undefined) throw new Error('Chromium not found: run `node scripts/test-services.mjs` or set CHROMIUM_PATH')
  return found
}

t.test('the status page shows messages to carriers per carrier: states, stuck and overdue GOVREQs, in a real browser', async t => {
  const { admin, authorization } = await gatewayWithOutbox(t)
  // --no-sandbox: the suite runs as root in CI, where Chromium's sandbox refuses to start.
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] })
  t.teardown(async () => { await browser.close() })
  const context = await browser.newContext({ extraHTTPHeaders: { authorization } })
  const page = await context.newPage()
  t.equal((await page.goto(`${admin}/admin/`))?.status(), 200)

  t.equal((await page.locator('h2#messages-to-carriers').innerText()).trim(), 'Messages to carriers')
  const carriers = await page.locator('#outbound tbody tr').evaluateAll(trs => trs.map(r => r.getAttribute('data-carrier')))
  t.same(carriers, ['XA', 'XB'], 'one row per carrier with messages')
  const cells = async (code: string): Promise<Record<string, string>> =>
    await page.locator(`#outbound tr[data-carrier="${code}"] td[data-field]`).evaluateAll(tds =>
      Object.fromEntries(tds.map(td => [td.getAttribute('data-field') ?? '', (td as HTMLElement).innerText.trim()])))
  t.same(await cells('XA'), { queued: '1', delivered: '1', fetched: '1', answered: '0', expired: '0', stuck: '2', overdue: '0' },
    'queued and unfetched for two hours: both stuck')
  t.same(await cells('XB'), { queued: '0', delivered: '2', fetched: '0', answered: '0', expired: '0', stuck: '0', overdue: '1' },
    'delivered over AMQP is not stuck; the GOVREQ past its push is overdue')
  t.match(await page.locator('#outbound tr[data-carrier="XA"] td[data-field="stuck"] .badge').getAttribute('class') ?? '', /\bbad\b/)
  t.match(await page.locator('#outbound tr[data-carrier="XB"] td[data-field="overdue"] .badge').getAttribute('class') ?? '', /\bwarn\b/)

  t.notOk((await page.content()).includes(MARKER), 'no payload on the page')
})
