// The carrier listener's own TLS material runs out too (docs/security.md "Certificate lifecycle"): server
// certificates, the client CA and the CRL's nextUpdate are read (src/channels/https/tls-expiry.ts), exported as
// carrier_gateway_tls_expiry_timestamp_seconds, and check-config refuses expired ones and warns 30 days
// ahead. Every certificate and CRL here is made by openssl in the test, with the dates each case needs.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { X509Certificate, createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import {
  crlNextUpdate, crlNextUpdates, certificateEnds, recordTlsExpiries, tlsMaterialExpiries
} from '../../../src/channels/https/tls-expiry.js'
import { createMetrics } from '../../../src/metrics/index.js'
import { configFrom } from '../../../src/config/index.js'
import { CERTS, buildGateway, exampleAgreement, metricValue, tmpDir, type TeardownHost } from '../../helpers/gateway.js'
import { runCli } from '../../helpers/cli.js'
import { call } from '../../helpers/https-client.js'
import { paxlst } from '../../helpers/edi.js'

const DAY = 86_400_000
/** openssl's YYYYMMDDHHMMSSZ for now + days (whole seconds). */
const stamp = (days: number): string => new Date(Math.floor((Date.now() + days * DAY) / 1000) * 1000)
  .toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z')

const CA_CNF = `[ ca ]
default_ca = own
[ own ]
dir = .
database = ./index.txt
new_certs_dir = .
serial = ./serial
crlnumber = ./crlnumber
default_md = sha256
policy = anything
default_days = 365
[ anything ]
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server ]
basicConstraints = critical, CA:false
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
`

interface Pki { dir: string, caCrt: string, caKey: string, serverCrt: string, serverKey: string, crl: string }

const openssl = (dir: string, ...args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }) }

/** A CA directory for `openssl ca` (index, serial, crlnumber). */
function caDir (dir: string): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'ca.cnf'), CA_CNF)
  writeFileSync(join(dir, 'index.txt'), '')
  writeFileSync(join(dir, 'serial'), '01\n')
  writeFileSync(join(dir, 'crlnumber'), '01\n')
}

/** A CRL of the CA in `dir` (key and cert given) with thisUpdate a day before nextUpdate `days` from now. */
function crlOf (dir: string, caCrt: string, caKey: string, days: number, out = 'ca.crl'): string {
  openssl(dir, 'ca', '-batch', '-config', 'ca.cnf', '-gencrl', '-keyfile', caKey, '-cert', caCrt,
    '-crl_lastupdate', stamp(Math.min(days, 0) - 1), '-crl_nextupdate', stamp(days), '-out', out)
  return join(dir, out)
}

/** Own CA (ends in caDays), a server certificate under it (serverDays) and its CRL (crlDays), all from now. */
function makePki (t: TeardownHost, days: { ca: number, server: number, crl: number }): Pki {
  const dir = join(tmpDir(t, 'cg-pki-'), 'ca')
  caDir(dir)
  openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key')
  openssl(dir, 'req', '-new', '-key', 'ca.key', '-subj', '/CN=Test PIU CA', '-out', 'ca.csr', '-config', 'ca.cnf')
  openssl(dir, 'ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'ca.key', '-in', 'ca.csr', '-out', 'ca.crt',
    '-extensions', 'v3_ca', '-startdate', stamp(Math.min(days.ca, 0) - 10), '-enddate', stamp(days.ca))
  openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key')
  openssl(dir, 'req', '-new', '-key', 'server.key', '-subj', '/CN=localhost', '-out', 'server.csr', '-config', 'ca.cnf')
  openssl(dir, 'ca', '-batch', '-config', 'ca.cnf', '-keyfile', 'ca.key', '-cert', 'ca.crt', '-in', 'server.csr', '-out', 'server.crt',
    '-extensions', 'server', '-startdate', stamp(Math.min(days.server, 0) - 5), '-enddate', stamp(days.server))
  const crl = crlOf(dir, 'ca.crt', 'ca.key', days.crl)
  const at = (name: string): string => join(dir, name)
  return { dir, caCrt: at('ca.crt'), caKey: at('ca.key'), serverCrt: at('server.crt'), serverKey: at('server.key'), crl }
}

const opensslDate = (file: string, what: 'crl' | 'x509'): number => {
  const out = execFileSync('openssl', [what, '-in', file, '-noout', what === 'crl' ? '-nextupdate' : '-enddate'], { encoding: 'utf8' })
  return Date.parse(out.split('=')[1].trim())
}

t.test('nextUpdate and notAfter are read as openssl reads them', async t => {
  const pki = makePki(t, { ca: 400, server: 20, crl: 5 })
  const crlPem = readFileSync(pki.crl, 'utf8')
  t.same(crlNextUpdates(crlPem).map(d => d?.getTime()), [opensslDate(pki.crl, 'crl')])
  const der = execFileSync('openssl', ['crl', '-in', pki.crl, '-outform', 'DER'])
  t.equal(crlNextUpdate(der)?.getTime(), opensslDate(pki.crl, 'crl'), 'DER CRL')
  t.same(certificateEnds(readFileSync(pki.serverCrt, 'utf8')).map(d => d.getTime()), [opensslDate(pki.serverCrt, 'x509')])
  // a bundle: the earliest end counts
  const bundle = join(pki.dir, 'bundle.crt')
  writeFileSync(bundle, readFileSync(join(CERTS, 'ca.crt'), 'utf8') + readFileSync(pki.caCrt, 'utf8'))
  const https = configFrom({ https: { cert: pki.serverCrt, key: pki.serverKey, clientCa: bundle, crl: pki.crl } }).https
  const found = tlsMaterialExpiries(https)
  t.same(found.map(e => [e.kind, e.path, e.unreadable]), [
    ['server', '/https/cert', false], ['client_ca', '/https/clientCa', false], ['crl', '/https/crl', false]
  ])
  t.equal(found[1].at?.getTime(), opensslDate(pki.caCrt, 'x509'), 'the earlier of the two CA certificates')
  t.throws(() => crlNextUpdate(Buffer.from([0x30, 0x82, 0x10])), 'truncated DER is refused')
  writeFileSync(join(pki.dir, 'junk.crl'), '-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n')
  const junk = tlsMaterialExpiries({ ...https, crl: join(pki.dir, 'junk.crl') })[2]
  t.same([junk.at, junk.unreadable], [null, true])
})

const fingerprintOfFile = (file: string): string => new X509Certificate(readFileSync(file)).fingerprint256.slice(0, 23)

t.test('the gauges: one series per server certificate, CA certificate and CRL', async t => {
  const pki = makePki(t, { ca: 400, server: 20, crl: 5 })
  const metrics = createMetrics({ defaults: false })
  const bundle = join(pki.dir, 'bundle.crt')
  writeFileSync(bundle, readFileSync(join(CERTS, 'ca.crt'), 'utf8') + readFileSync(pki.caCrt, 'utf8'))
  const rsa = join(CERTS, 'server-rsa.crt')
  const https = configFrom({
    https: {
      cert: [{ cert: pki.serverCrt, key: pki.serverKey }, { cert: rsa, key: join(CERTS, 'server-rsa.key') }],
      clientCa: bundle,
      crl: pki.crl
    }
  }).https
  recordTlsExpiries(https, metrics)
  const series = async (g: { get: () => Promise<{ values: Array<{ labels: object, value: number }> }> }): Promise<unknown[]> =>
    (await g.get()).values.map(v => [v.labels, v.value])
  t.same(await series(metrics.serverCertificateExpiry), [
    [{ fingerprint: fingerprintOfFile(pki.serverCrt) }, opensslDate(pki.serverCrt, 'x509') / 1000],
    [{ fingerprint: fingerprintOfFile(rsa) }, opensslDate(rsa, 'x509') / 1000]
  ])
  t.same(await series(metrics.clientCaExpiry), [
    [{ fingerprint: fingerprintOfFile(join(CERTS, 'ca.crt')) }, opensslDate(join(CERTS, 'ca.crt'), 'x509') / 1000],
    [{ fingerprint: fingerprintOfFile(pki.caCrt) }, opensslDate(pki.caCrt, 'x509') / 1000]
  ])
  const crlDer = execFileSync('openssl', ['crl', '-in', pki.crl, '-outform', 'DER'])
  const crlPrint = createHash('sha256').update(crlDer).digest('hex').slice(0, 16).toUpperCase().replace(/(..)(?!$)/g, '$1:')
  t.same(await series(metrics.crlNextUpdate), [[{ fingerprint: crlPrint }, opensslDate(pki.crl, 'crl') / 1000]])
  t.match(fingerprintOfFile(pki.caCrt), /^([0-9A-F]{2}:){7}[0-9A-F]{2}$/, 'the bounded fingerprint prefix of the carrier gauges')
  recordTlsExpiries({ ...https, crl: null }, metrics)
  t.same(await series(metrics.crlNextUpdate), [], 'no CRL configured: no series')
})

t.test('a running gateway exports them and follows a TLS reload', async t => {
  const dir = tmpDir(t)
  caDir(join(dir, 'exampleca'))
  const crl = crlOf(join(dir, 'exampleca'), join(CERTS, 'ca.crt'), join(CERTS, 'ca.key'), 20)
  const { gateway } = await buildGateway(t, { dir, config: { https: { crl } } })
  const value = async (): Promise<number> => await metricValue(gateway, 'carrier_gateway_crl_next_update_timestamp_seconds')
  t.equal(await value(), opensslDate(crl, 'crl') / 1000)
  const server = await metricValue(gateway, 'carrier_gateway_server_certificate_expiry_timestamp_seconds')
  t.equal(server, opensslDate(join(CERTS, 'server.crt'), 'x509') / 1000)
  const ca = await metricValue(gateway, 'carrier_gateway_client_ca_expiry_timestamp_seconds')
  t.equal(ca, opensslDate(join(CERTS, 'ca.crt'), 'x509') / 1000)
  crlOf(join(dir, 'exampleca'), join(CERTS, 'ca.crt'), join(CERTS, 'ca.key'), 60)
  gateway.reload()
  t.equal(await value(), opensslDate(crl, 'crl') / 1000, 'the fresh CRL after SIGHUP')
  t.ok(await value() > Date.now() / 1000 + 59 * 86400)
})

t.test('a CRL past its nextUpdate refuses every carrier (401); a fresh one lets them in', async t => {
  // Why check-config must refuse an expired CRL: OpenSSL then fails every client certificate verification.
  const dir = tmpDir(t)
  caDir(join(dir, 'exampleca'))
  const expired = crlOf(join(dir, 'exampleca'), join(CERTS, 'ca.crt'), join(CERTS, 'ca.key'), -1, 'expired.crl')
  const fresh = crlOf(join(dir, 'exampleca'), join(CERTS, 'ca.crt'), join(CERTS, 'ca.key'), 10, 'fresh.crl')
  const before = await buildGateway(t, { config: { https: { crl: expired } }, agreements: [exampleAgreement()] })
  const refused = await call(before.gateway.httpsPort()!, { body: paxlst(), contentType: 'application/edifact' })
  t.equal(refused.status, 401, refused.body)
  const after = await buildGateway(t, { config: { https: { crl: fresh } }, agreements: [exampleAgreement()] })
  const accepted = await call(after.gateway.httpsPort()!, { body: paxlst(), contentType: 'application/edifact' })
  t.equal(accepted.status, 200, accepted.body)
})

/** gateway.yaml naming the PKI's files, and one agreement folder. */
function configFile (t: TeardownHost, pki: Pki, https: Record<string, unknown> = {}): string {
  const dir = tmpDir(t, 'cg-check-tls-')
  const carriers = join(dir, 'carriers')
  mkdirSync(carriers)
  writeFileSync(join(carriers, 'XA.yaml'), stringify(exampleAgreement()))
  const file = join(dir, 'gateway.yaml')
  const files = { key: pki.serverKey, cert: pki.serverCrt, clientCa: pki.caCrt, crl: pki.crl }
  writeFileSync(file, stringify({ https: { ...files, ...https }, carriers }))
  return file
}

t.test('check-config: far-off ends are ok and say nothing', async t => {
  const pki = makePki(t, { ca: 400, server: 200, crl: 60 })
  const r = await runCli(['check-config', '--config', configFile(t, pki)])
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stderr, '')
})

t.test('check-config: an expired CRL fails (every carrier would get 401)', async t => {
  const pki = makePki(t, { ca: 400, server: 200, crl: -2 })
  const file = configFile(t, pki)
  const r = await runCli(['check-config', '--config', file])
  t.equal(r.code, 1, 'exit 1')
  t.match(r.stderr, `${file}: /https/crl names ${pki.crl}, which has its nextUpdate`)
  t.match(r.stderr, /\(passed\): the CRL is no longer valid and every carrier gets 401/)
  t.match(r.stderr, '1 problem found')
  t.notMatch(r.stdout, /ok/)
})

t.test('check-config: an expired server certificate or client CA fails', async t => {
  const server = makePki(t, { ca: 400, server: -1, crl: 60 })
  const r1 = await runCli(['check-config', '--config', configFile(t, server)])
  t.equal(r1.code, 1)
  t.match(r1.stderr, /\/https\/cert names .*server\.crt, which expires .* \(passed\): carriers refuse/)
  const ca = makePki(t, { ca: -1, server: 200, crl: 60 })
  const r2 = await runCli(['check-config', '--config', configFile(t, ca, { cert: [{ cert: ca.serverCrt, key: ca.serverKey }] })])
  t.equal(r2.code, 1)
  t.match(r2.stderr, /\/https\/clientCa names .*ca\.crt, which expires .* \(passed\): every carrier certificate fails verification/)
})

t.test('check-config: within 30 days a warning for each, exit 0', async t => {
  const pki = makePki(t, { ca: 25, server: 20, crl: 5 })
  const r = await runCli(['check-config', '--config', configFile(t, pki)])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, ': ok; 1 carrier agreement ok')
  const warnings = r.stderr.trim().split('\n')
  t.equal(warnings.length, 3, r.stderr)
  t.match(warnings[0], /^warning: .*gateway\.yaml: \/https\/cert names .*server\.crt, which expires \S+ \(in 19 days\)/)
  t.match(warnings[1], /^warning: .*: \/https\/clientCa names .*ca\.crt, which expires \S+ \(in 24 days\)/)
  t.match(warnings[2], /^warning: .*: \/https\/crl names .*ca\.crl, which has its nextUpdate \S+ \(in 4 days\)/)
})

t.test('check-config: a CRL file that holds no CRL fails', async t => {
  const pki = makePki(t, { ca: 400, server: 200, crl: 60 })
  writeFileSync(pki.crl, 'not a CRL\n')
  const r = await runCli(['check-config', '--config', configFile(t, pki)])
  t.equal(r.code, 1)
  t.match(r.stderr, /\/https\/crl names .*ca\.crl, which holds no CRL that can be read/)
})
