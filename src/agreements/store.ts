/**
 * Carrier agreements: every `*.yaml` in the carriers folder, validated, normalised and frozen, with
 * the lookups the channels need (by certificate fingerprint, by code, by UNB sender). A reload that
 * finds any problem keeps the last good set (a typo in one file must not take every carrier down).
 */
import { readdirSync, watch, type FSWatcher } from 'node:fs'
import { isIP } from 'node:net'
import { basename, join } from 'node:path'
import type { Logger } from 'pino'
import { GatewayError } from '../errors.js'
import { readYaml } from '../config/index.js'
import { compileChecker, deepFreeze, problemText, type ConfigProblem } from '../config/validate.js'
import { AgreementSchema, type Agreement, type AgreementInput, type PinnedCertificate } from './schema.js'

const checkAgreement = compileChecker(AgreementSchema)

/** `sha256/AB:CD:…` or `ab:cd:…` → `AB:CD:…` (the form Node's `fingerprint256` uses). */
export function normalizeFingerprint (fp: string): string {
  return fp.replace(/^sha256\//i, '').toUpperCase()
}

/** `channels.https.certificates` as written in the file: fingerprint strings or objects. */
type CertificateEntries = AgreementInput['channels']['https'] extends infer H
  ? H extends { certificates: infer C } ? C : never
  : never

function normalizeCertificates (list: CertificateEntries): PinnedCertificate[] {
  return list.map(c => typeof c === 'string'
    ? { fingerprint: normalizeFingerprint(c), notAfter: null, label: null, revoked: false }
    : {
        fingerprint: normalizeFingerprint(c.fingerprint),
        notAfter: c.notAfter ?? null,
        label: c.label ?? null,
        revoked: c.revoked ?? false
      })
}

export function normalizeAgreement (input: AgreementInput, file: string): Agreement {
  const https = input.channels.https
  return deepFreeze({
    ...input,
    file,
    channels: {
      ...input.channels,
      ...(https !== undefined ? { https: { certificates: normalizeCertificates(https.certificates), allowFrom: https.allowFrom } } : {})
    }
  } as Agreement)
}

/** The fields the checks beyond the schema read, as far as the document has them. */
interface AgreementDocument {
  code?: unknown
  channels?: { https?: { allowFrom?: unknown }, sftp?: { afterRead?: unknown, done?: unknown } }
}

/**
 * Validates one parsed agreement document read from `file`. The file-name and CIDR rules run even
 * when the schema finds other problems, so that one check-config run lists them all.
 */
export function validateAgreement (data: unknown, file: string): { agreement: Agreement | null, problems: ConfigProblem[] } {
  const copy = structuredClone(data ?? {})
  const problems = checkAgreement(copy, file)
  const doc = (copy !== null && typeof copy === 'object' ? copy : {}) as AgreementDocument
  const expected = basename(file).replace(/\.ya?ml$/, '')
  if (typeof doc.code === 'string' && doc.code !== expected) {
    problems.push({ file, path: '/code', message: `must match the file name (${expected})` })
  }
  const allowFrom = doc.channels?.https?.allowFrom
  if (Array.isArray(allowFrom)) {
    for (const [i, cidr] of allowFrom.entries()) {
      if (typeof cidr === 'string' && parseCidr(cidr) === null) {
        problems.push({ file, path: `/channels/https/allowFrom/${i}`, message: 'is not an IPv4 or IPv6 address or CIDR block' })
      }
    }
  }
  // Accepted files are moved to `done` unless the agreement has them deleted (docs/channels.md
  // "Agreement fields (`channels.sftp`)").
  const sftp = doc.channels?.sftp
  if (sftp !== undefined && (sftp.afterRead ?? 'move') === 'move' && sftp.done === undefined) {
    problems.push({ file, path: '/channels/sftp/done', message: 'is required unless afterRead is delete' })
  }
  if (problems.length > 0) return { agreement: null, problems }
  return { agreement: normalizeAgreement(copy as AgreementInput, file), problems: [] }
}

/** `10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32` → parsed form, or null (node:net decides what an address is). */
export function parseCidr (cidr: string): { address: string, prefix: number, family: 'ipv4' | 'ipv6' } | null {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(cidr)
  if (m === null) return null
  const address = m[1]
  const version = isIP(address)
  // Zone ids (fe80::1%eth0) name an interface of this host, never a carrier's address.
  if (version === 0 || address.includes('%')) return null
  const family = version === 4 ? 'ipv4' : 'ipv6'
  const max = family === 'ipv4' ? 32 : 128
  const prefix = m[2] === undefined ? max : Number(m[2])
  if (prefix > max) return null
  return { address, prefix, family }
}

/** Read-only view of one consistent set of agreements. */
export interface AgreementSet {
  readonly all: readonly Agreement[]
  byCode (code: string): Agreement | undefined
  /** Every agreement pinning this certificate (several for a service provider). */
  byFingerprint (fingerprint: string): readonly Agreement[]
  /** Loaded at (ms since epoch); lets per-socket caches notice a reload. */
  readonly generation: number
}

function indexSet (agreements: Agreement[]): AgreementSet {
  const codes = new Map(agreements.map(a => [a.code, a]))
  const prints = new Map<string, Agreement[]>()
  for (const a of agreements) {
    for (const c of a.channels.https?.certificates ?? []) {
      const list = prints.get(c.fingerprint) ?? []
      if (!list.includes(a)) list.push(a)
      prints.set(c.fingerprint, list)
    }
  }
  return Object.freeze({
    all: Object.freeze([...agreements].sort((x, y) => x.code.localeCompare(y.code))),
    byCode: (code: string) => codes.get(code),
    byFingerprint: (fp: string) => prints.get(normalizeFingerprint(fp)) ?? [],
    generation: Date.now()
  })
}

/** Cross-file rules: unique codes; a sender id is never claimed by two agreements sharing a certificate. */
function crossCheck (agreements: Agreement[]): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const seen = new Map<string, string>()
  for (const a of agreements) {
    const other = seen.get(a.code)
    if (other !== undefined) problems.push({ file: a.file, path: '/code', message: `duplicates the code in ${other}` })
    seen.set(a.code, a.file)
  }
  const set = indexSet(agreements)
  const reported = new Set<string>()
  for (const a of agreements) {
    for (const c of a.channels.https?.certificates ?? []) {
      const sharing = set.byFingerprint(c.fingerprint)
      if (sharing.length < 2) continue
      for (const b of sharing) {
        if (b === a) continue
        for (const s of a.senderIds) {
          const key = [a.code, b.code].sort().join('/') + s
          if (b.senderIds.includes(s) && !reported.has(key)) {
            reported.add(key)
            problems.push({
              file: a.file,
              path: '/senderIds',
              message: `sender id is also claimed by ${b.code}, which shares a certificate; the carrier could not be told apart`
            })
          }
        }
      }
    }
  }
  return problems
}

/** Reads and checks every agreement in `dir`. */
export function loadAgreementDir (dir: string): { agreements: Agreement[], problems: ConfigProblem[] } {
  let names: string[]
  try {
    names = readdirSync(dir).filter(n => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort()
  } catch {
    return { agreements: [], problems: [{ file: dir, path: '', message: 'carriers folder cannot be read' }] }
  }
  const agreements: Agreement[] = []
  const problems: ConfigProblem[] = []
  for (const name of names) {
    const file = join(dir, name)
    const read = readYaml(file)
    if (read.problems.length > 0) { problems.push(...read.problems); continue }
    const v = validateAgreement(read.data, file)
    if (v.agreement !== null) agreements.push(v.agreement)
    problems.push(...v.problems)
  }
  problems.push(...crossCheck(agreements))
  return { agreements, problems }
}

export interface AgreementStore {
  current (): AgreementSet
  /** Re-reads the folder; on any problem keeps the last good set and returns the problems. */
  reload (): ConfigProblem[]
  /** Calls `fn` after each successful reload. */
  onChange (fn: (set: AgreementSet) => void): void
  /** Reloads when a file in the folder changes (debounced); stopped by close(). */
  watch (onProblems: (problems: ConfigProblem[]) => void): void
  close (): void
}

export function agreementSetOf (agreements: Agreement[]): AgreementSet {
  return indexSet(agreements)
}

/** Fields whose values are short enumerations or numbers, safe and useful to show in the reload log. */
const SHOWN_FIELDS = new Set(['stage', 'ackWhen', 'acceptTest', 'maxAgeHours', 'typeB', 'unaRepair'])

export interface ReloadChanges {
  added: string[]
  removed: string[]
  /** Per carrier, the top-level fields that changed: `stage: testing → live`, or just `channels`. */
  changed: Array<{ code: string, fields: string[] }>
}

/**
 * What a reload changed, for the log (docs/agreements.md): codes and field names, with
 * values only for the enumerations in SHOWN_FIELDS, never a certificate, address or secret reference.
 */
function reloadChanges (before: readonly Agreement[], after: readonly Agreement[]): ReloadChanges {
  const old = new Map(before.map(a => [a.code, a]))
  const now = new Map(after.map(a => [a.code, a]))
  const changed: ReloadChanges['changed'] = []
  for (const a of after) {
    const b = old.get(a.code)
    if (b === undefined) continue
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(k => k !== 'file').sort()
    const was = b as Record<string, unknown>
    const is = a as Record<string, unknown>
    const fields = keys.filter(k => JSON.stringify(was[k]) !== JSON.stringify(is[k]))
      .map(k => SHOWN_FIELDS.has(k) ? `${k}: ${String(was[k])} → ${String(is[k])}` : k)
    if (fields.length > 0) changed.push({ code: a.code, fields })
  }
  return {
    added: after.filter(a => !old.has(a.code)).map(a => a.code),
    removed: before.filter(b => !now.has(b.code)).map(b => b.code),
    changed
  }
}

export interface AgreementStoreOptions {
  /** Receives one `agreements reloaded` record per successful reload, with what changed. */
  logger?: Pick<Logger, 'info'>
}

/** Loads the folder or throws GW_ERR_AGREEMENT_INVALID listing every problem. */
export function createAgreementStore (dir: string, opts: AgreementStoreOptions = {}): AgreementStore {
  const first = loadAgreementDir(dir)
  if (first.problems.length > 0) throw new GatewayError('GW_ERR_AGREEMENT_INVALID', first.problems.map(problemText).join('; '))
  let set = indexSet(first.agreements)
  const listeners: Array<(s: AgreementSet) => void> = []
  let watcher: FSWatcher | null = null
  let timer: NodeJS.Timeout | null = null
  const reload = (): ConfigProblem[] => {
    const next = loadAgreementDir(dir)
    if (next.problems.length > 0) return next.problems
    const before = set.all
    set = indexSet(next.agreements)
    // A go-live or a suspension must be visible in the log, not only in the audit file.
    opts.logger?.info({ agreements: { count: set.all.length, ...reloadChanges(before, set.all) } }, 'agreements reloaded')
    // Every listener hears of the new set even if an earlier one throws; the first error is
    // rethrown afterwards so the caller still learns of it.
    let failure: unknown = null
    for (const fn of listeners) {
      try { fn(set) } catch (err) { failure ??= err }
    }
    if (failure !== null) throw failure
    return []
  }
  return {
    current: () => set,
    reload,
    onChange: fn => { listeners.push(fn) },
    watch (onProblems) {
      if (watcher !== null) return
      watcher = watch(dir, () => {
        if (timer !== null) clearTimeout(timer)
        timer = setTimeout(() => {
          timer = null
          let problems: ConfigProblem[]
          try {
            problems = reload()
          } catch (err) {
            // A throwing onChange listener must not crash the process from a timer callback.
            problems = [{ file: dir, path: '', message: `reload listener failed: ${(err as Error).message}` }]
          }
          if (problems.length > 0) onProblems(problems)
        }, 200)
      })
      watcher.on('error', () => { /* folder removed: keep the last good set */ })
    },
    close () {
      watcher?.close()
      watcher = null
      if (timer !== null) clearTimeout(timer)
    }
  }
}
