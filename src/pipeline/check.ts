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
import { assessTransmission, type AssessContext, type Assessment } from './assess.js'
import type { ExcludedAgreement } from './types.js'

export interface CheckJob {
  bytes: Buffer
  candidates: readonly Agreement[]
  excluded: readonly ExcludedAgreement[]
  ctx: AssessContext
}

export interface Checked {
  assessment: Assessment
  /** SHA-256 of `bodyOf(assessment, bytes)`. */
  sha256: string
  /**
   * What goes to the PIU if the transmission is accepted: the positions of the messages that are
   * not rejected, and the body holding just those (the whole body when none is left out).
   */
  forward: { body: Buffer, sha256: string, messages: number[] }
}

/** What is hashed, and quarantined when rejected: the interchange body, or the bytes when none was found. */
export function bodyOf (a: Assessment, bytes: Buffer): Buffer {
  return a.interchange.body.length > 0 ? a.interchange.body : bytes
}

export function checkTransmission (job: CheckJob): Checked {
  const a = assessTransmission(job.bytes, job.candidates, job.ctx, job.excluded)
  const body = bodyOf(a, job.bytes)
  const sha256 = sha256Hex(body)
  const messages = a.messages.filter(m => m.outcome !== 'rejected').map(m => m.index)
  // Nothing is forwarded from a rejected transmission: no subset worth building.
  const whole = messages.length === a.messages.length || messages.length === 0 || a.interchange.separators === null
  if (whole) return { assessment: a, sha256, forward: { body, sha256, messages } }
  const subset = keepMessages(a.interchange.body, a.interchange.separators!, new Set(messages))
  return { assessment: a, sha256, forward: { body: subset, sha256: sha256Hex(subset), messages } }
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
