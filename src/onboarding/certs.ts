/**
 * Client certificates for carriers (`certs issue`, `certs show`). Issuing runs the `openssl`
 * binary (as certs-example/generate.sh does) so the PIU's own CA works the same way: EC P-256 key,
 * a CSR, then `openssl x509 -req` signed by `ca.cert` / `ca.key` with the clientAuth profile the
 * gateway's mTLS listener expects. Reading uses node:crypto X509Certificate. The fingerprint is
 * printed in the agreement's `sha256/AB:CD:…` form (docs/agreements.md, `channels.https`).
 */
import { execFile } from 'node:child_process'
import { X509Certificate, randomBytes } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { GatewayError } from '../errors.js'

const run = promisify(execFile)

/** The extensions of a carrier client certificate (same profile as certs-example/generate.sh). */
const CLIENT_EXTENSIONS = `[ client ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
`

export interface CertFacts {
  /** `sha256/AB:CD:…`, the form an agreement pins. */
  fingerprint: string
  subject: string
  issuer: string
  notBefore: string
  notAfter: string
  daysLeft: number
  serial: string
  keyType: string
}

export function certFacts (pem: string | Buffer, now = Date.now()): CertFacts {
  const c = new X509Certificate(pem)
  const notAfter = new Date(c.validTo)
  const key = c.publicKey
  const details = key.asymmetricKeyDetails
  const bits = details?.modulusLength !== undefined ? ` ${details.modulusLength}` : ''
  const keyType = key.asymmetricKeyType === 'ec'
    ? `EC ${details?.namedCurve ?? ''}`.trim()
    : `${(key.asymmetricKeyType ?? 'unknown').toUpperCase()}${bits}`
  return {
    fingerprint: `sha256/${c.fingerprint256}`,
    subject: c.subject.split('\n').join(', '),
    issuer: c.issuer.split('\n').join(', '),
    notBefore: new Date(c.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now) / 86_400_000),
    serial: c.serialNumber,
    keyType
  }
}

/** Escapes a value for `openssl req -subj` (`/` separates attributes, `\` escapes). */
function subjValue (v: string): string {
  return v.replace(/[\\/+=]/g, c => `\\${c}`)
}

export interface IssueOptions {
  code: string
  /** Organisation (O=); the agreement's name when there is one. */
  organisation: string | null
  caCertFile: string
  /** The CA private key in PEM (resolved from `ca.key`, never logged). */
  caKeyPem: string
  outDir: string
  days: number
  /** `openssl` binary. @default 'openssl' */
  openssl?: string
}

export interface Issued extends CertFacts {
  keyFile: string
  certFile: string
}

/** Issues `<outDir>/<CODE>-client.key` (0600) and `.crt`; refuses to overwrite either. */
export async function issueClientCertificate (o: IssueOptions): Promise<Issued> {
  const openssl = o.openssl ?? 'openssl'
  await mkdir(o.outDir, { recursive: true })
  const keyFile = join(o.outDir, `${o.code}-client.key`)
  const certFile = join(o.outDir, `${o.code}-client.crt`)
  // 'wx' claims both names first, so an existing key or certificate is never overwritten.
  await writeFile(keyFile, '', { flag: 'wx', mode: 0o600 })
  try {
    await writeFile(certFile, '', { flag: 'wx', mode: 0o644 })
  } catch (err) {
    await rm(keyFile, { force: true })
    throw err
  }
  // The CA key goes to a private temporary folder (0700) only for the signing call.
  const work = await mkdtemp(join(tmpdir(), 'cg-certs-'))
  try {
    await chmod(work, 0o700)
    const caKey = join(work, 'ca.key')
    await writeFile(caKey, o.caKeyPem.endsWith('\n') ? o.caKeyPem : `${o.caKeyPem}\n`, { mode: 0o600 })
    await writeFile(join(work, 'ext.cnf'), CLIENT_EXTENSIONS)
    const newKey = join(work, 'client.key')
    await run(openssl, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', newKey])
    const subject = `${o.organisation !== null ? `/O=${subjValue(o.organisation)}` : ''}/CN=${subjValue(o.code)}`
    await run(openssl, ['req', '-new', '-key', newKey, '-subj', subject, '-utf8', '-out', join(work, 'client.csr')])
    await run(openssl, ['x509', '-req', '-in', join(work, 'client.csr'), '-CA', o.caCertFile, '-CAkey', caKey,
      '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', String(o.days), '-sha256',
      '-extfile', join(work, 'ext.cnf'), '-extensions', 'client', '-out', join(work, 'client.crt')])
    const certPem = await readFile(join(work, 'client.crt'))
    // A certificate the CA's key did not sign is useless to the carrier: check before handing out.
    const ca = new X509Certificate(await readFile(o.caCertFile))
    if (!new X509Certificate(certPem).verify(ca.publicKey)) throw new GatewayError('GW_ERR_ONBOARDING_CA_MISMATCH')
    await writeFile(keyFile, await readFile(newKey), { mode: 0o600 })
    await chmod(keyFile, 0o600)
    await writeFile(certFile, certPem)
    return { ...certFacts(certPem), keyFile, certFile }
  } catch (err) {
    await rm(keyFile, { force: true })
    await rm(certFile, { force: true })
    throw err
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** Whether `caPem` is one of the certificates in the bundle file's PEM text. */
export function bundleHolds (bundlePem: string, caPem: string): boolean {
  const want = new X509Certificate(caPem).fingerprint256
  const blocks = bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  return blocks.some(b => {
    try { return new X509Certificate(b).fingerprint256 === want } catch { return false }
  })
}
