/**
 * One SFTP session to a carrier's server (ssh2-sftp-client over ssh2): our own TCP socket with
 * Nagle off (`setNoDelay(true)`: every SFTP request is a small packet awaiting a reply) and TCP
 * keepalive, SSH keepalive on top, and the server's host key checked against the agreement's
 * pinned fingerprint before any credential is sent (docs/channels.md "SFTP channel": refuse on mismatch).
 */
import { createHash } from 'node:crypto'
import net from 'node:net'
import type { EventEmitter } from 'node:events'
import SftpClient from 'ssh2-sftp-client'
import { GatewayError, isGatewayError, type ErrorId } from '../../errors.js'
import { SftpSession } from './session.js'

/** `SHA256:<base64 without padding>` of the raw host key: the form `ssh-keygen -l` and OpenSSH print. */
export function hostKeyFingerprint (key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

/** Pinned fingerprints compare as OpenSSH prints them; padding in the agreement is tolerated. */
function samePrint (a: string, b: string): boolean {
  return a.replace(/=+$/, '') === b.replace(/=+$/, '')
}

export type ConnectFailure = 'host_key_mismatch' | 'auth_failed' | 'unreachable' | 'timeout' | 'protocol'

const FAILURE_IDS: Readonly<Record<ConnectFailure, ErrorId>> = {
  host_key_mismatch: 'GW_ERR_SFTP_HOST_KEY_MISMATCH',
  auth_failed: 'GW_ERR_SFTP_AUTH_FAILED',
  unreachable: 'GW_ERR_SFTP_UNREACHABLE',
  timeout: 'GW_ERR_SFTP_TIMEOUT',
  protocol: 'GW_ERR_SFTP_PROTOCOL'
}

/** Why a session could not be opened, as a catalogue error; `detail` names no secret. */
function connectError (reason: ConnectFailure, detail: string, presented: string | null = null): GatewayError {
  return new GatewayError(FAILURE_IDS[reason], detail, { facts: { reason, presented } })
}

/** The reason label of an SFTP failure for metrics, logs and the probe: read from its catalogue id. */
const REASONS: Partial<Record<ErrorId, string>> = {
  GW_ERR_SFTP_HOST_KEY_MISMATCH: 'host_key_mismatch',
  GW_ERR_SFTP_AUTH_FAILED: 'auth_failed',
  GW_ERR_SFTP_UNREACHABLE: 'unreachable',
  GW_ERR_SFTP_TIMEOUT: 'timeout',
  GW_ERR_SFTP_PROTOCOL: 'protocol',
  GW_ERR_SFTP_SESSION_CLOSED: 'session_closed',
  GW_ERR_SFTP_FOLDER_MISSING: 'folder_missing',
  GW_ERR_CONFIG_SECRET_MISSING: 'secret_missing'
}

export function sftpFailureReason (err: unknown): string {
  return (isGatewayError(err) ? REASONS[err.id] : undefined) ?? 'session_failed'
}

/** The host key the server presented before the failure, when the handshake got that far. */
export function presentedHostKey (err: unknown): string | null {
  const presented = isGatewayError(err) ? err.facts.presented : null
  return typeof presented === 'string' ? presented : null
}

/**
 * ssh2 marks what failed by the error's `level` (ssh2 lib/client.js); ssh2-sftp-client rewraps
 * the error without it, so the level is read on the ssh2 client itself.
 */
function failureOfLevel (level: string | undefined): ConnectFailure {
  if (level === 'client-authentication') return 'auth_failed'
  if (level === 'client-timeout') return 'timeout'
  return 'protocol'
}

export interface ConnectOptions {
  host: string
  port: number
  username: string
  privateKey: Buffer
  passphrase?: string | null
  /** Pinned `SHA256:…`; null only for the probe's "show me the key" mode, never for polling. */
  hostKey: string | null
  /** @default 10000 */
  readyTimeoutMs?: number
  /** SSH keepalive interval; three unanswered ones drop the session. @default 15000 */
  keepaliveMs?: number
  /** Name for ssh2-sftp-client's debug output. */
  name?: string
}

function openSocket (host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port })
    const fail = (err: GatewayError) => { sock.destroy(); reject(err) }
    const onError = (err: NodeJS.ErrnoException) => fail(connectError('unreachable', `${host}:${port} (${err.code ?? 'socket error'})`))
    sock.setTimeout(timeoutMs, () => fail(connectError('timeout', `no TCP connection to ${host}:${port} within ${timeoutMs} ms`)))
    sock.once('error', onError)
    sock.once('connect', () => {
      sock.removeListener('error', onError)
      sock.setTimeout(0)
      sock.setNoDelay(true)
      sock.setKeepAlive(true, 15_000)
      resolve(sock)
    })
  })
}

/** Opens a session or throws a GW_ERR_SFTP_* catalogue error. */
export async function connectSftp (opts: ConnectOptions): Promise<SftpSession> {
  const readyTimeout = opts.readyTimeoutMs ?? 10_000
  const sock = await openSocket(opts.host, opts.port, readyTimeout)
  let presented: string | null = null
  let mismatch = false
  let closed = false
  const onClosed: Array<() => void> = []
  const markClosed = () => {
    if (closed) return
    closed = true
    for (const fn of onClosed) fn()
  }
  // Global listeners: ssh2-sftp-client's defaults print to the console; we only need to know.
  const client = new SftpClient(opts.name ?? 'carrier-gateway', { error: markClosed, end: markClosed, close: markClosed })
  sock.once('close', markClosed)
  let level: string | undefined
  const ssh = (client as unknown as { client: EventEmitter }).client
  ssh.on('error', (err: { level?: string }) => { level ??= err.level })
  try {
    const sftp = await client.connect({
      sock,
      host: opts.host,
      port: opts.port,
      username: opts.username,
      privateKey: opts.privateKey,
      ...(opts.passphrase != null ? { passphrase: opts.passphrase } : {}),
      readyTimeout,
      keepaliveInterval: opts.keepaliveMs ?? 15_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        presented = hostKeyFingerprint(key)
        if (opts.hostKey === null) return true
        mismatch = !samePrint(presented, opts.hostKey)
        return !mismatch
      }
    })
    // The SFTP channel can close on its own (the server's sftp-server process ended).
    sftp.on('close', markClosed)
    // A protocol error on the SFTP channel must not become an unhandled 'error' event: drop the session.
    sftp.on('error', () => { markClosed(); sock.destroy() })
    if (closed) throw connectError('protocol', 'the session closed while opening')
    return new SftpSession(client, sftp, sock, presented ?? '', fn => {
      if (closed) queueMicrotask(fn)
      else onClosed.push(fn)
    }, () => closed)
  } catch (err) {
    sock.destroy()
    if (isGatewayError(err)) throw err
    if (mismatch) throw connectError('host_key_mismatch', `${opts.host}:${opts.port}`, presented)
    throw connectError(failureOfLevel(level), `${opts.host}:${opts.port}`, presented)
  }
}
