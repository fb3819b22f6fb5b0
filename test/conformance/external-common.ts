/**
 * What the external-samples tests share (docs/conformance.md): where the external folder is, how
 * the gateway reads a file there, and the facts the independent reader (./independent-reader.ts)
 * derives to hold the gateway's reading against. Expected values come from the message and the
 * standards, never from the gateway's output.
 */
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseInterchange, type Interchange, type ParseOptions } from '../../src/edifact/index.js'
import { mapMessage, type PaxlstModel, type PnrgovModel } from '../../src/messages/index.js'
import { SAMPLE_DIRS, sampleNames } from './samples.js'
import { messagesOf, readIndependently, value, type Reading } from './independent-reader.js'
import type { Finding } from '../../src/transmission/index.js'

/** The folder of other projects' messages: `samples-external` among CARRIER_GATEWAY_SAMPLES. */
export const EXTERNAL = SAMPLE_DIRS.find(d => basename(d) === 'samples-external') ?? null
export const externalNames = (): string[] => EXTERNAL === null ? [] : sampleNames(EXTERNAL)

const receivedAt = new Date('2025-01-01T00:00:00Z')

export interface Read {
  ix: Interchange
  reader: Reading
  paxlst: Array<{ model: PaxlstModel, findings: Finding[] }>
  pnrgov: Array<{ model: PnrgovModel, findings: Finding[] }>
  /** Message types the mapper does not know (CONTRL, legacy types), by UNH reference. */
  unmapped: string[]
}

/**
 * Read one external file the way `inspect` does without an agreement: Type B unfolding on (most
 * of these messages travelled over Type B or were copied from logs), no UNA repair.
 */
export function read (file: string, options: ParseOptions = { typeB: true }): Read {
  if (EXTERNAL === null) throw new Error('no samples-external folder')
  const bytes = readFileSync(join(EXTERNAL, file))
  const ix = parseInterchange(bytes, options)
  const out: Read = { ix, reader: readIndependently(bytes), paxlst: [], pnrgov: [], unmapped: [] }
  for (const m of ix.messages) {
    const r = mapMessage(m, { receivedAt })
    if (r.type === 'PAXLST') out.paxlst.push({ model: r.model, findings: r.findings })
    else if (r.type === 'PNRGOV') out.pnrgov.push({ model: r.model, findings: r.findings })
    else out.unmapped.push(m.reference)
  }
  return out
}

/** `code@TAG:element` of each engine error (or warning), sorted: the ISO 9735-4 0085 codes and where. */
export function codes (findings: readonly Finding[]): string[] {
  return findings.map(f => `${f.code}@${f.tag ?? '-'}${f.element === null ? '' : `:${f.element}`}`).sort()
}

/**
 * The trailer findings the independent reading calls for (ISO 9735-1 UNT/UNE/UNZ): 13 for a
 * missing trailer or reference, 29 for a count that is not what was counted, 28 for a reference
 * that is not its header's. Only where a trailer exists; a missing one is pinned by hand.
 */
export function trailerCodes (r: Reading): string[] {
  const out: string[] = []
  const unb = r.segments.find(s => s.tag === 'UNB')
  for (const m of messagesOf(r)) {
    if (m.unt === null) continue
    if (m.unt.count !== '' && Number(m.unt.count) !== m.segments) out.push('29@UNT:1')
    if (m.unt.reference === '') out.push('13@UNT:2')
    else if (m.unt.reference !== m.reference) out.push('28@UNT:2')
  }
  const ungs = r.segments.filter(s => s.tag === 'UNG')
  for (const une of r.segments.filter(s => s.tag === 'UNE')) {
    const ung = ungs.find(g => value(g, 4) === value(une, 1))
    if (ung === undefined) out.push('28@UNE:2')
  }
  const unz = r.segments.find(s => s.tag === 'UNZ')
  if (unz !== undefined && unb !== undefined) {
    const counted = ungs.length > 0 ? ungs.length : messagesOf(r).length
    if (Number(value(unz, 0)) !== counted) out.push('29@UNZ:1')
    if (value(unz, 1) !== value(unb, 4)) out.push('28@UNZ:2')
  }
  return out.sort()
}

/** The gateway's trailer findings (count and reference), in the same spelling. */
export function gatewayTrailerCodes (ix: Interchange): string[] {
  const trailer = (f: Finding): boolean => f.tag === 'UNT' || f.tag === 'UNE' || f.tag === 'UNZ'
  return codes(ix.errors.filter(f => trailer(f) && f.element !== null && [13, 28, 29].includes(f.code)))
}

/**
 * The facts both readers must agree on: UNB parties and reference, and per message its reference,
 * S009, S010 and segment count (UNH…UNT) as the independent reader counts them.
 */
export function agreesWithIndependentReading (t: Test, got: Read): void {
  const { ix, reader } = got
  const unb = reader.segments.find(s => s.tag === 'UNB')
  t.same(
    [ix.unb?.sender, ix.unb?.recipient, ix.unb?.reference],
    [value(unb, 1), value(unb, 2), value(unb, 4)],
    'UNB sender, recipient and 0020 as the independent reader reads them'
  )
  t.same(
    ix.messages.map(m => [m.reference, m.identifier, partText(m.part), m.segments.length]),
    messagesOf(reader).map(m => [m.reference, m.identifier, normalisePart(m.part), m.segments]),
    'messages: reference, S009, S010 and segments counted independently'
  )
  t.same(gatewayTrailerCodes(ix), trailerCodes(reader), 'trailer findings: what the independent count calls for')
}

function partText (p: { sequence: number | null, final: boolean | null, first: boolean | null }): string {
  return p.sequence === null ? '' : `${p.sequence}${p.final === true ? ':F' : p.final === false && p.first === true ? ':C' : ''}`
}

/** `01:F` → `1:F`, `02` → `2`: S010 as its numbers mean it. */
function normalisePart (s: string): string {
  if (s === '') return ''
  const [seq, flag] = s.split(':')
  return `${Number(seq)}${flag === 'F' ? ':F' : flag === 'C' ? ':C' : ''}`
}

const covered = new Set<string>()

/** One pinned external file; skipped when the external folder is not among CARRIER_GATEWAY_SAMPLES. */
export function sample (file: string, fn: (t: Test, got: Read) => Promise<void> | void): void {
  covered.add(file)
  if (EXTERNAL === null) {
    t.test(file, { skip: 'no samples-external folder among CARRIER_GATEWAY_SAMPLES' }, async () => {})
    return
  }
  t.test(file, async t => { await fn(t, read(file)) })
}

/** The files of one family (name prefix) that the calling test file did not pin. */
export function unpinned (prefix: string): string[] {
  return externalNames().filter(f => f.startsWith(prefix) && !covered.has(f))
}
