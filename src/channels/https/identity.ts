/**
 * Who is on the other end of a TLS socket (docs/architecture.md "Invariants", 3): the client certificate's
 * SHA-256 fingerprint, pinned in agreements — never the CN. The TLS layer accepts any certificate
 * (`rejectUnauthorized: false`) so that the carrier learns *why* it is refused (401/403 with a
 * reason) instead of a bare handshake failure; this check then decides. The result is cached per
 * socket (a WeakMap: gone with the socket) and recomputed when the agreements were reloaded.
 * Note the order of the checks: trust (CA, validity, CRL) before the pin, so an expired or revoked
 * certificate is refused as such even when it is still pinned.
 */
import type { TLSSocket } from 'node:tls'
import { isIP } from 'node:net'
import type { Agreement } from '../../agreements/schema.js'
import { parseCidr, type AgreementSet } from '../../agreements/store.js'
import type { ErrorId } from '../../errors.js'
import type { ExcludedAgreement } from '../../pipeline/types.js'

export type PeerIdentity =
  | { ok: true, candidates: readonly Agreement[], excluded: readonly ExcludedAgreement[], fingerprint: string, notAfter: Date | null }
  | { ok: false, error: ErrorId, reason: string }

function toBigInt (address: string, family: 'ipv4' | 'ipv6'): bigint | null {
  if (family === 'ipv4') {
    const p = address.split('.').map(Number)
    if (p.length !== 4 || p.some(n => !Number.isInteger(n) || n < 0 || n > 255)) return null
    return p.reduce((acc, n) => (acc << 8n) + BigInt(n), 0n)
  }
  const [head, tail = ''] = address.split('::')
  const h = head === '' ? [] : head.split(':')
  const t = tail === '' ? [] : tail.split(':')
  const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h
  if (groups.length !== 8) return null
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16) || 0), 0n)
}

/** Whether `address` (as Node reports it, IPv4-mapped IPv6 included) is in one of the CIDRs. */
export function addressAllowed (address: string | undefined, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return true
  if (address === undefined) return false
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
  const family = isIP(plain) === 4 ? 'ipv4' : 'ipv6'
  const value = toBigInt(plain, family)
  if (value === null) return false
  for (const c of cidrs) {
    const net = parseCidr(c)
    if (net === null || net.family !== family) continue
    const bits = family === 'ipv4' ? 32 : 128
    const base = toBigInt(net.address, family)
    if (base === null) continue
    const shift = BigInt(bits - net.prefix)
    if ((value >> shift) === (base >> shift)) return true
  }
  return false
}

/** Maps a verified peer certificate to the agreements it may act for. */
function identify (socket: TLSSocket, set: AgreementSet): PeerIdentity {
  const cert = socket.getPeerCertificate()
  if (cert === null || cert === undefined || Object.keys(cert).length === 0 || cert.fingerprint256 === undefined) {
    return { ok: false, error: 'GW_ERR_INTAKE_NO_CERTIFICATE', reason: 'no_certificate' }
  }
  if (!socket.authorized) {
    const why = String(socket.authorizationError ?? 'unknown')
    if (why === 'CERT_REVOKED') return { ok: false, error: 'GW_ERR_INTAKE_REVOKED_CERTIFICATE', reason: 'revoked_crl' }
    // OpenSSL's X509_V_ERR_CERT_HAS_EXPIRED: the carrier must renew, not ask who signed it.
    if (why === 'CERT_HAS_EXPIRED') return { ok: false, error: 'GW_ERR_INTAKE_EXPIRED_CERTIFICATE', reason: 'cert_has_expired' }
    return { ok: false, error: 'GW_ERR_INTAKE_UNTRUSTED_CERTIFICATE', reason: why.toLowerCase() }
  }
  const fingerprint = cert.fingerprint256.toUpperCase()
  const pinned = set.byFingerprint(fingerprint)
  if (pinned.length === 0) return { ok: false, error: 'GW_ERR_INTAKE_UNKNOWN_CERTIFICATE', reason: 'unknown_fingerprint' }
  const notRevoked = pinned.filter(a => a.channels.https?.certificates.some(c => c.fingerprint === fingerprint && !c.revoked) === true)
  if (notRevoked.length === 0) return { ok: false, error: 'GW_ERR_INTAKE_REVOKED_CERTIFICATE', reason: 'revoked_agreement' }
  const allowed = notRevoked.filter(a => addressAllowed(socket.remoteAddress, a.channels.https?.allowFrom ?? []))
  if (allowed.length === 0) return { ok: false, error: 'GW_ERR_INTAKE_ADDRESS_NOT_ALLOWED', reason: 'address_not_allowed' }
  const active = allowed.filter(a => a.stage !== 'suspended')
  if (active.length === 0) return { ok: false, error: 'GW_ERR_INTAKE_CARRIER_SUSPENDED', reason: 'suspended' }
  const notAfter = cert.valid_to !== undefined ? new Date(cert.valid_to) : null
  // A shared (provider) certificate may be refused for some of its carriers only; the UNB sender
  // then decides, and traffic for an excluded carrier is refused with its own reason.
  const excluded: ExcludedAgreement[] = pinned.filter(a => !active.includes(a)).map(a => ({
    agreement: a,
    error: !notRevoked.includes(a)
      ? 'GW_ERR_INTAKE_REVOKED_CERTIFICATE'
      : !allowed.includes(a) ? 'GW_ERR_INTAKE_ADDRESS_NOT_ALLOWED' : 'GW_ERR_INTAKE_CARRIER_SUSPENDED'
  }))
  return { ok: true, candidates: active, excluded, fingerprint, notAfter }
}

/**
 * Per-socket cache: the lookup runs once per TLS connection, not once per request. An entry is
 * valid for the agreement set it was computed from (compared by identity, so two reloads within
 * one millisecond still invalidate it).
 */
export function createIdentityCache (
  current: () => AgreementSet,
  onIdentified?: (identity: PeerIdentity & { ok: true }) => void
): (socket: TLSSocket) => PeerIdentity {
  const cache = new WeakMap<TLSSocket, { set: AgreementSet, identity: PeerIdentity }>()
  return socket => {
    const set = current()
    const hit = cache.get(socket)
    if (hit !== undefined && hit.set === set) return hit.identity
    const identity = identify(socket, set)
    cache.set(socket, { set, identity })
    if (identity.ok) onIdentified?.(identity)
    return identity
  }
}
