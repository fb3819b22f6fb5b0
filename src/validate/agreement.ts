/**
 * The checks a carrier agreement adds to the syntax (docs/agreements.md):
 * recipient is us (CONTRL 7), sender is the carrier's (23), not too old (24), test indicator
 * allowed (25), message type and version agreed (17 / 14), part numbers bounded, one message type
 * per interchange. Then `applyStrictness` turns findings of a family the agreement only warns
 * about into warnings (docs/architecture.md "Invariants", 6: nothing hard-coded that an agreement varies).
 */
import type { Agreement } from '../agreements/schema.js'
import type { Interchange, UnbFacts } from '../edifact/types.js'
import { finding, type Finding, type FindingAt } from '../transmission/index.js'
import type { ErrorId } from '../errors.js'

// UNB element positions (ISO 9735-2): S001=1, S002=2, S003=3, S004=4, 0020=5, …, 0035=11.
const UNB_SENDER = 2
const UNB_RECIPIENT = 3
const UNB_DATETIME = 4
const UNB_TEST = 11

export interface AgreementContext {
  receiverIds: readonly string[]
  receivedAt: Date
  maxParts: number
}

/** `D:05B` → `D05B`, `13:1` → `13.1`: the message's version in the agreement's spelling. */
export function agreementVersion (type: string, version: string): string {
  return type === 'PNRGOV' ? version.replace(':', '.') : version.replace(':', '')
}

/** `D05B` → `D:05B`, `13.1` → `13:1`: an agreed version as the carrier writes it in UNH S009 (0052:0054). */
export function unhVersion (type: string, agreed: string): string {
  return type === 'PNRGOV' ? agreed.replace('.', ':') : agreed.replace(/^([A-Z])(?=[0-9])/, '$1:')
}

/**
 * A finding on the UNB (interchange position 1). S002/S003/S004 are composites whose first
 * component (0004, 0010, 0017) is the one at fault; 0035 is a simple element: no component.
 */
function unbFinding (id: ErrorId, element: number, expected?: string): Finding {
  return finding(id, { level: 'interchange', segment: 1, tag: 'UNB', element, component: element === UNB_TEST ? null : 1, expected })
}

/**
 * The agreed values a carrier must match, for `expected` (docs/acknowledgements.md "Expected values"):
 * ids and versions from the gateway's config and the carrier's own agreement, never what was sent.
 */
function oneOf (values: readonly string[]): string {
  return values.join(' | ')
}

/** Interchange-level checks that depend only on the UNB (used before the carrier is known too). */
export function recipientFindings (unb: UnbFacts, receiverIds: readonly string[]): Finding[] {
  return receiverIds.includes(unb.recipient) ? [] : [unbFinding('GW_ERR_EDIFACT_RECIPIENT_UNKNOWN', UNB_RECIPIENT, oneOf(receiverIds))]
}

export function agreementFindings (ix: Interchange, agreement: Agreement, ctx: AgreementContext): Finding[] {
  const out: Finding[] = []
  const unb = ix.unb
  if (unb === null) return out
  out.push(...recipientFindings(unb, ctx.receiverIds))
  if (!agreement.senderIds.includes(unb.sender)) {
    out.push(unbFinding('GW_ERR_EDIFACT_SENDER_UNKNOWN', UNB_SENDER, oneOf(agreement.senderIds)))
  }
  if (agreement.maxAgeHours !== null && unb.preparedAt !== null) {
    // UNB date/time carries no zone; API practice is UTC (docs/agreements.md `maxAgeHours`), so it is read as UTC.
    const prepared = Date.parse(`${unb.preparedAt}Z`)
    if (!Number.isNaN(prepared) && ctx.receivedAt.getTime() - prepared > agreement.maxAgeHours * 3_600_000) {
      out.push(unbFinding('GW_ERR_EDIFACT_TOO_OLD', UNB_DATETIME))
    }
  }
  if (unb.test && !agreement.acceptTest) out.push(unbFinding('GW_ERR_EDIFACT_TEST_NOT_ACCEPTED', UNB_TEST))

  const firstType = ix.messages[0]?.type
  for (const m of ix.messages) {
    const at = { level: 'message' as const, message: m.reference, group: m.group, segment: 1, tag: 'UNH', element: 2 }
    if (m.type !== firstType) {
      out.push(finding('GW_ERR_MESSAGE_TYPES_MIXED', { ...at, component: 1 }))
      continue
    }
    if (m.type === 'CUSRES') {
      out.push(...cusresFindings(m.version, agreement, at))
      continue
    }
    if (m.type !== 'PAXLST' && m.type !== 'PNRGOV') {
      out.push(finding('GW_ERR_MESSAGE_TYPE_UNSUPPORTED', { ...at, component: 1 }))
      continue
    }
    const agreed = agreement.messages[m.type]
    if (agreed === undefined) {
      const types = Object.keys(agreement.messages)
      out.push(finding('GW_ERR_MESSAGE_TYPE_NOT_AGREED', { ...at, component: 1, expected: types.length > 0 ? oneOf(types) : undefined }))
    } else if (!(agreed.versions as readonly string[]).includes(agreementVersion(m.type, m.version))) {
      const expected = oneOf(agreed.versions.map(v => unhVersion(m.type, v)))
      out.push(finding('GW_ERR_MESSAGE_VERSION_NOT_AGREED', { ...at, component: 2, expected }))
    }
    if (m.part.sequence !== null && m.part.sequence > ctx.maxParts) {
      out.push(finding('GW_ERR_MESSAGE_TOO_MANY_PARTS', { ...at, element: 4, component: 1 }))
    }
  }
  return out
}

/**
 * A CUSRES on the batch paths is a carrier's answer to an unsolicited update (BGM 312,
 * docs/interactive.md): agreed with interactive API, in the agreement's CUSRES version.
 */
function cusresFindings (version: string, agreement: Agreement, at: FindingAt): Finding[] {
  if (!agreement.interactive.enabled) {
    const types = Object.keys(agreement.messages)
    return [finding('GW_ERR_MESSAGE_TYPE_NOT_AGREED', { ...at, component: 1, expected: types.length > 0 ? oneOf(types) : undefined })]
  }
  const agreed = agreement.interactive.cusres.version
  return version === agreed ? [] : [finding('GW_ERR_MESSAGE_VERSION_NOT_AGREED', { ...at, component: 2, expected: agreed })]
}

/** Splits findings into errors and warnings by the agreement's `strictness` per family. */
export function applyStrictness (
  findings: readonly Finding[], agreement: Pick<Agreement, 'strictness'> | null
): { errors: Finding[], warnings: Finding[] } {
  const errors: Finding[] = []
  const warnings: Finding[] = []
  for (const f of findings) {
    // Without an agreement (no carrier resolved) the defaults of the agreement schema apply.
    const mode = f.family === null ? 'reject' : (agreement?.strictness[f.family] ?? DEFAULT_STRICTNESS[f.family])
    if (mode === 'warn') warnings.push(f)
    else errors.push(f)
  }
  return { errors, warnings }
}

const DEFAULT_STRICTNESS = { controlCounts: 'reject', characterSet: 'warn', profile: 'warn' } as const
