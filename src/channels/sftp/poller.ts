/**
 * The poll loop of one carrier (docs/channels.md "Folder life cycle", "Connections"): one SFTP
 * session kept between polls and re-opened when it drops, a jittered interval so that many carriers
 * (and instances) do not poll in step, exponential backoff while the server cannot be reached, and
 * at most `maxInFlight` files of the carrier being processed at once. A `suspended` carrier is not
 * polled and its files are left where they are.
 */
import type { Logger } from 'pino'
import type { Agreement } from '../../agreements/schema.js'
import type { ChannelDeps } from '../channel.js'
import { resolveSecret, resolveSecretBytes, isSecretRef } from '../../config/index.js'
import type { SftpSettings } from './settings.js'
import type { SftpSession } from './session.js'
import { isNoSuchFile } from './session.js'
import { connectSftp, presentedHostKey, sftpFailureReason } from './connection.js'
import { requireFolders } from './folders.js'
import { claim, reclaim, stampClaim } from './claim.js'
import { StaleClaims } from './stale.js'
import { processClaimed, type FileContext } from './transfer.js'
import { globToRegExp, isTemporaryName } from './names.js'

export interface CarrierPoller {
  readonly settings: SftpSettings
  /** A reload with the same SFTP settings: new stage, strictness, message versions. */
  update (agreement: Agreement): void
  /** Stops polling, lets the files in flight settle, closes the session. */
  stop (): Promise<void>
}

const MAX_BACKOFF_MS = 300_000

/** ±20 % around the interval. */
const jitter = (ms: number): number => Math.round(ms * (0.8 + Math.random() * 0.4))

/** Doubling from about one poll interval (0.1 s … 2 s) to five minutes, with jitter. */
export function backoffMs (failures: number, pollMs: number): number {
  const base = Math.min(2000, Math.max(100, pollMs))
  const raw = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(20, failures - 1))
  return Math.round(raw * (0.5 + Math.random() * 0.5))
}

/** Runs `fn` over `items`, `limit` at a time; after a failure starts no more, waits for the rest, rethrows. */
async function bounded<T> (items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failure: { err: unknown } | null = null
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const item = items[next++]
      try {
        await fn(item)
      } catch (err) {
        failure ??= { err }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failure !== null) throw (failure as { err: unknown }).err
}

export function startCarrierPoller (
  deps: ChannelDeps,
  agreement: Agreement,
  settings: SftpSettings,
  logger: Logger,
  after: Promise<void> = Promise.resolve()
): CarrierPoller {
  const { metrics } = deps
  const s = settings
  const carrier = s.carrier
  let current = agreement
  let stopping = false
  let session: SftpSession | null = null
  let wake: (() => void) | null = null
  let failures = 0
  let lastFailure: string | null = null
  let previous = new Map<string, string>()
  const inFlight = new Set<string>()
  const stale = new StaleClaims(s)
  const pattern = globToRegExp(s.pattern)
  // Acks written into the inbox itself must never come back as transmissions.
  const ownAck = (name: string): boolean => s.ackDir === s.inbox && /\.(contrl|ackres|json)$/i.test(name)
  const ctx: FileContext = { settings: s, agreement: () => current, pipeline: deps.pipeline, metrics, logger }
  const suspended = (): boolean => current.stage === 'suspended'

  const sleep = (ms: number): Promise<void> => new Promise(resolve => {
    const timer = setTimeout(done, ms)
    function done (): void { clearTimeout(timer); wake = null; resolve() }
    wake = done
  })

  async function closeSession (why: string): Promise<void> {
    const open = session
    session = null
    metrics.sftpConnected.set({ carrier }, 0)
    if (open !== null) {
      await open.end()
      logger.info({ carrier, why }, 'SFTP session closed')
    }
  }

  async function ensureSession (): Promise<SftpSession> {
    if (session?.alive() === true) return session
    session = null
    const opened = await connectSftp({
      host: s.host,
      port: s.port,
      username: s.username,
      // Resolved per connection, never kept: a rotated key file is picked up on reconnect.
      privateKey: resolveSecretBytes(s.privateKey),
      passphrase: s.passphrase === null ? null : isSecretRef(s.passphrase) ? resolveSecret(s.passphrase) : s.passphrase,
      hostKey: s.hostKey,
      name: `sftp-${carrier}`
    })
    try {
      await requireFolders(opened, s)
    } catch (err) {
      await opened.end()
      throw err
    }
    opened.onClose(() => {
      if (session === opened) session = null
      metrics.sftpConnected.set({ carrier }, 0)
    })
    session = opened
    metrics.sftpConnected.set({ carrier }, 1)
    logger.info({ carrier, host: s.host, port: s.port, hostKey: opened.hostKey }, 'SFTP session opened')
    return opened
  }

  function reportFailure (err: unknown): void {
    const reason = sftpFailureReason(err)
    if (reason === 'host_key_mismatch') {
      metrics.sftpHostKeyMismatch.inc({ carrier })
      logger.error(
        { carrier, host: s.host, port: s.port, pinned: s.hostKey, presented: presentedHostKey(err) },
        'SFTP server host key does not match the pinned key; connection refused'
      )
      return
    }
    // Repeats of the same failure are logged at growing intervals (the backoff), not every poll.
    const record = { carrier, host: s.host, port: s.port, reason, failures, err }
    if (reason !== lastFailure || (failures & (failures - 1)) === 0) logger.warn(record, 'SFTP poll failed; backing off')
    else logger.debug(record, 'SFTP poll failed; backing off')
    lastFailure = reason
  }

  /** One claimed file (a fresh claim or a re-claimed stale one) through to its settlement. */
  async function runClaimed (open: SftpSession, name: string, state: { retryAfter: number | null }): Promise<void> {
    inFlight.add(name)
    try {
      const out = await processClaimed(ctx, open, name)
      if (out.retryAfterSeconds !== null) state.retryAfter = Math.max(state.retryAfter ?? 0, out.retryAfterSeconds)
    } catch (err) {
      if (!open.alive()) throw err
      if (isNoSuchFile(err)) return
      logger.error({ carrier, file: name, err }, 'SFTP file could not be settled; left in processing for stale-claim recovery')
    } finally {
      inFlight.delete(name)
    }
  }

  async function pollOnce (open: SftpSession): Promise<number | null> {
    const state: { retryAfter: number | null } = { retryAfter: null }
    const halt = (): boolean => stopping || suspended() || state.retryAfter !== null
    const now = Date.now()

    const reclaimed: string[] = []
    if (stale.due(now)) {
      for (const name of await stale.find(open, inFlight, now)) {
        const fresh = await reclaim(open, s, name)
        if (fresh === null) continue
        metrics.sftpFiles.inc({ carrier, action: 'reclaimed_stale' })
        logger.warn({ carrier, file: name, claimedAs: fresh, staleMinutes: s.staleMs / 60_000 }, 'SFTP stale claim taken up again')
        reclaimed.push(fresh)
      }
    }

    // Only a file listed twice with the same size and mtime is complete (docs/channels.md "Folder life cycle", 1).
    const listing = await open.list(s.inbox)
    const seen = new Map<string, string>()
    const ready: Array<{ name: string, mtimeMs: number }> = []
    let oldest = Infinity
    for (const e of listing) {
      if (!e.isFile || isTemporaryName(e.name) || !pattern.test(e.name) || ownAck(e.name)) continue
      const signature = `${e.size}:${e.mtimeMs}`
      seen.set(e.name, signature)
      oldest = Math.min(oldest, e.mtimeMs)
      const before = previous.get(e.name)
      if (before === signature) ready.push({ name: e.name, mtimeMs: e.mtimeMs })
      else if (before !== undefined) metrics.sftpFiles.inc({ carrier, action: 'skipped_unstable' })
    }
    previous = seen
    metrics.sftpOldestFileAge.set({ carrier }, oldest === Infinity ? 0 : Math.max(0, (now - oldest) / 1000))
    ready.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1))

    const jobs = [...reclaimed.map(name => ({ name, fresh: false })), ...ready.map(r => ({ name: r.name, fresh: true }))]
    await bounded(jobs, s.maxInFlight, async job => {
      if (job.fresh) {
        if (halt()) return
        let claimed
        try {
          claimed = await claim(open, s, job.name)
        } catch (err) {
          if (!open.alive()) throw err
          // Permission denied and the like: the file stays in the inbox; the operator must see it.
          logger.warn({ carrier, file: job.name, err }, 'SFTP claim refused by the server')
          return
        }
        if (claimed !== 'claimed') {
          metrics.sftpFiles.inc({ carrier, action: 'lost_claim' })
          return
        }
        metrics.sftpFiles.inc({ carrier, action: 'claimed' })
        let stamped = true
        try {
          stamped = await stampClaim(open, s, job.name)
        } catch (err) {
          if (!open.alive()) throw err
          // Without it the claim keeps the carrier's mtime and may be judged stale early: the
          // ledger still answers a second take-up as a duplicate, so processing goes on.
          logger.warn({ carrier, file: job.name, err }, 'SFTP could not set the claimed file mtime')
        }
        if (!stamped) {
          metrics.sftpFiles.inc({ carrier, action: 'lost_claim' })
          return
        }
      }
      await runClaimed(open, job.name, state)
    })
    return state.retryAfter
  }

  async function loop (): Promise<void> {
    await after
    // Spread the first polls of many carriers (and of instances started together).
    await sleep(Math.round(Math.random() * Math.min(s.pollMs, 5000)))
    // `stopping` is set by stop() while this loop sleeps.
    // eslint-disable-next-line no-unmodified-loop-condition
    while (!stopping) {
      if (suspended()) {
        // Paused: no session, no listing; the carrier's files stay where they are.
        if (session !== null) await closeSession('carrier suspended')
        metrics.sftpOldestFileAge.remove({ carrier })
        previous = new Map()
        await sleep(s.pollMs)
        continue
      }
      let waitMs: number
      try {
        const open = await ensureSession()
        const retryAfter = await pollOnce(open)
        failures = 0
        lastFailure = null
        metrics.sftpPolls.inc({ carrier, result: 'ok' })
        metrics.sftpLastPoll.set({ carrier }, Date.now() / 1000)
        // After a retry outcome, wait as a carrier told "Retry-After" would.
        waitMs = Math.max(jitter(s.pollMs), (retryAfter ?? 0) * 1000)
      } catch (err) {
        failures++
        metrics.sftpPolls.inc({ carrier, result: 'error' })
        reportFailure(err)
        await closeSession('poll failed')
        waitMs = backoffMs(failures, s.pollMs)
      }
      if (!stopping) await sleep(waitMs)
    }
    await closeSession('channel stopped')
    metrics.sftpOldestFileAge.remove({ carrier })
  }

  const running = loop().catch(err => {
    logger.error({ carrier, err }, 'SFTP poller ended unexpectedly')
  })

  return {
    settings: s,
    update (next) {
      const resumed = suspended() && next.stage !== 'suspended'
      current = next
      if (resumed) wake?.()
    },
    async stop () {
      stopping = true
      wake?.()
      await running
    }
  }
}
