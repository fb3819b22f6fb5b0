/**
 * The directory target: `<path>/<transmissionId>.edi` (the body) and `<transmissionId>.json` (the
 * properties and headers) beside it, each written to a temporary name, fsynced, renamed, then the
 * folder fsynced, so a crash never leaves a half file under the final name (docs/operations.md "Store-and-forward"). Test
 * traffic goes to `<path>/test/`, quarantine to the quarantine folder. Files are mode 0600
 * (docs/architecture.md "Invariants", 4: payloads readable by the gateway's user alone).
 */
import { mkdir, open, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { ForwardItem, ForwardTarget } from './types.js'
import { messageIdOf, publishedHeaders } from './idempotency.js'
import type { Destination } from '../transmission/index.js'

export async function writeFileDurably (path: string, data: Buffer | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`
  const fh = await open(tmp, 'wx', 0o600)
  try {
    await fh.writeFile(data)
    await fh.sync()
  } catch (err) {
    await fh.close()
    await unlink(tmp).catch(() => {})
    throw err
  }
  await fh.close()
  await rename(tmp, path)
}

export async function syncDirectory (dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try { await fh.sync() } finally { await fh.close() }
}

export interface DirectoryTargetOptions {
  path: string
  quarantinePath: string
}

function properties (item: ForwardItem): Record<string, unknown> {
  return {
    messageId: messageIdOf(item),
    routingKey: item.routingKey,
    contentType: 'application/edifact',
    timestamp: item.timestamp.toISOString(),
    appId: 'carrier-gateway',
    headers: publishedHeaders(item),
    ...(item.report !== undefined ? { report: JSON.parse(item.report) as unknown } : {})
  }
}

export function createDirectoryTarget (opts: DirectoryTargetOptions): ForwardTarget & { folderOf: (d: Destination) => string } {
  const folderOf = (d: Destination): string => d === 'quarantine' ? opts.quarantinePath : d === 'test' ? join(opts.path, 'test') : opts.path
  const made = new Set<string>()
  return {
    name: 'directory',
    folderOf,
    async start () {
      // A folder that cannot be made now is retried on each publish (which then fails over to the
      // spool), so a mount that appears late does not stop the gateway from starting.
      for (const d of ['production', 'test', 'quarantine'] as const) {
        await mkdir(folderOf(d), { recursive: true, mode: 0o700 }).then(() => made.add(folderOf(d)), () => {})
      }
    },
    async publish (item) {
      const dir = folderOf(item.destination)
      if (!made.has(dir)) { await mkdir(dir, { recursive: true, mode: 0o700 }); made.add(dir) }
      const write = async (): Promise<void> => {
        // Body first, properties last: a consumer that sees the .json knows the .edi is complete.
        await writeFileDurably(join(dir, `${item.transmissionId}.edi`), item.body)
        await writeFileDurably(join(dir, `${item.transmissionId}.json`), JSON.stringify(properties(item), null, 2))
      }
      await write().catch(async (err: NodeJS.ErrnoException) => {
        // The folder went away under us (an operator, a remount): make it again, once.
        if (err.code !== 'ENOENT') throw err
        await mkdir(dir, { recursive: true, mode: 0o700 })
        await write()
      })
      await syncDirectory(dir)
    },
    available: () => true,
    async close () {}
  }
}
