import t from 'tap'
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleHolds, certFacts, issueClientCertificate } from '../../src/onboarding/certs.js'

const CERTS = join(import.meta.dirname, '..', '..', 'certs-example')

function folder (t: { teardown: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), 'cg-certs-test-'))
  t.teardown(() => rmSync(d, { recursive: true, force: true }))
  return d
}

t.test('certFacts agrees with openssl and the committed fingerprints', async t => {
  const pem = readFileSync(join(CERTS, 'xa-client.crt'))
  const f = certFacts(pem)
  const line = readFileSync(join(CERTS, 'fingerprints.txt'), 'utf8').split('\n').find(l => l.startsWith('xa-client '))
  t.equal(f.fingerprint, line?.split(' ')[1])
  t.match(f.subject, /CN=XA Example Air client/)
  t.match(f.issuer, /CN=Example Carrier Gateway CA/)
  t.equal(f.keyType, 'EC prime256v1')
  t.ok(f.daysLeft > 0)
  const expired = certFacts(readFileSync(join(CERTS, 'expired-client.crt')))
  t.ok(expired.daysLeft < 0)
  t.ok(bundleHolds(readFileSync(join(CERTS, 'ca.crt'), 'utf8'), readFileSync(join(CERTS, 'ca.crt'), 'utf8')))
  t.notOk(bundleHolds(readFileSync(join(CERTS, 'ca.crt'), 'utf8'), readFileSync(join(CERTS, 'rogue-ca.crt'), 'utf8')))
})

t.test('issue: EC P-256 client certificate from the example CA, key 0600, verifiable, clientAuth', async t => {
  const out = folder(t)
  const issued = await issueClientCertificate({
    code: 'XQ',
    organisation: 'Q/Air = "Test"',
    caCertFile: join(CERTS, 'ca.crt'),
    caKeyPem: readFileSync(join(CERTS, 'ca.key'), 'utf8'),
    outDir: out,
    days: 30
  })
  t.equal(issued.keyFile, join(out, 'XQ-client.key'))
  t.equal(statSync(issued.keyFile).mode & 0o777, 0o600)
  const cert = new X509Certificate(readFileSync(issued.certFile))
  t.equal(issued.fingerprint, `sha256/${cert.fingerprint256}`)
  // Node shows the quote escaped; what matters is one O and one CN, the slash and '=' kept as data.
  t.equal(cert.subject, 'O=Q/Air = \\"Test\\"\nCN=XQ', 'subject special characters escaped for openssl')
  t.ok(cert.verify(new X509Certificate(readFileSync(join(CERTS, 'ca.crt'))).publicKey))
  t.ok(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(readFileSync(issued.keyFile))), 'key matches certificate')
  t.equal(issued.daysLeft, 29)
  const text = execFileSync('openssl', ['x509', '-in', issued.certFile, '-noout', '-ext', 'extendedKeyUsage,basicConstraints'], {
    encoding: 'utf8'
  })
  t.match(text, /TLS Web Client Authentication/)
  t.match(text, /CA:FALSE/)
  const verify = execFileSync('openssl', ['verify', '-CAfile', join(CERTS, 'ca.crt'), '-purpose', 'sslclient', issued.certFile], {
    encoding: 'utf8'
  })
  t.match(verify, /: OK/)

  await t.rejects(
    issueClientCertificate({
      code: 'XQ',
      organisation: null,
      caCertFile: join(CERTS, 'ca.crt'),
      caKeyPem: readFileSync(join(CERTS, 'ca.key'), 'utf8'),
      outDir: out,
      days: 30
    }),
    { code: 'EEXIST' }
  )
  t.equal(new X509Certificate(readFileSync(issued.certFile)).fingerprint256, cert.fingerprint256, 'existing certificate untouched')
})

t.test('issue: a CA key that does not match the CA certificate is refused and leaves nothing', async t => {
  const out = folder(t)
  await t.rejects(
    issueClientCertificate({
      code: 'XR',
      organisation: null,
      caCertFile: join(CERTS, 'ca.crt'),
      caKeyPem: readFileSync(join(CERTS, 'rogue-ca.key'), 'utf8'),
      outDir: out,
      days: 30
    })
  )
  t.throws(() => statSync(join(out, 'XR-client.key')), { code: 'ENOENT' })
  t.throws(() => statSync(join(out, 'XR-client.crt')), { code: 'ENOENT' })
  writeFileSync(join(out, 'ca.key'), 'not a key')
  await t.rejects(
    issueClientCertificate({
      code: 'XR',
      organisation: null,
      caCertFile: join(CERTS, 'ca.crt'),
      caKeyPem: 'garbage',
      outDir: out,
      days: 30
    })
  )
  t.throws(() => statSync(join(out, 'XR-client.key')), { code: 'ENOENT' })
})
