/**
 * One claimed file, from `processing/` to its final folder: download within the size limit, the
 * pipeline, the ack file, then the move (docs/architecture.md "Outcomes"). The move happens only
 * after `pipeline.process` resolved, which it does with a positive outcome only after durable
 * hand-off (docs/architecture.md "Invariants", 1): a crash before the move leaves the file in
 * `processing/`, where the stale-claim recovery takes it up again and the ledger answers it as a
 * duplicate (docs/architecture.md "Invariants", 2).
 */
import type { Logger } from 'pino'
import type { Agreement } from '../../agreements/schema.js'
import type { Metrics } from '../../metrics/index.js'
import type { Pipeline, TransmissionResult } from '../../pipeline/types.js'
import type { SftpSettings } from './settings.js'
import type { SftpSession } from './session.js'
import { isNoSuchFile } from './session.js'
import { moveUnique, writeAckFile } from './settle.js'
import { globToRegExp, isTemporaryName, originalName, remoteJoin } from './names.js'

export interface FileContext {
  settings: SftpSettings
  /** The agreement as it is now (a reload may have changed strictness or stage). */
  agreement: () => Agreement
  pipeline: Pipeline
  metrics: Metrics
  logger: Logger
}

/** Where the file ended: moved/deleted, back in the inbox, still in processing, or taken by another instance. */
export type Settled = 'done' | 'rejected' | 'returned' | 'left' | 'lost'

const EMPTY = Buffer.alloc(0)

export interface FileOutcome {
  settled: Settled
  retryAfterSeconds: number | null
}

async function finish (ctx: FileContext, session: SftpSession, path: string, source: string, folder: 'done' | 'rejected'): Promise<string> {
  const s = ctx.settings
  if (folder === 'done' && s.afterRead === 'delete') {
    await session.unlink(path)
    return '(deleted)'
  }
  const dir = folder === 'done' ? s.done! : s.rejected
  return remoteJoin(dir, await moveUnique(session, path, dir, source))
}

/**
 * Processes `processing/<name>` that this instance has just claimed. Connection failures reject
 * (the poller drops the session; the file stays claimed and is recovered later).
 */
export async function processClaimed (ctx: FileContext, session: SftpSession, name: string): Promise<FileOutcome> {
  const s = ctx.settings
  const { metrics } = ctx
  const carrier = s.carrier
  const path = remoteJoin(s.processing, name)
  const source = originalName(name)
  const receivedAt = new Date()

  let read
  try {
    read = await session.readLimited(path, s.maxMessageBytes)
  } catch (err) {
    if (!isNoSuchFile(err)) throw err
    // Another instance re-claimed it as stale meanwhile: it is theirs now.
    metrics.sftpFiles.inc({ carrier, action: 'lost_claim' })
    return { settled: 'lost', retryAfterSeconds: null }
  }

  // A file over the size limit is not downloaded: admission refuses it by the size the server reported.
  const result = await ctx.pipeline.process({
    channel: 'sftp',
    bytes: read.bytes ?? EMPTY,
    size: read.tooLarge ? read.size : undefined,
    candidates: [ctx.agreement()],
    receivedAt,
    sourceRef: source
  })
  if (read.tooLarge && result.refusal?.id === 'GW_ERR_INTAKE_TOO_LARGE') return await settleTooLarge(ctx, session, name, result, read.size)
  return await settleResult(ctx, session, name, result)
}

async function settleResult (ctx: FileContext, session: SftpSession, name: string, r: TransmissionResult): Promise<FileOutcome> {
  const s = ctx.settings
  const { metrics, logger } = ctx
  const carrier = s.carrier
  const path = remoteJoin(s.processing, name)
  const source = originalName(name)
  const base = { carrier, file: source, transmissionId: r.transmissionId, outcome: r.outcome }

  // Suspended after the claim: the carrier's files stay with the carrier (docs/agreements.md, "Stages").
  const suspended = r.refusal?.id === 'GW_ERR_INTAKE_CARRIER_SUSPENDED'
  if (r.outcome === 'retry' || suspended) {
    // Not durable: back to the inbox for the next poll (the carrier's copy is still the only one).
    const pattern = globToRegExp(s.pattern)
    try {
      const back = await moveUnique(session, path, s.inbox, source, n => pattern.test(n) && !isTemporaryName(n))
      metrics.sftpFiles.inc({ carrier, action: 'returned' })
      const why = suspended
        ? 'SFTP carrier suspended; file returned to the inbox'
        : 'SFTP file could not be made durable; returned to the inbox'
      logger.warn({ ...base, target: remoteJoin(s.inbox, back) }, why)
      return { settled: 'returned', retryAfterSeconds: r.retryAfterSeconds }
    } catch (err) {
      if (isNoSuchFile(err)) return { settled: 'lost', retryAfterSeconds: r.retryAfterSeconds }
      logger.warn({ ...base, err }, 'SFTP file could not be returned to the inbox; left in processing for stale-claim recovery')
      return { settled: 'left', retryAfterSeconds: r.retryAfterSeconds }
    }
  }

  const folder = r.outcome === 'rejected' ? 'rejected' : 'done'
  // The ack before the move (docs/channels.md "Folder life cycle", 4): once the file leaves processing/, nothing would rewrite it.
  // A failure here leaves the file claimed; the stale-claim recovery retries it (as a duplicate).
  const ackFile = r.ack !== null && s.ackDir !== null ? await writeAckFile(session, s.ackDir, source, r.ack.extension, r.ack.body) : null
  let target
  try {
    target = await finish(ctx, session, path, source, folder)
  } catch (err) {
    if (!isNoSuchFile(err)) throw err
    // Another instance settled it first (a stale re-claim raced us); the ledger kept one copy.
    logger.info(base, 'SFTP file was settled by another instance')
    return { settled: 'lost', retryAfterSeconds: null }
  }
  metrics.sftpFiles.inc({ carrier, action: folder })
  logger.info({ ...base, target, ack: ackFile }, 'SFTP file settled')
  return { settled: folder, retryAfterSeconds: null }
}

/**
 * Refused for its size, as HTTPS answers 413: a JSON error ack naming the limit (the refusal's
 * finding, docs/channels.md "SFTP channel"), and the file to rejected/.
 */
async function settleTooLarge (
  ctx: FileContext,
  session: SftpSession,
  name: string,
  r: TransmissionResult,
  size: number
): Promise<FileOutcome> {
  const s = ctx.settings
  const source = originalName(name)
  const ack = JSON.stringify({ ...r.json, limitBytes: s.maxMessageBytes })
  if (s.ackDir !== null) await writeAckFile(session, s.ackDir, source, 'json', ack)
  const target = await finish(ctx, session, remoteJoin(s.processing, name), source, 'rejected')
  ctx.metrics.sftpFiles.inc({ carrier: s.carrier, action: 'rejected' })
  ctx.logger.warn({ carrier: s.carrier, file: source, transmissionId: r.transmissionId, size, limit: s.maxMessageBytes, target },
    'SFTP file over the size limit; moved to rejected')
  return { settled: 'rejected', retryAfterSeconds: null }
}
