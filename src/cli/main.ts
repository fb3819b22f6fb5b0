#!/usr/bin/env node
/**
 * `carrier-gateway <command>`: one file per command in ./commands, loaded on demand so `inspect`
 * never loads the HTTPS stack. Exit codes (interfaces.md): 0 success, 1 input or check failed,
 * 2 usage error.
 */
import { EXIT_USAGE, UsageError, print, type CliIo } from './io.js'

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
  const cmd = name === undefined ? undefined : COMMANDS[name]
  if (cmd === undefined) {
    print(io.stderr, name === undefined || name === '--help' || name === 'help' ? usage() : `unknown command: ${name}\n\n${usage()}`)
    return EXIT_USAGE
  }
  try {
    return await (await cmd.load()).run(args, io)
  } catch (err) {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') === true) {
      print(io.stderr, `${name}: ${(err as Error).message}`)
      return EXIT_USAGE
    }
    throw err
  }
}

const invoked = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/(dist\/)?/, ''))
if (invoked || process.argv[1]?.endsWith('carrier-gateway') === true) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(code => {
    process.exitCode = code
  }, err => {
    print(process.stderr, `carrier-gateway: ${(err as Error).message}`)
    process.exitCode = 1
  })
}
