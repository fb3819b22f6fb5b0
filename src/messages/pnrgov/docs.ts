/**
 * SSR DOCS free text, the PNR's API data (PNRGOV guide, Gr.2 SSR; IATA SSR DOCS format):
 * `/P/GBR/123456789/GBR/12JUL64/M/23AUG19/SMITH/JOHN[/SECOND][/H]` =
 * type / issuing State / number / nationality / date of birth (DDMMMYY) / gender / expiry /
 * surname / given name / second given name / multiple-passport holder indicator.
 * Issuing State and nationality may be 2-letter in real data (`KR`); fields may be empty
 * (`////GBR/12JUL64/M//JONES/WILLIAM`).
 */
import { ddmmmyy, type CivilDate } from '../dates.js'
import type { DocsDocument } from '../model.js'

/** Which DOCS fields (1-based after the leading slash) held a date that could not be read. */
export interface DocsResult {
  doc: DocsDocument
  invalidDates: ('birthDate' | 'expiry')[]
}

function field (parts: string[], i: number): string | null {
  const v = parts[i]
  if (v === undefined) return null
  const t = v.trim()
  return t === '' ? null : t
}

export function parseDocs (text: string, ref: CivilDate): DocsResult {
  const body = text.trim()
  // The text normally starts with '/'; without it the first field is the type.
  const parts = (body.startsWith('/') ? body.slice(1) : body).split('/')
  const invalidDates: DocsResult['invalidDates'] = []
  const birthRaw = field(parts, 4)
  const expiryRaw = field(parts, 6)
  const birthDate = birthRaw === null ? null : ddmmmyy(birthRaw, 'past', ref)
  const expiry = expiryRaw === null ? null : ddmmmyy(expiryRaw, 'expiry', ref)
  if (birthRaw !== null && birthDate === null) invalidDates.push('birthDate')
  if (expiryRaw !== null && expiry === null) invalidDates.push('expiry')
  const first = field(parts, 8)
  const second = field(parts, 9)
  return {
    doc: {
      type: field(parts, 0),
      issuingCountry: field(parts, 1),
      number: field(parts, 2),
      nationality: field(parts, 3),
      birthDate,
      gender: field(parts, 5),
      expiry,
      surname: field(parts, 7),
      givenNames: first !== null && second !== null ? `${first} ${second}` : first ?? second
    },
    invalidDates
  }
}
