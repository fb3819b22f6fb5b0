/**
 * Delivery of a PIU message to a carrier's SFTP server (docs/outbound.md "SFTP"): written to
 * `channels.sftp.fromPiuDir` under a dot-file temporary name, then renamed to its final name, so the
 * carrier never picks up half a file (the same rule as the acks, docs/channels.md "Folder life
 * cycle"). The name is `<KIND>_<UNB reference>.edi`; a name already taken gets a time suffix. A
 * session per delivery: messages to carriers are rare, and a pinned host key is checked every time.
 */
import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import type { Agreement } from '../../agreements/schema.js'
import { isSecretRef, resolveSecret, resolveSecretBytes } from '../../config/index.js'
import { GatewayError } from '../../errors.js'
import { connectSftp } from './connection.js'
import { moveUnique } from './settle.js'
import { remoteJoin } from './names.js'

export interface SftpMessage {
  kind: string
  reference: string
  payload: Buffer
}

/** Resolves with the file name written; rejects with GW_ERR_OUTBOUND_DELIVERY_FAILED (or _NO_CHANNEL). */
export async function deliverBySftp (agreement: Agreement, message: SftpMessage): Promise<string> {
  const s = agreement.channels.sftp
  if (s?.fromPiuDir === undefined) throw new GatewayError('GW_ERR_OUTBOUND_NO_CHANNEL', agreement.code)
  const dir = posix.normalize(s.fromPiuDir).replace(/(.)\/+$/, '$1')
  const name = `${message.kind.toUpperCase()}_${message.reference.replace(/[^A-Za-z0-9._-]/g, '_')}.edi`
  let session
  try {
    session = await connectSftp({
      host: s.host,
      port: s.port ?? 22,
      username: s.username,
      privateKey: resolveSecretBytes(s.privateKey),
      passphrase: s.passphrase === undefined ? null : isSecretRef(s.passphrase) ? resolveSecret(s.passphrase) : s.passphrase,
      hostKey: s.hostKey,
      name: `sftp-outbound-${agreement.code}`
    })
  } catch (err) {
    throw new GatewayError('GW_ERR_OUTBOUND_DELIVERY_FAILED', `sftp ${agreement.code}`, { cause: err })
  }
  const temp = remoteJoin(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await session.writeFile(temp, message.payload)
    try {
      return await moveUnique(session, temp, dir, name)
    } catch (err) {
      await session.unlink(temp).catch(() => {})
      throw err
    }
  } catch (err) {
    throw new GatewayError('GW_ERR_OUTBOUND_DELIVERY_FAILED', `sftp ${agreement.code}`, { cause: err })
  } finally {
    await session.end().catch(() => {})
  }
}
