/** What a command needs from the process, so tests can run commands in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: NodeJS.ProcessEnv
}

/**
 * One exit-code table for every command (docs/cli.md "Exit codes and help"), so scripts and
 * service managers can tell "fix the input" from "try again later".
 */
export const EXIT_OK = 0
/** The thing checked failed: check-config problems, a file inspect/certify would reject, a failed probe. */
export const EXIT_FAILED = 1
/** Usage error, including an unknown carrier or transmission and a missing or unreadable file or config. */
export const EXIT_USAGE = 2
/** Runtime failure: a broker, ledger or quarantine unreachable, a file that cannot be written. */
export const EXIT_RUNTIME = 3

export class UsageError extends Error {}

export function print (stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`)
}

/** `ENOENT`, `EACCES`…: the errno of a file that could not be read, for a one-line message. */
export function errnoOf (err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'error'
}
