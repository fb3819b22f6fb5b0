/**
 * What `carriers list` and `carriers show` print: agreements with stage, channels, message types
 * and versions, certificate expiry (from the agreement's `notAfter`), last transmission per type
 * (ledger) and the stage history (audit log). Metadata only.
 */
import type { Agreement } from '../agreements/schema.js'
import type { AuditEntry } from './stage.js'

export interface CertificateView {
  fingerprint: string
  label: string | null
  notAfter: string | null
  daysLeft: number | null
  revoked: boolean
}

export function certificateViews (a: Agreement, now = Date.now()): CertificateView[] {
  return (a.channels.https?.certificates ?? []).map(c => ({
    fingerprint: `sha256/${c.fingerprint}`,
    label: c.label,
    notAfter: c.notAfter,
    daysLeft: c.notAfter === null ? null : Math.floor((Date.parse(c.notAfter) - now) / 86_400_000),
    revoked: c.revoked
  }))
}

/** Soonest expiry among the non-revoked certificates: a date, 'unknown' (none gives notAfter) or '–' (no HTTPS). */
export function soonestExpiry (a: Agreement): string {
  const certs = (a.channels.https?.certificates ?? []).filter(c => !c.revoked)
  if (certs.length === 0) return '–'
  const known = certs.map(c => c.notAfter).filter((d): d is string => d !== null).sort((x, y) => Date.parse(x) - Date.parse(y))
  if (known.length === 0) return 'unknown'
  return `${known[0].slice(0, 10)}${known.length < certs.length ? ' (some unknown)' : ''}`
}

export function messagesText (a: Agreement): string {
  return Object.entries(a.messages).map(([type, m]) => `${type} ${m.versions.join('/')}`).join(', ')
}

export function table (rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  return rows.map(r => r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join('  ').trimEnd()).join('\n')
}

export function listText (agreements: readonly Agreement[]): string {
  if (agreements.length === 0) return 'no carrier agreements'
  const rows = [['CODE', 'NAME', 'STAGE', 'CHANNELS', 'MESSAGES', 'CERT EXPIRY']]
  for (const a of agreements) rows.push([a.code, a.name, a.stage, Object.keys(a.channels).join(','), messagesText(a), soonestExpiry(a)])
  return table(rows)
}

function channelLines (a: Agreement): string[] {
  const out: string[] = []
  const c = a.channels
  if (c.https !== undefined) {
    const n = c.https.certificates.length
    const from = c.https.allowFrom.length > 0 ? c.https.allowFrom.join(', ') : 'any address'
    out.push(`  https  ${n} certificate${n === 1 ? '' : 's'}, allowed from ${from}`)
  }
  if (c.sftp !== undefined) {
    const s = c.sftp
    out.push(`  sftp   ${s.username}@${s.host}:${s.port} inbox ${s.inbox}, every ${s.pollSeconds}s, host key ${s.hostKey}`)
  }
  if (c.amqp !== undefined) out.push(`  amqp   queue ${c.amqp.queue}, replies to ${c.amqp.replyQueue}, prefetch ${c.amqp.prefetch}`)
  return out
}

export interface ShowFacts {
  agreement: Agreement
  lastByType: Record<string, string> | null
  ledgerNote: string | null
  history: readonly AuditEntry[]
  now?: number
}

export function auditLine (e: AuditEntry): string {
  if (e.action === 'quarantine-release') {
    return `${e.at}  ${e.by}  released ${e.transmissionId ?? '?'} from quarantine to ${e.destination ?? '?'}: ${e.reason}`
  }
  return `${e.at}  ${e.by}  ${e.from ?? '?'} -> ${e.to ?? '?'}: ${e.reason}`
}

/** What a stage means for the carrier's traffic, after the stage name. */
function stageNote (stage: Agreement['stage']): string {
  return stage === 'testing' ? ' (all traffic to the test destination)' : stage === 'suspended' ? ' (refused on every channel)' : ''
}

function expiryText (c: CertificateView): string {
  if (c.notAfter === null) return 'expiry unknown (no notAfter in the agreement)'
  return c.daysLeft !== null && c.daysLeft < 0 ? `EXPIRED ${c.notAfter}` : `expires ${c.notAfter} (${c.daysLeft ?? '?'} days)`
}

export function showText (f: ShowFacts): string {
  const a = f.agreement
  const out = [
    `${a.code}  ${a.name}`,
    `stage        ${a.stage}${stageNote(a.stage)}`,
    `file         ${a.file}`,
    `sender ids   ${a.senderIds.join(', ')}`,
    'messages'
  ]
  for (const [type, m] of Object.entries(a.messages)) out.push(`  ${type.padEnd(6)} versions ${m.versions.join(', ')}; ack ${m.ack}`)
  out.push(`acks         ${a.ackWhen}; test interchanges ${a.acceptTest ? 'accepted (routed to test)' : 'rejected (CONTRL 25)'}`)
  out.push(`strictness   ${Object.entries(a.strictness).map(([k, v]) => `${k} ${v}`).join(', ')}`)
  out.push('channels', ...channelLines(a))
  const certs = certificateViews(a, f.now)
  if (certs.length > 0) {
    out.push('certificates')
    for (const c of certs) {
      out.push(`  ${c.fingerprint}  ${expiryText(c)}${c.revoked ? '  REVOKED' : ''}${c.label !== null ? `  ${c.label}` : ''}`)
    }
  }
  out.push('last transmission')
  if (f.lastByType === null) out.push(`  ${f.ledgerNote ?? 'unknown'}`)
  else if (Object.keys(f.lastByType).length === 0) out.push('  none yet')
  else for (const [type, at] of Object.entries(f.lastByType).sort()) out.push(`  ${type.padEnd(8)} ${at}`)
  out.push('history (audit log)')
  if (f.history.length === 0) out.push('  no recorded changes')
  for (const e of f.history) out.push(`  ${auditLine(e)}`)
  return out.join('\n')
}
