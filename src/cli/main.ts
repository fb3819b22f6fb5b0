#!/usr/bin/env node
/**
 * `carrier-gateway <command>`: one file per command in ./commands, loaded on demand so `inspect`
 * never loads the HTTPS stack. Exit codes (interfaces.md): 0 success, 1 input or check failed,
 * 2 usage error.
 */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, print, type CliIo } from './io.js'

type Command = (args: string[], io: CliIo) => Promise<number>

const COMMANDS: Record<string, { summary: string, load: () => Promise<{ run: Command }> }> = {
  start: { summary: 'run the gateway', load: async () => await import('./commands/start.js') },
  'check-config': { summary: 'validate gateway config and every agreement', load: async () => await import('./commands/check-config.js') },
  inspect: { summary: 'parse and validate files as the gateway would; print the report and the ack', load: async () => await import('./commands/inspect.js') },
  certify: { summary: 'conformance report for an onboarding carrier', load: async () => await import('./commands/certify.js') },
  carriers: { summary: 'list | show CODE | add CODE ... | set-stage CODE STAGE --reason TEXT', load: async () => await import('./commands/carriers.js') },
  certs: { summary: 'issue CODE --out DIR | show FILE', load: async () => await import('./commands/certs.js') },
  quarantine: { summary: 'list | show ID | release ID | purge', load: async () => await import('./commands/quarantine.js') },
  send: { summary: 'send a file over HTTPS+mTLS as a carrier would; print the ack', load: async () => await import('./commands/send.js') },
  probe: { summary: "check a carrier's SFTP or AMQP connectivity", load: async () => await import('./commands/probe.js') }
}

export function usage (): string {
  const width = Math.max(...Object.keys(COMMANDS).map(k => k.length))
  return ['usage: carrier-gateway <command> [options]   (every command takes --config FILE)', '',
    ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`)].join('\n')
}

export async function main (argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv
  // Own keys only: `carrier-gateway toString` is an unknown command, not Object.prototype's.
  const cmd = name === undefined || !Object.hasOwn(COMMANDS, name) ? undefined : COMMANDS[name]
  if (name === '--help' || name === '-h' || name === 'help') {
    print(io.stdout, usage())
    return EXIT_OK
  }
  if (cmd === undefined) {
    print(io.stderr, name === undefined ? usage() : `unknown command: ${name}\n\n${usage()}`)
    return EXIT_USAGE
  }
  try {
    return await (await cmd.load()).run(args, io)
  } catch (err) {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') === true) {
      print(io.stderr, `${name}: ${(err as Error).message}\nrun 'carrier-gateway --help' for the commands`)
      return EXIT_USAGE
    }
    // Anything else (an invalid config, a file that cannot be read, a refused connection) is a
    // failed check or input: exit 1 with the reason, the same in-process as from the bin.
    print(io.stderr, `${name}: ${(err as Error).message}`)
    return EXIT_FAILED
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
    process.exitCode = 1
  })
}
