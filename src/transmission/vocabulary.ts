/**
 * The words every layer shares, each written once (docs/architecture.md "Vocabulary"). The ledger's
 * SQL CHECK constraints, the channel contract and the acks all derive from these lists.
 */

/**
 * What a transmission ends in, decided once and mapped per channel (docs/architecture.md
 * "Outcomes"). `spooled`, `forwarded` and `acknowledged` are statuses, not outcomes.
 */
export const OUTCOMES = ['accepted', 'accepted_with_warnings', 'duplicate', 'rejected', 'retry'] as const
export type Outcome = typeof OUTCOMES[number]

/** The outcome of checking alone (a message, a file in a report): no dedupe or hand-off yet. */
export type CheckOutcome = Extract<Outcome, 'accepted' | 'accepted_with_warnings' | 'rejected'>

/** The outcomes that mean the PIU holds (or will hold) the transmission. */
export const ACCEPTED_OUTCOMES: ReadonlySet<Outcome> = new Set(['accepted', 'accepted_with_warnings'])

/**
 * The status ladder: received → forwarded (broker confirmed) or spooled (fsynced locally) →
 * acknowledged (the carrier was answered). A spooled row becomes forwarded when the relay drains it.
 */
export const STATUSES = ['received', 'forwarded', 'spooled', 'acknowledged'] as const
export type Status = typeof STATUSES[number]

export const CHANNELS = ['https', 'sftp', 'amqp'] as const
export type ChannelName = typeof CHANNELS[number]

/** Where a transmission is handed: the PIU's production or test destination, or quarantine. */
export const DESTINATIONS = ['production', 'test', 'quarantine'] as const
export type Destination = typeof DESTINATIONS[number]

/** The acknowledgement kinds an agreement may name; `none` sends nothing. */
export const ACK_KINDS = ['contrl', 'ackres', 'json'] as const
export type AckKindSent = typeof ACK_KINDS[number]

/** `'a', 'b'` for an SQL `IN (...)` list; the values are the constants above, never input. */
export function sqlList (values: readonly string[]): string {
  return values.map(v => `'${v}'`).join(', ')
}
