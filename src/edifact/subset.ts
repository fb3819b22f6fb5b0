/**
 * An interchange holding only some of its messages, for `strictness.partial: message` (the good
 * messages are forwarded, the rejected ones are not). Segments are copied byte for byte; only the
 * UNE and UNZ control counts are rewritten, so the result passes the envelope checks it came from.
 */
import type { Separators } from './types.js'

interface Span { tag: string, start: number, end: number }

/** Every segment's byte span, honouring the release character (ISO 9735-1 clause 8). */
function spans (text: string, sep: Separators): Span[] {
  const out: Span[] = []
  const term = sep.segment.charCodeAt(0)
  const rel = sep.release === null ? -1 : sep.release.charCodeAt(0)
  let start = text.startsWith('UNA') ? 9 : 0
  if (start > 0) out.push({ tag: 'UNA', start: 0, end: 9 })
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === rel) { i++; continue }
    if (c !== term) continue
    let end = i + 1
    while (end < text.length && (text[end] === '\r' || text[end] === '\n')) end++
    const lead = text.slice(start, start + 8).trimStart()
    out.push({ tag: lead.slice(0, 3), start, end })
    start = end
    i = end - 1
  }
  return out
}

/** An element as it stands in the text (still escaped), without a segment terminator after it. */
function rawValue (element: string | undefined, sep: Separators): string {
  return (element ?? '').split(sep.segment)[0].split(sep.component)[0].trim()
}

/**
 * The body with only the messages whose UNH position (0-based, in order) is in `keep`.
 * Groups left without a message are dropped; UNE and UNZ counts are recomputed.
 */
export function keepMessages (body: Buffer, sep: Separators, keep: ReadonlySet<number>): Buffer {
  const text = body.toString('latin1')
  const parts: string[] = []
  let messageIndex = -1
  let inKept = false
  let group: { header: string, messages: string[], reference: string } | null = null
  let unzCount = 0
  let unbReference = ''
  const el = sep.element
  for (const s of spans(text, sep)) {
    const seg = text.slice(s.start, s.end)
    switch (s.tag) {
      case 'UNB':
        unbReference = seg.split(el)[5] ?? ''
        parts.push(seg)
        break
      case 'UNG':
        group = { header: seg, messages: [], reference: rawValue(seg.split(el)[5], sep) }
        break
      case 'UNH':
        messageIndex++
        inKept = keep.has(messageIndex)
        if (inKept) { if (group !== null) group.messages.push(seg); else { parts.push(seg); unzCount++ } }
        break
      case 'UNE':
        if (group !== null && group.messages.length > 0) {
          parts.push(group.header, ...group.messages, `UNE${el}${group.messages.length}${el}${group.reference}${sep.segment}`)
          unzCount++
        }
        group = null
        break
      case 'UNZ':
        break
      default:
        if (!inKept) break
        if (group !== null) group.messages[group.messages.length - 1] += seg
        else parts[parts.length - 1] += seg
        if (s.tag === 'UNT') inKept = false
    }
  }
  parts.push(`UNZ${el}${unzCount}${el}${rawValue(unbReference, sep)}${sep.segment}`)
  return Buffer.from(parts.join(''), 'latin1')
}
