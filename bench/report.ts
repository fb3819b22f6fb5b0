/**
 * Table rows for parts 2–6: every figure with the target the issue sets for it, and the ratios
 * that make a figure comparable (gateway / ceiling, latency beside large interchanges / alone).
 */
import type { E2eResult, Outcomes } from './e2e.js'
import type { ChannelFigure } from './channels.js'
import { check, ratio, type Figure, type Row } from './stats.js'

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

export function e2eRows (r: E2eResult, opts: { rate: number, bodyKb: number, bigMb: number }): Row[] {
  const s2 = `e2e: HTTPS mTLS → RabbitMQ quorum, ${opts.bodyKb} kB PAXLST, CONTRL`
  const ceiling = minFigure(r.ceilingHttps, r.ceilingPublish)
  const vsCeiling = ratio(r.saturation, ceiling)
  const rows: Row[] = [
    { section: s2, name: 'ceiling: bare Fastify mTLS, read body, 200', figure: r.ceilingHttps },
    { section: s2, name: 'ceiling: bare amqplib confirm publish (window 500)', figure: r.ceilingPublish },
    { section: s2, name: 'gateway at saturation', figure: r.saturation },
    { section: s2, name: 'ratio gateway / min(ceilings)', figure: vsCeiling, target: check('≥ 0.5', vsCeiling?.median, 0.5) },
    { section: s2, name: 'gateway CPU at saturation', figure: r.cpu.saturationCores },
    { section: s2, name: 'gateway CPU per transmission', figure: r.cpu.msPerTransmission },
    {
      section: s2,
      name: `gateway at ${opts.rate}/s offered: achieved`,
      figure: r.fixedRate?.achieved ?? null,
      target: check(`≈ ${opts.rate}/s`, r.fixedRate?.achieved.median, opts.rate * 0.98),
      ...failedNote(
        r.fixedRate === null ? null : { total: r.fixedRate.offered, failed: r.fixedRate.failed, statuses: r.fixedRate.statuses }
      )
    },
    { section: s2, name: `gateway at ${opts.rate}/s offered: p50 latency`, figure: r.fixedRate?.p50 ?? null },
    {
      section: s2,
      name: `gateway at ${opts.rate}/s offered: p99 latency`,
      figure: r.fixedRate?.p99 ?? null,
      target: check('≤ 50 ms', r.fixedRate?.p99.median, 50, true)
    }
  ]
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
  rows.push(
    { section: s5, name: 'after start (idle)', figure: single(r.memory.idleMb, 'MB') },
    { section: s5, name: `peak while processing one ${opts.bigMb} MB interchange`, figure: r.memory.bigPeakMb },
    { section: s5, name: 'peak under saturation load', figure: single(r.memory.saturationPeakMb, 'MB') },
    { section: s5, name: `peak under ${opts.rate}/s`, figure: single(r.memory.fixedRatePeakMb, 'MB') }
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
