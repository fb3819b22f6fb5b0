/**
 * Claiming a file by atomic rename (docs/architecture.md "Scaling past one machine"): `inbox/NAME` →
 * `processing/NAME`. The instance whose rename succeeds owns the file; "No such file" means another
 * instance won. OpenSSH renames a regular file with link() + unlink(), so a loser may instead see a
 * plain failure while the winner is between the two calls: the inbox is then checked again.
 */
import type { SftpSettings } from './settings.js'
import type { SftpSession } from './session.js'
import { FX_FAILURE, isNoSuchFile, statusOf } from './session.js'
import { reclaimName, remoteJoin } from './names.js'

/**
 * claimed: ours. lost: another instance has it. busy: `processing/` already holds a file of that
 * name (an earlier file the carrier sent under the same name is being processed): next poll.
 */
export type ClaimResult = 'claimed' | 'lost' | 'busy'

export async function claim (session: SftpSession, s: SftpSettings, name: string): Promise<ClaimResult> {
  try {
    await session.rename(remoteJoin(s.inbox, name), remoteJoin(s.processing, name))
  } catch (err) {
    if (isNoSuchFile(err)) return 'lost'
    if (statusOf(err) === FX_FAILURE) return await session.stat(remoteJoin(s.inbox, name)) === null ? 'lost' : 'busy'
    throw err
  }
  return 'claimed'
}

/**
 * Sets the claimed file's mtime to now (a rename keeps the carrier's), so the stale-claim check
 * measures the claim's age. False when the file is gone: another instance re-claimed it.
 */
export async function stampClaim (session: SftpSession, s: SftpSettings, name: string): Promise<boolean> {
  try {
    await session.touch(remoteJoin(s.processing, name))
    return true
  } catch (err) {
    if (isNoSuchFile(err)) return false
    throw err
  }
}

/**
 * Takes up a stale claim (a crashed instance's) by renaming it within `processing/` to a fresh
 * name: the same one-winner rename as the first claim. Resolves with the new name, or null when
 * another instance got there first.
 */
export async function reclaim (session: SftpSession, s: SftpSettings, name: string): Promise<string | null> {
  const fresh = reclaimName(name)
  try {
    await session.rename(remoteJoin(s.processing, name), remoteJoin(s.processing, fresh))
  } catch (err) {
    if (isNoSuchFile(err)) return null
    throw err
  }
  try {
    return await stampClaim(session, s, fresh) ? fresh : null
  } catch {
    // The file is ours even if its mtime could not be set (the ledger covers a second take-up).
    return fresh
  }
}
