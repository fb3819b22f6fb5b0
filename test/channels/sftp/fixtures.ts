// Shared pieces of the SFTP channel tests: an agreement pointing at a real test sshd, waiting for
// the gateway to get somewhere, and reading the folders on the server and the outbox from disk.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { sftpChannelOf, type SftpServer } from '../../helpers/sshd.js'
import { exampleAgreement } from '../../helpers/gateway.js'
import type { Gateway } from '../../../src/app.js'

type Doc = Record<string, unknown>

/** An XA agreement whose only channel is the test server's SFTP, polling every 0.1 s. */
export function sftpAgreement (server: SftpServer, sftp: Doc = {}, overrides: Doc = {}): Doc {
  return exampleAgreement({
    channels: { sftp: sftpChannelOf(server, { pollSeconds: 0.1, staleClaimMinutes: 30, ...sftp }) },
    ...overrides
  })
}

/** Files (not folders, not dot-files) in a folder of the chroot, sorted. */
export function filesIn (server: SftpServer, rel: string): string[] {
  const dir = join(server.root, rel)
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).filter(e => e.isFile() && !e.name.startsWith('.')).map(e => e.name).sort()
}

export function readRemote (server: SftpServer, rel: string): string {
  return readFileSync(join(server.root, rel), 'latin1')
}

/** Forwarded bodies in the directory target (`<id>.edi`), excluding the test and quarantine trees. */
export function outboxBodies (outbox: string): string[] {
  if (!existsSync(outbox)) return []
  return readdirSync(outbox).filter(f => f.endsWith('.edi')).map(f => readFileSync(join(outbox, f), 'latin1')).sort()
}

/** Resolves when `check` holds; rejects with `what` after `ms` (a hang guard, not a timing assertion). */
export async function waitFor (what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** A metric's current value for a label set (0 when absent). */
export async function metricValue (gateway: Gateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = gateway.metrics.registry.getSingleMetric(name)
  if (metric === undefined) return 0
  const data = await metric.get()
  let sum = 0
  for (const v of data.values) {
    if (Object.entries(labels).every(([k, val]) => String((v.labels as Record<string, unknown>)[k]) === val)) sum += v.value
  }
  return sum
}
