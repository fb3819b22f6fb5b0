/**
 * SFTP channel throughput (docs/benchmarks.md: files per second for 30 KB files, target ≥ 200 from one
 * carrier server): a real OpenSSH sftp-only server on loopback (test/helpers/sshd.ts, which needs
 * root and /usr/sbin/sshd), one gateway in this process with the directory target and the SQLite
 * ledger, one carrier agreement polling every 0.05 s. All files are put in the inbox at once, and
 * the clock runs from when they are all there until the last one is in done/ with its CONTRL in
 * the ack folder: listing twice (the completeness rule), claim, setstat, download, parse and
 * validate, forward with fsync, ledger, ack file, move.
 *
 *   node dist/bench/sftp.js [files] [sizeKb] [maxInFlight]
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { writeFileSync, mkdirSync } from 'node:fs'
import { configFrom } from '../src/config/index.js'
import { createGateway } from '../src/app.js'
import { createLogger } from '../src/logger.js'
import { sftpChannelOf, startSftpServer, sshdUnavailable } from '../test/helpers/sshd.js'
import { paxlstOfSize, placeholderOffsets, stamp } from './generate.js'

export interface SftpBenchOptions {
  files: number
  sizeKb: number
  /** Files of the carrier processed at once (agreement `maxInFlight`). @default 8 */
  maxInFlight?: number
}

export interface SftpBenchResult {
  filesPerSecond: number
  files: number
  sizeBytes: number
  seconds: number
  maxInFlight: number
  pollSeconds: number
  /** CPU time of this process (the gateway; sshd is another process) per file, ms. */
  cpuMsPerFile: number
  /**
   * The same gateway and file size with the pipeline called directly, as many at once: the ceiling
   * the SFTP channel can reach, so that SFTP's own cost shows as the gap between the two.
   */
  pipelineOnlyFilesPerSecond: number
}

const POLL_SECONDS = 0.05
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export async function benchSftp (opts: SftpBenchOptions): Promise<SftpBenchResult> {
  const unavailable = sshdUnavailable()
  if (unavailable !== undefined) throw new Error(unavailable)
  const maxInFlight = opts.maxInFlight ?? 8
  const teardowns: Array<() => unknown> = []
  const dir = mkdtempSync(join(tmpdir(), 'cg-bench-sftp-'))
  try {
    const server = await startSftpServer({ teardown: fn => { teardowns.push(fn) } })
    const carriers = join(dir, 'carriers')
    mkdirSync(carriers)
    writeFileSync(join(carriers, 'XA.yaml'), stringify({
      code: 'XA',
      name: 'Bench carrier XA',
      stage: 'live',
      senderIds: ['XAAPI'],
      messages: { PAXLST: { versions: ['D05B'], ack: 'contrl' } },
      channels: { sftp: sftpChannelOf(server, { pollSeconds: POLL_SECONDS, maxInFlight }) }
    }))
    const config = configFrom({
      identity: { receiverIds: ['GOVPIU'], senderId: 'GOVPIU' },
      https: { enabled: false },
      admin: { enabled: false },
      forward: { target: 'directory', directory: { path: join(dir, 'outbox') } },
      spool: { path: join(dir, 'spool') },
      ledger: { kind: 'sqlite', path: join(dir, 'ledger.db') },
      quarantine: { path: join(dir, 'quarantine') },
      carriers,
      log: { level: 'warn' }
    })
    const gateway = await createGateway({ config, logger: createLogger('warn') })
    teardowns.unshift(() => gateway.close())
    await gateway.start()
    const connected = async () => (await gateway.metrics.sftpConnected.get()).values.some(v => v.value === 1)
    for (let waited = 0; !(await connected()); waited += 20) {
      if (waited > 15_000) throw new Error('the gateway did not connect to the test sshd')
      await sleep(20)
    }

    const template = paxlstOfSize(opts.sizeKb * 1024)
    const offsets = placeholderOffsets(template)
    const bodies = Array.from({ length: opts.files }, (_, i) => stamp(template, offsets, `S${process.pid}${i}`))
    const doneDir = join(server.root, 'out/done')
    const ackDir = join(server.root, 'in')
    const count = (d: string) => readdirSync(d).filter(n => !n.startsWith('.')).length

    // Synchronous writes: the gateway in this process sees nothing until every file is in place,
    // so the clock starts after them (writing 400 files is the carrier's time, not ours).
    bodies.forEach((b, i) => server.putFile(`out/f${String(i).padStart(6, '0')}.edi`, b))
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    const deadline = Date.now() + 120_000 + opts.files * 100
    while (count(doneDir) < opts.files || count(ackDir) < opts.files) {
      if (Date.now() > deadline) throw new Error(`only ${count(doneDir)} of ${opts.files} files settled`)
      await sleep(5)
    }
    const seconds = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(cpu0)
    const rejected = count(join(server.root, 'out/rejected'))
    if (rejected > 0) throw new Error(`${rejected} bench files were rejected`)

    const agreement = gateway.agreements.current().byCode('XA')!
    const direct = Array.from({ length: opts.files }, (_, i) => stamp(template, offsets, `D${process.pid}${i}`))
    let next = 0
    const p0 = performance.now()
    await Promise.all(Array.from({ length: maxInFlight }, async () => {
      while (next < direct.length) {
        const r = await gateway.pipeline.process({
          channel: 'sftp',
          bytes: direct[next++],
          candidates: [agreement],
          receivedAt: new Date()
        })
        if (r.outcome !== 'accepted' && r.outcome !== 'accepted_with_warnings') throw new Error(`pipeline-only run: ${r.outcome}`)
      }
    }))
    const pipelineOnlyFilesPerSecond = Math.round(opts.files / ((performance.now() - p0) / 1000))
    return {
      filesPerSecond: Math.round(opts.files / seconds),
      files: opts.files,
      sizeBytes: template.length,
      seconds: Math.round(seconds * 1000) / 1000,
      maxInFlight,
      pollSeconds: POLL_SECONDS,
      cpuMsPerFile: Math.round(((cpu.user + cpu.system) / 1000 / opts.files) * 10) / 10,
      pipelineOnlyFilesPerSecond
    }
  } finally {
    for (const fn of teardowns) await Promise.resolve(fn()).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.filename === process.argv[1]) {
  const [files, sizeKb, maxInFlight] = process.argv.slice(2).map(Number)
  benchSftp({ files: files || 200, sizeKb: sizeKb || 30, maxInFlight: maxInFlight || undefined }).then(r => {
    console.log(JSON.stringify(r))
  }, err => {
    console.error(err)
    process.exitCode = 1
  })
}
