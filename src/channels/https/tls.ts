/**
 * TLS settings for the carrier listener: TLS 1.2 minimum, forward-secret AEAD ciphers only,
 * ECDSA and RSA server certificates side by side, the carrier CA bundle and an optional CRL.
 * Session tickets stay on so reconnecting carriers resume instead of a full handshake; their keys
 * are replaced on every reload, so a session from before a CRL change cannot skip the new check.
 */
import { readFileSync } from 'node:fs'
import { randomBytes, constants } from 'node:crypto'
import type { Server } from 'node:https'
import type { Socket } from 'node:net'
import type { TLSSocket, SecureContextOptions } from 'node:tls'
import type { Logger } from 'pino'
import type { GatewayConfig } from '../../config/index.js'
import type { Metrics } from '../../metrics/index.js'

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
    honorCipherOrder: true,
    // TLS 1.2 renegotiation lets a client make the server redo expensive handshakes at will;
    // nothing here needs it (TLS 1.3 has none).
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION
  }
}

/** Fresh session-ticket keys: sessions issued before now can no longer be resumed. */
export function rotateTicketKeys (server: Server): void {
  server.setTicketKeys(randomBytes(48))
}

/** `::ffff:192.0.2.7` → `192.0.2.7`, so one IPv4 peer is one key however the stack reports it. */
function plainAddress (address: string | undefined): string {
  if (address === undefined) return 'unknown'
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/** Bounded metric label from a TLS error: the OpenSSL reason, lower-case, without prefixes. */
function handshakeReason (err: NodeJS.ErrnoException): string {
  const code = (err.code ?? 'handshake_failed').toLowerCase().replace(/^err_ssl_/, '').replace(/[^a-z0-9_]/g, '_')
  return code.slice(0, 60)
}

export interface HandshakeMonitorOptions {
  metrics: Metrics
  logger: Logger
  /** One log record per peer address per window, however often it fails. @default 60000 */
  windowMs?: number
  /** Peers remembered at most (then forgotten all at once). @default 10000 */
  maxPeers?: number
}

/**
 * Counts failed handshakes (`carrier_gateway_tls_handshake_failures_total{reason}`) and
 * connections refused over `maxConnections` (reason `connection_limit`), and logs each peer at
 * most once per window with the reason: a scanner or a misconfigured carrier retrying in a loop
 * must not flood the log. A `tlsClientError` only ever destroys its own socket.
 */
export function monitorHandshakes (server: Server, opts: HandshakeMonitorOptions): void {
  const { metrics, logger } = opts
  const windowMs = opts.windowMs ?? 60_000
  const maxPeers = opts.maxPeers ?? 10_000
  const recentlyLogged = new Map<string, number>()
  const note = (peer: string, reason: string, message: string): void => {
    metrics.tlsFailures.inc({ reason })
    const now = Date.now()
    if ((recentlyLogged.get(peer) ?? -Infinity) > now - windowMs) return
    if (recentlyLogged.size >= maxPeers) recentlyLogged.clear()
    recentlyLogged.set(peer, now)
    logger.warn({ peer, reason }, message)
  }
  // The peer address is taken when the TCP connection arrives: by the time a handshake times out
  // or is reset, the TLS socket has lost its handle and can no longer say who it was.
  const peers = new WeakMap<object, string>()
  server.on('connection', (raw: Socket) => { if (raw.remoteAddress !== undefined) peers.set(raw, raw.remoteAddress) })
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
    try {
      const raw = (socket as unknown as { _parent?: object })._parent
      const address = plainAddress(socket.remoteAddress ?? (raw !== undefined ? peers.get(raw) : undefined))
      note(address, handshakeReason(err), 'TLS handshake failed')
    } finally {
      socket.destroy()
    }
  })
  server.on('drop', (data?: { remoteAddress?: string }) => {
    note(plainAddress(data?.remoteAddress), 'connection_limit', 'connection refused: https.maxConnections reached')
  })
}
