/**
 * Every command parses its arguments here, with the options of ./spec.ts: an unknown option gets a
 * did-you-mean, a missing value names its placeholder, and both are usage errors (exit 2).
 */
import { parseArgs } from 'node:util'
import { didYouMean } from './help.js'
import { UsageError } from './io.js'
import type { OptionSpec } from './spec.js'

export function parse<const O extends Readonly<Record<string, OptionSpec>>> (spec: { readonly options: O }, args: string[]) {
  try {
    return parseArgs({ args, options: spec.options, allowPositionals: true, strict: true })
  } catch (err) {
    throw usageErrorOf(err, spec.options)
  }
}

function usageErrorOf (err: unknown, options: Readonly<Record<string, OptionSpec>>): Error {
  const e = err as NodeJS.ErrnoException
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const token = /'([^']+)'/.exec(e.message)?.[1] ?? '?'
    return new UsageError(didYouMean('option', token, [...Object.keys(options), 'help'], '--'))
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /'--([^ ']+)/.exec(e.message)?.[1]
    const o = name !== undefined ? options[name] : undefined
    if (o !== undefined && o.type === 'string') return new UsageError(`option '--${name}' needs a value: --${name} ${o.value ?? 'VALUE'}`)
    if (o !== undefined) return new UsageError(`option '--${name}' takes no value`)
    return new UsageError(e.message)
  }
  if (e.code?.startsWith('ERR_PARSE_ARGS') === true) return new UsageError(e.message)
  return err as Error
}

/** A missing or unknown subcommand of `cmd`: the usage, or a did-you-mean. */
export function subcommandError (
  cmd: string,
  sub: string | undefined,
  spec: { readonly usage: readonly string[], readonly subcommands?: Readonly<Record<string, unknown>> }
): UsageError {
  if (sub === undefined || sub.startsWith('-')) {
    return new UsageError(`a subcommand is required:\n${spec.usage.map(u => `  carrier-gateway ${u}`).join('\n')}`)
  }
  return new UsageError(didYouMean(`${cmd} subcommand`, sub, Object.keys(spec.subcommands ?? {})))
}
