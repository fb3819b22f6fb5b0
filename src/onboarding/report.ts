/**
 * The conformance report of `carrier-gateway certify`
 * (docs/onboarding.md "3. Certification: `certify`"): every file run through exactly the checks the
 * gateway applies for that carrier (assessTransmission with its agreement: versions, strictness,
 * sender ids, the gateway's receiver ids and limits), the ack the carrier would get, every finding
 * with its position and its code in words, and data-quality figures.
 *
 * The report is built from codes, positions, counts and envelope ids only: it never holds a value
 * from inside a segment (docs/architecture.md "Invariants", 4), so it can be mailed to the carrier
 * and kept. Ack texts qualify: CONTRL/ACKRES echo envelope references and positions, never data.
 */
import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import type { Agreement } from '../agreements/schema.js'
import { ERRORS } from '../errors.js'
import { assessTransmission, type Assessment } from '../pipeline/assess.js'
import { buildReply } from '../pipeline/index.js'
import { createAckReferences, toPublicFinding } from '../acknowledge/index.js'
import { newTransmissionId } from '../intake/transmission.js'
import { explainCode, positionText } from './explain.js'
import { addFigures, addMessage, emptyQuality, partSeries, type PartRecord, type QualityFigures } from './quality.js'
import type { CheckOutcome, Finding, PublicFinding } from '../transmission/index.js'
import { unhVersion } from '../validate/agreement.js'
import { buildCusres, decideByRules, iapiRequestOf } from '../messages/index.js'
import { sensitiveReport, type SensitiveReport } from '../messages/pnrgov/sensitive-report.js'

/** A finding as the JSON ack shows it, with what the code means, what to do and where, in words. */
export interface ReportFinding extends PublicFinding {
  meaning: string
  advice: string
  position: string
}

export interface FileReport {
  file: string
  bytes: number
  outcome: CheckOutcome
  /** Set when the gateway would refuse at the transport (no ack can be built): HTTP status and reason. */
  refusal: { id: string, status: number, text: string } | null
  interchange: { syntax: string, sender: string, recipient: string, reference: string, test: boolean } | null
  /** Transport material the gateway would strip (Type B headers, trailers…), kind and size only. */
  stripped: Array<{ kind: string, bytes: number }>
  messages: Array<{
    reference: string
    type: string
    version: string
    part: { sequence: number | null, final: boolean | null }
    outcome: string
  }>
  /** The ack the carrier would get; null when none is due (with `ackNote` saying why). */
  ack: { kind: string, contentType: string, text: string } | null
  ackNote: string | null
  /**
   * For an agreement with interactive API enabled and a file that is an iAPI request: the CUSRES
   * the test responder answers while the carrier is in stage testing (docs/interactive.md
   * "Testing stage"), and its decisions by position.
   */
  interactive: { cusres: string, decisions: Array<{ position: number, decision: string }> } | null
  errors: ReportFinding[]
  warnings: ReportFinding[]
  quality: QualityFigures
  /**
   * With the agreement's sensitive-data filter on (PNRGOV): what the gateway would remove before
   * forwarding, by message, segment position and listed code; never a remark's text (docs/sensitive-data.md).
   */
  sensitive: SensitiveReport | null
}

/** One line of "files that need fixing": the file, its outcome and the first thing to change. */
export interface FixItem {
  file: string
  outcome: CheckOutcome
  /** CONTRL code of the first finding, null for a transport refusal. */
  code: number | null
  position: string | null
  /** What to change first, in words, with the expected value when the gateway has one. */
  fix: string
  /** Findings in the file beyond the first (errors, or warnings when there is no error). */
  more: number
}

/** What the carrier's interchanges must match (docs/onboarding.md "3. Certification: `certify`"): agreed data only. */
export interface AgreementParameters {
  stage: string
  /** UNB sender ids (S002 0004) the carrier may use. */
  senderIds: string[]
  /** UNB recipient ids (S003 0010) of this gateway (identity.receiverIds). */
  receiverIds: string[]
  /** Agreed message types, their versions as written in UNH S009 (D:05B, 13:1) and the ack each gets. */
  messages: Array<{ type: string, versions: string[], ack: string }>
  ackWhen: string
  acceptTest: boolean
  maxAgeHours: number | null
  channels: string[]
}

export interface ConformanceReport {
  report: 'conformance'
  /** `CR-<yyyymmdd>-<8 hex>`: date and a hash of carrier, time and file contents, to quote in mail. */
  id: string
  generatedAt: string
  carrier: { code: string, name: string, stage: string }
  agreement: AgreementParameters
  /** Files that would not be accepted cleanly, rejected first, each with its first fix. */
  toFix: FixItem[]
  summary: { files: number, accepted: number, acceptedWithWarnings: number, rejected: number, passed: boolean }
  /** Over all files: traveller figures, PNRs, and multi-part series completeness. */
  quality: QualityFigures & { series: { total: number, complete: number, incomplete: number } }
  files: FileReport[]
}

export interface CertifyContext {
  receiverIds: readonly string[]
  senderId: string
  limits: { maxSegments: number, maxValueLength: number, maxParts: number }
  now?: Date
}

export function reportFinding (f: Finding): ReportFinding {
  const x = explainCode(f.code)
  return { ...toPublicFinding(f), meaning: x.meaning, advice: x.advice, position: positionText(f) }
}

/** The test responder's CUSRES for an accepted iAPI request, when the agreement enables interactive API. */
function interactiveOf (a: Assessment, ctx: CertifyContext, now: Date, newReference: () => string): FileReport['interactive'] {
  const carrier = a.carrier
  if (carrier === null || !carrier.interactive.enabled || a.outcome === 'rejected' || a.refusal !== null) return null
  const req = iapiRequestOf(a.interchange)
  if (!req.ok) return null
  const answer = decideByRules(carrier.interactive.testResponder, req.travellers)
  const opts = { senderId: ctx.senderId, reference: newReference(), now, version: carrier.interactive.cusres.version }
  const cusres = buildCusres(req, answer, opts)
  return { cusres, decisions: answer.passengers.map(p => ({ position: p.position, decision: p.decision })) }
}

function ackOf (a: Assessment, ctx: CertifyContext, now: Date, newReference: () => string): Pick<FileReport, 'ack' | 'ackNote'> {
  const carrier = a.carrier
  if (carrier === null || a.interchange.unb === null) {
    return { ack: null, ackNote: 'no ack: the gateway refuses the transmission at the transport (see refusal)' }
  }
  const reply = buildReply(a, a.outcome, { transmissionId: newTransmissionId(now.getTime()), senderId: ctx.senderId, now, newReference })
  if (reply.ack !== null) return { ack: { kind: reply.ack.kind, contentType: reply.ack.contentType, text: reply.ack.body }, ackNote: null }
  const type = a.interchange.messages[0]?.type
  const configured = type === 'PAXLST' || type === 'PNRGOV' ? carrier.messages[type]?.ack : undefined
  const when = carrier.ackWhen === 'on-error'
    ? 'only on errors or warnings'
    : carrier.ackWhen === 'on-request' ? 'only when UNB 0031 = 1 asks for one' : 'never for this message type'
  const why = configured === 'none'
    ? `the agreement asks for no ack for ${type ?? 'this message type'}`
    : `the agreement sends acks ${when}`
  return { ack: null, ackNote: `no ack: ${why}` }
}

/** Assesses one file for the carrier and describes the result (pure; nothing is stored). */
export function certifyFile (
  agreement: Agreement, name: string, bytes: Buffer, ctx: CertifyContext, newReference = createAckReferences()
): { report: FileReport, parts: PartRecord[] } {
  const now = ctx.now ?? new Date()
  const a = assessTransmission(bytes, [agreement], { receiverIds: ctx.receiverIds, receivedAt: now, limits: ctx.limits })
  const unb = a.interchange.unb
  const refusal = a.refusal !== null ? { id: a.refusal, status: ERRORS[a.refusal].http, text: ERRORS[a.refusal].text } : null
  const quality = emptyQuality()
  const parts: PartRecord[] = []
  for (const m of a.messages) {
    if (m.facts !== null) addMessage(quality, m.facts.quality)
    const series = m.part.commonAccessReference ?? `${name}|${m.reference}`
    parts.push({ key: `${m.type}|${series}`, sequence: m.part.sequence, final: m.part.final })
  }
  const report: FileReport = {
    file: basename(name),
    bytes: bytes.length,
    outcome: a.outcome,
    refusal,
    interchange: unb === null
      ? null
      : { syntax: unb.syntax, sender: unb.sender, recipient: unb.recipient, reference: unb.reference, test: unb.test },
    stripped: a.interchange.stripped.map(s => ({ kind: s.kind, bytes: s.bytes })),
    messages: a.messages.map(m => ({
      reference: m.reference,
      type: m.type,
      version: m.version,
      part: { sequence: m.part.sequence, final: m.part.final },
      outcome: m.outcome
    })),
    ...ackOf(a, ctx, now, newReference),
    interactive: interactiveOf(a, ctx, now, newReference),
    errors: a.errors.map(reportFinding),
    warnings: a.warnings.map(reportFinding),
    quality,
    sensitive: agreement.sensitiveData.filter ? sensitiveReport(a.interchange, agreement.sensitiveData) : null
  }
  // A refused transmission is rejected whatever the message checks said (no ack, HTTP 4xx).
  if (refusal !== null) report.outcome = 'rejected'
  return { report, parts }
}

function withExpected (text: string, f: PublicFinding): string {
  return f.expected === undefined ? text : `${text} (expected: ${f.expected})`
}

/** The first fix of a file: its refusal, else its first error, else its first warning; null when clean. */
export function firstFix (f: FileReport): FixItem | null {
  const item = { file: f.file, outcome: f.outcome }
  if (f.refusal !== null) {
    const fix = `refused at the transport: ${f.refusal.text} (${f.refusal.id})`
    return { ...item, code: null, position: null, fix, more: f.errors.length }
  }
  const list = f.errors.length > 0 ? f.errors : f.warnings
  const first = list[0]
  if (first === undefined) {
    return f.outcome === 'accepted' ? null : { ...item, code: null, position: null, fix: 'see the file section', more: 0 }
  }
  return { ...item, code: first.code, position: first.position, fix: withExpected(first.advice, first), more: list.length - 1 }
}

export function agreementParameters (agreement: Agreement, receiverIds: readonly string[]): AgreementParameters {
  const messages: AgreementParameters['messages'] = []
  for (const type of ['PAXLST', 'PNRGOV'] as const) {
    const m = agreement.messages[type]
    if (m !== undefined) messages.push({ type, versions: m.versions.map(v => unhVersion(type, v)), ack: m.ack })
  }
  return {
    stage: agreement.stage,
    senderIds: [...agreement.senderIds],
    receiverIds: [...receiverIds],
    messages,
    ackWhen: agreement.ackWhen,
    acceptTest: agreement.acceptTest,
    maxAgeHours: agreement.maxAgeHours,
    channels: Object.keys(agreement.channels).filter(k => (agreement.channels as Record<string, unknown>)[k] !== undefined)
  }
}

/** `CR-20261203-1a2b3c4d`: the same inputs at the same moment give the same id. */
export function reportId (code: string, generatedAt: string, files: ReadonlyArray<{ name: string, bytes: Buffer }>): string {
  const h = createHash('sha256').update(`${code}\n${generatedAt}\n`)
  for (const f of files) h.update(`${basename(f.name)}\n`).update(createHash('sha256').update(f.bytes).digest())
  return `CR-${generatedAt.slice(0, 10).replace(/-/g, '')}-${h.digest('hex').slice(0, 8)}`
}

const FIX_ORDER: Readonly<Record<CheckOutcome, number>> = { rejected: 0, accepted_with_warnings: 1, accepted: 2 }

/** Runs every file and aggregates the figures; `passed` is false when any file would be rejected. */
export function certify (
  agreement: Agreement, files: ReadonlyArray<{ name: string, bytes: Buffer }>, ctx: CertifyContext
): ConformanceReport {
  const now = ctx.now ?? new Date()
  const newReference = createAckReferences()
  const reports: FileReport[] = []
  const parts: PartRecord[] = []
  const total = emptyQuality()
  for (const f of files) {
    const r = certifyFile(agreement, f.name, f.bytes, { ...ctx, now }, newReference)
    reports.push(r.report)
    parts.push(...r.parts)
    addFigures(total, r.report.quality)
  }
  const count = (o: CheckOutcome): number => reports.filter(r => r.outcome === o).length
  const generatedAt = now.toISOString()
  const toFix = reports.map(firstFix).filter((x): x is FixItem => x !== null)
  toFix.sort((a, b) => FIX_ORDER[a.outcome] - FIX_ORDER[b.outcome])
  return {
    report: 'conformance',
    id: reportId(agreement.code, generatedAt, files),
    generatedAt,
    carrier: { code: agreement.code, name: agreement.name, stage: agreement.stage },
    agreement: agreementParameters(agreement, ctx.receiverIds),
    toFix,
    summary: {
      files: reports.length,
      accepted: count('accepted'),
      acceptedWithWarnings: count('accepted_with_warnings'),
      rejected: count('rejected'),
      passed: count('rejected') === 0
    },
    quality: { ...total, series: partSeries(parts) },
    files: reports
  }
}
