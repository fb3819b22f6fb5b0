/**
 * Table rows for parts 2–6: every figure with the target the issue sets for it, and the ratios
 * that make a figure comparable (gateway / ceiling, latency beside large interchanges / alone).
 */
import type { E2eResult, Outcomes } from './e2e.js'
import type { ChannelFigure } from './channels.js'
import { check, ratio, sumFigures, type Figure, type Row } from './stats.js'

function single (v: number | null, unit: string): Figure | null {
  return v === null || !Number.isFinite(v) ? null : { median: v, min: v, max: v, runs: 1, unit }
}

export function minFigure (a: Figure | null, b: Figure | null): Figure | null {
  if (a === null) return b
  if (b === null) return a
  return a.median <= b.median ? a : b
}

/** "N of M failed: K× 503" when some requests of the runs behind a figure were not accepted. */
function failedNote (o: Outcomes | null | undefined): { note?: string } {
  if (o === null || o === undefined || o.failed === 0) return {}
  const statuses = Object.entries(o.statuses).filter(([k]) => !/^2/.test(k)).map(([k, v]) => `${v}× ${k === '0' ? 'no answer' : k}`).join(', ')
  return { note: `${o.failed} of ${o.total} failed: ${statuses}` }
}

/** `a; b` of the notes that are there. */
function notes (...parts: Array<string | undefined>): { note?: string } {
  const text = parts.filter(p => p !== undefined && p !== '').join('; ')
  return text === '' ? {} : { note: text }
}

/**
 * How the fixed offered load is named: by its basis, with the rate in the note, so that the row names
 * stay the same from run to run (the rate follows the machine); by the rate when it was given.
 */
function fixedRateLabel (r: E2eResult): { at: string, offered?: string } {
  const o = r.offeredRate
  if (o === null) return { at: 'half of saturation', offered: 'not run: no saturation figure' }
  return o.basis === 'option' ? { at: `${o.perSecond}/s offered` } : { at: 'half of saturation', offered: `${o.perSecond}/s offered` }
}

export function e2eRows (r: E2eResult, opts: { bodyKb: number, bigMb: number }): Row[] {
  const s2 = `e2e: HTTPS mTLS → RabbitMQ quorum, ${opts.bodyKb} kB PAXLST, CONTRL`
  const ceiling = minFigure(r.ceilingHttps, r.ceilingPublish)
  const vsCeiling = ratio(r.saturation, ceiling)
  const { at, offered } = fixedRateLabel(r)
  const rate = r.offeredRate?.perSecond ?? null
  const rows: Row[] = [
    { section: s2, name: 'ceiling: bare Fastify mTLS, read body, 200', figure: r.ceilingHttps },
    { section: s2, name: 'ceiling: bare amqplib confirm publish (window 500)', figure: r.ceilingPublish },
    { section: s2, name: 'gateway at saturation', figure: r.saturation },
    { section: s2, name: 'ratio gateway / min(ceilings)', figure: vsCeiling, target: check('≥ 0.25', vsCeiling?.median, 0.25) },
    { section: s2, name: 'gateway CPU at saturation', figure: r.cpu.saturationCores },
    { section: s2, name: 'gateway CPU per transmission', figure: r.cpu.msPerTransmission },
    {
      section: s2,
      name: `achieved at ${at}`,
      figure: r.fixedRate?.achieved ?? null,
      target: check(`≈ ${rate ?? '?'}/s`, r.fixedRate?.achieved.median, (rate ?? NaN) * 0.98),
      ...notes(offered, failedNote(
        r.fixedRate === null ? null : { total: r.fixedRate.offered, failed: r.fixedRate.failed, statuses: r.fixedRate.statuses }
      ).note)
    },
    { section: s2, name: `p50 at ${at}`, figure: r.fixedRate?.p50 ?? null, ...notes(offered) },
    {
      section: s2,
      name: `p99 at ${at}`,
      figure: r.fixedRate?.p99 ?? null,
      target: check('≤ 25 ms', r.fixedRate?.p99.median, 25, true),
      ...notes(offered)
    }
  ]
  // Each part of a transmission's CPU measured alone with the same body; the gateway (SQLite ledger)
  // should spend little beyond their sum.
  const sp = `e2e: sum of parts, CPU per ${opts.bodyKb} kB PAXLST transmission`
  const p = r.parts
  const sum = sumFigures([p.https, p.parse, p.publish, p.sqlite], 'ms CPU')
  const overSum = ratio(r.cpu.msPerTransmission, sum)
  rows.push(
    { section: sp, name: 'bare mTLS request, body read (bare Fastify ceiling process)', figure: p.https },
    { section: sp, name: 'full parse + map + validate', figure: p.parse },
    { section: sp, name: 'confirmed publish (bare publisher ceiling, client side)', figure: p.publish },
    { section: sp, name: 'ledger writes, SQLite', figure: p.sqlite },
    {
      section: sp,
      name: 'ledger writes, PostgreSQL (client side, for the record)',
      figure: p.postgres,
      ...notes(p.postgresNote ?? undefined)
    },
    { section: sp, name: 'sum of parts (SQLite ledger)', figure: sum },
    {
      section: sp,
      name: 'ratio CPU per transmission / sum of parts',
      figure: overSum,
      target: check('≤ 1.3', overSum?.median, 1.3, true)
    }
  )
  const s3 = 'new connections (one request each)'
  const h = r.handshakes
  const share = h.resumedShare === null ? undefined : `${(h.resumedShare * 100).toFixed(0)}% resumed`
  rows.push(
    { section: s3, name: 'gateway: full mTLS handshakes', figure: h.gatewayFull, target: check('≥ 150/s', h.gatewayFull?.median, 150) },
    {
      section: s3,
      name: 'gateway: with TLS session resumption',
      figure: h.gatewayResumed,
      ...(share !== undefined ? { note: share } : {})
    },
    { section: s3, name: 'ceiling: bare Fastify full handshakes', figure: h.bareFull },
    { section: s3, name: 'ceiling: bare Fastify with resumption', figure: h.bareResumed }
  )
  const s4 = `fairness: small PAXLST p99 beside ${opts.bigMb} MB interchanges`
  const f = r.fairness
  const fr = f === null ? null : ratio(f.beside, f.alone)
  rows.push(
    { section: s4, name: 'small transmissions alone: p99', figure: f?.alone ?? null },
    {
      section: s4,
      name: `beside ${opts.bigMb} MB interchanges (2 in flight): p99 of the accepted`,
      figure: f?.beside ?? null,
      ...failedNote(f?.besideOutcomes)
    },
    { section: s4, name: 'ratio beside / alone', figure: fr, target: check('≤ 2', fr?.median, 2, true) },
    { section: s4, name: `${opts.bigMb} MB interchanges accepted`, figure: f?.bigPerSecond ?? null, ...failedNote(f?.bigOutcomes) }
  )
  const s5 = 'memory: gateway process RSS'
  const m = r.memory
  // The RSS figures' MB are MiB (kB / 1024): the body in the same unit.
  const bodyMb = m.bigBodyBytes === null ? null : m.bigBodyBytes / 2 ** 20
  const perBody = ratio(m.bigPeakMb, single(bodyMb, 'MB'))
  rows.push(
    { section: s5, name: 'after start (idle)', figure: single(m.idleMb, 'MB') },
    { section: s5, name: `peak while processing one ${opts.bigMb} MB interchange`, figure: m.bigPeakMb },
    {
      section: s5,
      name: 'ratio peak RSS / body',
      figure: perBody,
      target: check('≤ 10', perBody?.median, 10, true),
      ...notes(m.bigBodyBytes === null ? undefined : `body ${(m.bigBodyBytes / 1e6).toFixed(1)} MB`)
    },
    { section: s5, name: 'peak under saturation load', figure: single(m.saturationPeakMb, 'MB') },
    { section: s5, name: `peak under ${at}`, figure: single(m.fixedRatePeakMb, 'MB'), ...notes(offered) }
  )
  return rows
}

export function channelRows (c: { sftp: ChannelFigure, bridge: ChannelFigure }): Row[] {
  const s6 = 'channels (30 kB bodies)'
  const note = (x: ChannelFigure): { note?: string } => x.note === null ? {} : { note: x.note }
  return [
    { section: s6, name: 'SFTP files', figure: c.sftp.figure, ...note(c.sftp) },
    { section: s6, name: 'AMQP bridge messages', figure: c.bridge.figure, ...note(c.bridge) }
  ]
}
