/**
 * When the carrier listener's own TLS material runs out (docs/security.md "Certificate lifecycle"):
 * the notAfter of each server certificate, the earliest notAfter in the client CA bundle and the
 * earliest nextUpdate of the CRL file. Each one ends every carrier's HTTPS access at once: an expired
 * server certificate is refused by the carriers, an expired CA or a CRL past its nextUpdate makes
 * OpenSSL fail every client certificate (RFC 5280 §5.1.2.5: a CRL past nextUpdate is not to be used),
 * so the identity hook answers 401 to all. check-config refuses expired material; the gauges
 * `carrier_gateway_server_certificate_expiry_timestamp_seconds`, `…_client_ca_expiry_timestamp_seconds` and
 * `…_crl_next_update_timestamp_seconds` feed the alerts ahead of it.
 */
import { X509Certificate, createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { GatewayConfig } from '../../config/index.js'
import type { Metrics } from '../../metrics/index.js'

export type TlsMaterialKind = 'server' | 'client_ca' | 'crl'

export interface TlsMaterialExpiry {
  kind: TlsMaterialKind
  /** The file as the config names it. */
  file: string
  /** JSON pointer of the config field naming the file (for check-config's messages). */
  path: string
  /** notAfter (certificates) or nextUpdate (CRL); null when unknown (a CRL without nextUpdate, or `unreadable`). */
  at: Date | null
  /** The file cannot be read or holds no certificate / CRL that parses. */
  unreadable: boolean
}

function pemBlocks (text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g')
  return [...text.matchAll(re)].map(m => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'))
}

export interface CertificateEnd {
  /** The first 8 bytes of the SHA-256 fingerprint, `AB:CD:…` (the bounded label the carrier gauges use too). */
  fingerprint: string
  notAfter: Date
}

/** Each certificate of a PEM file (a bundle has several) with its notAfter. */
export function certificatesIn (pem: string): CertificateEnd[] {
  return pemBlocks(pem, 'CERTIFICATE').map(der => {
    const c = new X509Certificate(der)
    return { fingerprint: c.fingerprint256.slice(0, 23), notAfter: new Date(Date.parse(c.validTo)) }
  })
}

/** notAfter of every certificate in a PEM file. */
export function certificateEnds (pem: string): Date[] {
  return certificatesIn(pem).map(c => c.notAfter)
}

interface Tlv { tag: number, start: number, end: number }

/** One DER tag-length-value at `at` (ITU-T X.690 §8.1: definite lengths only, as DER requires). */
function tlv (der: Buffer, at: number): Tlv {
  const tag = der[at]
  let length = der[at + 1]
  let start = at + 2
  if (length >= 0x80) {
    const bytes = length & 0x7f
    if (bytes === 0 || bytes > 4) throw new Error('unsupported DER length')
    length = 0
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]
    start += bytes
  }
  if (tag === undefined || start + length > der.length) throw new Error('truncated DER')
  return { tag, start, end: start + length }
}

/** UTCTime (tag 0x17, YYMMDDHHMMSSZ, years 50–99 are 19xx: RFC 5280 §4.1.2.5.1) or GeneralizedTime (0x18). */
function derTime (der: Buffer, t: Tlv): Date {
  const s = der.subarray(t.start, t.end).toString('latin1')
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  if (m === null) throw new Error('unsupported time format')
  const year = t.tag === 0x17 ? (Number(m[1]) >= 50 ? 1900 : 2000) + Number(m[1]) : Number(m[1])
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
}

/**
 * nextUpdate of one DER CRL (RFC 5280 §5.1: CertificateList → TBSCertList { version?, signature,
 * issuer, thisUpdate, nextUpdate?, … }); null when the CRL states none.
 */
export function crlNextUpdate (der: Buffer): Date | null {
  const list = tlv(der, 0)
  const tbs = tlv(der, list.start)
  let field = tlv(der, tbs.start)
  if (field.tag === 0x02) field = tlv(der, field.end) // version
  const issuer = tlv(der, field.end) // field is the signature AlgorithmIdentifier
  const thisUpdate = tlv(der, issuer.end)
  if (thisUpdate.tag !== 0x17 && thisUpdate.tag !== 0x18) throw new Error('not a CRL (no thisUpdate)')
  if (thisUpdate.end >= tbs.end) return null
  const next = tlv(der, thisUpdate.end)
  return next.tag === 0x17 || next.tag === 0x18 ? derTime(der, next) : null
}

/** nextUpdate of every CRL in a PEM file (one per issuing CA). */
export function crlNextUpdates (pem: string): Array<Date | null> {
  return pemBlocks(pem, 'X509 CRL').map(crlNextUpdate)
}

function earliest (dates: Array<Date | null>): Date | null {
  const known = dates.filter((d): d is Date => d !== null && !Number.isNaN(d.getTime()))
  return known.length === 0 ? null : new Date(Math.min(...known.map(d => d.getTime())))
}

function read (file: string, parse: (pem: string) => Array<Date | null>): { at: Date | null, unreadable: boolean } {
  try {
    const dates = parse(readFileSync(file, 'utf8'))
    return { at: earliest(dates), unreadable: dates.length === 0 }
  } catch {
    return { at: null, unreadable: true }
  }
}

/** The expiry of each file of `https` (the listener need not be enabled: check-config asks first). */
export function tlsMaterialExpiries (https: GatewayConfig['https']): TlsMaterialExpiry[] {
  const out: TlsMaterialExpiry[] = []
  const pairs = typeof https.cert === 'string'
    ? [{ cert: https.cert, path: '/https/cert' }]
    : https.cert.map((p, i) => ({ cert: p.cert, path: `/https/cert/${i}/cert` }))
  // The first certificate of a server file is the leaf; the rest is the chain, which the carriers check themselves.
  for (const p of pairs) out.push({ kind: 'server', file: p.cert, path: p.path, ...read(p.cert, pem => certificateEnds(pem).slice(0, 1)) })
  out.push({ kind: 'client_ca', file: https.clientCa, path: '/https/clientCa', ...read(https.clientCa, certificateEnds) })
  if (https.crl !== null) out.push({ kind: 'crl', file: https.crl, path: '/https/crl', ...read(https.crl, crlNextUpdates) })
  return out
}

function readCertificates (file: string, leafOnly: boolean): CertificateEnd[] {
  try {
    const all = certificatesIn(readFileSync(file, 'utf8'))
    return leafOnly ? all.slice(0, 1) : all
  } catch {
    return []
  }
}

/**
 * Sets the three gauges afresh from the files (at start and on every TLS reload): one series per server
 * certificate, per client CA certificate and per CRL (each by fingerprint prefix).
 */
export function recordTlsExpiries (https: GatewayConfig['https'], metrics: Metrics): void {
  metrics.serverCertificateExpiry.reset()
  metrics.clientCaExpiry.reset()
  metrics.crlNextUpdate.reset()
  const certs = typeof https.cert === 'string' ? [https.cert] : https.cert.map(p => p.cert)
  const seconds = (c: CertificateEnd): number => c.notAfter.getTime() / 1000
  for (const file of certs) {
    for (const c of readCertificates(file, true)) metrics.serverCertificateExpiry.set({ fingerprint: c.fingerprint }, seconds(c))
  }
  for (const c of readCertificates(https.clientCa, false)) metrics.clientCaExpiry.set({ fingerprint: c.fingerprint }, seconds(c))
  if (https.crl === null) return
  for (const c of readCrls(https.crl)) metrics.crlNextUpdate.set({ fingerprint: c.fingerprint }, c.nextUpdate.getTime() / 1000)
}

/** Each CRL of the file that states a nextUpdate, named by its own SHA-256 prefix (a fresh CRL is a new series). */
function readCrls (file: string): Array<{ fingerprint: string, nextUpdate: Date }> {
  try {
    return pemBlocks(readFileSync(file, 'utf8'), 'X509 CRL').flatMap(der => {
      const nextUpdate = crlNextUpdate(der)
      return nextUpdate === null ? [] : [{ fingerprint: colonHex(createHash('sha256').update(der).digest().subarray(0, 8)), nextUpdate }]
    })
  } catch {
    return []
  }
}

const colonHex = (bytes: Buffer): string => [...bytes].map(b => b.toString(16).padStart(2, '0').toUpperCase()).join(':')
