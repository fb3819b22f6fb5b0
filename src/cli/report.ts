/**
 * The `inspect` report (docs/cli.md, `inspect --json`), built from
 * the same assessment and reply the gateway would produce. It holds passenger data (the models) and
 * is printed only to the terminal that asked; nothing here is logged.
 */
import type { Agreement } from '../agreements/schema.js'
import type { GatewayConfig } from '../config/index.js'
import { validateAgreement } from '../agreements/store.js'
import { assessTransmission, UNRELIABLE_ERRORS, type Assessment } from '../pipeline/assess.js'
import { buildReply } from '../pipeline/index.js'
import { createAckReferences, toPublicFinding } from '../acknowledge/index.js'
import { parseInterchange } from '../edifact/index.js'
import { readAllCusres, type CusresReading } from '../messages/index.js'
import { ERRORS, GatewayError, type ErrorId } from '../errors.js'
import type { CheckOutcome, PublicFinding } from '../transmission/index.js'

export interface InspectReport {
  file: string
  outcome: CheckOutcome
  carrier: string | null
  transport: { stripped: Array<{ kind: string, bytes: number }> }
  interchange: null | {
    syntax: string
    sender: string
    recipient: string
    reference: string
    preparedAt: string | null
    test: boolean
    ackRequested: boolean
    separators: unknown
  }
  messages: Array<{ reference: string, type: string, version: string, outcome: string, part: unknown, model: unknown }>
  /**
   * Set when the bytes could not be read as an interchange the gateway can map: no readable
   * UNB, a malformed UNA, harness macros… `id` is the catalogue entry, `places` how often it occurs.
   */
  unparseable: null | { id: ErrorId, code: number | null, text: string, places: number }
  errors: PublicFinding[]
  warnings: PublicFinding[]
  ack: string | null
  /**
   * The decisions of each CUSRES message (docs/interactive.md): document (962 answer, 132
   * unsolicited update, 312 the carrier's acknowledgement), transaction reference and the
   * decisions by position. Empty for other message types.
   */
  decisions: CusresReading[]
}

/**
 * After the engine errors the gateway does not map messages for (UNRELIABLE_ERRORS), the report
 * says the file is unparseable, and why, instead of leaving the officer to infer it from empty models.
 */
const UNPARSEABLE = UNRELIABLE_ERRORS

function unparseable (a: Assessment): InspectReport['unparseable'] {
  const ids = [...a.interchange.errors, ...a.errors].map(e => e.id)
  const id = UNPARSEABLE.find(u => ids.includes(u)) ?? (a.interchange.unb === null ? 'GW_ERR_EDIFACT_NO_INTERCHANGE' : undefined)
  if (id === undefined) return null
  return { id, code: ERRORS[id].contrl, text: ERRORS[id].text, places: Math.max(1, a.errors.filter(e => e.id === id).length) }
}

const ZERO_FINGERPRINT = Array(32).fill('00').join(':')

/** An agreement that accepts every supported version from whatever sender the UNB names. */
export function permissiveAgreement (bytes: Buffer): Agreement {
  const sender = parseInterchange(bytes).unb?.sender ?? ''
  // Validated like a file (defaults filled in), so a field the schema gains needs no change here.
  const build = (senderId: string): Agreement | null => validateAgreement({
    code: 'ANY',
    name: 'inspect without --carrier',
    stage: 'live',
    senderIds: [senderId],
    messages: {
      PAXLST: { versions: ['D02B', 'D05B', 'D12B', 'D15B'], ack: 'contrl' },
      PNRGOV: { versions: ['10.1', '11.1', '12.1', '13.1', '14.1', '15.1', '16.1', '17.1'], ack: 'ackres' }
    },
    typeB: true,
    channels: { https: { certificates: [ZERO_FINGERPRINT] } }
  }, 'ANY.yaml').agreement
  const agreement = (sender === '' ? null : build(sender)) ?? build('UNKNOWN')
  if (agreement === null) throw new GatewayError('GW_ERR_AGREEMENT_INVALID', 'the permissive agreement of inspect')
  return agreement
}

export function inspectBytes (
  file: string, bytes: Buffer, agreement: Agreement, config: GatewayConfig, now = new Date()
): { report: InspectReport, assessment: Assessment } {
  const a = assessTransmission(bytes, [agreement], { receiverIds: config.identity.receiverIds, receivedAt: now, limits: config.limits })
  const reply = a.interchange.unb === null || a.carrier === null
    ? null
    : buildReply(a, a.outcome, {
      transmissionId: '(inspect)', senderId: config.identity.senderId, now, newReference: createAckReferences()
    })
  const unb = a.interchange.unb
  return {
    assessment: a,
    report: {
      file,
      outcome: a.refusal !== null ? 'rejected' : a.outcome,
      carrier: agreement.code === 'ANY' ? null : agreement.code,
      transport: { stripped: a.interchange.stripped },
      interchange: unb === null
        ? null
        : {
            syntax: unb.syntax,
            sender: unb.sender,
            recipient: unb.recipient,
            reference: unb.reference,
            preparedAt: unb.preparedAt,
            test: unb.test,
            ackRequested: unb.ackRequested,
            separators: a.interchange.separators
          },
      messages: a.messages.map(m => ({
        reference: m.reference, type: m.type, version: m.version, outcome: m.outcome, part: m.part, model: m.model
      })),
      unparseable: unparseable(a),
      errors: a.errors.map(toPublicFinding),
      warnings: a.warnings.map(toPublicFinding),
      ack: reply?.ackText ?? null,
      decisions: readAllCusres(a.interchange)
    }
  }
}

const DOCUMENT_WORDS: Readonly<Record<string, string>> = { 962: 'answer', 132: 'unsolicited update', 312: 'carrier acknowledgement' }

function decisionLines (r: CusresReading): string[] {
  const doc = `${r.document}${DOCUMENT_WORDS[r.document] !== undefined ? ` (${DOCUMENT_WORDS[r.document]})` : ''}`
  const lines = [`  decisions    message ${r.reference}  CUSRES ${doc}  TN ${r.transactionRef ?? '?'}  flight ${r.flight.flightId ?? '?'}`]
  for (const p of r.passengers) {
    lines.push(`    passenger ${p.position} (segment ${p.segment}): ${p.decision ?? '?'}${p.text !== null ? ` ${p.text}` : ''}`)
  }
  for (const e of r.errors) lines.push(`    error (segment ${e.segment}): ERC ${e.code ?? '?'}${e.text !== null ? ` ${e.text}` : ''}`)
  return lines
}

/**
 * An ack (written by the gateway with the `'` terminator and `?` release) one segment per line.
 * A released terminator (`?'`, a value holding an apostrophe) does not end a segment; `??'` does.
 */
export function segmentLines (edifact: string): string[] {
  return edifact.split(/(?<=(?:^|[^?])(?:\?\?)*')/).map(s => s.replace(/^[\r\n]+|[\r\n]+$/g, '')).filter(s => s !== '')
}

function position (f: PublicFinding): string {
  const parts = [
    f.message !== null ? `message ${f.message}` : null,
    f.segment !== null ? `segment ${f.segment}` : null,
    f.tag,
    f.element !== null ? `element ${f.element}${f.component !== null ? `:${f.component}` : ''}` : null
  ]
  return parts.filter(p => p !== null).join(', ') || f.level
}

export function humanReport (r: InspectReport): string {
  const lines = [`${r.file}: ${r.outcome.toUpperCase().replace(/_/g, ' ')}`]
  if (r.interchange !== null) {
    const i = r.interchange
    const test = i.test ? '  TEST' : ''
    lines.push(`  interchange  ${i.syntax}  from ${i.sender} to ${i.recipient}  ref ${i.reference}  prepared ${i.preparedAt ?? '?'}${test}`)
  } else {
    lines.push('  interchange  none readable')
  }
  if (r.unparseable !== null) {
    const u = r.unparseable
    const places = u.places > 1 ? ` (${u.places} places)` : ''
    lines.push(`  unparseable  ${u.text}${places}${u.code !== null ? `, CONTRL ${u.code}` : ''}; messages not mapped`)
  }
  for (const s of r.transport.stripped) lines.push(`  stripped     ${s.kind} (${s.bytes} bytes)`)
  for (const m of r.messages) {
    const part = m.part as { sequence: number | null, final: boolean | null }
    const model = m.model as { travellers?: unknown[], pnrs?: unknown[], flight?: { carrier: string | null, number: string | null } } | null
    const what = model === null
      ? ''
      : model.travellers !== undefined ? `  ${model.travellers.length} travellers` : `  ${model.pnrs?.length ?? 0} PNRs`
    const flight = model?.flight !== undefined ? `  flight ${model.flight.carrier ?? ''}${model.flight.number ?? ''}` : ''
    const partNo = part.sequence !== null ? `  part ${part.sequence}${part.final === true ? ' (last)' : ''}` : ''
    lines.push(`  message ${m.reference}  ${m.type} ${m.version}  ${m.outcome}${flight}${what}${partNo}`)
  }
  for (const [label, list] of [['error', r.errors], ['warning', r.warnings]] as const) {
    for (const f of list) {
      const expected = f.expected !== undefined ? `; expected ${f.expected}` : ''
      lines.push(`  ${label.padEnd(7)} ${String(f.code).padStart(2)}  ${position(f)}: ${f.text}${expected}`)
    }
  }
  for (const d of r.decisions) lines.push(...decisionLines(d))
  lines.push(r.ack === null ? '  ack: none due' : `  ack:\n${segmentLines(r.ack).map(l => `    ${l}`).join('\n')}`)
  return lines.join('\n')
}
