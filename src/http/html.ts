/**
 * HTML escaping for the pages the gateway renders (the status page, the certify report): agreement
 * names, references and findings are carrier-supplied text and are always escaped.
 */
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml (value: unknown): string {
  return String(value).replace(/[&<>"']/g, ch => ESCAPES[ch])
}
