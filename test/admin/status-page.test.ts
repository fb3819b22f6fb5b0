// The operations status page (GET /admin/) as an operator sees it: a real gateway receives real
// HTTPS transmissions from several carriers, then Debian's Chromium (driven by playwright-core,
// never a browser playwright downloads) loads the page and the test reads what is shown.
import t, { type Test } from 'tap'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { buildGateway, exampleAgreement, fingerprintOf, tmpDir } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { paxlst } from '../helpers/edi.js'

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'xa-paxlst.edi'))
/** Values from inside the segments sent below: none may ever reach the page (invariant 4). */
const PASSENGER_VALUES = ['SPECIMEN', 'X0000001', 'QUIXOTEVA', 'ZENOBIA', 'Q7777777']

/** scripts/test-services.mjs installs Debian's `chromium` package at /usr/bin/chromium. */
function chromiumPath (): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => p !== undefined && p !== '')
  return candidates.find(p => existsSync(p)) ?? null
}

async function launch (t: Test): Promise<Browser> {
  const executablePath = chromiumPath()
  if (executablePath === null) throw new Error('Chromium not found: run `node scripts/test-services.mjs` (installs Debian\'s chromium) or set CHROMIUM_PATH')
  // --no-sandbox: the suite runs as root in CI, where Chromium's sandbox refuses to start.
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] })
  t.teardown(async () => { await browser.close() })
  return browser
}

async function gatewayWithTraffic (t: Test): Promise<{ admin: string }> {
  const tenDays = new Date(Date.now() + 10 * 86_400_000 + 3_600_000).toISOString()
  const { gateway } = await buildGateway(t, {
    agreements: [
      exampleAgreement({ name: 'Example <Air>', expect: { PAXLST: { maxSilenceMinutes: 180 } }, channels: { https: { certificates: [{ fingerprint: fingerprintOf('xa-client'), notAfter: tenDays, label: 'xa-2026' }] } } }),
      exampleAgreement({ code: 'XB', name: 'Bravo Wings', senderIds: ['XBAPI'], expect: { PNRGOV: { maxSilenceMinutes: 60 } }, channels: { https: { certificates: [fingerprintOf('xb-client')] } } }),
      exampleAgreement({ code: 'XC', name: 'Charlie Jet', senderIds: ['XCAPI'], expect: { PAXLST: { maxSilenceMinutes: 30 } }, channels: { https: { certificates: [fingerprintOf('xa-client-2')] } } }),
      exampleAgreement({ code: 'XD', name: 'Delta Suspended', stage: 'suspended', senderIds: ['XDAPI'], channels: { https: { certificates: [fingerprintOf('expired-client')] } } }),
      exampleAgreement({ code: 'XE', name: 'Echo Quiet', senderIds: ['XEAPI'], channels: { https: { certificates: [{ fingerprint: fingerprintOf('revoked-client'), revoked: true }] } } })
    ]
  })
  const port = gateway.httpsPort()!
  const statuses = [
    (await call(port, { body: 'this is not EDIFACT' })).status, // XA, rejected
    (await call(port, { body: EXAMPLE })).status, // XA, accepted
    (await call(port, { body: EXAMPLE })).status, // XA, duplicate
    (await call(port, { body: paxlst({ sender: 'XBAPI', reference: 'XBREF01', badCount: [0] }), cert: 'xb-client' })).status // XB, rejected (CONTRL 29)
  ]
  t.ok(statuses[0] >= 400 && statuses[3] === 422 && statuses[1] === 200 && statuses[2] === 200, `traffic sent: ${statuses.join(' ')}`)
  return { admin: `http://127.0.0.1:${gateway.adminPort()!}` }
}

t.test('the status page shows which carriers send, fail, are overdue or quiet, in a real browser', async t => {
  const { admin } = await gatewayWithTraffic(t)
  const browser = await launch(t)
  const page = await browser.newPage()
  const requests: string[] = []
  const consoleErrors: string[] = []
  page.on('request', r => requests.push(r.url()))
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()) })
  const res = await page.goto(`${admin}/admin/`)
  t.equal(res?.status(), 200)
  t.equal(await page.title(), 'Carrier gateway — status')

  const row = (code: string) => page.locator(`#carriers tr[data-carrier="${code}"]`)
  const cell = async (code: string, sel: string): Promise<string> => (await row(code).locator(sel).innerText()).trim()
  t.same(await page.locator('#carriers tbody tr').evaluateAll(rows => rows.map(r => r.getAttribute('data-carrier'))), ['XA', 'XB', 'XC', 'XD', 'XE'], 'one row per agreement')
  t.same(await page.locator('#carriers tbody tr').evaluateAll(rows => rows.map(r => r.getAttribute('data-state'))), ['sending', 'failing', 'overdue', 'suspended', 'quiet'])

  // XA: sending, one of each outcome, a certificate expiring in 10 days.
  t.match(await cell('XA', 'td:nth-child(1)'), /XA\s+Example <Air>/, 'carrier name shown as text, escaped')
  t.equal(await cell('XA', 'td:nth-child(3)'), 'sending')
  t.equal(await cell('XA', 'td[data-outcome="accepted"]'), '1')
  t.equal(await cell('XA', 'td[data-outcome="duplicate"]'), '1')
  t.equal(await cell('XA', 'td[data-outcome="rejected"]'), '1')
  t.equal(await cell('XA', 'td[data-outcome="retry"]'), '0')
  t.equal(await cell('XA', 'td[data-field="error-rate"]'), '33.3 %')
  t.match(await cell('XA', 'td:nth-child(5)'), /^\d+ s ago$/, 'last PAXLST seconds ago, not overdue')
  t.equal(await cell('XA', 'td:nth-child(6)'), 'never', 'no PNRGOV, and none expected')
  t.match(await cell('XA', 'td:last-child'), /xa-2026\s+10 days left/)
  t.match(await row('XA').locator('td:last-child .badge').getAttribute('class') ?? '', /\bwarn\b/, 'under 30 days is flagged')

  // XB: its latest transmission was rejected; its PNRGOV is overdue.
  t.equal(await cell('XB', 'td:nth-child(3)'), 'failing')
  t.equal(await cell('XB', 'td[data-outcome="rejected"]'), '1')
  t.equal(await cell('XB', 'td[data-field="error-rate"]'), '100.0 %')
  t.match(await cell('XB', 'td:nth-child(6)'), /never\s+overdue/, 'PNRGOV expected every 60 min, never sent: overdue marker')
  t.match(await cell('XB', 'td:last-child'), /3D:1C:0E:1D:C2:BC:C4:63\s+expiry not declared/)

  // XC never sent its expected PAXLST; XD is suspended; XE has nothing expected.
  t.match(await cell('XC', 'td:nth-child(5)'), /never\s+overdue/)
  t.equal(await cell('XC', 'td[data-field="error-rate"]'), '—')
  t.equal(await cell('XD', 'td:nth-child(2)'), 'suspended')
  t.equal(await cell('XE', 'td:nth-child(3)'), 'quiet')
  t.match(await cell('XE', 'td:last-child'), /revoked/)

  const tile = async (id: string): Promise<string> => (await page.locator(`[data-tile="${id}"] b`).innerText()).trim()
  t.same([await tile('carriers'), await tile('sending'), await tile('failing'), await tile('overdue'), await tile('quiet'), await tile('suspended')], ['5', '1', '1', '1', '1', '1'])
  t.equal(await tile('transmissions'), '4')
  t.equal(await tile('rejected'), '2')
  t.equal(await tile('spool'), '0 files')
  t.equal(await tile('target'), 'up', 'the directory target is up')
  t.match(await page.locator('[data-tile="target"]').innerText(), /forward target directory/)

  const failures = await page.locator('#failures tbody tr').allInnerTexts()
  t.equal(failures.length, 2, 'both rejections listed')
  t.match(failures[0], /XB\s+https\s+PAXLST\s+XBREF01\s+rejected\s+29/, 'newest first, with interchange reference and CONTRL code')
  t.match(failures[1], /XA\s+https/)

  t.equal(await page.locator('meta[http-equiv="refresh"]').getAttribute('content'), '30', 'reloads itself')
  const text = await page.locator('body').innerText()
  for (const v of PASSENGER_VALUES) t.notOk(text.includes(v), `no passenger value (${v}) on the page`)
  t.same(requests, [`${admin}/admin/`], 'the page loads nothing else: no script, style, font or image from anywhere')
  t.same(consoleErrors, [], 'no Content-Security-Policy violation or script error')
  t.match(res?.headers()['content-security-policy'] ?? '', /default-src 'none'/)
})

t.test('GET /admin and /admin/status.json serve the same view as data', async t => {
  const { admin } = await gatewayWithTraffic(t)
  const bare = await fetch(`${admin}/admin`)
  t.equal(bare.status, 200)
  t.match(bare.headers.get('content-type'), /text\/html/)
  const res = await fetch(`${admin}/admin/status.json`)
  t.equal(res.status, 200)
  const body = await res.text()
  const s = JSON.parse(body)
  t.match(s.summary, { carriers: 5, sending: 1, failing: 1, overdue: 1, quiet: 1, suspended: 1, transmissions24h: 4, rejected24h: 2 })
  t.match(s.carriers[0], { code: 'XA', state: 'sending', last24h: { accepted: 1, duplicate: 1, rejected: 1 }, overdue: { PAXLST: false }, lastOutcome: 'duplicate' })
  t.equal(s.carriers[0].certificates[0].daysLeft, 10)
  t.match(s.carriers[1], { code: 'XB', state: 'failing', overdue: { PNRGOV: true }, errorRate: 1 })
  t.same(s.forward.targets, [{ target: 'directory', up: true, blocked: false }])
  t.match(s.forward, { spool: { files: 0, bytes: 0, oldestAgeSeconds: 0 }, unconfirmed: 0, inFlight: 0 })
  t.same(s.recentFailures.map((f: { carrier: string }) => f.carrier), ['XB', 'XA'])
  for (const v of PASSENGER_VALUES) t.notOk(body.includes(v), `no passenger value (${v}) in status.json`)
})

t.test('with admin.token set, the status page needs the bearer token', async t => {
  const dir = tmpDir(t)
  writeFileSync(join(dir, 'admin-token'), 's3cret-token\n')
  const { gateway } = await buildGateway(t, { config: { admin: { token: `file:${join(dir, 'admin-token')}` } } })
  const url = `http://127.0.0.1:${gateway.adminPort()!}`
  t.equal((await fetch(`${url}/admin/`)).status, 401)
  t.equal((await fetch(`${url}/admin/status.json`)).status, 401)
  const ok = await fetch(`${url}/admin/`, { headers: { authorization: 'Bearer s3cret-token' } })
  t.equal(ok.status, 200)
  t.match(await ok.text(), /<tr data-carrier="XA" data-state="quiet">/)
})
