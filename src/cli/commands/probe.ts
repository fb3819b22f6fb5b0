/**
 * `carrier-gateway probe CODE [--channel sftp|amqp] [--json] [--config FILE]`: checks a carrier's
 * SFTP and/or AMQP connectivity with the agreement's own settings before the stage goes `live`
 * (docs/channels.md "`carrier-gateway probe CODE`"), and reports what it found. It reads and never changes:
 * no file is claimed, moved or written, and no message is consumed (passive queue checks only).
 * Exit 0 when every configured channel checks out, 1 otherwise (an unreachable server is what a
 * probe checks, so it is 1 here, not 3), 2 for a usage error or an unknown carrier (docs/cli.md).
 */
import { connect as amqpConnect } from 'amqplib'
import { configFileFrom, loadConfig, resolveSecret, resolveSecretBytes, isSecretRef } from '../../config/index.js'
import { loadAgreementDir } from '../../agreements/store.js'
import type { Agreement } from '../../agreements/schema.js'
import { connectSftp, presentedHostKey, sftpFailureReason } from '../../channels/sftp/connection.js'
import { inspectFolders, type FolderReport } from '../../channels/sftp/folders.js'
import { globToRegExp, isTemporaryName } from '../../channels/sftp/names.js'
import { sftpSettingsOf } from '../../channels/sftp/settings.js'
import { parse } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, print, type CliIo } from '../io.js'

interface SftpProbe {
  ok: boolean
  server: string
  username: string
  hostKey: { presented: string | null, pinned: string, matches: boolean | null }
  authenticated: boolean
  error: { reason: string, message: string } | null
  folders: FolderReport[]
  waiting: { files: number, bytes: number, oldestAgeSeconds: number | null, temporary: number, notMatching: number } | null
  processing: { files: number, stale: number } | null
}

interface QueueProbe {
  role: 'queue' | 'replyQueue'
  name: string
  exists: boolean
  messages: number | null
  consumers: number | null
  error: string | null
}

interface AmqpProbe {
  ok: boolean
  /** Broker address without credentials. */
  broker: string
  connected: boolean
  error: string | null
  queues: QueueProbe[]
}

/** The report before the server answered: no host key seen, not authenticated, no folder read. */
function sftpUnprobed (
  c: { host: string, port: number, username: string, hostKey: string },
  error: SftpProbe['error']
): SftpProbe {
  return {
    ok: false,
    server: `${c.host}:${c.port}`,
    username: c.username,
    hostKey: { presented: null, pinned: c.hostKey, matches: null },
    authenticated: false,
    error,
    folders: [],
    waiting: null,
    processing: null
  }
}

async function probeSftp (agreement: Agreement, config: ReturnType<typeof loadConfig>, env: NodeJS.ProcessEnv): Promise<SftpProbe> {
  let s
  try {
    s = sftpSettingsOf(agreement, config)
  } catch (err) {
    const c = agreement.channels.sftp!
    return sftpUnprobed(c, { reason: 'agreement_invalid', message: (err as Error).message })
  }
  const out = sftpUnprobed(s, null)
  let session
  try {
    session = await connectSftp({
      host: s.host,
      port: s.port,
      username: s.username,
      privateKey: resolveSecretBytes(s.privateKey, env),
      passphrase: s.passphrase === null ? null : isSecretRef(s.passphrase) ? resolveSecret(s.passphrase, env) : s.passphrase,
      hostKey: s.hostKey,
      name: `probe-${s.carrier}`
    })
  } catch (err) {
    const reason = sftpFailureReason(err)
    out.error = { reason, message: (err as Error).message }
    const presented = presentedHostKey(err)
    if (presented !== null) {
      out.hostKey.presented = presented
      out.hostKey.matches = reason !== 'host_key_mismatch'
    }
    return out
  }
  try {
    out.hostKey = { presented: session.hostKey, pinned: s.hostKey, matches: true }
    out.authenticated = true
    out.folders = await inspectFolders(session, s)
    const now = Date.now()
    const inbox = out.folders.find(f => f.role === 'inbox')
    if (inbox?.directory === true) {
      const pattern = globToRegExp(s.pattern)
      const files = (await session.list(s.inbox)).filter(e => e.isFile)
      const matching = files.filter(e => !isTemporaryName(e.name) && pattern.test(e.name))
      const oldest = Math.min(...matching.map(e => e.mtimeMs))
      out.waiting = {
        files: matching.length,
        bytes: matching.reduce((n, e) => n + e.size, 0),
        oldestAgeSeconds: matching.length === 0 ? null : Math.max(0, Math.round((now - oldest) / 1000)),
        temporary: files.filter(e => isTemporaryName(e.name)).length,
        notMatching: files.filter(e => !isTemporaryName(e.name) && !pattern.test(e.name)).length
      }
    }
    const processing = out.folders.find(f => f.role === 'processing')
    if (processing?.directory === true) {
      const claims = (await session.list(s.processing)).filter(e => e.isFile && !e.name.startsWith('.'))
      out.processing = { files: claims.length, stale: claims.filter(e => now - e.mtimeMs >= s.staleMs).length }
    }
    out.ok = out.folders.every(f => f.directory)
  } catch (err) {
    out.error = { reason: 'sftp_failed', message: (err as Error).message }
  } finally {
    await session.end()
  }
  return out
}

/** `amqp://user:pass@host:5672/vhost` → `amqp://host:5672/vhost`: credentials are never printed. */
export function brokerAddress (url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname === '' ? '/' : u.pathname}`
  } catch {
    return '(unparseable URL)'
  }
}

async function probeAmqp (agreement: Agreement, env: NodeJS.ProcessEnv): Promise<AmqpProbe> {
  const a = agreement.channels.amqp!
  let url: string
  try {
    url = resolveSecret(a.url, env)
  } catch (err) {
    return { ok: false, broker: '(unresolved)', connected: false, error: (err as Error).message, queues: [] }
  }
  const out: AmqpProbe = { ok: false, broker: brokerAddress(url), connected: false, error: null, queues: [] }
  let conn
  try {
    conn = await amqpConnect(url, { noDelay: true, timeout: 10_000 })
  } catch (err) {
    out.error = `cannot connect: ${(err as Error).message.replace(url, out.broker)}`
    return out
  }
  conn.on('error', () => { /* reported through the calls below */ })
  out.connected = true
  try {
    for (const [role, name] of [['queue', a.queue], ['replyQueue', a.replyQueue]] as const) {
      // A passive declare that fails closes its channel (404): one channel per queue.
      const ch = await conn.createChannel()
      ch.on('error', () => { /* the 404 is the answer */ })
      try {
        const q = await ch.checkQueue(name)
        out.queues.push({ role, name, exists: true, messages: q.messageCount, consumers: q.consumerCount, error: null })
      } catch (err) {
        const error = (err as Error).message.replace(/^Operation failed: QueueDeclare; /, '')
        out.queues.push({ role, name, exists: false, messages: null, consumers: null, error })
      } finally {
        await ch.close().catch(() => {})
      }
    }
    out.ok = out.queues.every(q => q.exists)
  } finally {
    await conn.close().catch(() => {})
  }
  return out
}

function sftpText (p: SftpProbe): string[] {
  const lines = [`sftp: ${p.server} as ${p.username}`]
  const hk = p.hostKey
  if (hk.presented !== null) {
    const verdict = hk.matches === false ? `DOES NOT MATCH the pinned ${hk.pinned}` : '(matches the pinned key)'
    lines.push(`  host key: ${hk.presented} ${verdict}`)
  }
  lines.push(`  authentication: ${p.authenticated ? 'ok' : 'not attempted or refused'}`)
  if (p.error !== null) lines.push(`  error (${p.error.reason}): ${p.error.message}`)
  for (const f of p.folders) {
    const state = !f.exists ? 'MISSING' : !f.directory ? 'NOT A FOLDER' : `folder, mode ${f.mode}, uid ${f.uid}, gid ${f.gid}`
    lines.push(`  ${f.role.padEnd(10)} ${f.path}: ${state}`)
  }
  if (p.waiting !== null) {
    const w = p.waiting
    const oldest = w.oldestAgeSeconds !== null ? `, oldest ${w.oldestAgeSeconds} s` : ''
    lines.push(
      `  waiting: ${w.files} file${w.files === 1 ? '' : 's'} (${w.bytes} bytes)${oldest}; ` +
      `${w.temporary} temporary, ${w.notMatching} not matching the pattern`
    )
  }
  if (p.processing !== null) lines.push(`  processing: ${p.processing.files} claimed, ${p.processing.stale} stale`)
  lines.push(`sftp: ${p.ok ? 'ok' : 'FAILED'}`)
  return lines
}

function amqpText (p: AmqpProbe): string[] {
  const lines = [`amqp: ${p.broker}`, `  connection: ${p.connected ? 'ok' : 'failed'}`]
  if (p.error !== null) lines.push(`  error: ${p.error}`)
  for (const q of p.queues) {
    const state = q.exists
      ? `${q.messages} ready, ${q.consumers} consumer${q.consumers === 1 ? '' : 's'}`
      : `MISSING (${q.error})`
    lines.push(`  ${q.role.padEnd(10)} ${q.name}: ${state}`)
  }
  lines.push(`amqp: ${p.ok ? 'ok' : 'FAILED'}`)
  return lines
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(SPECS.probe, args)
  if (positionals.length !== 1) throw new UsageError(`usage: carrier-gateway ${SPECS.probe.usage[0]}`)
  if (values.channel !== undefined && values.channel !== 'sftp' && values.channel !== 'amqp') {
    throw new UsageError('--channel must be sftp or amqp')
  }
  const code = positionals[0]
  const config = loadConfig(configFileFrom(values.config, io.env))
  const agreement = loadAgreementDir(config.carriers).agreements.find(a => a.code === code)
  if (agreement === undefined) {
    print(io.stderr, `probe: no valid agreement for carrier ${code} in ${config.carriers}`)
    return EXIT_USAGE
  }
  const want = (c: 'sftp' | 'amqp') => agreement.channels[c] !== undefined && (values.channel === undefined || values.channel === c)
  if (!want('sftp') && !want('amqp')) {
    print(io.stderr, `probe: carrier ${code} has no ${values.channel ?? 'SFTP or AMQP'} channel configured`)
    return EXIT_USAGE
  }
  const sftp = want('sftp') ? await probeSftp(agreement, config, io.env) : null
  const amqp = want('amqp') ? await probeAmqp(agreement, io.env) : null
  const ok = (sftp?.ok ?? true) && (amqp?.ok ?? true)
  if (values.json === true) {
    print(io.stdout, JSON.stringify({ carrier: code, stage: agreement.stage, ok, sftp, amqp }, null, 2))
  } else {
    print(io.stdout, [
      `${code} (${agreement.name}), stage ${agreement.stage}`,
      ...(sftp !== null ? sftpText(sftp) : []),
      ...(amqp !== null ? amqpText(amqp) : [])
    ].join('\n'))
  }
  return ok ? EXIT_OK : EXIT_FAILED
}
