/**
 * The flight routes of the admin listener (docs/flights.md "Admin API"):
 * `GET /admin/flights?carrier=&from=&to=&state=` and `GET /admin/flights/{carrier}/{flight}/{date}`,
 * and the flight board section of the status page. Flight metadata and counts only (invariant 4).
 */
import type { FastifyInstance } from 'fastify'
import type { AgreementStore } from '../agreements/store.js'
import type { Ledger } from '../ledger/index.js'
import { sendProblem } from '../http/problem.js'
import { escapeHtml as esc } from '../http/html.js'
import { CARRIER_CODE, ISO_DATE, LIST_LIMIT, strictQuery } from './schemas.js'
import { STATE_FILTERS, flightNumberOf, getFlight, listFlights, type FlightBoard, type StateFilter } from '../flights/index.js'

export interface FlightRouteDeps {
  agreements: AgreementStore
  ledger: Ledger
  /** The clock states are evaluated on. @default the wall clock */
  now?: () => Date
}

export async function registerFlightRoutes (app: FastifyInstance, deps: FlightRouteDeps): Promise<void> {
  const now = deps.now ?? (() => new Date())
  app.get('/admin/flights', {
    schema: {
      querystring: strictQuery({
        carrier: CARRIER_CODE, from: ISO_DATE, to: ISO_DATE, state: { enum: [...STATE_FILTERS] }, limit: LIST_LIMIT
      })
    }
  }, async req => {
    const q = req.query as { carrier?: string, from?: string, to?: string, state?: StateFilter, limit?: number }
    return { flights: await listFlights(deps.ledger.flights, deps.agreements.current(), q, now()) }
  })
  app.get('/admin/flights/:carrier/:flight/:date', {
    schema: {
      params: {
        type: 'object',
        properties: {
          carrier: CARRIER_CODE,
          flight: { type: 'string', pattern: '^[A-Z0-9]{1,11}$' },
          date: ISO_DATE
        },
        required: ['carrier', 'flight', 'date']
      }
    }
  }, async (req, reply) => {
    const p = req.params as { carrier: string, flight: string, date: string }
    const number = flightNumberOf(p.carrier, p.flight)
    if (number === null || Number.isNaN(Date.parse(p.date))) return await sendProblem(reply, 'GW_ERR_INTAKE_BAD_REQUEST')
    const flight = await getFlight(deps.ledger.flights, deps.agreements.current(), { carrier: p.carrier, number, date: p.date }, now())
    return flight === null ? await sendProblem(reply, 'GW_ERR_INTAKE_NO_ROUTE') : flight
  })
}

const STATE_CLASS: Readonly<Record<string, string>> = {
  received: 'ok', complete: 'ok', ok: 'ok', late: 'warn', pending: 'none', missing: 'bad', incomplete: 'bad'
}

function badge (state: string, text = state): string {
  return `<span class="badge ${STATE_CLASS[state] ?? 'none'}" data-state="${esc(state)}">${esc(text)}</span>`
}

function time (iso: string | null): string {
  return iso === null ? '—' : `<time datetime="${esc(iso)}">${esc(iso.slice(11, 16))}Z</time>`
}

/** The status page's flight board: one table per carrier, the classes of the page's own style sheet. */
export function renderFlightBoard (b: FlightBoard | undefined): string {
  if (b === undefined) return ''
  const head = '<tr><th>flight</th><th>date</th><th>route</th><th>departs (UTC)</th><th>state</th><th>due pushes</th>' +
    '<th>series</th><th>transmissions</th></tr>'
  const tables = b.carriers.map(c => {
    const rows = c.flights.map(f => {
      const due = f.due.map(d => `${esc(d.type)} ${esc(d.rule)} ${badge(d.state)}`).join('<br>') || '—'
      const series = f.series.map(s => `${esc(s.reference || '(no reference)')} ${s.parts.length}/${s.final ?? '?'} ${badge(s.state)}`)
        .join('<br>') || '—'
      const id = `flight-${f.number}-${f.date}`
      return `<tr id="${esc(`${c.carrier}-${id}`)}" data-flight="${esc(`${c.carrier}${f.number}`)}" data-date="${esc(f.date)}">` +
        `<td>${esc(c.carrier)}${esc(f.number)}</td><td>${esc(f.date)}</td>` +
        `<td>${esc(f.departure ?? '—')} → ${esc(f.arrival ?? '—')}</td><td>${time(f.departureAt)}</td>` +
        `<td data-field="state">${badge(f.state)}</td><td data-field="due">${due}</td>` +
        `<td data-field="series">${series}</td><td class="n">${f.transmissions}</td></tr>`
    }).join('\n')
    const marks = `${c.missing > 0 ? badge('missing', `${c.missing} missing`) : ''} ${c.late > 0 ? badge('late', `${c.late} late`) : ''}`
    return `<h3 id="flights-${esc(c.carrier)}">${esc(c.carrier)} ${marks}</h3>\n` +
      `<table class="flights" data-carrier="${esc(c.carrier)}"><thead>${head}</thead><tbody>\n${rows}\n</tbody></table>`
  }).join('\n')
  const none = b.carriers.length === 0 ? '<p class="none" id="no-flights">No flights today or tomorrow.</p>' : ''
  return `<h2 id="flight-board">Flights ${esc(b.dates.join(' and '))} (UTC)${b.truncated ? ' — first flights only' : ''}</h2>\n` +
    `<section id="flights">${none}${tables}</section>\n` +
    '<p><small>Due pushes come from the agreement\'s <code>schedule</code>: <b>received</b> on time, <b>late</b> after ' +
    'the window, <b>missing</b> the window passed with nothing, <b>pending</b> not due yet. Series: <b>complete</b>, or ' +
    '<b>incomplete</b> after <code>schedule.partsTimeoutMinutes</code> (docs/flights.md).</small></p>'
}
