/**
 * The checking half as one job: assess the bytes, then work out what the later stages hash and
 * forward (the interchange body, or only its accepted messages for `strictness.partial: message`).
 * Pure and synchronous, so it runs the same on the event loop or in a worker thread
 * (./check-pool.ts); the stages after it (dedupe, forward, acknowledge) stay on the main thread.
 */
import type { Agreement } from '../agreements/schema.js'
import type { MessageEnvelope, Segment } from '../edifact/types.js'
import { keepMessages } from '../edifact/subset.js'
import { sha256Hex } from '../intake/transmission.js'
import { SEGMENTS_ACKS_READ } from '../acknowledge/index.js'
import { filterSensitive, type SensitivePolicy } from '../messages/pnrgov/sensitive.js'
import { assessTransmission, type AssessContext, type Assessment } from './assess.js'
import type { ExcludedAgreement } from './types.js'

export interface CheckJob {
  bytes: Buffer
  candidates: readonly Agreement[]
  excluded: readonly ExcludedAgreement[]
  ctx: AssessContext
}

/** What the sensitive-data filter removed (docs/sensitive-data.md "What is recorded"): a count and the list, never a value. */
export interface SensitiveSummary { removed: number, listVersion: string }

export interface Checked {
  assessment: Assessment
  /**
   * SHA-256 of the interchange body as received, before the sensitive-data filter: dedupe and the
   * ledger compare this, so an identical resend is a duplicate whatever the filter removes.
   */
  sha256: string
  /**
   * What goes to the PIU if the transmission is accepted: the positions of the messages that are
   * not rejected, and the body holding just those (the whole body when none is left out).
   * `sensitive` is set when the carrier's agreement filters sensitive data (PNRGOV): `body` is then
   * the filtered copy, and `sha256` (`x-content-sha256`) its hash.
   */
  forward: { body: Buffer, sha256: string, messages: number[], sensitive?: SensitiveSummary }
}

/**
 * What is quarantined when rejected: the interchange body (after `checkTransmission`, the filtered
 * copy when the agreement filters sensitive data), or the bytes when none was found.
 */
export function bodyOf (a: Assessment, bytes: Buffer): Buffer {
  return a.interchange.body.length > 0 ? a.interchange.body : bytes
}

/**
 * The sensitive-data filter that applies: the carrier's; for a transmission whose carrier is not
 * resolved (a refusal quarantined for its single candidate) the strictest of the candidates'.
 */
function sensitivePolicyOf (a: Assessment, candidates: readonly Agreement[]): SensitivePolicy | null {
  const on = (a.carrier !== null ? [a.carrier] : candidates).filter(c => c.sensitiveData.filter)
  if (on.length === 0) return null
  const freeText = on.some(c => c.sensitiveData.freeText === 'drop') ? 'drop' : 'keep'
  return { ssrCodes: on.flatMap(c => c.sensitiveData.ssrCodes), freeText }
}

/**
 * EU PNR Directive 2016/681 Art. 13(4): the sensitive data are deleted here, in the checking stage,
 * by replacing the interchange body with the filtered copy, so that nothing after it (forward,
 * spool, quarantine, the worker's reply) can reach the received bytes.
 */
function filterSensitiveData (a: Assessment, candidates: readonly Agreement[]): SensitiveSummary | null {
  const policy = sensitivePolicyOf(a, candidates)
  const filtered = policy === null ? null : filterSensitive(a.interchange, policy)
  if (filtered === null) return null
  a.interchange.body = filtered.body
  return { removed: filtered.removed, listVersion: filtered.listVersion }
}

export function checkTransmission (job: CheckJob): Checked {
  const a = assessTransmission(job.bytes, job.candidates, job.ctx, job.excluded)
  const received = bodyOf(a, job.bytes)
  const sha256 = sha256Hex(received)
  const sensitive = filterSensitiveData(a, job.candidates)
  const body = bodyOf(a, job.bytes)
  const filtered = sensitive === null ? {} : { sensitive }
  const messages = a.messages.filter(m => m.outcome !== 'rejected').map(m => m.index)
  // Nothing is forwarded from a rejected transmission: no subset worth building.
  const whole = messages.length === a.messages.length || messages.length === 0 || a.interchange.separators === null
  const bodySha256 = body === received ? sha256 : sha256Hex(body)
  if (whole) return { assessment: a, sha256, forward: { body, sha256: bodySha256, messages, ...filtered } }
  const subset = keepMessages(a.interchange.body, a.interchange.separators!, new Set(messages))
  return { assessment: a, sha256, forward: { body: subset, sha256: sha256Hex(subset), messages, ...filtered } }
}

/** A plain copy: segments may be lazily materialised objects, which structured cloning would lose. */
function plainSegment (s: Segment): Segment {
  return { tag: s.tag, elements: s.elements, index: s.index, offset: s.offset }
}

function compactEnvelope (m: MessageEnvelope): MessageEnvelope {
  return { ...m, segments: m.segments.filter(s => SEGMENTS_ACKS_READ.has(s.tag)).map(plainSegment) }
}

/**
 * The Checked result reduced to what the main thread uses, for posting back from a worker: no
 * canonical models (their facts stay), no segments beyond what acks read. Posting the whole
 * result would copy every traveller of a 20 MB push and block the event loop doing it.
 */
export function compactChecked (c: Checked): Checked {
  const a = c.assessment
  return {
    sha256: c.sha256,
    forward: c.forward,
    assessment: {
      ...a,
      interchange: { ...a.interchange, messages: a.interchange.messages.map(compactEnvelope) },
      messages: a.messages.map(m => ({ ...m, model: null }))
    }
  }
}
