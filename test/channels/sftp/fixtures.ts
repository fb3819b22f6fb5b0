// Shared pieces of the SFTP channel tests: an agreement pointing at a real test sshd, waiting for
// the gateway to get somewhere, and reading the folders on the server and the outbox from disk.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { sftpChannelOf, type SftpServer } from '../../helpers/sshd.js'
import { exampleAgreement } from '../../helpers/gateway.js'

export { metricValue, waitFor } from '../../helpers/gateway.js'

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
