/**
 * Who an audit record names (docs/cli.md "Who the audit log records"): `--by NAME`, else $USER or
 * $LOGNAME as the shell set them, else the OS account of the process, else its uid. Services and
 * containers run without $USER; the record still names the account, never "unknown".
 */
import { userInfo } from 'node:os'
import { UsageError } from './io.js'

export function officerName (by: string | undefined, env: NodeJS.ProcessEnv): string {
  if (by !== undefined) {
    const name = by.trim()
    if (name === '' || /[\r\n]/.test(name)) throw new UsageError('--by NAME needs a name (one line)')
    return name
  }
  for (const v of [env.USER, env.LOGNAME]) if (v !== undefined && v.trim() !== '') return v.trim()
  try {
    const name = userInfo().username
    if (name !== '') return name
  } catch { /* no passwd entry for the uid (an arbitrary container uid): fall back to the uid */ }
  const uid = typeof process.getuid === 'function' ? process.getuid() : null
  return uid !== null ? `uid:${uid}` : `pid:${process.pid}`
}
