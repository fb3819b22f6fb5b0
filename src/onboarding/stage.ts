/**
 * Stage changes (`carriers set-stage`) and the officers' audit log. The stage value is located with
 * the YAML document model and replaced in place in the text, so every comment and the layout stay
 * as the officer left them; the result is validated like `check-config` before it replaces the file
 * (written to a temporary name and renamed, so the gateway's file watcher never reads half a
 * file). Each change, and each quarantine release, appends one JSON line to the audit log:
 * `<carriers folder>/../audit.log` (config/audit.log by default).
 */
import { chmod, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { isMap, isScalar, parse, parseDocument } from 'yaml'
import { validateAgreement } from '../agreements/store.js'
import { problemText } from '../config/index.js'
import { GatewayError } from '../errors.js'

export const STAGES = ['testing', 'live', 'suspended'] as const
export type Stage = typeof STAGES[number]

export function auditLogPath (carriersDir: string): string {
  return join(dirname(carriersDir.replace(/\/+$/, '') || '.'), 'audit.log')
}

export interface AuditEntry {
  at: string
  by: string
  action: 'set-stage' | 'quarantine-release'
  carrier: string
  reason: string
  from?: string
  to?: string
  transmissionId?: string
  destination?: string
}

/** Appends one line and fsyncs it: the record of a decision must survive a crash right after. */
export async function appendAudit (file: string, entry: AuditEntry): Promise<void> {
  const fh = await open(file, 'a', 0o640)
  try {
    await fh.write(JSON.stringify(entry) + '\n')
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/** The audit entries for a carrier (all when `carrier` is omitted), oldest first; bad lines skipped. */
export async function readAudit (file: string, carrier?: string): Promise<AuditEntry[]> {
  if (!existsSync(file)) return []
  const out: AuditEntry[] = []
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (line.trim() === '') continue
    try {
      const e = JSON.parse(line) as AuditEntry
      if (carrier === undefined || e.carrier === carrier) out.push(e)
    } catch { /* a line torn by a crash is not a record */ }
  }
  return out
}

export interface StageChange { file: string, from: string, to: Stage, changed: boolean }

/** Rewrites `stage:` in the agreement file, keeping comments; validates before replacing. */
export async function changeStage (file: string, to: Stage): Promise<StageChange> {
  const text = await readFile(file, 'utf8')
  const doc = parseDocument(text)
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    const why = `${file} is not a valid YAML agreement; fix it first (carrier-gateway check-config)`
    throw new GatewayError('GW_ERR_ONBOARDING_STAGE_CHANGE', why)
  }
  const node = doc.get('stage', true)
  if (!isScalar(node) || node.range == null) {
    const why = `${file} has no stage: value to change; fix it first (carrier-gateway check-config)`
    throw new GatewayError('GW_ERR_ONBOARDING_STAGE_CHANGE', why)
  }
  const from = String(node.value)
  if (from === to) return { file, from, to, changed: false }
  // Splice the new value over the old one's exact source range: every other byte of the file
  // (comments, alignment, flow style) stays as the officer wrote it.
  const [start, end] = node.range
  let rest = text.slice(end)
  // Keep an aligned trailing comment in its column.
  const pad = /^( +)#/.exec(rest)
  if (pad !== null) rest = ' '.repeat(Math.max(1, pad[1].length - (to.length - (end - start)))) + rest.slice(pad[1].length)
  const next = text.slice(0, start) + to + rest
  const checked = validateAgreement(parse(next), file)
  if (checked.problems.length > 0) {
    const problems = checked.problems.map(p => `  ${problemText(p)}`).join('\n')
    throw new GatewayError('GW_ERR_ONBOARDING_STAGE_CHANGE', `the agreement would not be valid; nothing changed:\n${problems}`)
  }
  await replaceText(file, next)
  return { file, from, to, changed: true }
}

/** Replaces the file's text atomically (temporary name, fsync, rename), keeping its mode. */
export async function replaceText (file: string, text: string): Promise<void> {
  const mode = (await stat(file)).mode & 0o777
  const tmp = join(dirname(file), `.${Date.now()}-${process.pid}.stage.tmp`)
  const fh = await open(tmp, 'wx', mode)
  try {
    await fh.write(text)
    await fh.sync()
  } finally {
    await fh.close()
  }
  try {
    await chmod(tmp, mode)
    await rename(tmp, file)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw err
  }
}
