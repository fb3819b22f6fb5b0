/**
 * The message layer: PAXLST and PNRGOV segment tables, structure checks and mapping to the
 * canonical model (`src/validate/schemas/`, docs/cli.md `inspect --json`). Pure: no I/O, no logging; findings never carry input values.
 */
import type { MessageEnvelope } from '../edifact/types.js'
import type { MessageModel, PaxlstModel, Part, PnrgovModel } from './model.js'
import { mapPaxlst } from './paxlst/map.js'
import { PAXLST_TABLE } from './paxlst/table.js'
import { mapPnrgov } from './pnrgov/map.js'
import { PNRGOV_TABLE } from './pnrgov/table.js'
import { walkStructure } from './structure.js'
import type { Finding } from '../transmission/index.js'

export type * from './model.js'

export { type MessageTable, type Entry, type WalkResult } from './structure.js'
export { qualityOf, type Quality, type PaxlstQuality, type PnrgovQuality } from './quality.js'
export * from './cusres/index.js'

export type MappedType = 'PAXLST' | 'PNRGOV'

export interface MapContext {
  /** Receipt time: the reference for two-digit years when the message gives no flight date. */
  receivedAt: Date
}

export type MapResult =
  | { type: 'PAXLST', model: PaxlstModel, findings: Finding[] }
  | { type: 'PNRGOV', model: PnrgovModel, findings: Finding[] }
  | { type: null, model: null, findings: Finding[] }

function byPosition (a: Finding, b: Finding): number {
  return (a.segment ?? 0) - (b.segment ?? 0)
}

/**
 * Checks one message against its segment table and maps it to the canonical model. Message types
 * other than PAXLST and PNRGOV (CONTRL, CUSRES, …) give `type: null` and no findings: whether they
 * are acceptable is the caller's decision.
 */
export function mapMessage (env: MessageEnvelope, ctx: MapContext): MapResult {
  if (env.type === 'PAXLST') {
    const walk = walkStructure(env, PAXLST_TABLE)
    const mapped = mapPaxlst(env, walk.placement, ctx.receivedAt)
    return { type: 'PAXLST', model: mapped.model, findings: walk.findings.concat(mapped.findings).sort(byPosition) }
  }
  if (env.type === 'PNRGOV') {
    const walk = walkStructure(env, PNRGOV_TABLE)
    const mapped = mapPnrgov(env, walk.placement, ctx.receivedAt)
    return { type: 'PNRGOV', model: mapped.model, findings: walk.findings.concat(mapped.findings).sort(byPosition) }
  }
  return { type: null, model: null, findings: [] }
}

/** The part of a multi-part series a message is (UNH 0068 / S010), for the message report. */
export function partOf (env: MessageEnvelope): Part {
  return { sequence: env.part.sequence, final: env.part.final, commonAccessReference: env.commonAccessReference }
}

function isPnrgov (model: MessageModel): model is PnrgovModel {
  return 'pnrs' in model
}

export interface FlightFacts {
  /** Carrier + number (`XA123`), or null when the message names no flight. */
  flight: string | null
  departure: string | null
  arrival: string | null
  /** ISO local date-time of the first leg's departure, or null. */
  scheduledDeparture: string | null
}

/**
 * Flight facts for message headers (`x-flight`, `x-departure`, …) and timeliness: the message's
 * flight and its first leg (a multi-leg PAXLST lists legs in flying order).
 */
export function firstFlightFacts (model: MessageModel): FlightFacts {
  const f = model.flight
  const leg = f.legs[0]
  const flight = f.carrier !== null || f.number !== null ? `${f.carrier ?? ''}${f.number ?? ''}` : null
  return {
    flight,
    departure: leg?.departure.airport ?? null,
    arrival: leg?.arrival.airport ?? null,
    scheduledDeparture: leg?.departure.scheduled ?? null
  }
}

/** `x-document`: the PAXLST document type, or `full-push` / `update-push` (`pnr-push` when MSG is unknown). */
export function documentKind (model: MessageModel): string {
  if (isPnrgov(model)) return model.pushType === 'full' ? 'full-push' : model.pushType === 'update' ? 'update-push' : 'pnr-push'
  return model.documentType
}
