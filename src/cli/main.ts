#!/usr/bin/env node
/**
 * `carrier-gateway <command>`: one file per command in ./commands, loaded on demand so `inspect`
 * never loads the HTTPS stack, and `--help` loads none. Exit codes (docs/cli.md "Exit codes and
 * help"): 0 ok, 1 the checked thing failed, 2 usage error (also an unknown carrier, a missing file
 * or an invalid config), 3 runtime failure.
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { isGatewayError } from '../errors.js'
import { commandHelp, didYouMean, usage } from './help.js'
import { EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, print, type CliIo } from './io.js'
import { SPECS, type CommandName, type CommandSpec } from './spec.js'
import { gatewayVersion } from '../config/version.js'

export { usage } from './help.js'

type Command = (args: string[], io: CliIo) => Promise<number>

const LOAD: Record<CommandName, () => Promise<{ run: Command }>> = {
  start: async () => await import('./commands/start.js'),
  'check-config': async () => await import('./commands/check-config.js'),
  inspect: async () => await import('./commands/inspect.js'),
  certify: async () => await import('./commands/certify.js'),
  carriers: async () => await import('./commands/carriers.js'),
  certs: async () => await import('./commands/certs.js'),
  quarantine: async () => await import('./commands/quarantine.js'),
  send: async () => await import('./commands/send.js'),
  probe: async () => await import('./commands/probe.js'),
  flights: async () => await import('./commands/flights.js'),
  scorecard: async () => await import('./commands/scorecard.js'),
  outbound: async () => await import('./commands/outbound.js'),
  'piu-responder': async () => await import('./commands/piu-responder.js')
}

const NAMES = Object.keys(SPECS) as CommandName[]

/** Own keys only: `carrier-gateway toString` is an unknown command, not Object.prototype's. */
function commandOf (name: string | undefined): CommandName | null {
  return name !== undefined && Object.hasOwn(SPECS, name) ? name as CommandName : null
}

const isHelp = (a: string): boolean => a === '--help' || a === '-h'

/** `--help` anywhere before `--`; a value of an option that is literally `--help` is not expected. */
function wantsHelp (args: string[]): boolean {
  const end = args.indexOf('--')
  return (end === -1 ? args : args.slice(0, end)).some(isHelp)
}

/** The help of `name [sub]`, or a usage error naming what was not found. */
function helpFor (name: string, sub: string | undefined): string {
  const cmd = commandOf(name)
  if (cmd === null) throw new UsageError(didYouMean('command', name, NAMES))
  const spec: CommandSpec = SPECS[cmd]
  const subs = spec.subcommands
  if (sub === undefined || subs === undefined || isHelp(sub) || sub.startsWith('-')) return commandHelp(cmd, spec)
  if (!Object.hasOwn(subs, sub)) throw new UsageError(didYouMean(`${cmd} subcommand`, sub, Object.keys(subs)))
  return commandHelp(`${cmd} ${sub}`, subs[sub])
}

/** What an error thrown by a command means for the exit code (one table, docs/cli.md). */
function failure (name: string, err: unknown): { code: number, text: string } {
  if (err instanceof UsageError) {
    return { code: EXIT_USAGE, text: `${name}: ${err.message}\nrun 'carrier-gateway ${name} --help' for its usage` }
  }
  // An invalid config or agreement, or a secret it names that is not there: the input is wrong.
  if (
    isGatewayError(err) &&
    (err.id === 'GW_ERR_CONFIG_INVALID' || err.id === 'GW_ERR_CONFIG_SECRET_MISSING' || err.id === 'GW_ERR_AGREEMENT_INVALID')
  ) {
    return { code: EXIT_USAGE, text: `${name}: ${err.message}` }
  }
  const e = err as NodeJS.ErrnoException
  const unreadable = e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR' || e.code === 'ENOTDIR'
  if (unreadable && e.syscall === 'open' && e.path !== undefined) {
    return { code: EXIT_USAGE, text: `${name}: ${e.path} cannot be read (${e.code})` }
  }
  // Anything else (a refused connection, a full disk) is a runtime failure: the message, no stack.
  return { code: EXIT_RUNTIME, text: `${name}: ${e.message}` }
}

export async function main (argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined) {
    print(io.stderr, usage())
    return EXIT_USAGE
  }
  if (isHelp(name) || name === 'help') {
    if (name === 'help' && args.length > 0) {
      try {
        print(io.stdout, helpFor(args[0], args[1]))
      } catch (err) {
        print(io.stderr, (err as Error).message)
        return EXIT_USAGE
      }
      return EXIT_OK
    }
    print(io.stdout, usage())
    return EXIT_OK
  }
  if (name === '--version' || name === '-v' || name === '-V') {
    print(io.stdout, `carrier-gateway ${gatewayVersion()}`)
    return EXIT_OK
  }
  const cmd = commandOf(name)
  if (cmd === null) {
    const hint = name.startsWith('-') ? didYouMean('option', name, ['help', 'version'], '--') : didYouMean('command', name, NAMES)
    print(io.stderr, `${hint}\n\n${usage()}`)
    return EXIT_USAGE
  }
  try {
    if (wantsHelp(args)) {
      print(io.stdout, helpFor(cmd, args[0]))
      return EXIT_OK
    }
    return await (await LOAD[cmd]()).run(args, io)
  } catch (err) {
    const f = failure(cmd, err)
    print(io.stderr, f.text)
    return f.code
  }
}

/** Run as the program (the bin, possibly through the node_modules/.bin symlink), not imported. */
function invokedAsProgram (): boolean {
  const script = process.argv[1]
  if (script === undefined) return false
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url)
  } catch {
    return false
  }
}

if (invokedAsProgram()) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(code => {
    process.exitCode = code
  }, err => {
    print(process.stderr, `carrier-gateway: ${(err as Error).message}`)
    process.exitCode = EXIT_RUNTIME
  })
}
