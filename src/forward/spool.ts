/**
 * The local spool (docs/architecture.md "Invariants", 1): when the forward target cannot take a
 * transmission now, it is written here — one file per transmission, temporary name, fsync, rename,
 * folder fsync — and only then acknowledged. File names sort by transmission id, which sorts by
 * receipt, so the relay drains in arrival order. Files are 0600: they hold passenger data until
 * relayed.
 *
 * The byte budget (`spool.maxBytes`) is reserved before a write starts, so concurrent writes can
 * never overrun it together; a write the disk refuses is never reported durable. Whether the
 * folder can take a write is also probed while the target is down (readiness must not wait for a
 * carrier's transmission to find out: as root, permission bits say nothing, only a write does).
 */
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { GatewayError } from '../errors.js'
import { syncDirectory, writeFileDurably } from './directory.js'
import type { ForwardItem } from './types.js'

const SUFFIX = '.spool'
/** A file that could not be read back is renamed aside with this suffix (kept for an operator). */
const CORRUPT = '.corrupt'
const PROBE = '.probe'

export interface SpoolStats { files: number, bytes: number, oldestMs: number | null }

export interface Spool {
  readonly path: string
  /** Creates the folder, removes temporary files a crash left, counts what is spooled. */
  start (): Promise<void>
  /** Durable when it resolves; rejects GW_ERR_FORWARD_SPOOL_FULL or GW_ERR_FORWARD_UNAVAILABLE. */
  write (item: ForwardItem): Promise<void>
  /** Spooled file names, oldest first. */
  list (): Promise<string[]>
  read (name: string): Promise<ForwardItem>
  /** After the target confirmed: the file goes, and the folder entry is made durable. */
  remove (name: string): Promise<void>
  /** A file that cannot be parsed is set aside (renamed `*.corrupt`) so it no longer blocks the relay. */
  setAside (name: string): Promise<void>
  stats (): SpoolStats
  /**
   * Whether a write of `size` bytes could succeed now (readiness): the last write or probe
   * succeeded, and no write was refused for space since a file last left.
   */
  writable (size?: number): boolean
  /** Tries a small write (no fsync) to learn whether the folder takes writes; updates writable(). */
  probe (): Promise<boolean>
}

interface Meta {
  transmissionId: string
  destination: ForwardItem['destination']
  routingKey: string
  headers: Record<string, string>
  timestamp: string
  report?: string
}

export function spoolFileName (item: Pick<ForwardItem, 'transmissionId' | 'destination'>): string {
  return `${item.transmissionId}-${item.destination}${SUFFIX}`
}

export function createSpool (opts: { path: string, maxBytes: number }): Spool {
  const sizes = new Map<string, { bytes: number, at: number }>()
  let bytes = 0
  /** Bytes of writes in progress: counted against maxBytes before the write starts. */
  let reserved = 0
  let usable = false
  /** Set when a write was refused for space; cleared when a file leaves. Readiness reads it: a
   * spool with a few bytes to spare is full for any real transmission. */
  let refusedForSpace = false
  const account = (name: string, size: number, at: number): void => {
    const old = sizes.get(name)
    if (old !== undefined) bytes -= old.bytes
    sizes.set(name, { bytes: size, at })
    bytes += size
  }

  const forget = (name: string): void => {
    const s = sizes.get(name)
    if (s === undefined) return
    bytes -= s.bytes
    sizes.delete(name)
    refusedForSpace = false
  }

  const probe = async (): Promise<boolean> => {
    const file = join(opts.path, `${process.pid}-${Math.random().toString(36).slice(2)}${PROBE}`)
    try {
      await mkdir(opts.path, { recursive: true, mode: 0o700 })
      const fh = await open(file, 'wx', 0o600)
      try { await fh.write(Buffer.from('probe\n')) } finally { await fh.close() }
      await unlink(file)
      usable = true
    } catch {
      await unlink(file).catch(() => {})
      usable = false
    }
    return usable
  }

  return {
    path: opts.path,
    async start () {
      sizes.clear(); bytes = 0
      usable = false
      refusedForSpace = false
      await mkdir(opts.path, { recursive: true, mode: 0o700 })
      for (const name of await readdir(opts.path)) {
        // A temporary or probe file is what a crash left mid-write: never acknowledged, so it
        // is not ours to relay (the carrier still holds the transmission).
        if (name.includes(`${SUFFIX}.tmp-`) || name.endsWith(PROBE)) { await unlink(join(opts.path, name)).catch(() => {}); continue }
        if (!name.endsWith(SUFFIX)) continue
        const s = await stat(join(opts.path, name)).catch(() => null)
        if (s !== null) account(name, s.size, s.mtimeMs)
      }
      usable = true
    },
    async write (item) {
      const meta: Meta = {
        transmissionId: item.transmissionId,
        destination: item.destination,
        routingKey: item.routingKey,
        headers: item.headers,
        timestamp: item.timestamp.toISOString(),
        ...(item.report !== undefined ? { report: item.report } : {})
      }
      const head = Buffer.from(JSON.stringify(meta) + '\n')
      const size = head.length + item.body.length
      if (bytes + reserved + size > opts.maxBytes) {
        refusedForSpace = true
        throw new GatewayError('GW_ERR_FORWARD_SPOOL_FULL')
      }
      reserved += size
      const name = spoolFileName(item)
      try {
        const data = Buffer.concat([head, item.body])
        // A folder removed under us is made again; one replaced by a file (or a full disk) fails.
        await writeFileDurably(join(opts.path, name), data).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err
          await mkdir(opts.path, { recursive: true, mode: 0o700 })
          await writeFileDurably(join(opts.path, name), data)
        })
        await syncDirectory(opts.path)
      } catch (err) {
        usable = false
        throw new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', 'spool write failed', { cause: err })
      } finally {
        reserved -= size
      }
      usable = true
      account(name, size, Date.now())
    },
    async list () {
      return (await readdir(opts.path)).filter(n => n.endsWith(SUFFIX)).sort()
    },
    async read (name) {
      const data = await readFile(join(opts.path, name))
      const nl = data.indexOf(0x0a)
      if (nl < 0) throw new SyntaxError('spool file without a header line')
      const meta = JSON.parse(data.subarray(0, nl).toString('utf8')) as Meta
      if (typeof meta.transmissionId !== 'string' || typeof meta.routingKey !== 'string') {
        throw new SyntaxError('spool file header incomplete')
      }
      return {
        transmissionId: meta.transmissionId,
        destination: meta.destination,
        routingKey: meta.routingKey,
        headers: meta.headers,
        timestamp: new Date(meta.timestamp),
        body: data.subarray(nl + 1),
        ...(meta.report !== undefined ? { report: meta.report } : {})
      }
    },
    async remove (name) {
      await unlink(join(opts.path, name)).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err })
      await syncDirectory(opts.path)
      forget(name)
    },
    async setAside (name) {
      await rename(join(opts.path, name), join(opts.path, name + CORRUPT))
      await syncDirectory(opts.path)
      forget(name)
    },
    stats () {
      let oldest: number | null = null
      for (const s of sizes.values()) if (oldest === null || s.at < oldest) oldest = s.at
      return { files: sizes.size, bytes, oldestMs: oldest }
    },
    writable: (size = 1) => usable && !refusedForSpace && bytes + reserved + size <= opts.maxBytes,
    probe
  }
}
