/**
 * `carriers add`: a new agreement file in stage `testing`, commented field by field so an officer
 * can finish it by hand (docs/agreements.md). The text is built here and checked
 * by the same validation as `check-config` (with every other agreement of the folder, so a sender
 * id clash on a shared certificate is caught) before it is written; an existing file is never
 * overwritten.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { loadAgreementDir, validateAgreement } from '../agreements/store.js'
import type { ConfigProblem } from '../config/index.js'
import { GatewayError } from '../errors.js'
import type { ChannelName } from '../transmission/index.js'

export interface ScaffoldCertificate {
  fingerprint: string
  notAfter?: string
  label?: string
}

export interface ScaffoldOptions {
  code: string
  name: string
  paxlst: string[] | null
  pnrgov: string[] | null
  channels: ChannelName[]
  /** Secret reference of the SFTP private key. @default `file:secrets/<code>_ed25519` */
  sftpKey?: string
  /** Secret reference of the carrier broker URL. @default `env:<CODE>_AMQP_URL` */
  amqpUrl?: string
  senderIds: string[]
  certificates: ScaffoldCertificate[]
  /** Date written into the header comment. */
  now: Date
}

const q = (v: string): string => JSON.stringify(v) // a JSON string is a valid YAML double-quoted scalar
/** A line with its comment aligned in one column. */
const c = (text: string, comment: string): string => `${text.padEnd(33)} # ${comment}`

function certificateLines (certs: readonly ScaffoldCertificate[]): string[] {
  return certs.map(c => {
    const fields = [`fingerprint: ${q(c.fingerprint)}`]
    if (c.notAfter !== undefined) fields.push(`notAfter: ${q(c.notAfter)}`)
    if (c.label !== undefined) fields.push(`label: ${q(c.label)}`)
    return `      - { ${fields.join(', ')} }`
  })
}

export function scaffoldAgreement (o: ScaffoldOptions): string {
  const lc = o.code.toLowerCase()
  const l: string[] = [
    `# Carrier agreement for ${o.code} (${o.name.replace(/[\r\n]/g, ' ')}), ` +
      `scaffolded by \`carrier-gateway carriers add\` on ${o.now.toISOString().slice(0, 10)}.`,
    '# Every field is described in docs/agreements.md. The running gateway re-reads this',
    '# folder when a file changes; a file with an error is reported and ignored (the last good version',
    '# stays). Check a change with `carrier-gateway check-config`.',
    '',
    c(`code: ${o.code}`, 'IATA (2) or ICAO (3) designator; must match the file name'),
    `name: ${q(o.name)}`,
    '# testing: everything goes to the PIU\'s test destination, never to production. Change it only with',
    `# \`carrier-gateway carriers set-stage ${o.code} live --reason TEXT\`, which records who, when and why.`,
    c('stage: testing', 'testing | live | suspended (every channel refused / paused)'),
    c('contacts: []', 'e.g. [{ role: operations, email: ops@carrier.example }]'),
    '# UNB sender ids (S002) the carrier may use; any other sender is rejected with CONTRL 23.',
    `senderIds: [${o.senderIds.map(q).join(', ')}]`,
    c('messages:', 'the message types and versions agreed; any other is rejected')
  ]
  if (o.paxlst !== null) l.push(c(`  PAXLST: { versions: [${o.paxlst.join(', ')}], ack: contrl }`, 'ack: contrl | json | none'))
  if (o.pnrgov !== null) {
    l.push(c(`  PNRGOV: { versions: [${o.pnrgov.map(q).join(', ')}], ack: ackres }`, 'ack: ackres | contrl | json | none'))
  }
  l.push(
    c('ackWhen: always', 'always | on-error | on-request (only when UNB 0031 = 1)'),
    c('acceptTest: true', 'UNB test indicator: routed to test; false: rejected (CONTRL 25)'),
    c('maxAgeHours: null', 'an older UNB date/time is rejected as too old (CONTRL 24)'),
    c('typeB: false', 'true: unfold Type B line folding inside values'),
    c('unaRepair: false', 'true: repair a malformed UNA instead of rejecting it'),
    c('strictness:', 'per check family: reject, or warn and forward'),
    c('  controlCounts: reject', 'UNT/UNE/UNZ counts and references (CONTRL 28/29)'),
    c('  characterSet: warn', 'characters outside the declared syntax level (CONTRL 21)'),
    c('  profile: warn', 'PAXLST/PNRGOV profile rules (missing conditional data...)'),
    c('  changedResend: reject', 'same interchange reference, different content (CONTRL 26); or forward'),
    c('  partial: interchange', 'interchange: one bad message rejects all; message: forward the good ones'),
    'channels:'
  )
  if (o.channels.includes('https')) {
    l.push(
      c('  https:', 'POST /v1/transmissions over mutual TLS'),
      '    # Client certificates by SHA-256 fingerprint (`carrier-gateway certs show FILE` prints it);',
      '    # list the new one beside the old while a certificate is rotated.',
      '    certificates:',
      ...certificateLines(o.certificates),
      c('    allowFrom: []', 'optional CIDR allow-list, e.g. ["192.0.2.0/24"]')
    )
  }
  if (o.channels.includes('sftp')) {
    l.push(
      c('  sftp:', 'the gateway polls the carrier\'s SFTP server'),
      '    # FILL IN with the carrier: until then the placeholders below cannot connect (the host is in',
      '    # the reserved .invalid domain). Check with `carrier-gateway probe ' + o.code + '`.',
      c(`    host: sftp.${lc}.invalid`, 'the carrier\'s SFTP host'),
      '    port: 22',
      c('    username: piu', 'the account the carrier created for the PIU'),
      c(`    privateKey: ${o.sftpKey ?? `file:secrets/${lc}_ed25519`}`, 'our key for that account: file:PATH or env:NAME'),
      c('    hostKey: "SHA256:FILLINTHECARRIERSHOSTKEYFINGERPRINT"', 'pinned: ssh-keygen -lf on their host key'),
      c('    inbox: /out', 'where the carrier puts files'),
      '    pattern: "*.edi"',
      c('    processing: /out/processing', 'claimed files are renamed here while processed'),
      c('    done: /out/done', 'processed files (or afterRead: delete)'),
      c('    rejected: /out/rejected', 'files that were rejected'),
      c('    ackDir: /in', 'acks (CONTRL/ACKRES/JSON) are written here'),
      '    pollSeconds: 30'
    )
  }
  if (o.channels.includes('amqp')) {
    l.push(
      c('  amqp:', 'the gateway consumes from the carrier\'s broker'),
      '    # FILL IN with the carrier: the broker URL is read from the secret named here (env:NAME or file:PATH).',
      `    url: ${o.amqpUrl ?? `env:${o.code}_AMQP_URL`}`,
      c(`    queue: ${lc}.piu.out`, 'the queue the carrier publishes to'),
      c(`    replyQueue: ${lc}.piu.ack`, 'acks go here; a carrier\'s replyTo is honoured only if equal'),
      '    prefetch: 16',
      c('    maxRedeliveries: 5', 'then to <queue>.dlq with an x-reason header')
    )
  }
  l.push(
    c('limits: { requestsPerMinute: 600 }', 'HTTPS requests per minute; maxMessageBytes optional'),
    c('syntax:', 'text real traffic carries beside ISO 9735 (docs/agreements.md "Syntax")'),
    c('  outsideText: reject', 'text between segments: reject (CONTRL 33) | warn | ignore'),
    c('  lineBreakTerminator: warn', 'a line break declared as segment terminator: reject | warn | ignore'),
    c('expect:', 'the status page flags a carrier silent for longer (docs/metrics.md)'),
    c('  govreqMinutes: 60', 'a GOVREQ\'s PNRGOV push is due within this'),
    '# What must arrive for each flight, and when (docs/flights.md "Schedules"): nothing until listed.',
    'schedule:',
    c('  PNRGOV: { pushesAt: [], toleranceMinutes: 30 }', 'e.g. pushesAt: [-48h, -24h, -2h, 0h]'),
    c('  PAXLST: { passengersBy: null, crewBy: null, finalAfterDeparture: null }', 'e.g. passengersBy: 0h, crewBy: -1h'),
    c('sensitiveData:', 'EU PNR Directive Art. 13(4), PNRGOV only (docs/sensitive-data.md)'),
    c('  filter: false', 'true: listed SSR codes and remarks are removed before forwarding'),
    c('  ssrCodes: []', 'added to the shipped list, e.g. [XTRA]'),
    c('  freeText: drop', 'drop | keep remarks when filtering'),
    c('outbound: { channel: auto }', 'messages from the PIU: auto | amqp | sftp | https (docs/outbound.md)'),
    c('interactive:', 'board / no-board answers (docs/interactive.md)'),
    c('  enabled: false', 'true: iAPI requests are answered with a CUSRES'),
    c('  deadlineMs: 2500', 'the carrier is answered within this, whatever the PIU does'),
    c('  onTimeout: error', 'error | advisory (2Z for everyone) when the PIU has not decided in time')
  )
  return l.join('\n') + '\n'
}

/** Parses and validates the text as `<dir>/<CODE>.yaml` together with the folder's other agreements. */
export function checkScaffold (dir: string, code: string, text: string): ConfigProblem[] {
  const file = join(dir, `${code}.yaml`)
  const own = validateAgreement(parse(text), file)
  if (own.problems.length > 0) return own.problems
  const work = mkdtempSync(join(tmpdir(), 'cg-agreements-'))
  try {
    for (const n of safeList(dir)) if (/\.ya?ml$/.test(n) && !n.startsWith('.')) copyFileSync(join(dir, n), join(work, n))
    writeFileSync(join(work, `${code}.yaml`), text)
    // Only the new file's problems (cross-file ones name it too); other files' own errors are not ours.
    return loadAgreementDir(work).problems
      .filter(p => p.file === join(work, `${code}.yaml`) || p.message.includes(code))
      .map(p => ({ ...p, file: p.file.replace(work, dir) }))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

function safeList (dir: string): string[] {
  try { return readdirSync(dir) } catch { return [] }
}

/** Writes the new agreement without ever replacing an existing file (link fails on EEXIST). */
export function writeNewAgreement (dir: string, code: string, text: string): string {
  const file = join(dir, `${code}.yaml`)
  // A first agreement may be the one that creates the carriers folder of a new installation.
  mkdirSync(dir, { recursive: true })
  if (existsSync(join(dir, `${code}.yml`))) throw new GatewayError('GW_ERR_ONBOARDING_EXISTS', join(dir, `${code}.yml`))
  const tmp = join(dir, `.${code}.yaml.${process.pid}.tmp`)
  writeFileSync(tmp, text, { flag: 'wx', mode: 0o644 })
  try {
    linkSync(tmp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new GatewayError('GW_ERR_ONBOARDING_EXISTS', file)
    throw err
  } finally {
    unlinkSync(tmp)
  }
  return file
}
