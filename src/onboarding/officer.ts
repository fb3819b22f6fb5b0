/**
 * Who an audit record names (docs/cli.md "Who the audit log records"): `--by NAME`, else $USER or
 * $LOGNAME as the shell set them, else the OS account of the process, else its uid. Services and
 * containers run without $USER; the record still names the account, never "unknown". The one rule
 * for every command that writes the audit log (stage changes, quarantine releases).
 */
import { userInfo } from 'node:os'

/** A `--by` value as recorded: trimmed; null when it is empty or spans lines (one audit line each). */
export function givenOfficer (by: string): string | null {
  const name = by.trim()
  return name === '' || /[\r\n]/.test(name) ? null : name
}

/** The officer's name; a `--by` that `givenOfficer` refuses throws a RangeError. */
export function officerName (by: string | undefined, env: NodeJS.ProcessEnv): string {
  if (by !== undefined) {
    const name = givenOfficer(by)
    if (name === null) throw new RangeError('--by NAME needs a name (one line)')
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
