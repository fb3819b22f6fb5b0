// `carrier-gateway` run in-process through main(), its output captured: what every CLI test needs.
import { PassThrough } from 'node:stream'
import { main } from '../../src/cli/main.js'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON (for `--json`). */
  json: () => any
}

export async function runCli (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out = new PassThrough()
  const err = new PassThrough()
  const chunks = { stdout: '', stderr: '' }
  out.on('data', (c: Buffer) => { chunks.stdout += c.toString() })
  err.on('data', (c: Buffer) => { chunks.stderr += c.toString() })
  const code = await main(args, { stdout: out, stderr: err, env })
  return { code, ...chunks, json: () => JSON.parse(chunks.stdout) }
}
