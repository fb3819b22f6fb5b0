/**
 * File-name rules of the SFTP channel: which inbox entries are candidates (agreement `pattern`,
 * never a temporary name), how a name is suffixed when its target exists (carriers reuse names),
 * and how a stale claim is renamed so that exactly one instance takes it up again.
 */
import { randomBytes } from 'node:crypto'

/**
 * The agreement `pattern` as a regular expression: `*` any run of characters, `?` one character,
 * everything else literal (the glob subset carriers' SFTP servers document). Whole-name match.
 */
export function globToRegExp (pattern: string): RegExp {
  let out = ''
  for (const ch of pattern) {
    if (ch === '*') out += '.*'
    else if (ch === '?') out += '.'
    else out += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')
  }
  return new RegExp(`^${out}$`, 's')
}

/**
 * Names a carrier is still writing by the usual conventions: upload under a temporary name, then
 * rename (docs/channels.md "Folder life cycle", 1: `*.tmp`, `*.part`, dot-files). They are never claimed, whatever the pattern.
 */
export function isTemporaryName (name: string): boolean {
  return name.startsWith('.') || /\.(tmp|part)$/i.test(name)
}

/** `a.edi` + `x` → `a-x.edi`: the suffix goes before the extension so the pattern still matches. */
export function withSuffix (name: string, suffix: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? `${name.slice(0, dot)}-${suffix}${name.slice(dot)}` : `${name}-${suffix}`
}

/** A collision suffix: UTC time to the millisecond, plus random hex after the first attempt. */
export function collisionSuffix (attempt: number, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.TZ]/g, '')
  return attempt <= 1 ? stamp : `${stamp}-${randomBytes(3).toString('hex')}`
}

/**
 * A stale claim is re-claimed by renaming `processing/NAME` to `processing/NAME~gw<token>`: only
 * one instance's rename of the old name succeeds, the others get "No such file", exactly as for
 * the first claim. The original name (for the ack file and the final folder) strips the marks.
 */
const RECLAIM_MARK = /~gw[0-9a-z]+$/

export function reclaimName (name: string, now = Date.now()): string {
  return `${originalName(name)}~gw${now.toString(36)}${randomBytes(3).toString('hex')}`
}

export function originalName (name: string): string {
  let n = name
  while (RECLAIM_MARK.test(n)) n = n.replace(RECLAIM_MARK, '')
  return n
}

/** Remote paths are POSIX: joins a folder and a bare file name. */
export function remoteJoin (dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`
}

/** Ack file name per agreement kind (docs/channels.md "Folder life cycle", 4): `NAME.contrl`, `NAME.ackres` or `NAME.json`. */
export function ackFileName (source: string, extension: string): string {
  return `${source}.${extension}`
}
