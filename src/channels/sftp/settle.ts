/**
 * Settling a claimed file on the carrier's server: the ack file first (temporary name, then
 * rename, so the carrier never reads half an ack), then the source file out of `processing/`
 * (docs/architecture.md "Outcomes", docs/channels.md "Folder life cycle"). Carriers reuse file names, so a name already taken in the
 * target folder gets a time suffix instead of overwriting what is there.
 */
import { randomBytes } from 'node:crypto'
import type { SftpSession } from './session.js'
import { FX_NO_SUCH_FILE, statusOf } from './session.js'
import { ackFileName, collisionSuffix, remoteJoin, withSuffix } from './names.js'

const MAX_ATTEMPTS = 5

/**
 * Renames `from` to `dir/name`, or to a suffixed name when that one exists. Resolves with the
 * final name. Rejects (status 2) when `from` is gone: another instance settled it.
 */
export async function moveUnique (
  session: SftpSession,
  from: string,
  dir: string,
  name: string,
  accept: (name: string) => boolean = () => true
): Promise<string> {
  let target = name
  for (let attempt = 0; ; attempt++) {
    try {
      await session.rename(from, remoteJoin(dir, target))
      return target
    } catch (err) {
      // The rename refuses an existing target (SFTP v3, OpenSSH: link()); anything else is final.
      if (statusOf(err) === FX_NO_SUCH_FILE || attempt + 1 >= MAX_ATTEMPTS) throw err
      if (await session.stat(remoteJoin(dir, target)) === null) throw err
      const next = withSuffix(name, collisionSuffix(attempt + 1))
      if (!accept(next)) throw err
      target = next
    }
  }
}

/**
 * Writes the ack as `ackDir/NAME.<ext>` via a dot-file temporary name (carriers skip dot-files, as
 * we do) and a rename. Resolves with the file name written.
 */
export async function writeAckFile (
  session: SftpSession,
  ackDir: string,
  source: string,
  extension: string,
  body: string
): Promise<string> {
  const temp = remoteJoin(ackDir, `.${ackFileName(source, extension)}.${randomBytes(4).toString('hex')}.tmp`)
  await session.writeFile(temp, Buffer.from(body, 'utf8'))
  try {
    return await moveUnique(session, temp, ackDir, ackFileName(source, extension))
  } catch (err) {
    await session.unlink(temp).catch(() => {})
    throw err
  }
}
