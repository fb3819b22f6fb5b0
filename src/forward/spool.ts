/**
 * The local spool (architecture invariant 1): when the forward target cannot take a transmission
 * now, it is written here — one file per transmission, temporary name, fsync, rename, folder
 * fsync — and only then acknowledged. File names sort by transmission id, which sorts by receipt,
 * so the relay drains in arrival order. Files are 0600: they hold passenger data until relayed.
 */
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { GatewayError } from '../errors.js'
import { syncDirectory, writeFileDurably } from './directory.js'
import type { ForwardItem } from './types.js'

const SUFFIX = '.spool'

export interface SpoolStats { files: number, bytes: number, oldestMs: number | null }

export interface Spool {
  start (): Promise<void>
  /** Durable when it resolves; rejects GW_ERR_FORWARD_SPOOL_FULL or GW_ERR_FORWARD_UNAVAILABLE. */
  write (item: ForwardItem): Promise<void>
  /** Spooled file names, oldest first. */
  list (): Promise<string[]>
  read (name: string): Promise<ForwardItem>
  remove (name: string): Promise<void>
  stats (): SpoolStats
  /** Whether a write of `size` bytes could succeed now (readiness). */
  writable (size?: number): boolean
}

interface Meta { transmissionId: string, destination: ForwardItem['destination'], routingKey: string, headers: Record<string, string>, timestamp: string, report?: string }

export function createSpool (opts: { path: string, maxBytes: number }): Spool {
  const sizes = new Map<string, { bytes: number, at: number }>()
  let bytes = 0
  let usable = false
  const account = (name: string, size: number, at: number): void => { sizes.set(name, { bytes: size, at }); bytes += size }
  return {
    async start () {
      await mkdir(opts.path, { recursive: true, mode: 0o700 })
      sizes.clear(); bytes = 0
      for (const name of await readdir(opts.path)) {
        if (!name.endsWith(SUFFIX)) continue
        const s = await stat(join(opts.path, name)).catch(() => null)
        if (s !== null) account(name, s.size, s.mtimeMs)
      }
      usable = true
    },
    async write (item) {
      const meta: Meta = { transmissionId: item.transmissionId, destination: item.destination, routingKey: item.routingKey, headers: item.headers, timestamp: item.timestamp.toISOString(), ...(item.report !== undefined ? { report: item.report } : {}) }
      const head = Buffer.from(JSON.stringify(meta) + '\n')
      const size = head.length + item.body.length
      if (bytes + size > opts.maxBytes) throw new GatewayError('GW_ERR_FORWARD_SPOOL_FULL')
      const name = `${item.transmissionId}-${item.destination}${SUFFIX}`
      try {
        await writeFileDurably(join(opts.path, name), Buffer.concat([head, item.body]))
        await syncDirectory(opts.path)
      } catch (err) {
        usable = false
        throw new GatewayError('GW_ERR_FORWARD_UNAVAILABLE', 'spool write failed', { cause: err })
      }
      usable = true
      account(name, size, Date.now())
    },
    async list () {
      const names = (await readdir(opts.path)).filter(n => n.endsWith(SUFFIX)).sort()
      return names
    },
    async read (name) {
      const data = await readFile(join(opts.path, name))
      const nl = data.indexOf(0x0a)
      const meta = JSON.parse(data.subarray(0, nl).toString('utf8')) as Meta
      return { transmissionId: meta.transmissionId, destination: meta.destination, routingKey: meta.routingKey, headers: meta.headers, timestamp: new Date(meta.timestamp), body: data.subarray(nl + 1), ...(meta.report !== undefined ? { report: meta.report } : {}) }
    },
    async remove (name) {
      await unlink(join(opts.path, name))
      await syncDirectory(opts.path)
      const s = sizes.get(name)
      if (s !== undefined) { bytes -= s.bytes; sizes.delete(name) }
    },
    stats () {
      let oldest: number | null = null
      for (const s of sizes.values()) if (oldest === null || s.at < oldest) oldest = s.at
      return { files: sizes.size, bytes, oldestMs: oldest }
    },
    writable: (size = 0) => usable && bytes + size <= opts.maxBytes
  }
}
