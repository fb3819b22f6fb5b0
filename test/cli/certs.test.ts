import t from 'tap'
import { X509Certificate } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { exampleAgreement, fingerprintOf, tmpDir, testConfig, CERTS } from '../helpers/gateway.js'
import { runCli } from '../helpers/cli.js'

const cli = runCli

function setup (
  t: { teardown: (fn: () => unknown) => void },
  extra: Record<string, unknown> = {}
): { dir: string, config: string, carriers: string } {
  const dir = tmpDir(t)
  const carriers = join(dir, 'carriers')
  mkdirSync(carriers)
  writeFileSync(join(carriers, 'XA.yaml'), stringify(exampleAgreement()))
  const config = join(dir, 'gateway.yaml')
  // The example CA, as in the default config (ca.cert / ca.key: file:...).
  writeFileSync(
    config,
    stringify(
      testConfig(join(dir, 'var'), carriers, { ca: { cert: join(CERTS, 'ca.crt'), key: `file:${join(CERTS, 'ca.key')}` }, ...extra })
    )
  )
  return { dir, config, carriers }
}

t.test('issue from the configured CA, then register it with carriers add, then show it', async t => {
  const { dir, config } = setup(t)
  const out = join(dir, 'issued')
  const r = await cli(['certs', 'issue', 'XQ', '--out', out, '--days', '90', '--config', config])
  t.equal(r.code, 0, r.stderr)
  const crt = join(out, 'XQ-client.crt')
  const fp = `sha256/${new X509Certificate(readFileSync(crt)).fingerprint256}`
  t.match(
    r.stdout,
    new RegExp(`- \\{ fingerprint: "${fp}", notAfter: "\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z", label: "issued \\d{4}-\\d\\d-\\d\\d" \\}`)
  )
  t.match(r.stdout, new RegExp(`\\n {2}- "${fp}"\\n`), 'the plain fingerprint line too')
  t.match(r.stdout, /\(89 days\)/)
  t.match(r.stderr, /no agreement for XQ yet/)
  t.notMatch(r.stderr, /warning/, 'the example CA is the one https.clientCa trusts')
  t.equal(statSync(join(out, 'XQ-client.key')).mode & 0o777, 0o600)
  t.equal(new X509Certificate(readFileSync(crt)).subject, 'CN=XQ', 'no agreement: no O=')

  const again = await cli(['certs', 'issue', 'XQ', '--out', out, '--config', config])
  t.equal(again.code, 2)
  t.match(again.stderr, /already exists; not overwritten/)

  t.equal((await cli(['carriers', 'add', 'XQ', '--name', 'Quebec Air', '--cert', crt, '--config', config])).code, 0)
  const show = await cli(['certs', 'show', crt, '--config', config])
  t.equal(show.code, 0)
  t.match(show.stdout, new RegExp(`fingerprint {2}${fp}`))
  t.match(show.stdout, /subject {6}CN=XQ/)
  t.match(show.stdout, /issuer {7}O=Example PIU \(EXAMPLE ONLY\), CN=Example Carrier Gateway CA/)
  t.match(show.stdout, /notAfter {5}\d{4}-/)
  t.match(show.stdout, /days left {4}89/)
  t.match(show.stdout, /pinned by {4}XQ/)

  // With an agreement, the organisation is its name.
  const out2 = join(dir, 'issued2')
  t.equal((await cli(['certs', 'issue', 'XA', '--out', out2, '--config', config])).code, 0)
  t.equal(new X509Certificate(readFileSync(join(out2, 'XA-client.crt'))).subject, 'O=Example Air\nCN=XA')
})

t.test('show: the example certificates, an expired one, a non-certificate', async t => {
  const { dir, config } = setup(t)
  const xa = await cli(['certs', 'show', join(CERTS, 'xa-client.crt'), '--config', config])
  t.equal(xa.code, 0)
  t.match(xa.stdout, new RegExp(`fingerprint {2}${fingerprintOf('xa-client')}`))
  t.match(xa.stdout, /pinned by {4}XA/)
  const noConfig = await cli(['certs', 'show', join(CERTS, 'xb-client.crt'), '--config', join(dir, 'missing.yaml')])
  t.equal(noConfig.code, 0, 'works without a config')
  t.notMatch(noConfig.stdout, /pinned by/)
  const expired = await cli(['certs', 'show', join(CERTS, 'expired-client.crt'), '--config', config])
  t.equal(expired.code, 1, 'an expired certificate fails the check')
  t.match(expired.stdout, /days left {4}expired \d+ days ago/)
  const junk = await cli(['certs', 'show', join(CERTS, 'README.md'), '--config', config])
  t.equal(junk.code, 1)
  t.match(junk.stderr, /is not a PEM or DER certificate/)
})

t.test('issue: usage, and a CA the gateway does not trust is warned about', async t => {
  const { dir, config } = setup(t, { ca: { cert: join(CERTS, 'rogue-ca.crt'), key: `file:${join(CERTS, 'rogue-ca.key')}` } })
  const r = await cli(['certs', 'issue', 'XR', '--out', join(dir, 'o'), '--config', config])
  t.equal(r.code, 0)
  t.match(r.stderr, /warning: .*rogue-ca\.crt is not in https\.clientCa/)
  t.equal((await cli(['certs', 'issue', 'XR', '--config', config])).code, 2, '--out is required')
  t.equal((await cli(['certs', 'issue', 'XR', '--out', dir, '--days', '0', '--config', config])).code, 2)
  t.equal((await cli(['certs', 'issue', 'toolong', '--out', dir, '--config', config])).code, 2)
  t.equal((await cli(['certs', 'revoke', 'XR', '--config', config])).code, 2)
  const noKey = setup(t, { ca: { cert: join(CERTS, 'ca.crt'), key: 'env:CG_TEST_NO_SUCH_CA_KEY' } })
  const missing = await cli(['certs', 'issue', 'XR', '--out', join(noKey.dir, 'o'), '--config', noKey.config])
  t.equal(missing.code, 2)
  t.match(missing.stderr, /environment variable CG_TEST_NO_SUCH_CA_KEY is not set/)
})
