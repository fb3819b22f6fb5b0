/**
 * The checking half of the pipeline, pure and synchronous: bytes → interchange (edifact) →
 * carrier (intake) → messages and canonical models (messages, validate) → agreement checks and
 * strictness → per-message outcomes. Nothing is forwarded, stored or logged here, so `inspect` and
 * `certify` run exactly the checks the gateway applies (docs/architecture.md "The pipeline").
 */
import type { Agreement } from '../agreements/schema.js'
import type { ErrorId } from '../errors.js'
import type { Interchange } from '../edifact/types.js'
import type { Flight, MessageModel, Part } from '../messages/model.js'
import type { FlightFacts } from '../messages/index.js'
import type { Quality } from '../messages/quality.js'
import { parseInterchange } from '../edifact/index.js'
import { envelopeFactsOf } from '../edifact/facts.js'
import { documentKind, firstFlightFacts, mapMessage, partOf, readCusresMessage } from '../messages/index.js'
import { qualityOf } from '../messages/quality.js'
import { validateModel } from '../validate/schema.js'
import { agreementFindings, applyStrictness, recipientFindings } from '../validate/agreement.js'
import { resolveCarrier } from '../intake/carrier.js'
import type { CheckOutcome, EnvelopeFacts, ExcludedAgreement, Finding } from '../transmission/index.js'

export interface AssessContext {
  receiverIds: readonly string[]
  receivedAt: Date
  limits: { maxSegments: number, maxValueLength: number, maxParts: number }
}

export interface AssessedMessage {
  index: number
  reference: string
  type: string
  version: string
  part: Part
  model: MessageModel | null
  /**
   * What the later stages read from the model (headers, ledger, metrics), computed where the model
   * is built so that a worker thread can hand back these few facts instead of every traveller.
   */
  facts: MessageFacts | null
  /** A CUSRES's BGM 1001 and RFF+TN: a carrier's 312 answers an update by them (docs/outbound.md "Answers"). */
  cusres?: { document: string, transactionRef: string | null }
  outcome: CheckOutcome
}

export interface MessageFacts {
  /** The model's flight (carrier, number, legs): the flight step identifies the flight by it (docs/flights.md "Flight identity"). */
  modelFlight: Flight
  flight: FlightFacts
  /** `x-document`: the PAXLST document type or the PNRGOV push kind. */
  document: string
  /** The flight number as the ledger keeps it (carrier + number), or null without a number. */
  ledgerFlight: string | null
  quality: Quality
}

function factsOf (type: 'PAXLST' | 'PNRGOV', model: MessageModel): MessageFacts {
  const f = model.flight
  return {
    modelFlight: f,
    flight: firstFlightFacts(model),
    document: documentKind(model),
    ledgerFlight: f.number !== null ? `${f.carrier ?? ''}${f.number}` : null,
    quality: qualityOf(type, model)
  }
}

export interface Assessment {
  interchange: Interchange
  /** The syntax-neutral envelope facts; null when no envelope could be read. */
  envelope: EnvelopeFacts | null
  carrier: Agreement | null
  /** Set when no ack can be built: no readable envelope, or no carrier could be chosen. */
  refusal: ErrorId | null
  errors: Finding[]
  warnings: Finding[]
  messages: AssessedMessage[]
  messageOutcomes: Record<string, CheckOutcome>
  /** The interchange is refused as a whole (UCI 4). */
  interchangeRejected: boolean
  outcome: CheckOutcome
}

/**
 * Engine errors after which the message structure cannot be trusted enough to map, in order of
 * what explains an unparseable file best (`inspect` reports the first present).
 */
export const UNRELIABLE_ERRORS: readonly ErrorId[] = [
  'GW_ERR_EDIFACT_NO_INTERCHANGE', 'GW_ERR_EDIFACT_UNB_UNREADABLE', 'GW_ERR_EDIFACT_HARNESS_MACRO',
  'GW_ERR_EDIFACT_UNA_MALFORMED', 'GW_ERR_EDIFACT_TOO_MANY_SEGMENTS'
]
const UNRELIABLE: ReadonlySet<ErrorId> = new Set(UNRELIABLE_ERRORS)

export function assessTransmission (
  bytes: Buffer, candidates: readonly Agreement[], ctx: AssessContext, excluded: ReadonlyArray<ExcludedAgreement<Agreement>> = []
): Assessment {
  // Parse options come from the agreement; with several candidates (a provider) they share one
  // transport, so the first agreement's transport options apply until the sender is known.
  const first = candidates[0]
  const ix = parseInterchange(bytes, {
    typeB: first?.typeB ?? false,
    unaRepair: first?.unaRepair ?? false,
    syntax: first?.syntax,
    maxSegments: ctx.limits.maxSegments,
    maxValueLength: ctx.limits.maxValueLength
  })
  const envelope = envelopeFactsOf(ix)
  const resolved = resolveCarrier(candidates, envelope?.sender ?? null, excluded)
  const carrier = resolved.carrier
  const findings: Finding[] = [...ix.errors]
  const warnings: Finding[] = [...ix.warnings]
  const reliable = ix.unb !== null && !ix.errors.some(e => UNRELIABLE.has(e.id))
  const messages: AssessedMessage[] = ix.messages.map((m, index) => ({
    index, reference: m.reference, type: m.type, version: m.version, part: partOf(m), model: null, facts: null, outcome: 'accepted'
  }))

  if (reliable) {
    for (const m of messages) {
      if (m.type === 'CUSRES') {
        const r = readCusresMessage(ix.messages[m.index])
        m.cusres = { document: r.document, transactionRef: r.transactionRef }
      }
      const mapped = mapMessage(ix.messages[m.index], { receivedAt: ctx.receivedAt })
      if (mapped.type === null) continue
      m.model = mapped.model
      m.facts = factsOf(mapped.type, mapped.model)
      findings.push(...mapped.findings)
      findings.push(...(mapped.type === 'PAXLST'
        ? validateModel('PAXLST', mapped.model, m.reference)
        : validateModel('PNRGOV', mapped.model, m.reference)))
    }
  }
  if (ix.unb !== null) {
    findings.push(...(carrier !== null
      ? agreementFindings(ix, carrier, { receiverIds: ctx.receiverIds, receivedAt: ctx.receivedAt, maxParts: ctx.limits.maxParts })
      : recipientFindings(ix.unb, ctx.receiverIds)))
  }
  const split = applyStrictness(findings, carrier)
  const errors = split.errors
  warnings.push(...split.warnings)

  const refusal: ErrorId | null = ix.unb === null
    ? (ix.errors[0]?.id ?? 'GW_ERR_EDIFACT_NO_INTERCHANGE')
    : resolved.refusal
  const groupRejected = new Set(errors.filter(e => e.message === null && e.group !== null).map(e => e.group))
  const interchangeRejected = refusal !== null || !reliable || errors.some(e => e.message === null && e.group === null) ||
    messages.length === 0
  for (const m of messages) {
    const own = ix.messages[m.index]
    if (errors.some(e => e.message === m.reference) || (own.group !== null && groupRejected.has(own.group))) m.outcome = 'rejected'
    else if (warnings.some(w => w.message === m.reference)) m.outcome = 'accepted_with_warnings'
  }
  const anyRejected = messages.some(m => m.outcome === 'rejected')
  const partial = carrier?.strictness.partial ?? 'interchange'
  const allRejected = interchangeRejected || (anyRejected && partial === 'interchange') || messages.every(m => m.outcome === 'rejected')
  if (allRejected) for (const m of messages) m.outcome = 'rejected'
  const messageOutcomes: Record<string, CheckOutcome> = {}
  for (const m of messages) messageOutcomes[m.reference] = m.outcome
  const outcome = allRejected ? 'rejected' : (anyRejected || warnings.length > 0) ? 'accepted_with_warnings' : 'accepted'
  return {
    interchange: ix,
    envelope,
    carrier,
    refusal,
    errors,
    warnings,
    messages,
    messageOutcomes,
    interchangeRejected: allRejected,
    outcome
  }
}
