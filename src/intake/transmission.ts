/**
 * Transmission identity: an id assigned at receipt (time-ordered so ledger rows, spool files and
 * outbox files sort by arrival), and the content digest used for duplicate detection.
 */
import { createHash, randomBytes } from 'node:crypto'

let last = 0
let seq = 0

/** `<ms since epoch, base36, 9 chars>-<sequence>-<random>`: sortable, unique across instances. */
export function newTransmissionId (now = Date.now()): string {
  if (now === last) seq++
  else { last = now; seq = 0 }
  return `${now.toString(36).padStart(9, '0')}-${seq.toString(36).padStart(3, '0')}-${randomBytes(6).toString('hex')}`
}

export function sha256Hex (bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}
