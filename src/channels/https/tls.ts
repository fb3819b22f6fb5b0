/**
 * TLS settings for the carrier listener: TLS 1.2 minimum, forward-secret AEAD ciphers only,
 * ECDSA and RSA server certificates side by side, the carrier CA bundle and an optional CRL.
 * Session tickets stay on so reconnecting carriers resume instead of a full handshake.
 */
import { readFileSync } from 'node:fs'
import type { SecureContextOptions } from 'node:tls'
import type { GatewayConfig } from '../../config/index.js'

/** Mozilla "intermediate" list for TLS 1.2; TLS 1.3 suites are always enabled by Node. */
export const CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305'
].join(':')

export function secureContextOptions (https: GatewayConfig['https']): SecureContextOptions {
  const pairs = typeof https.cert === 'string' ? [{ key: https.key ?? '', cert: https.cert }] : https.cert
  return {
    key: pairs.map(p => readFileSync(p.key)),
    cert: pairs.map(p => readFileSync(p.cert)),
    ca: readFileSync(https.clientCa),
    ...(https.crl !== null ? { crl: readFileSync(https.crl) } : {}),
    minVersion: https.minVersion,
    ciphers: CIPHERS,
    honorCipherOrder: true
  }
}
