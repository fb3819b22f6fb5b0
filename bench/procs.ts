/**
 * Child processes of the benchmark: the gateway, the bare HTTPS ceiling and the load generator,
 * each its own process so that each one's CPU and memory are its own (docs/benchmarks.md "How it measures"). The children are
 * the sibling modules (`.js` when built, `.ts` under the tests with the same loader flags).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { sibling } from './paths.js'
import type { LoadResult, LoadSpec } from './load.js'

export interface Child {
  proc: ChildProcess
  pid: number
  /** Resolves with the next IPC message of this type (rejects on an `error` message or exit). */
  next: <T = Record<string, unknown>>(type: string, timeoutMs?: number) => Promise<T>
  stop: () => Promise<void>
}

export function startChild (name: string, opts: { env?: NodeJS.ProcessEnv, logFile?: string } = {}): Child {
  const out = opts.logFile !== undefined ? openSync(opts.logFile, 'a') : 'ignore'
  const proc = fork(sibling(name), [], {
    env: { ...process.env, ...opts.env },
    // Under the tests, the TypeScript loader must reach the child too.
    execArgv: process.execArgv.filter(a => !a.startsWith('--inspect') && !a.includes('processinfo')),
    stdio: ['ignore', out, out, 'ipc']
  })
  if (typeof out === 'number') closeSync(out)
  const queue: Array<Record<string, unknown>> = []
  const waiters: Array<{ type: string, resolve: (m: Record<string, unknown>) => void, reject: (e: Error) => void }> = []
  let exited: Error | null = null
  const deliver = (): void => {
    for (let i = 0; i < queue.length; i++) {
      const m = queue[i]
      const w = waiters.findIndex(x => x.type === m.type || m.type === 'error')
      if (w < 0) continue
      const [waiter] = waiters.splice(w, 1)
      queue.splice(i--, 1)
      if (m.type === 'error' && waiter.type !== 'error') waiter.reject(new Error(`${name}: ${String(m.message)}`))
      else waiter.resolve(m)
    }
  }
  proc.on('message', m => { queue.push(m as Record<string, unknown>); deliver() })
  proc.on('exit', (code, signal) => {
    exited = new Error(`${name} exited (${code ?? signal})`)
    for (const w of waiters.splice(0)) w.reject(exited)
  })
  const next = async <T>(type: string, timeoutMs = 120_000): Promise<T> => {
    if (exited !== null) throw exited
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no ${type} within ${timeoutMs} ms`)), timeoutMs)
      waiters.push({
        type,
        resolve: m => { clearTimeout(timer); resolve(m as T) },
        reject: e => { clearTimeout(timer); reject(e) }
      })
      deliver()
    })
  }
  const stop = async (): Promise<void> => {
    if (exited !== null || proc.exitCode !== null) return
    const gone = new Promise<void>(resolve => proc.once('exit', () => resolve()))
    try { proc.send({ type: 'close' }) } catch { /* already disconnected */ }
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000)
    await gone
    clearTimeout(timer)
  }
  return { proc, pid: proc.pid ?? -1, next, stop }
}

/** The load generator child: runs specs (concurrently within one call) and returns their results. */
export interface LoadClient { run: (...specs: LoadSpec[]) => Promise<LoadResult[]>, stop: () => Promise<void> }

export async function startLoad (): Promise<LoadClient> {
  const child = startChild('load')
  await child.next('ready', 60_000)
  let id = 0
  return {
    async run (...specs) {
      const my = ++id
      child.proc.send({ type: 'run', id: my, specs })
      const longest = Math.max(...specs.map(s => (s.warmupMs ?? 0) + s.durationMs))
      const m = await child.next<{ results: LoadResult[] }>('result', longest + 180_000)
      return m.results
    },
    async stop () {
      try { child.proc.send({ type: 'exit' }) } catch { /* gone */ }
      await new Promise<void>(resolve => { if (child.proc.exitCode !== null) resolve(); else child.proc.once('exit', () => resolve()) })
    }
  }
}

/** Resident memory of a process in kB: current (VmRSS) and peak since the last reset (VmHWM). */
export function memoryOf (pid: number): { rssKb: number, peakKb: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8')
    const get = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN)
    return { rssKb: get('VmRSS'), peakKb: get('VmHWM') }
  } catch {
    return null
  }
}

/** Resets the peak RSS (VmHWM) of a process (Linux: write 5 to clear_refs); false when impossible. */
export function resetPeak (pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

let ticks: number | null = null
function clockTicks (): number {
  if (ticks === null) {
    try { ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100 } catch { ticks = 100 }
  }
  return ticks
}

/** CPU time (user + system, seconds) a process has used so far; null when /proc is unavailable. */
export function cpuSecondsOf (pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / clockTicks()
  } catch {
    return null
  }
}
