/**
 * The quarantine as the officer's CLI sees it: rejected transmissions held for review with their
 * error reports (codes, positions, texts; never a value). With the directory target the pipeline
 * writes `<quarantine.path>/<id>.edi` (the body) and `<id>.json` (properties, headers and the
 * report) — src/forward/directory.ts; with the AMQP target they are messages in the quarantine
 * queue (quarantine-amqp.ts). Both stores answer the same interface.
 */
import { readdir, readFile, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { syncDirectory } from '../forward/directory.js'
import type { PublicFinding } from '../transmission/index.js'

export interface QuarantineReport {
  transmissionId: string
  carrier: string
  channel: string
  receivedAt: string
  errors: PublicFinding[]
  warnings: PublicFinding[]
}

export interface QuarantineEntry {
  id: string
  carrier: string | null
  channel: string | null
  receivedAt: string | null
  routingKey: string | null
  /** The x-* headers written with the entry (envelope metadata). */
  headers: Record<string, string>
  /** Null when the report is missing (a crash between the two files). */
  report: QuarantineReport | null
  bytes: number
}

export interface QuarantineStore {
  readonly kind: 'directory' | 'amqp'
  list (): Promise<QuarantineEntry[]>
  get (id: string): Promise<QuarantineEntry | null>
  /**
   * Hands the entry and its body to `use`; once `use` resolves the entry is removed (files deleted,
   * or the message acked). Resolves false when there is no such entry; when `use` rejects the
   * entry stays in quarantine.
   */
  take (id: string, use: (entry: QuarantineEntry, body: Buffer) => Promise<void>): Promise<boolean>
  /** Removes entries received before `cutoff`; resolves how many. */
  purge (cutoff: Date): Promise<number>
  close (): Promise<void>
}

/** Transmission ids are `[0-9a-z-]`; anything path-like is refused before it reaches the file system. */
export function validQuarantineId (id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id) && !id.includes('..')
}

export function errorCodes (e: QuarantineEntry): number[] {
  return [...new Set((e.report?.errors ?? []).map(f => f.code))]
}

/** Builds an entry from the directory target's properties document (or AMQP properties). */
export function entryFrom (id: string, props: Record<string, unknown> | null, bytes: number): QuarantineEntry {
  const headers: Record<string, string> = {}
  const raw = (props?.headers ?? {}) as Record<string, unknown>
  for (const [k, v] of Object.entries(raw)) {
    if (k !== 'x-error-report' && v !== undefined && v !== null) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v)
  }
  const report = (props?.report ?? null) as QuarantineReport | null
  const ts = props?.timestamp
  return {
    id,
    carrier: report?.carrier ?? headers['x-carrier'] ?? null,
    channel: report?.channel ?? headers['x-channel'] ?? null,
    receivedAt: report?.receivedAt ?? (typeof ts === 'string' ? ts : null),
    routingKey: typeof props?.routingKey === 'string' ? props.routingKey : null,
    headers,
    report,
    bytes
  }
}

export function createDirectoryQuarantine (path: string): QuarantineStore {
  const files = (id: string): { edi: string, json: string } => ({ edi: join(path, `${id}.edi`), json: join(path, `${id}.json`) })

  async function read (id: string): Promise<QuarantineEntry | null> {
    if (!validQuarantineId(id)) return null
    const f = files(id)
    const size = await stat(f.edi).then(s => s.size, () => null)
    const props = await readFile(f.json, 'utf8').then(t => JSON.parse(t) as Record<string, unknown>, () => null)
    if (size === null && props === null) return null
    const entry = entryFrom(id, props, size ?? 0)
    if (entry.receivedAt === null) {
      entry.receivedAt = await stat(size !== null ? f.edi : f.json).then(s => s.mtime.toISOString(), () => null)
    }
    return entry
  }

  async function ids (): Promise<string[]> {
    const names = await readdir(path).catch(() => [] as string[])
    const out = new Set<string>()
    // Temporary names (`<id>.edi.tmp-…`) of a write in progress are not entries.
    for (const n of names) {
      const m = /^(.+)\.(edi|json)$/.exec(n)
      if (m !== null && validQuarantineId(m[1])) out.add(m[1])
    }
    return [...out].sort()
  }

  async function remove (id: string): Promise<void> {
    const f = files(id)
    // Either file alone is still listed and purged: a crash between the unlinks strands nothing.
    await unlink(f.edi).catch(err => { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err })
    await unlink(f.json).catch(err => { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err })
    await syncDirectory(path).catch(() => {})
  }

  return {
    kind: 'directory',
    async list () {
      const out: QuarantineEntry[] = []
      for (const id of await ids()) {
        const e = await read(id)
        if (e !== null) out.push(e)
      }
      return out
    },
    get: read,
    async take (id, use) {
      const entry = await read(id)
      if (entry === null) return false
      const body = await readFile(files(id).edi)
      await use(entry, body)
      await remove(id)
      return true
    },
    async purge (cutoff) {
      let n = 0
      for (const id of await ids()) {
        const e = await read(id)
        if (e === null || e.receivedAt === null || Date.parse(e.receivedAt) >= cutoff.getTime()) continue
        await remove(id)
        n++
      }
      return n
    },
    async close () {}
  }
}
