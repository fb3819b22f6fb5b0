/**
 * The help texts (`carrier-gateway --help`, `COMMAND --help`, `help COMMAND [SUB]`) and the
 * did-you-mean suggestions, built from ./spec.ts (docs/cli.md "Exit codes and help").
 */
import { SPECS, type CommandSpec } from './spec.js'

export const EXIT_TABLE = [
  'exit codes: 0 ok; 1 the checked thing failed (check-config problems, a file inspect or certify would reject,',
  '            a failed probe, a non-2xx answer to send, an expired certificate);',
  '            2 usage error, also an unknown carrier or transmission and a missing or unreadable file or config;',
  '            3 runtime failure (a broker, ledger or quarantine unreachable, a file that cannot be written)'
].join('\n')

export function usage (): string {
  const width = Math.max(...Object.keys(SPECS).map(k => k.length))
  return ['usage: carrier-gateway <command> [options]   (every command takes --config FILE)', '',
    ...Object.entries(SPECS).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`), '',
    "run 'carrier-gateway <command> --help' (or 'carrier-gateway help <command>') for its options and an example;",
    "'carrier-gateway --version' for the version", '', EXIT_TABLE].join('\n')
}

function optionLines (spec: CommandSpec): string[] {
  const rows: Array<[string, string]> = Object.entries(spec.options).map(([name, o]) => {
    const short = o.short !== undefined ? `-${o.short}, ` : ''
    const value = o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''
    const flag = `${short}--${name}${value}${o.multiple === true ? ' (repeatable)' : ''}`
    const dflt = o.required === true
      ? 'required'
      : o.defaultText !== undefined
        ? `default: ${o.defaultText}`
        : o.default !== undefined ? `default: ${o.default === false ? 'off' : String(o.default)}` : 'default: none'
    return [flag, `${o.text} (${dflt})`]
  })
  rows.push(['-h, --help', 'show this help'])
  const width = Math.max(...rows.map(r => r[0].length))
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)
}

/** `name` is the command as typed: `inspect`, `carriers add`. */
export function commandHelp (name: string, spec: CommandSpec): string {
  const out = [`carrier-gateway ${name}: ${spec.summary}`, '']
  spec.usage.forEach((u, i) => out.push(`${i === 0 ? 'usage: ' : '       '}carrier-gateway ${u}`))
  if (spec.description !== undefined) out.push('', ...spec.description)
  if (spec.subcommands !== undefined) {
    const width = Math.max(...Object.keys(spec.subcommands).map(k => k.length))
    out.push('', 'subcommands:', ...Object.entries(spec.subcommands).map(([k, s]) => `  ${k.padEnd(width)}  ${s.summary}`))
    out.push('', `run 'carrier-gateway ${name} <subcommand> --help' for a subcommand's options`)
  }
  out.push('', 'options:', ...optionLines(spec))
  out.push('', spec.examples.length === 1 ? 'example:' : 'examples:', ...spec.examples.map(e => `  ${e}`))
  const usage2 = /\b2 /.test(spec.exits) ? '' : '; 2 usage error'
  const runtime3 = /\b3 /.test(spec.exits) ? '' : '; 3 runtime failure'
  out.push('', `exit codes: 0 ok; ${spec.exits}${usage2}${runtime3} (all of them: carrier-gateway --help)`)
  return out.join('\n')
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (`inpsect`). */
export function editDistance (a: string, b: string): number {
  const d: number[][] = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i === 0 ? j : j === 0 ? i : 0)
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The candidate closest to `word`, when it is close enough to be what was meant; else null. */
export function suggest (word: string, candidates: readonly string[]): string | null {
  const w = word.toLowerCase()
  let best: { c: string, d: number } | null = null
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase())
    if (best === null || d < best.d) best = { c, d }
  }
  const limit = w.length <= 3 ? 1 : w.length <= 6 ? 2 : 3
  if (best !== null && best.d <= limit && best.d < w.length) return best.c
  // An unambiguous abbreviation (`quar` for quarantine).
  const prefixed = w.length >= 3 ? candidates.filter(c => c.toLowerCase().startsWith(w)) : []
  return prefixed.length === 1 ? prefixed[0] : null
}

export function didYouMean (what: string, word: string, candidates: readonly string[], prefix = ''): string {
  const s = suggest(word.replace(/^-+/, '').replace(/=.*$/, ''), candidates)
  return `unknown ${what} '${word}'${s !== null ? `; did you mean '${prefix}${s}'?` : ''}`
}
