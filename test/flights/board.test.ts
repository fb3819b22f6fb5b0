// The flight board on the status page, as an operator sees it in Debian's Chromium (driven by
// playwright-core, never a browser playwright downloads): today's and tomorrow's flights per
// carrier, late and missing pushes marked, and no traveller value on the page.
import t, { type Test } from 'tap'
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { PASSENGER_VALUES, interchange, paxlstSpec, pnrgovSpec, send, simGateway } from './simulate.js'

function chromiumPath (): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
    .filter((p): p is string => p !== undefined && p !== '')
  return candidates.find(p => existsSync(p)) ?? null
}

async function launch (t: Test): Promise<Browser> {
  const executablePath = chromiumPath()
  if (executablePath === null) throw new Error('Chromium not found: run `node scripts/test-services.mjs` or set CHROMIUM_PATH')
  // --no-sandbox: the suite runs as root in CI, where Chromium's sandbox refuses to start.
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] })
  t.teardown(async () => { await browser.close() })
  return browser
}

/** `YYMMDDHHMM` and `DDMMYY`/`HHMM` of a UTC instant at Seoul (UTC+9 all year, no summer time). */
function seoul (ms: number): { paxlst: string, tvl: [string, string] } {
  const d = new Date(ms + 9 * 3_600_000).toISOString()
  const [yy, mm, dd, hh, mi] = [d.slice(2, 4), d.slice(5, 7), d.slice(8, 10), d.slice(11, 13), d.slice(14, 16)]
  return { paxlst: `${yy}${mm}${dd}${hh}${mi}`, tvl: [`${dd}${mm}${yy}`, `${hh}${mi}`] }
}

t.test('status page flight board: flights per carrier, late and missing pushes marked', async t => {
  // The board reads the wall clock: the flights are placed around now.
  const now = Date.now()
  const s = await simGateway(t, null, undefined, { now: new Date(now) })
  const g = s.gateway
  const xa = seoul(now + 90 * 60_000)
  const xb = seoul(now + 60 * 60_000)
  const at = (minutes: number): string => new Date(now + minutes * 60_000).toISOString()
  // XA555: T-24h never came (missing), T-2h five minutes ago (within ±30 min), T-0h still pending; a
  // passenger list in (by 0h: received), the crew list (by -1h) and the final list still to come.
  t.match(await send(g, 'XA', at(-5), interchange('XAAPI', 'B1', [pnrgovSpec('P1', {
    carrier: 'XA',
    number: '555',
    from: 'ICN',
    to: 'LHR',
    departs: xa.tvl
  })])),
  /^accepted/)
  t.match(await send(g, 'XA', at(0), interchange('XAAPI', 'B2', [paxlstSpec('M1', {
    carrier: 'XA',
    number: '555',
    from: 'ICN',
    to: 'LHR',
    departs: xa.paxlst
  })])),
  /^accepted/)
  // XB777: its only push (T-2h) came 40 minutes after the point, 10 minutes after the window: late.
  t.match(await send(g, 'XB', at(-20), interchange('XBAPI', 'B3', [pnrgovSpec('P1', {
    carrier: 'XB',
    number: '777',
    from: 'ICN',
    to: 'JFK',
    departs: xb.tvl
  })])),
  /^accepted/)

  const browser = await launch(t)
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()) })
  const res = await page.goto(`http://127.0.0.1:${g.adminPort() as number}/admin/`)
  t.equal(res?.status(), 200)
  const states = async (flight: string, field: string): Promise<Array<string | null>> =>
    await page.locator(`tr[data-flight="${flight}"] td[data-field="${field}"] .badge`)
      .evaluateAll(bs => bs.map(b => b.getAttribute('data-state')))
  t.same(await states('XA555', 'due'), ['missing', 'received', 'pending', 'received', 'pending', 'pending'],
    'pnr -24h missing, pnr -2h received, crew -1h pending, passengers 0h received, pnr 0h pending, final 30m pending')
  t.same(await states('XA555', 'state'), ['missing'])
  t.same(await states('XB777', 'due'), ['late', 'pending'], 'pnr -2h late, passengers 0h pending')
  t.match(await page.locator('#flights-XA').innerText(), /1 missing/)
  t.match(await page.locator('#flights-XB').innerText(), /1 late/)
  t.match(await page.locator('tr[data-flight="XA555"] td[data-field="due"] .badge').first().getAttribute('class') ?? '', /\bbad\b/,
    'missing is marked as bad')
  t.match(await page.locator('tr[data-flight="XB777"] td[data-field="due"] .badge').first().getAttribute('class') ?? '', /\bwarn\b/,
    'late is marked as a warning')
  t.same(errors, [], 'no console error (the page style sheet still matches its CSP hash)')
  const text = await page.locator('body').innerText()
  t.same(PASSENGER_VALUES.filter(v => text.includes(v) || (page.url() + '').includes(v)), [], 'no traveller value on the page')
  const json = await (await fetch(`http://127.0.0.1:${g.adminPort() as number}/admin/status.json`)).json() as { flights: { carriers: unknown[] } }
  t.equal(json.flights.carriers.length, 2, 'status.json carries the board too')
})
