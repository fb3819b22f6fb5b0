// Store-and-forward fault scenario 3 (docs/operations.md "Testing the faults") for the SFTP channel: the gateway process killed
// with SIGKILL while it is
// working through a carrier's inbox, then restarted. Files it had claimed sit in `processing/`;
// the next process takes them up again (stale-claim recovery, the ledger dedupes), so every file
// the carrier saw settled (moved to done/ with an ack file) reaches the PIU, and every file is
// forwarded in the end.
import t from 'tap'
import { mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { tmpDir, testConfig, writeAgreements } from '../helpers/gateway.js'
import { startSftpServer } from '../helpers/sshd.js'
import { startGatewayChild, writeConfig } from '../helpers/gateway-child.js'
import { until } from '../helpers/piu-queue.js'
import { paxlst } from '../helpers/edi.js'
import { sftpAgreement, filesIn } from '../channels/sftp/fixtures.js'

const N = Number(process.env.FAULT_N ?? 500)

/** UNB references of what reached the outbox (directory target), with how often each arrived. */
function delivered (outbox: string): Map<string, number> {
  const seen = new Map<string, number>()
  if (!existsSync(outbox)) return seen
  for (const f of readdirSync(outbox).filter(n => n.endsWith('.json'))) {
    const ref = (JSON.parse(readFileSync(join(outbox, f), 'utf8')) as { headers: Record<string, string> }).headers['x-interchange-ref']
    seen.set(ref, (seen.get(ref) ?? 0) + 1)
  }
  return seen
}

t.test('SIGKILL mid-inbox: claims left in processing/ are recovered, nothing settled is lost', async t => {
  const server = await startSftpServer(t, { dirs: ['out', 'out/processing', 'out/done', 'out/rejected', 'in'] })
  const refOf = (i: number): string => `K${String(i).padStart(6, '0')}`
  for (let i = 0; i < N; i++) server.putFile(`out/f${i}.edi`, paxlst({ reference: refOf(i) }))

  const dir = tmpDir(t)
  const carriersDir = join(dir, 'carriers')
  mkdirSync(carriersDir, { recursive: true })
  // Claims older than 0.6 s in processing/ belong to a dead instance (staleClaimMinutes).
  writeAgreements(carriersDir, [sftpAgreement(server, { staleClaimMinutes: 0.01, maxInFlight: 8 })])
  const config = writeConfig(dir, testConfig(dir, carriersDir, { https: { enabled: false } }))
  const outbox = join(dir, 'outbox')

  const first = await startGatewayChild(t, config)
  await until(() => filesIn(server, 'out/done').length >= N / 5, 'the first process settled some files', 60_000)
  first.kill('SIGKILL')
  await first.exited
  const settledBeforeKill = new Set(filesIn(server, 'out/done'))
  const inProcessing = filesIn(server, 'out/processing').length

  const second = await startGatewayChild(t, config)
  await until(() => filesIn(server, 'out/done').length === N, 'every file settled after the restart', 120_000)
  second.kill('SIGTERM')
  await second.exited

  const arrived = delivered(outbox)
  const refs = [...Array(N).keys()].map(refOf)
  const lost = refs.filter(r => !arrived.has(r))
  const duplicates = [...arrived.values()].filter(n => n > 1).length
  t.comment([
    '',
    'scenario                 files  settled-before-kill  in-processing-at-kill  delivered  duplicates  lost',
    `SIGKILL mid-SFTP-inbox   ${N}  ${settledBeforeKill.size}  ${inProcessing}  ${arrived.size}  ${duplicates}  ${lost.length}`
  ].join('\n'))
  t.same(lost, [], 'zero lost: every file reached the PIU')
  // Duplicates are reported, not forbidden: a file forwarded just before the kill, whose ledger
  // update did not commit, is forwarded again by the next process (at least once, invariant 2).
  t.ok(duplicates <= inProcessing, 'at most the files in flight at the kill arrive twice')
  t.same(filesIn(server, 'out').filter(f => f.endsWith('.edi')), [], 'inbox empty')
  t.same(filesIn(server, 'out/processing'), [], 'no claim left behind')
  // A file acked just before the kill but not yet moved is settled again: a second ack file
  // (suffixed), as at least once allows; never more than the files in flight at the kill.
  const acks = filesIn(server, 'in').length
  t.ok(acks >= N && acks <= N + inProcessing, `an ack file for every file (${acks} for ${N})`)
})
