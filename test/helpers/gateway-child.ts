// A gateway in a child process, for the tests that kill it (SIGKILL) or stop it with signals:
// the real `runServer` (src/server.ts) with its signal handling and graceful shutdown.
//
// As a script:  node <tap's TypeScript import> test/helpers/gateway-child.ts CONFIG_FILE
// As a module:  startGatewayChild(t, configFile) → ports once the child logs "carrier gateway ready".
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { stringify } from 'yaml'
import type { TeardownHost } from './gateway.js'

export interface GatewayChild {
  readonly process: ChildProcess
  httpsPort: number
  adminPort: number
  /** Every stdout line so far (pino JSON). */
  lines: () => string[]
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  kill: (signal: NodeJS.Signals) => void
}

/** Writes the config (a plain object) as YAML, the way an operator's file is read. */
export function writeConfig (dir: string, config: Record<string, unknown>, name = 'gateway.yaml'): string {
  const file = join(dir, name)
  writeFileSync(file, stringify(config))
  return file
}

export async function startGatewayChild (t: TeardownHost, configFile: string, timeoutMs = 30_000): Promise<GatewayChild> {
  // The TypeScript loader tap runs this test with, so the child runs the same sources.
  const loader = process.execArgv.filter(a => a.startsWith('--import=') && a.includes('typescript'))
  const child = spawn(process.execPath, [...loader, import.meta.filename, configFile], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  const lines: string[] = []
  let err = ''
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8')
    let nl: number
    while ((nl = out.indexOf('\n')) >= 0) { lines.push(out.slice(0, nl)); out = out.slice(nl + 1) }
  })
  child.stderr.on('data', (c: Buffer) => { err += c.toString('utf8') })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve =>
    child.on('exit', (code, signal) => resolve({ code, signal }))
  )
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  const ready = await new Promise<{ https: number, admin: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway child not ready in time; stderr: ${err.slice(-2000)}`)), timeoutMs)
    const check = (): void => {
      for (const l of lines) {
        if (!l.includes('carrier gateway ready')) continue
        const rec = JSON.parse(l) as { https: number, admin: number }
        clearTimeout(timer)
        resolve({ https: rec.https, admin: rec.admin })
        return
      }
    }
    child.stdout.on('data', check)
    exited.then(
      e => {
        clearTimeout(timer)
        reject(new Error(`gateway child exited (${String(e.code ?? e.signal)}) before ready; stderr: ${err.slice(-2000)}`))
      },
      () => {}
    )
  })
  return {
    process: child,
    httpsPort: ready.https,
    adminPort: ready.admin,
    lines: () => [...lines],
    exited,
    kill: signal => { child.kill(signal) }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { runServer } = await import('../../src/server.js')
  await runServer(process.argv[2])
}
