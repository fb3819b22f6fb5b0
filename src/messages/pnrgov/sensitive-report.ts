/**
 * What the sensitive-data filter would remove, for the officer's terminal (`inspect`, `certify`;
 * docs/sensitive-data.md "Seeing what is removed"): message, segment position and the listed code,
 * never the text of a remark. Never logged: the gateway itself records only the count.
 */
import type { Interchange } from '../../edifact/types.js'
import { findSensitive, type SensitivePolicy, type SensitiveRemoval } from './sensitive.js'
import { SENSITIVE_LIST_VERSION } from './sensitive-codes.js'

export interface SensitiveReport {
  listVersion: string
  removed: number
  removals: SensitiveRemoval[]
}

/** Null when there is nothing the filter applies to (no PNRGOV message, no readable interchange). */
export function sensitiveReport (ix: Interchange, policy: SensitivePolicy): SensitiveReport | null {
  const removals = findSensitive(ix, policy)
  return removals === null ? null : { listVersion: SENSITIVE_LIST_VERSION, removed: removals.length, removals }
}

function removalText (r: SensitiveRemoval): string {
  const what = r.what === 'free-text' ? `${r.tag} free text cut` : `${r.tag} removed`
  const code = r.code !== null ? ` ${r.code}` : ''
  return `message ${r.message}, segment ${r.segment}: ${what}${code} (${r.category})`
}

export function sensitiveLines (r: SensitiveReport, indent: string): string[] {
  const head = `${indent}sensitive data removed before forwarding (list ${r.listVersion}): ${r.removed === 0 ? 'none' : r.removed}`
  return [head, ...r.removals.map(x => `${indent}  ${removalText(x)}`)]
}
