/**
 * The agreement's `channels.sftp` block normalised once where it enters the channel (docs/channels.md
 * "Agreement fields (`channels.sftp`)" has the defaults): folders without trailing slashes, times in ms, the size
 * limit resolved (agreement `limits.maxMessageBytes`, else the gateway's), and the `done` /
 * `afterRead` combination checked.
 */
import { posix } from 'node:path'
import type { Agreement } from '../../agreements/schema.js'
import type { GatewayConfig } from '../../config/index.js'
import { GatewayError } from '../../errors.js'
import { sizeLimitOf } from '../../intake/limits.js'

export interface SftpSettings {
  carrier: string
  host: string
  port: number
  username: string
  /** Secret reference (`file:` / `env:`); resolved only when connecting. */
  privateKey: string
  passphrase: string | null
  /** Pinned `SHA256:<base64>` as `ssh-keygen -l` prints it. */
  hostKey: string
  inbox: string
  pattern: string
  processing: string
  /** Null when `afterRead: delete`. */
  done: string | null
  afterRead: 'move' | 'delete'
  rejected: string
  ackDir: string | null
  pollMs: number
  staleMs: number
  maxInFlight: number
  maxMessageBytes: number
}

function folder (p: string): string {
  const n = posix.normalize(p)
  return n.length > 1 ? n.replace(/\/+$/, '') : n
}

/** Throws GW_ERR_AGREEMENT_INVALID when the agreement has no usable SFTP block. */
export function sftpSettingsOf (agreement: Agreement, config: GatewayConfig): SftpSettings {
  const s = agreement.channels.sftp
  if (s === undefined) throw new GatewayError('GW_ERR_AGREEMENT_INVALID', `${agreement.file}: no channels.sftp`)
  const afterRead = s.afterRead ?? 'move'
  if (afterRead === 'move' && (s.done === undefined || s.done === '')) {
    throw new GatewayError('GW_ERR_AGREEMENT_INVALID', `${agreement.file}: /channels/sftp/done is required unless afterRead is delete`)
  }
  return {
    carrier: agreement.code,
    host: s.host,
    port: s.port ?? 22,
    username: s.username,
    privateKey: s.privateKey,
    passphrase: s.passphrase ?? null,
    hostKey: s.hostKey,
    inbox: folder(s.inbox),
    pattern: s.pattern ?? '*',
    processing: folder(s.processing),
    done: afterRead === 'move' && s.done !== undefined ? folder(s.done) : null,
    afterRead,
    rejected: folder(s.rejected),
    ackDir: s.ackDir !== undefined && s.ackDir !== '' ? folder(s.ackDir) : null,
    pollMs: Math.round((s.pollSeconds ?? 30) * 1000),
    staleMs: Math.round((s.staleClaimMinutes ?? 30) * 60_000),
    maxInFlight: s.maxInFlight ?? 4,
    maxMessageBytes: sizeLimitOf([agreement], config.limits)
  }
}

/** The connection-relevant part, to tell whether a reload needs a new session. */
export function connectionKey (s: SftpSettings): string {
  return JSON.stringify([s.host, s.port, s.username, s.privateKey, s.passphrase, s.hostKey])
}
