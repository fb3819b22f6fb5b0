/**
 * The agreement's folders on the carrier's server, checked once per session: a missing
 * `processing/` would otherwise make every claim look lost ("No such file"), and a missing
 * `done/` would strand claimed files. Also what `carrier-gateway probe` reports.
 */
import { GatewayError } from '../../errors.js'
import type { SftpSettings } from './settings.js'
import type { SftpSession } from './session.js'

export type FolderRole = 'inbox' | 'processing' | 'done' | 'rejected' | 'ackDir'

export interface FolderReport {
  role: FolderRole
  path: string
  exists: boolean
  directory: boolean
  /** Permission bits as octal (`755`), null when missing. */
  mode: string | null
  uid: number | null
  gid: number | null
}

function foldersOf (s: SftpSettings): Array<{ role: FolderRole, path: string }> {
  const list: Array<{ role: FolderRole, path: string }> = [{ role: 'inbox', path: s.inbox }, { role: 'processing', path: s.processing }]
  if (s.done !== null) list.push({ role: 'done', path: s.done })
  list.push({ role: 'rejected', path: s.rejected })
  if (s.ackDir !== null) list.push({ role: 'ackDir', path: s.ackDir })
  return list
}

export async function inspectFolders (session: SftpSession, s: SftpSettings): Promise<FolderReport[]> {
  const out: FolderReport[] = []
  for (const f of foldersOf(s)) {
    const e = await session.stat(f.path)
    out.push({
      ...f,
      exists: e !== null,
      directory: e?.isDirectory ?? false,
      mode: e === null ? null : (e.mode & 0o7777).toString(8),
      uid: e?.uid ?? null,
      gid: e?.gid ?? null
    })
  }
  return out
}

/** Throws GW_ERR_SFTP_FOLDER_MISSING naming every folder that is missing or not a folder. */
export async function requireFolders (session: SftpSession, s: SftpSettings): Promise<void> {
  const bad = (await inspectFolders(session, s)).filter(f => !f.directory)
  if (bad.length > 0) throw new GatewayError('GW_ERR_SFTP_FOLDER_MISSING', bad.map(f => `${f.role} ${f.path}`).join(', '))
}
