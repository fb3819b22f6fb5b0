/**
 * The SFTP polling channel: one poller per carrier whose agreement configures `channels.sftp`
 * (docs/channels.md "SFTP channel"), following agreement reloads: a new carrier starts polling, a
 * removed one stops, changed SFTP settings restart its poller, and a `suspended` stage pauses it
 * (docs/channels.md "Folder life cycle", "Suspended carriers"). The carrier of every file is the
 * agreement that configured the server (docs/architecture.md "Invariants", 3); the UNB sender must
 * still be one of its sender ids, which the pipeline checks.
 */
import type { Channel, ChannelDeps } from '../channel.js'
import type { AgreementSet } from '../../agreements/store.js'
import type { Agreement } from '../../agreements/schema.js'
import { startCarrierPoller, type CarrierPoller } from './poller.js'
import { sftpSettingsOf } from './settings.js'

export { hostKeyFingerprint, connectSftp, presentedHostKey, sftpFailureReason } from './connection.js'
export { sftpSettingsOf, type SftpSettings } from './settings.js'

interface Running {
  poller: CarrierPoller
  key: string
}

export function createSftpChannel (deps: ChannelDeps): Channel {
  const { logger } = deps
  const pollers = new Map<string, Running>()
  /** Pollers being stopped (removed or replaced); stop() waits for them too. */
  const stopping = new Set<Promise<void>>()
  let running = false

  const retire = (p: CarrierPoller): Promise<void> => {
    const done = p.stop().finally(() => stopping.delete(done))
    stopping.add(done)
    return done
  }

  function sync (set: AgreementSet): void {
    if (!running) return
    const wanted = new Map<string, Agreement>()
    for (const a of set.all) if (a.channels.sftp !== undefined) wanted.set(a.code, a)
    for (const [code, r] of pollers) {
      if (wanted.has(code)) continue
      pollers.delete(code)
      logger.info({ carrier: code }, 'SFTP polling stopped: channel removed from the agreement')
      retire(r.poller).catch(() => {})
    }
    for (const [code, agreement] of wanted) {
      const existing = pollers.get(code)
      let settings
      try {
        settings = sftpSettingsOf(agreement, deps.config)
      } catch (err) {
        logger.error({ carrier: code, err }, 'SFTP agreement settings unusable; not polling')
        if (existing !== undefined) { pollers.delete(code); retire(existing.poller).catch(() => {}) }
        continue
      }
      const key = JSON.stringify(settings)
      if (existing !== undefined && existing.key === key) {
        existing.poller.update(agreement)
        continue
      }
      // A changed server, folder or limit: the old poller settles its files first, then the new one starts.
      const after = existing !== undefined ? retire(existing.poller) : Promise.resolve()
      pollers.set(code, { poller: startCarrierPoller(deps, agreement, settings, logger.child({ carrier: code }), after), key })
      logger.info({
        carrier: code,
        host: settings.host,
        port: settings.port,
        inbox: settings.inbox,
        pollSeconds: settings.pollMs / 1000,
        stage: agreement.stage
      }, existing !== undefined ? 'SFTP polling restarted with new settings' : 'SFTP polling started')
    }
  }

  // Registered once: the store has no way to unregister, so a stopped channel ignores changes.
  deps.agreements.onChange(set => sync(set))

  return {
    name: 'sftp',
    async start () {
      running = true
      sync(deps.agreements.current())
    },
    async stop () {
      running = false
      const all = [...pollers.values()].map(r => retire(r.poller))
      pollers.clear()
      await Promise.all([...all, ...stopping])
    },
    healthy: () => running
  }
}
