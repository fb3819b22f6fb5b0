// The operations status page (GET /admin/) as an operator sees it: a real gateway receives real
// HTTPS transmissions from several carriers, then Debian's Chromium (driven by playwright-core,
// never a browser playwright downloads) loads the page and the test reads what is shown.
import t, { type Test } from 'tap'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hostname } from 'node:os'
import { chromium, type Browser } from 'playwright-core'
import { buildGateway, exampleAgreement, fingerprintOf, tmpDir } from '../helpers/gateway.js'
import { call } from '../helpers/https-client.js'
import { paxlst } from '../helpers/edi.js'
import { newLedgerRow } from '../../src/transmission/index.js'
import type { Gateway } from '../../src/app.js'

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'xa-paxlst.edi'))
/** Values from inside the segments sent below: none may ever reach the page (invariant 4). */
const PASSENGER_VALUES = ['SPECIMEN', 'X0000001', 'QUIXOTEVA', 'ZENOBIA', 'Q7777777']

/** scripts/test-services.mjs installs Debian's `chromium` package at /usr/bin/chromium. */
function chromiumPath (): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
    .filter((p): p is string => p !== undefined && p !== '')
  return candidates.find(p => existsSync(p)) ?? null
}

async function launch (t: Test): Promise<Browser> {
  const executablePath = chromiumPath()
  if (executablePath === null) {
    throw new Error('Chromium not found: run `node scripts/test-services.mjs` (installs Debian\'s chromium) or set CHROMIUM_PATH')
  }
  // --no-sandbox: the suite runs as root in CI, where Chromium's sandbox refuses to start.
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] })
  t.teardown(async () => { await browser.close() })
  return browser
}

const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version

async function gatewayWithTraffic (t: Test): Promise<{ admin: string, gateway: Gateway }> {
  const tenDays = new Date(Date.now() + 10 * 86_400_000 + 3_600_000).toISOString()
  const https = (...certificates: unknown[]): unknown => ({ https: { certificates } })
  const { gateway } = await buildGateway(t, {
    agreements: [
      exampleAgreement({
        name: 'Example <Air>',
        expect: { PAXLST: { maxSilenceMinutes: 180 } },
        channels: https({ fingerprint: fingerprintOf('xa-client'), notAfter: tenDays, label: 'xa-2026' })
      }),
      exampleAgreement({
        code: 'XB',
        name: 'Bravo Wings',
        senderIds: ['XBAPI'],
        expect: { PNRGOV: { maxSilenceMinutes: 60 } },
        channels: https(fingerprintOf('xb-client'))
      }),
      exampleAgreement({
        code: 'XC',
        name: 'Charlie Jet',
        senderIds: ['XCAPI'],
        expect: { PAXLST: { maxSilenceMinutes: 30 } },
        channels: https(fingerprintOf('xa-client-2'))
      }),
      exampleAgreement({
        code: 'XD', name: 'Delta Suspended', stage: 'suspended', senderIds: ['XDAPI'], channels: https(fingerprintOf('expired-client'))
      }),
      exampleAgreement({
        code: 'XE',
        name: 'Echo Quiet',
        senderIds: ['XEAPI'],
        channels: https({ fingerprint: fingerprintOf('revoked-client'), revoked: true })
      }),
      exampleAgreement({
        code: 'XF',
        name: 'Foxtrot Onboarding',
        stage: 'testing',
        senderIds: ['XFAPI'],
        expect: { PAXLST: { maxSilenceMinutes: 60 } },
        channels: https(fingerprintOf('rogue-client'))
      })
    ]
  })
  const port = gateway.httpsPort()!
  // XC sent a PAXLST two hours ago (before this gateway started): 30 minutes of allowed silence are long past.
  const twoHoursAgo = new Date(Date.now() - 7_200_000).toISOString()
  await gateway.ledger.record({
    ...newLedgerRow({ id: 'old-xc-0001', channel: 'https', receivedAt: twoHoursAgo, sha256: '0'.repeat(64), size: 100 }),
    carrier: 'XC',
    status: 'acknowledged',
    outcome: 'accepted',
    messageType: 'PAXLST',
    destination: 'production'
  })
  // A test interchange (UNB 0035 = 1) from a live carrier counts as test traffic, not production.
  const testStatus = (await call(port, { body: paxlst({ reference: 'XATEST1', test: true }) })).status
  const statuses = [
    (await call(port, { body: 'this is not EDIFACT' })).status, // XA, rejected
    (await call(port, { body: EXAMPLE })).status, // XA, accepted
    (await call(port, { body: EXAMPLE })).status, // XA, duplicate
    // XB, rejected (CONTRL 29)
    (await call(port, { body: paxlst({ sender: 'XBAPI', reference: 'XBREF01', badCount: [0] }), cert: 'xb-client' })).status
  ]
  const sent = testStatus === 200 && statuses[0] >= 400 && statuses[3] === 422 && statuses[1] === 200 && statuses[2] === 200
  t.ok(sent, `traffic sent: ${testStatus} ${statuses.join(' ')}`)
  return { admin: `http://127.0.0.1:${gateway.adminPort()!}`, gateway }
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
  const rows = async (attribute: string): Promise<unknown> =>
    await page.locator('#carriers tbody tr').evaluateAll((trs, a) => trs.map(r => r.getAttribute(a)), attribute)
  t.same(await rows('data-carrier'), ['XA', 'XB', 'XC', 'XD', 'XE', 'XF'], 'one row per agreement')
  t.same(await rows('data-state'), ['sending', 'failing', 'overdue', 'suspended', 'quiet', 'waiting'])

  // XA: sending (one test interchange among them), a certificate expiring in 10 days.
  t.match(await cell('XA', 'td:nth-child(1)'), /XA\s+Example <Air>/, 'carrier name shown as text, escaped')
  t.equal(await cell('XA', 'td:nth-child(3)'), 'sending')
  t.equal(await cell('XA', 'td[data-outcome="accepted"]'), '2')
  t.equal(await cell('XA', 'td[data-outcome="duplicate"]'), '1')
  t.equal(await cell('XA', 'td[data-outcome="rejected"]'), '1')
  t.equal(await cell('XA', 'td[data-outcome="retry"]'), '0')
  t.equal(await cell('XA', 'td[data-field="error-rate"]'), '25.0 %')
  t.match(await cell('XA', 'td:nth-child(5)'), /^\d+ s ago$/, 'last PAXLST seconds ago, not overdue')
  t.equal(await cell('XA', 'td:nth-child(6)'), 'never', 'no PNRGOV, and none expected')
  t.match(await cell('XA', 'td:last-child'), /xa-2026\s+10 days left/)
  t.match(await row('XA').locator('td:last-child .badge').getAttribute('class') ?? '', /\bwarn\b/, 'under 30 days is flagged')

  // XB: its latest transmission was rejected; its PNRGOV has never come, but the gateway has only just started.
  t.equal(await cell('XB', 'td:nth-child(3)'), 'failing')
  t.equal(await cell('XB', 'td[data-outcome="rejected"]'), '1')
  t.equal(await cell('XB', 'td[data-field="error-rate"]'), '100.0 %')
  t.match(await cell('XB', 'td:nth-child(6)'), /never\s+no traffic yet/,
    'PNRGOV expected every 60 min, never sent, gateway up for less: no traffic yet, not overdue')
  t.match(await cell('XB', 'td:last-child'), /3D:1C:0E:1D:C2:BC:C4:63\s+expiry not declared/)

  // XC's last PAXLST is two hours old against 30 minutes; XD is suspended; XE has nothing expected.
  t.match(await cell('XC', 'td:nth-child(5)'), /^\d+ h ago\s+overdue$/)
  t.equal(await cell('XC', 'td[data-field="error-rate"]'), '0.0 %')
  t.equal(await cell('XD', 'td:nth-child(2)'), 'suspended')
  t.equal(await cell('XE', 'td:nth-child(3)'), 'quiet')
  t.match(await cell('XE', 'td:last-child'), /revoked/)
  // XF, in stage testing, has never sent: the shipped-example case on a fresh start.
  t.equal(await cell('XF', 'td:nth-child(3)'), 'no traffic yet')
  t.match(await cell('XF', 'td:nth-child(5)'), /never\s+no traffic yet/)

  const tile = async (id: string): Promise<string> => (await page.locator(`[data-tile="${id}"] b`).innerText()).trim()
  const tileClass = async (id: string): Promise<string> => await page.locator(`[data-tile="${id}"]`).getAttribute('class') ?? ''
  const tiles = async (ids: string[]): Promise<string[]> => await Promise.all(ids.map(tile))
  t.same(await tiles(['carriers', 'sending', 'failing', 'overdue', 'waiting', 'quiet', 'suspended']),
    ['5', '1', '1', '1', '0', '1', '1'], 'production: the five carriers not in stage testing')
  t.equal(await tile('transmissions'), '5', 'four sent now and the old XC row; the test interchange is not production')
  t.equal(await tile('rejected'), '2')
  t.same(await tiles(['test-carriers', 'test-waiting', 'test-failing', 'test-transmissions', 'test-rejected']), ['1', '1', '0', '1', '0'],
    'test: XF in stage testing, and XA\'s test interchange')
  t.match(await tileClass('failing'), /\bfailing\b/, 'a failing carrier is red')
  t.match(await tileClass('sending'), /\bsending\b/, 'one carrier sending: green')
  t.notMatch(await tileClass('test-sending'), /\bsending\b/, 'a zero is never green')
  t.equal(await tile('spool'), '0 files')
  t.equal(await tile('target'), 'up', 'the directory target is up')
  t.match(await page.locator('[data-tile="target"]').innerText(), /forward target directory/)

  t.equal(await page.locator('#instance [data-field="version"]').innerText(), VERSION, 'the gateway version from package.json')
  t.match(await page.locator('#instance [data-field="instance"]').innerText(), new RegExp(`^${hostname()} pid ${process.pid}$`))
  t.match(await page.locator('#instance [data-field="uptime"]').innerText(), /^\d+ (s|min)$/)

  const failures = await page.locator('#failures tbody tr').allInnerTexts()
  t.equal(failures.length, 2, 'both rejections listed')
  t.match(failures[0], /XB\s+https\s+PAXLST\s+XBREF01\s+rejected\s+29\s+control count does not match number of instances received/,
    'newest first, with interchange reference, CONTRL code and what it means')
  t.match(failures[1], /XA\s+https/)
  const xbId = await page.locator('#failures tbody tr').first().getAttribute('data-id') ?? ''
  t.match(xbId, /^[0-9a-z-]+$/)
  t.match(failures[0], new RegExp(`${xbId}\\s+GET /admin/transmissions/${xbId}\\s+carrier-gateway quarantine show ${xbId}`),
    'the id, the route and the command that open it')
  if (process.env.STATUS_PAGE_SCREENSHOT !== undefined) await page.screenshot({ path: process.env.STATUS_PAGE_SCREENSHOT, fullPage: true })

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
  t.match(s.summary, {
    carriers: 5, sending: 1, failing: 1, overdue: 1, waiting: 0, quiet: 1, suspended: 1, transmissions24h: 5, rejected24h: 2
  })
  t.match(s.test, { carriers: 1, waiting: 1, transmissions24h: 1, rejected24h: 0, truncated: false })
  t.match(s.gateway, { version: VERSION, host: hostname(), pid: process.pid })
  t.ok(s.gateway.uptimeSeconds >= 0 && Date.parse(s.gateway.startedAt) <= Date.now())
  t.match(s.carriers[0], {
    code: 'XA',
    state: 'sending',
    last24h: { accepted: 2, duplicate: 1, rejected: 1 },
    overdue: { PAXLST: false },
    expect: { PAXLST: 'ok' },
    lastOutcome: 'duplicate'
  })
  t.equal(s.carriers[0].certificates[0].daysLeft, 10)
  t.match(s.carriers[1], { code: 'XB', state: 'failing', overdue: { PNRGOV: false }, expect: { PNRGOV: 'no-traffic-yet' }, errorRate: 1 })
  t.match(s.carriers[2], { code: 'XC', state: 'overdue', overdue: { PAXLST: true }, expect: { PAXLST: 'overdue' } })
  t.same(s.forward.targets, [{ target: 'directory', up: true, blocked: false }])
  t.match(s.forward, { spool: { files: 0, bytes: 0, oldestAgeSeconds: 0 }, unconfirmed: 0, inFlight: 0 })
  t.same(s.recentFailures.map((f: { carrier: string }) => f.carrier), ['XB', 'XA'])
  t.match(s.recentFailures[0], { errorCodes: [29], findings: ['control count does not match number of instances received'], test: false })
  t.equal(s.recentFailures[0].open.http, `/admin/transmissions/${s.recentFailures[0].id as string}`)
  for (const v of PASSENGER_VALUES) t.notOk(body.includes(v), `no passenger value (${v}) in status.json`)

  // The route the failures list names: one ledger row, metadata only.
  const one = await fetch(`${admin}${s.recentFailures[0].open.http as string}`)
  t.equal(one.status, 200)
  const rowText = await one.text()
  t.match(JSON.parse(rowText), {
    id: s.recentFailures[0].id,
    carrier: 'XB',
    outcome: 'rejected',
    errorCodes: [29],
    reference: 'XBREF01',
    releasedAt: null,
    releasedBy: null
  })
  for (const v of PASSENGER_VALUES) t.notOk(rowText.includes(v), `no passenger value (${v}) in the row`)
  t.equal((await fetch(`${admin}/admin/transmissions/no-such-id`)).status, 404)
  t.equal((await fetch(`${admin}/admin/transmissions/${encodeURIComponent('bad id!')}`)).status, 400)
})

t.test('a fresh start: a carrier that never sent reads "no traffic yet" until maxSilenceMinutes after the start, then overdue', async t => {
  const { buildStatus } = await import('../../src/admin/status-page.js')
  const { gateway } = await buildGateway(t, { agreements: [exampleAgreement({ expect: { PAXLST: { maxSilenceMinutes: 180 } } })] })
  const deps = { agreements: gateway.agreements, ledger: gateway.ledger, metrics: gateway.metrics }
  const startedAt = Date.now()
  const at = async (minutes: number): Promise<unknown> =>
    (await buildStatus({ ...deps, startedAt }, startedAt + minutes * 60_000)).carriers[0]
  t.match(await at(0), { code: 'XA', state: 'waiting', overdue: { PAXLST: false }, expect: { PAXLST: 'no-traffic-yet' } },
    'the shipped example on a fresh start')
  t.match(await at(180), { state: 'waiting' }, 'exactly maxSilenceMinutes: still within the grace')
  t.match(await at(181), { state: 'overdue', overdue: { PAXLST: true }, expect: { PAXLST: 'overdue' } }, 'after the grace: overdue')
  const admin = `http://127.0.0.1:${gateway.adminPort()!}`
  const carriers = await (await fetch(`${admin}/admin/carriers`)).json() as { carriers: Array<{ overdue: unknown, expect: unknown }> }
  t.match(carriers.carriers[0], { overdue: { PAXLST: false }, expect: { PAXLST: 'no-traffic-yet' } }, 'the carrier overview agrees')
  const { refreshCarrierGauges } = await import('../../src/housekeeping.js')
  await refreshCarrierGauges(gateway.agreements, gateway.ledger, gateway.metrics, startedAt + 60_000, new Map(), startedAt)
  t.equal((await gateway.metrics.overdue.get()).values.find(v => v.labels.carrier === 'XA')?.value, 0, 'the overdue gauge agrees')
  await refreshCarrierGauges(gateway.agreements, gateway.ledger, gateway.metrics, startedAt + 181 * 60_000, new Map(), startedAt)
  t.equal((await gateway.metrics.overdue.get()).values.find(v => v.labels.carrier === 'XA')?.value, 1)
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

t.test('after a quarantine release the ledger row, the failures list and the admin route say released', async t => {
  const { createDirectoryQuarantine } = await import('../../src/onboarding/quarantine.js')
  const { openForwardTarget, releaseTransmission } = await import('../../src/onboarding/release.js')
  const { admin, gateway } = await gatewayWithTraffic(t)
  interface Listed { recentFailures: Array<{ id: string, carrier: string, open: { cli: string | null }, released: unknown }> }
  const before = await (await fetch(`${admin}/admin/status.json`)).json() as Listed
  const xb = before.recentFailures.find(f => f.carrier === 'XB')!
  t.equal(xb.open.cli, `carrier-gateway quarantine show ${xb.id}`)
  t.equal(xb.released, null)
  const target = await openForwardTarget(gateway.config, {})
  t.teardown(async () => { await target.close() })
  const store = createDirectoryQuarantine(gateway.config.quarantine.path)
  const now = new Date()
  const r = await releaseTransmission({
    config: gateway.config,
    store,
    target,
    ledger: gateway.ledger,
    agreements: gateway.agreements.current().all,
    auditLog: join(tmpDir(t), 'audit.log'),
    now
  }, xb.id, 'count fixed by hand', 'alice')
  t.match(r, { released: true, ledger: 'updated' })
  const after = await (await fetch(`${admin}/admin/status.json`)).json() as Listed
  t.match(after.recentFailures.find(f => f.id === xb.id), { released: { at: now.toISOString(), by: 'alice' }, open: { cli: null } },
    'no quarantine command for what left it')
  const row = await (await fetch(`${admin}/admin/transmissions/${xb.id}`)).json()
  t.match(row, { releasedAt: now.toISOString(), releasedBy: 'alice', outcome: 'rejected' })
  const browser = await launch(t)
  const page = await browser.newPage()
  await page.goto(`${admin}/admin/`)
  const open = await page.locator(`#failures tr[data-id="${xb.id}"] td[data-field="open"]`).innerText()
  t.match(open, new RegExp(`released\\s+${now.toISOString()} by alice`))
  t.equal(await page.locator('[data-tile="quarantined"] b').innerText(), '1', 'the XA rejection is still held; XB left quarantine')
  t.equal(await page.locator('[data-tile="ledger-rows"] b').innerText(), String(await gateway.ledger.size()),
    'ledger rows as carrier_gateway_ledger_rows counts them')
})
