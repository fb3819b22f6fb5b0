/**
 * One SFTP session to a carrier's server (ssh2-sftp-client over ssh2): our own TCP socket with
 * Nagle off (`setNoDelay(true)`: every SFTP request is a small packet awaiting a reply) and TCP
 * keepalive, SSH keepalive on top, and the server's host key checked against the agreement's
 * pinned fingerprint before any credential is sent (issue 5: refuse on mismatch).
 */
import { createHash } from 'node:crypto'
import net from 'node:net'
import SftpClient from 'ssh2-sftp-client'
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

/** Why a session could not be opened; the message names no secret. */
export class SftpConnectError extends Error {
  readonly reason: ConnectFailure
  /** The fingerprint the server presented, when the handshake got that far. */
  readonly presented: string | null

  constructor (reason: ConnectFailure, message: string, presented: string | null = null) {
    super(message)
    this.name = 'SftpConnectError'
    this.reason = reason
    this.presented = presented
  }
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
    const fail = (err: SftpConnectError) => { sock.destroy(); reject(err) }
    const onError = (err: NodeJS.ErrnoException) => fail(new SftpConnectError('unreachable', `cannot connect to ${host}:${port} (${err.code ?? err.message})`))
    sock.setTimeout(timeoutMs, () => fail(new SftpConnectError('timeout', `no TCP connection to ${host}:${port} within ${timeoutMs} ms`)))
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

/** Opens a session or throws SftpConnectError. */
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
    if (closed) throw new SftpConnectError('protocol', 'the session closed while opening')
    return new SftpSession(client, sftp, sock, presented ?? '', fn => {
      if (closed) queueMicrotask(fn)
      else onClosed.push(fn)
    }, () => closed)
  } catch (err) {
    sock.destroy()
    if (err instanceof SftpConnectError) throw err
    if (mismatch) throw new SftpConnectError('host_key_mismatch', 'the server host key does not match the pinned fingerprint', presented)
    const message = (err as Error).message ?? String(err)
    if (/authentication methods failed|authentication/i.test(message)) throw new SftpConnectError('auth_failed', 'authentication refused by the server', presented)
    if (/timed out/i.test(message)) throw new SftpConnectError('timeout', 'SSH handshake timed out', presented)
    throw new SftpConnectError('protocol', `SSH session could not be opened: ${message.replace(/^[a-zA-Z]+: /, '')}`, presented)
  }
}
