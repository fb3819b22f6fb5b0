/**
 * The SFTP operations the channel needs, on the raw ssh2 SFTP wrapper so that the server's status
 * codes reach us unchanged: a claim must tell "No such file" (another instance won the rename)
 * from any other failure. A request pending when the connection drops fails with ssh2's
 * "No response from server", which the poller treats as a lost session.
 */
import type net from 'node:net'
import type SftpClient from 'ssh2-sftp-client'
import type { SFTPWrapper, Stats } from 'ssh2'
import { GatewayError } from '../../errors.js'

/** SSH_FXP_STATUS codes (draft-ietf-secsh-filexfer-02 §7). */
export const FX_NO_SUCH_FILE = 2
export const FX_FAILURE = 4

/** Longest wait for one SFTP reply (SSH keepalive catches a dead peer sooner; this, a stuck server). */
const OP_TIMEOUT_MS = 60_000

export function statusOf (err: unknown): number | null {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'number' ? code : null
}

export const isNoSuchFile = (err: unknown): boolean => statusOf(err) === FX_NO_SUCH_FILE

export interface RemoteEntry {
  name: string
  size: number
  /** Seconds resolution (SFTP v3 attributes), as ms since the epoch. */
  mtimeMs: number
  isFile: boolean
  isDirectory: boolean
  mode: number
  uid: number
  gid: number
}

function entryOf (name: string, attrs: Stats): RemoteEntry {
  return {
    name,
    size: attrs.size,
    mtimeMs: attrs.mtime * 1000,
    isFile: attrs.isFile(),
    isDirectory: attrs.isDirectory(),
    mode: attrs.mode,
    uid: attrs.uid,
    gid: attrs.gid
  }
}

export type ReadResult = { bytes: Buffer, tooLarge: false } | { bytes: null, tooLarge: true, size: number }

export class SftpSession {
  constructor (
    private readonly client: SftpClient,
    private readonly sftp: SFTPWrapper,
    private readonly sock: net.Socket,
    /** The host key fingerprint the server presented. */
    readonly hostKey: string,
    /** Registers a callback for when the connection drops (called at once if it already has). */
    readonly onClose: (fn: () => void) => void,
    private readonly isClosed: () => boolean
  ) {}

  alive (): boolean {
    return !this.isClosed() && !this.sock.destroyed
  }

  /**
   * One request. ssh2 silently drops a request written after its channel closed (its callback never
   * runs), so a closed session fails at once; and a server that stops answering while the socket
   * stays up is cut after `OP_TIMEOUT_MS`, failing every request pending on it.
   */
  private call<T> (fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    if (!this.alive()) return Promise.reject(new GatewayError('GW_ERR_SFTP_SESSION_CLOSED'))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.sock.destroy()
        reject(new GatewayError('GW_ERR_SFTP_TIMEOUT', `request unanswered for ${OP_TIMEOUT_MS} ms; session dropped`))
      }, OP_TIMEOUT_MS)
      fn((err, value) => {
        clearTimeout(timer)
        if (err) reject(err)
        else resolve(value as T)
      })
    })
  }

  async list (dir: string): Promise<RemoteEntry[]> {
    const list = await this.call<Array<{ filename: string, attrs: Stats }>>(cb => this.sftp.readdir(dir, cb))
    return list.filter(e => e.filename !== '.' && e.filename !== '..').map(e => entryOf(e.filename, e.attrs))
  }

  /** The entry, or null when there is none (any other failure rejects). */
  async stat (path: string): Promise<RemoteEntry | null> {
    try {
      const attrs = await this.call<Stats>(cb => this.sftp.stat(path, cb))
      return entryOf(path.slice(path.lastIndexOf('/') + 1), attrs)
    } catch (err) {
      if (isNoSuchFile(err)) return null
      throw err
    }
  }

  /**
   * Plain SFTP v3 rename, never posix-rename: it refuses an existing target, and OpenSSH makes it
   * link + unlink, so of several instances renaming the same source exactly one succeeds.
   */
  rename (from: string, to: string): Promise<void> {
    return this.call<void>(cb => this.sftp.rename(from, to, cb))
  }

  /** SFTP setstat of the times: a rename keeps the old mtime, and stale claims are judged by it. */
  touch (path: string, when = new Date()): Promise<void> {
    return this.call<void>(cb => this.sftp.utimes(path, when, when, cb))
  }

  unlink (path: string): Promise<void> {
    return this.call<void>(cb => this.sftp.unlink(path, cb))
  }

  /**
   * Reads a whole file, refusing one over `limit` bytes before reading it (fstat) and while reading
   * (a writer may still be appending), so an oversized file never sits in memory.
   */
  async readLimited (path: string, limit: number): Promise<ReadResult> {
    const handle = await this.call<Buffer>(cb => this.sftp.open(path, 'r', cb))
    try {
      const attrs = await this.call<Stats>(cb => this.sftp.fstat(handle, cb))
      if (attrs.size > limit) return { bytes: null, tooLarge: true, size: attrs.size }
      // One byte more than announced: a single read then returns the whole file, the next one EOF.
      let buf = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(attrs.size + 1, 1024)))
      let total = 0
      for (;;) {
        if (total === buf.length) {
          if (total > limit) break
          const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buf.length * 2))
          buf.copy(bigger, 0, 0, total)
          buf = bigger
        }
        const want = buf.length - total
        const n = await this.call<number>(cb => this.sftp.read(handle, buf, total, want, total, (err, bytesRead) => cb(err, bytesRead)))
        if (n === 0) break
        total += n
        // A short read once the announced size is in is the end of the file (saves a round trip).
        if (n < want && total >= attrs.size) break
      }
      if (total > limit) return { bytes: null, tooLarge: true, size: total }
      return { bytes: buf.subarray(0, total), tooLarge: false }
    } finally {
      await this.call<void>(cb => this.sftp.close(handle, cb)).catch(() => {})
    }
  }

  /** Creates (or truncates) `path` and writes `data` in full. */
  async writeFile (path: string, data: Buffer): Promise<void> {
    const handle = await this.call<Buffer>(cb => this.sftp.open(path, 'w', { mode: 0o644 }, cb))
    try {
      let off = 0
      while (off < data.length) {
        const len = Math.min(data.length - off, 256 * 1024)
        await this.call<void>(cb => this.sftp.write(handle, data, off, len, off, cb))
        off += len
      }
    } finally {
      await this.call<void>(cb => this.sftp.close(handle, cb)).catch(() => {})
    }
  }

  /** Closes politely, and by force if the server does not answer within a second. */
  async end (): Promise<void> {
    if (!this.alive()) { this.sock.destroy(); return }
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      this.client.end().catch(() => false),
      new Promise(resolve => { timer = setTimeout(resolve, 1000) })
    ])
    clearTimeout(timer)
    this.sock.destroy()
  }
}
