/**
 * The reply a transmission earns: the EDIFACT ack the agreement names (CONTRL / ACKRES),
 * or JSON, and the JSON form that HTTPS always offers (docs/acknowledgements.md "JSON"). For JSON
 * agreements the JSON carries the CONTRL (PAXLST) or ACKRES (PNRGOV) text too, so every carrier
 * can read the standard answer. A duplicate replays the ack text stored the first time, byte for
 * byte (docs/architecture.md "Invariants", 2).
 */
import type { Agreement } from '../agreements/schema.js'
import type { Assessment } from './assess.js'
import { ackMessage, buildAckres, buildContrl, buildJsonAck, decideAck, summarizeMessages, type AckSubject } from '../acknowledge/index.js'
import type { AckMessage, JsonAck, Finding, Outcome } from '../transmission/index.js'

export interface AckContext {
  transmissionId: string
  senderId: string
  now: Date
  newReference: () => string
}

export interface BuiltReply {
  /** The ack due per agreement (null: none due). */
  ack: AckMessage | null
  /** The EDIFACT ack text (CONTRL/ACKRES), stored in the ledger for duplicate replay. */
  ackText: string | null
  ackKind: 'contrl' | 'ackres' | 'json' | null
  json: JsonAck
}

function subjectOf (a: Assessment, extraErrors: readonly Finding[]): AckSubject {
  return {
    unb: a.interchange.unb!,
    separators: a.interchange.separators,
    groups: a.interchange.groups,
    messages: a.interchange.messages,
    errors: [...a.errors, ...extraErrors],
    warnings: a.warnings,
    messageOutcomes: a.messageOutcomes,
    interchangeRejected: a.interchangeRejected || extraErrors.length > 0
  }
}

function edifactText (kind: 'contrl' | 'ackres', carrier: Agreement, subject: AckSubject, ctx: AckContext): string {
  const common = { senderId: ctx.senderId, reference: ctx.newReference(), now: ctx.now, partial: carrier.strictness.partial }
  return kind === 'contrl'
    ? buildContrl(subject, { ...common, version: carrier.contrl.version, messageLevel: carrier.contrl.messageLevel }).text
    : buildAckres(subject, common).text
}

/**
 * The reply for an assessed transmission with its final outcome. `extraErrors` are findings the
 * later stages add (a changed resend, CONTRL 26). `replay` is the stored ack of a duplicate.
 */
export function buildReply (
  a: Assessment,
  outcome: Outcome,
  ctx: AckContext,
  extraErrors: readonly Finding[] = [],
  replay: { kind: string | null, text: string | null } | null = null
): BuiltReply {
  const envelope = a.envelope
  const carrier = a.carrier
  const messageOutcomes = extraErrors.length > 0
    ? Object.fromEntries(Object.keys(a.messageOutcomes).map(k => [k, 'rejected' as const]))
    : a.messageOutcomes
  const summaries = summarizeMessages(envelope?.messages ?? [], messageOutcomes)
  const errors = [...a.errors, ...extraErrors]
  const type = envelope?.messages[0]?.type ?? null
  let kind = carrier === null || envelope === null
    ? null
    : decideAck(carrier, { messageType: type, ackRequested: envelope.ackRequested, outcome })
  let text: string | null = null
  if (replay !== null) {
    kind = (replay.kind as BuiltReply['ackKind']) ?? kind
    text = replay.text
  } else if (kind !== null && carrier !== null && envelope !== null) {
    const edi = kind === 'json' ? (type === 'PNRGOV' ? 'ackres' : 'contrl') : kind
    text = edifactText(edi, carrier, subjectOf(a, extraErrors), ctx)
  }
  const json = buildJsonAck({
    transmissionId: ctx.transmissionId,
    outcome,
    envelope,
    messages: summaries,
    errors,
    warnings: a.warnings,
    ackText: text,
    duplicate: outcome === 'duplicate'
  })
  let ack: AckMessage | null = null
  if (kind === 'json') ack = ackMessage('json', JSON.stringify(json))
  else if (kind !== null && text !== null) ack = ackMessage(kind, text)
  return { ack, ackText: text, ackKind: kind, json }
}
