/**
 * What a ledger row records of an assessed transmission's envelope (docs/architecture.md
 * "Vocabulary"): metadata the carrier's system chose, never a value from a segment. Shared by the
 * batch pipeline's assess step and the interactive lane.
 */
import { partLabels, type LedgerRow } from '../transmission/index.js'
import type { Assessment } from './assess.js'

/** `flightOf` is the message whose flight the row names (the first forwarded one for batch traffic). */
export function envelopeFieldsOf (a: Assessment | null, flightOf = 0): Partial<LedgerRow> {
  const e = a?.envelope ?? null
  return {
    sender: e?.sender ?? null,
    recipient: e?.recipient ?? null,
    reference: e?.reference ?? null,
    preparedAt: e?.preparedAt ?? null,
    messageRefs: e?.messages.map(m => m.reference) ?? [],
    parts: partLabels(e?.messages ?? []),
    messageType: e?.messages[0]?.type ?? null,
    messageVersion: e?.messages[0]?.version ?? null,
    flight: a?.messages[flightOf]?.facts?.ledgerFlight ?? null,
    test: e?.test ?? false
  }
}
