/**
 * `carrier-gateway outbound list | show ID | resend ID`: messages from the PIU to carriers in the
 * outbox (docs/outbound.md "Operations"). Metadata only — ids, references, flight numbers, states,
 * times, attempts and error ids — never the payload, which holds passenger data.
 *
 * `resend` puts a message whose payload is still held back to `queued`, due now, with a new expiry;
 * the running gateway's sweep delivers it. A delivered message's payload is purged on delivery, so
 * it cannot be sent again from here: the PIU sends it again.
 */
import { configFileFrom, loadConfig } from '../../config/index.js'
import { openExistingLedger } from '../../onboarding/ledger.js'
import { table } from '../../onboarding/carriers-view.js'
import { ERRORS } from '../../errors.js'
import { OUTBOUND_KINDS, OUTBOUND_STATES, type OutboundKind, type OutboundRow, type OutboundState } from '../../ledger/index.js'
import { parse, subcommandError } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_FAILED, EXIT_OK, EXIT_RUNTIME, UsageError, print, type CliIo } from '../io.js'

const SUB = SPECS.outbound.subcommands
type Sub = keyof typeof SUB
const usageOf = (sub: Sub): string => `usage: ${SUB[sub].usage.join('\n')}`

/** A GOVREQ delivered whose push is past due: the carrier has not answered in time. */
function overdue (r: OutboundRow, now: Date): boolean {
  return r.kind === 'govreq' && (r.state === 'delivered' || r.state === 'fetched') && r.answerDueAt !== null &&
    Date.parse(r.answerDueAt) <= now.getTime()
}

function view (r: OutboundRow, now: Date): Record<string, unknown> {
  return { ...r, overdue: overdue(r, now) }
}

function showText (r: OutboundRow, now: Date): string {
  const lines: Array<[string, string | number | null]> = [
    ['id', r.id], ['carrier', r.carrier], ['kind', r.kind], ['origin', r.origin], ['channel', r.channel],
    ['state', `${r.state}${overdue(r, now) ? ' (answer overdue)' : ''}`], ['reference', r.reference], ['message ref', r.messageRef],
    ['transaction', r.transactionRef], ['flight', r.flight === null ? null : `${r.flight} ${r.flightDate ?? ''}`.trim()],
    ['bytes', r.size], ['sha256', r.sha256], ['created', r.createdAt], ['delivered', r.deliveredAt],
    ['delivered to', r.deliveredTo], ['fetched', r.fetchedAt], ['answered', r.answeredAt], ['answered by', r.answeredBy],
    ['answer due', r.answerDueAt], ['expires', r.expiresAt], ['expired', r.expiredAt], ['attempts', r.attempts],
    ['next attempt', r.nextAttemptAt], ['last error', r.lastError === null ? null : `${r.lastError} (${textOf(r.lastError)})`],
    ['duplicates', r.duplicates], ['fetches', r.fetches]
  ]
  return lines.filter(([, v]) => v !== null).map(([k, v]) => `${k.padEnd(13)}${String(v)}`).join('\n')
}

function textOf (id: string): string {
  return id in ERRORS ? ERRORS[id as keyof typeof ERRORS].text : 'unknown reason'
}

interface SubArgs { sub: Sub, id?: string, config?: string, json: boolean, carrier?: string, state?: string, kind?: string }

function parseSub (args: string[]): SubArgs {
  const sub = args[0]
  if (sub === undefined || !Object.hasOwn(SUB, sub)) throw subcommandError('outbound', sub, SPECS.outbound)
  const name = sub as Sub
  const rest = args.slice(1)
  if (name === 'list') {
    const { values, positionals } = parse(SUB.list, rest)
    if (positionals.length > 0) throw new UsageError(usageOf(name))
    return { sub: name, config: values.config, json: values.json, carrier: values.carrier, state: values.state, kind: values.kind }
  }
  const { values, positionals } = name === 'show' ? parse(SUB.show, rest) : parse(SUB.resend, rest)
  if (positionals.length !== 1) throw new UsageError(usageOf(name))
  return { sub: name, id: positionals[0], config: values.config, json: 'json' in values && values.json === true }
}

function checkFilters (a: SubArgs): void {
  if (a.carrier !== undefined && !/^[A-Z0-9]{2,3}$/.test(a.carrier)) throw new UsageError('--carrier needs a carrier code (2 or 3 letters or digits)')
  if (a.state !== undefined && !(OUTBOUND_STATES as readonly string[]).includes(a.state)) {
    throw new UsageError(`--state must be one of ${OUTBOUND_STATES.join(', ')}`)
  }
  if (a.kind !== undefined && !(OUTBOUND_KINDS as readonly string[]).includes(a.kind)) {
    throw new UsageError(`--kind must be one of ${OUTBOUND_KINDS.join(', ')}`)
  }
  if (a.id !== undefined && !/^ob_[0-9a-f-]{36}$/.test(a.id)) throw new UsageError(`${a.id} is not an outbox id (ob_…)`)
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const a = parseSub(args)
  checkFilters(a)
  const config = loadConfig(configFileFrom(a.config, io.env))
  const access = await openExistingLedger(config, io.env)
  if (access.ledger === null) {
    print(io.stderr, `outbound: ${access.note}`)
    return EXIT_RUNTIME
  }
  const store = access.ledger.outbound
  const now = new Date()
  try {
    if (a.sub === 'list') {
      const rows = await store.list({
        carrier: a.carrier, state: a.state as OutboundState | undefined, kind: a.kind as OutboundKind | undefined, limit: 10_000
      })
      if (a.json) {
        print(io.stdout, JSON.stringify({ messages: rows.map(r => view(r, now)) }, null, 2))
      } else if (rows.length === 0) {
        print(io.stdout, 'no messages to carriers')
      } else {
        print(io.stdout, table([['id', 'carrier', 'kind', 'channel', 'state', 'created', 'attempts', 'flight'], ...rows.map(r => [
          r.id, r.carrier, r.kind, r.channel, `${r.state}${overdue(r, now) ? ' (overdue)' : ''}`, r.createdAt, String(r.attempts),
          r.flight ?? '—'
        ])]))
      }
      return EXIT_OK
    }
    const row = await store.get(a.id!)
    if (row === null) {
      print(io.stderr, `outbound: no message ${a.id!}`)
      return EXIT_FAILED
    }
    if (a.sub === 'show') {
      print(io.stdout, a.json ? JSON.stringify(view(row, now), null, 2) : showText(row, now))
      return EXIT_OK
    }
    const again = await store.requeue(row.id, now, new Date(now.getTime() + config.outbound.retentionHours * 3_600_000))
    if (again === null) {
      print(io.stderr, `outbound: ${row.id} is ${row.state}: ${ERRORS.GW_ERR_OUTBOUND_PAYLOAD_PURGED.text}`)
      return EXIT_FAILED
    }
    print(io.stdout, `${row.id} queued again; the running gateway delivers it over ${row.channel} within outbound.sweepMs`)
    return EXIT_OK
  } catch (err) {
    print(io.stderr, `outbound: ledger unavailable (${(err as Error).message})`)
    return EXIT_RUNTIME
  } finally {
    await access.ledger.close()
  }
}
