/**
 * What crosses the thread boundary between the pipeline and a checking worker. Structured cloning
 * copies plain data, so the wire form names the carrier by its position among the candidates (the
 * main thread keeps its own Agreement objects) and names buffers that are slices of the input by
 * their offsets instead of copying the bytes back.
 */
import type { Agreement } from '../agreements/schema.js'
import type { AssessContext, Assessment } from './assess.js'
import type { Checked } from './check.js'
import type { ExcludedAgreement } from './types.js'

/**
 * A candidate agreement by the number the pool gave it, with the agreement itself only the first
 * time this worker sees it: cloning an agreement for every transmission cost the event loop more
 * than the rest of the hand-over of a 30 kB body.
 */
export type WireAgreement = { ref: number } | { ref: number, agreement: Agreement }

export interface WireJob {
  id: number
  bytes: Uint8Array
  candidates: readonly WireAgreement[]
  excluded: readonly ExcludedAgreement[]
  ctx: AssessContext
  /** The worker forgets the agreements it keeps before reading this job's (the pool bounds them). */
  forget?: true
}

/** A slice of the input bytes, or bytes the worker made (a repaired or subset body). */
export type WireBytes = { start: number, end: number } | Uint8Array

export interface WireChecked {
  assessment: Omit<Assessment, 'carrier' | 'interchange'> & { interchange: Omit<Assessment['interchange'], 'body'> }
  carrierIndex: number
  body: WireBytes
  sha256: string
  forward: { body: WireBytes, sha256: string, messages: number[] }
}

export type WireReply = { id: number, checked: WireChecked } | { id: number, failure: string }

function toWireBytes (b: Buffer, input: Buffer): WireBytes {
  const inside = b.buffer === input.buffer && b.byteOffset >= input.byteOffset && b.byteOffset + b.length <= input.byteOffset + input.length
  return inside ? { start: b.byteOffset - input.byteOffset, end: b.byteOffset - input.byteOffset + b.length } : b
}

function fromWireBytes (w: WireBytes, input: Buffer): Buffer {
  return w instanceof Uint8Array ? Buffer.from(w.buffer, w.byteOffset, w.length) : input.subarray(w.start, w.end)
}

/** In the worker: a compact Checked, for posting. */
export function toWire (c: Checked, input: Buffer, candidates: readonly Agreement[]): WireChecked {
  const { carrier, interchange, ...rest } = c.assessment
  const { body, ...facts } = interchange
  return {
    assessment: { ...rest, interchange: facts },
    carrierIndex: carrier === null ? -1 : candidates.indexOf(carrier),
    body: toWireBytes(body, input),
    sha256: c.sha256,
    forward: { ...c.forward, body: toWireBytes(c.forward.body, input) }
  }
}

/** On the main thread: the Checked again, with the caller's own agreements and input bytes. */
export function fromWire (w: WireChecked, input: Buffer, candidates: readonly Agreement[]): Checked {
  return {
    assessment: {
      ...w.assessment,
      carrier: candidates[w.carrierIndex] ?? null,
      interchange: { ...w.assessment.interchange, body: fromWireBytes(w.body, input) }
    },
    sha256: w.sha256,
    forward: { ...w.forward, body: fromWireBytes(w.forward.body, input) }
  }
}
