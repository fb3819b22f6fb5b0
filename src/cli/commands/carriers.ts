/**
 * `carrier-gateway carriers list | show CODE | add CODE ... | set-stage CODE STAGE --reason TEXT`
 * (docs/onboarding.md). Agreements are read exactly as the gateway reads them; `add` and
 * `set-stage` write files that pass the same validation, and the running gateway picks them up
 * through its file watcher (or SIGHUP).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { configFileFrom, isSecretRef, loadConfig, problemText, resolveSecret, type GatewayConfig } from '../../config/index.js'
import { loadAgreementDir } from '../../agreements/store.js'
import type { Agreement } from '../../agreements/schema.js'
import { certFacts } from '../../onboarding/certs.js'
import { certificateViews, listText, showText } from '../../onboarding/carriers-view.js'
import { openExistingLedger } from '../../onboarding/ledger.js'
import { checkScaffold, scaffoldAgreement, writeNewAgreement, type ScaffoldCertificate } from '../../onboarding/scaffold.js'
import { STAGES, appendAudit, auditLogPath, changeStage, readAudit, replaceText, type Stage } from '../../onboarding/stage.js'
import { parse as parseOptions, subcommandError } from '../args.js'
import { officerName } from '../officer.js'
import { SPECS } from '../spec.js'
import { EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, print, type CliIo } from '../io.js'
import { isGatewayError, type GatewayError } from '../../errors.js'

const SUB = SPECS.carriers.subcommands
const usageOf = (sub: keyof typeof SUB): string => `usage: ${SUB[sub].usage.join('\n')}`

const CODE = /^[A-Z0-9]{2,3}$/
const PAXLST_VERSIONS = ['D02B', 'D05B', 'D12B', 'D15B']
const FINGERPRINT = /^sha256\/([0-9A-F]{2}:){31}[0-9A-F]{2}$/

function loadAll (config: GatewayConfig, io: CliIo): ReturnType<typeof loadAgreementDir> {
  const loaded = loadAgreementDir(config.carriers)
  const n = loaded.problems.length
  if (n > 0) {
    print(
      io.stderr,
      `warning: ${n} problem${n === 1 ? '' : 's'} in ${config.carriers} (run carrier-gateway check-config); showing the valid agreements`
    )
  }
  return loaded
}

/** The `carriers list --json` entry of one agreement. */
function listEntry (a: Agreement): object {
  return {
    code: a.code,
    name: a.name,
    stage: a.stage,
    channels: Object.keys(a.channels),
    messages: a.messages,
    certificates: certificateViews(a)
  }
}

/** `sha256/` followed by the upper-cased hex bytes, whether or not the prefix was typed. */
function normalFingerprint (fp: string): string {
  return /^sha256\//i.test(fp) ? `sha256/${fp.slice(7).toUpperCase()}` : `sha256/${fp.toUpperCase()}`
}

async function list (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(SUB.list, args)
  if (positionals.length > 0) throw new UsageError(usageOf('list'))
  const config = loadConfig(configFileFrom(values.config, io.env))
  const { agreements } = loadAll(config, io)
  if (values.json) {
    print(io.stdout, JSON.stringify(agreements.map(listEntry), null, 2))
  } else {
    print(io.stdout, listText(agreements))
  }
  return EXIT_OK
}

async function show (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(SUB.show, args)
  if (positionals.length !== 1) throw new UsageError(usageOf('show'))
  const code = positionals[0]
  const config = loadConfig(configFileFrom(values.config, io.env))
  const agreement = loadAll(config, io).agreements.find(a => a.code === code)
  if (agreement === undefined) {
    print(io.stderr, `carriers show: no valid agreement for ${code} in ${config.carriers}`)
    return EXIT_USAGE
  }
  const access = await openExistingLedger(config, io.env)
  let lastByType: Record<string, string> | null = null
  let note = access.note
  if (access.ledger !== null) {
    try {
      lastByType = await access.ledger.lastByType(code)
    } catch (err) {
      note = `ledger unavailable (${(err as Error).message})`
    } finally {
      await access.ledger.close()
    }
  }
  const history = await readAudit(auditLogPath(config.carriers), code)
  if (values.json) {
    const view = {
      ...agreement,
      certificates: certificateViews(agreement),
      lastTransmission: lastByType,
      ledger: note,
      history
    }
    print(io.stdout, JSON.stringify(view, null, 2))
  } else {
    print(io.stdout, showText({ agreement, lastByType, ledgerNote: note, history }))
  }
  return EXIT_OK
}

function csv (v: string | undefined): string[] | null {
  return v === undefined ? null : v.split(',').map(s => s.trim()).filter(s => s !== '')
}

async function add (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(SUB.add, args)
  const [code, ...extra] = positionals
  if (code === undefined || extra.length > 0 || values.name === undefined || values.name.trim() === '') throw new UsageError(usageOf('add'))
  if (!CODE.test(code)) throw new UsageError(`${code} is not a carrier code (IATA 2 or ICAO 3 upper-case letters or digits)`)
  const channels = (['https', 'sftp', 'amqp'] as const).filter(c => values[c])
  if (channels.length === 0) channels.push('https')
  const certificates: ScaffoldCertificate[] = []
  for (const file of values.cert ?? []) {
    let facts
    try {
      facts = certFacts(readFileSync(file))
    } catch {
      print(io.stderr, `carriers add: ${file} cannot be read as a certificate`)
      return EXIT_USAGE
    }
    if (facts.daysLeft < 0) {
      print(io.stderr, `carriers add: ${file} expired on ${facts.notAfter}`)
      return EXIT_USAGE
    }
    certificates.push({ fingerprint: facts.fingerprint, notAfter: facts.notAfter, label: facts.subject })
  }
  for (const fp of values.fingerprint ?? []) certificates.push({ fingerprint: normalFingerprint(fp) })
  if (channels.includes('https') && certificates.length === 0) {
    throw new UsageError(
      'an https agreement needs at least one client certificate: ' +
      'pass --cert FILE (see carrier-gateway certs issue) or --fingerprint sha256/AB:CD:...'
    )
  }
  if (!channels.includes('https') && certificates.length > 0) {
    throw new UsageError('--cert and --fingerprint are for the https channel; add --https')
  }
  // Secrets are never inline in an agreement: only env:NAME or file:PATH references.
  for (const [flag, channel] of [['sftp-key', 'sftp'], ['amqp-url', 'amqp']] as const) {
    const ref = values[flag]
    if (ref === undefined) continue
    if (!isSecretRef(ref) || ref.length < 6) throw new UsageError(`--${flag} takes a secret reference, env:NAME or file:PATH`)
    if (!channels.includes(channel)) throw new UsageError(`--${flag} goes with --${channel}`)
  }
  const paxlst = csv(values.paxlst)
  const pnrgov = csv(values.pnrgov)
  const badPaxlst = (paxlst ?? []).filter(v => !PAXLST_VERSIONS.includes(v))
  if (badPaxlst.length > 0 || paxlst?.length === 0) {
    throw new UsageError(`--paxlst takes versions from ${PAXLST_VERSIONS.join(', ')} (comma-separated)`)
  }
  if ((pnrgov ?? []).some(v => !/^1[0-7]\.1$/.test(v)) || pnrgov?.length === 0) {
    throw new UsageError('--pnrgov takes versions like 11.1, 13.1 (comma-separated)')
  }
  for (const c of certificates) {
    if (!FINGERPRINT.test(c.fingerprint)) {
      throw new UsageError(`${c.fingerprint} is not a SHA-256 fingerprint (sha256/ and 32 colon-separated hex bytes)`)
    }
  }
  const config = loadConfig(configFileFrom(values.config, io.env))
  const file = join(config.carriers, `${code}.yaml`)
  if (existsSync(file) || existsSync(join(config.carriers, `${code}.yml`))) {
    print(io.stderr, `carriers add: ${file} already exists; not overwritten (edit it, or use carriers set-stage)`)
    return EXIT_USAGE
  }
  const text = scaffoldAgreement({
    code,
    name: values.name.trim(),
    // Neither type named: PAXLST D05B, the directory most States profile with the WCO/IATA/ICAO
    // PAXLST guide (the versions an agreement may name: docs/agreements.md).
    paxlst: paxlst ?? (pnrgov === null ? ['D05B'] : null),
    pnrgov,
    channels,
    senderIds: values['sender-id'] ?? [code],
    certificates,
    sftpKey: values['sftp-key'],
    amqpUrl: values['amqp-url'],
    now: new Date()
  })
  const problems = checkScaffold(config.carriers, code, text)
  if (problems.length > 0) {
    const lines = problems.map(p => `  ${problemText(p)}`)
    print(io.stderr, `carriers add: the agreement would not be valid; nothing written:\n${lines.join('\n')}`)
    return EXIT_USAGE
  }
  try {
    writeNewAgreement(config.carriers, code, text)
  } catch (err) {
    const exists = isGatewayError(err, 'GW_ERR_ONBOARDING_EXISTS')
    const e = err as NodeJS.ErrnoException
    print(
      io.stderr,
      exists ? `carriers add: ${file} already exists; not overwritten` : `carriers add: cannot write ${file} (${e.code ?? e.message})`
    )
    return exists ? EXIT_USAGE : EXIT_RUNTIME
  }
  const written = parse(text) as { channels: { sftp?: { privateKey: string }, amqp?: { url: string } } }
  const unresolved = [['channels.sftp.privateKey', written.channels.sftp?.privateKey], ['channels.amqp.url', written.channels.amqp?.url]]
    .filter((r): r is [string, string] => r[1] !== undefined && !resolvable(r[1], io.env))
  const todo = [
    ...unresolved.map(([path, ref]) => `provide ${path} (${ref}); until then check-config reports it and the channel cannot connect`),
    values['sender-id'] === undefined ? `confirm the UNB sender id with the carrier (senderIds defaults to ${code})` : null,
    channels.includes('sftp')
      ? 'fill in channels.sftp (host, username, privateKey, hostKey, folders), then carrier-gateway probe ' + code
      : null,
    channels.includes('amqp')
      ? `set ${code}_AMQP_URL for the gateway and check channels.amqp queues, then carrier-gateway probe ${code}`
      : null,
    `run the carrier's test files through carrier-gateway certify ${code} FILE...`
  ].filter((s): s is string => s !== null)
  print(io.stdout, [`wrote ${file} (stage testing)`, 'next:', ...todo.map(t => `  - ${t}`)].join('\n'))
  return EXIT_OK
}

function resolvable (ref: string, env: NodeJS.ProcessEnv): boolean {
  try {
    resolveSecret(ref, env)
    return true
  } catch {
    return false
  }
}

async function setStage (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(SUB['set-stage'], args)
  const [code, stage, ...extra] = positionals
  if (code === undefined || stage === undefined || extra.length > 0) throw new UsageError(usageOf('set-stage'))
  if (!(STAGES as readonly string[]).includes(stage)) throw new UsageError(`stage must be one of ${STAGES.join(', ')}`)
  if (values.reason === undefined || values.reason.trim() === '') {
    throw new UsageError('--reason TEXT is required: the audit log records why the stage changed')
  }
  const by = officerName(values.by, io.env)
  const config = loadConfig(configFileFrom(values.config, io.env))
  const file = [join(config.carriers, `${code}.yaml`), join(config.carriers, `${code}.yml`)].find(f => existsSync(f))
  if (file === undefined) {
    print(io.stderr, `carriers set-stage: no agreement file for ${code} in ${config.carriers}`)
    return EXIT_USAGE
  }
  const before = readFileSync(file, 'utf8')
  let change
  try {
    change = await changeStage(file, stage as Stage)
  } catch (err) {
    // A refused stage change is the agreement file's own problem (fix it first); anything else is the disk.
    const refused = isGatewayError(err, 'GW_ERR_ONBOARDING_STAGE_CHANGE')
    print(io.stderr, `carriers set-stage: ${refused ? (err as GatewayError).detail : (err as Error).message}`)
    return refused ? EXIT_USAGE : EXIT_RUNTIME
  }
  if (!change.changed) {
    print(io.stdout, `${code} is already in stage ${stage}; nothing changed`)
    return EXIT_OK
  }
  const audit = auditLogPath(config.carriers)
  const entry = {
    at: new Date().toISOString(),
    by,
    action: 'set-stage' as const,
    carrier: code,
    from: change.from,
    to: change.to,
    reason: values.reason.trim()
  }
  try {
    await appendAudit(audit, entry)
  } catch (err) {
    // An unrecorded change is not allowed to stand: put the file back.
    await replaceText(file, before)
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message
    print(io.stderr, `carriers set-stage: the audit log ${audit} cannot be written (${why}); the stage was not changed`)
    return EXIT_RUNTIME
  }
  print(io.stdout, [
    `${code}: stage ${change.from} -> ${change.to} (${file}); recorded in ${audit}`,
    'a running gateway applies it within a second (file watcher) or on SIGHUP'
  ].join('\n'))
  return EXIT_OK
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'list': return await list(rest, io)
    case 'show': return await show(rest, io)
    case 'add': return await add(rest, io)
    case 'set-stage': return await setStage(rest, io)
    default: throw subcommandError('carriers', sub, SPECS.carriers)
  }
}
