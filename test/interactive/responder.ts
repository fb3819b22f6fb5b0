// The reference responder (`carrier-gateway piu-responder`) as a real separate process on the real
// broker, for the interactive API tests: started with a rules file, stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import type { TeardownHost } from '../helpers/gateway.js'
import { waitFor } from '../helpers/wait.js'

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts')

export interface Responder { process: ChildProcess, stop: () => Promise<void>, output: () => string }

export async function startResponder (
  t: TeardownHost, dir: string, configFile: string, rules: object, extra: string[] = []
): Promise<Responder> {
  const rulesFile = join(dir, `rules-${Math.random().toString(36).slice(2)}.yaml`)
  writeFileSync(rulesFile, stringify(rules))
  // The TypeScript loader tap runs this test with, so the child runs the same sources.
  const loader = process.execArgv.filter(a => a.startsWith('--import=') && a.includes('typescript'))
  const child = spawn(process.execPath, [...loader, MAIN, 'piu-responder', '--rules', rulesFile, '--config', configFile, ...extra], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString('utf8') })
  child.stderr.on('data', (c: Buffer) => { out += c.toString('utf8') })
  const exited = new Promise<void>(resolve => child.on('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  t.teardown(stop)
  await waitFor('the responder consumes', () => out.includes('answering'), 30_000)
  return { process: child, stop, output: () => out }
}
