/**
 * The reference responder (`carrier-gateway piu-responder`) as a benchmark child: the PIU's
 * assessment service answering every interactive request at once, in its own process
 * (docs/benchmarks.md "Interactive API"). IPC: `start` { config, rules } → `ready`; `close`.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { stringify } from 'yaml'
import { run } from '../src/cli/commands/piu-responder.js'

interface Start { type: 'start', dir: string, config: Record<string, unknown>, rules: Record<string, unknown> }

process.on('message', (m: Start | { type: 'close' }) => {
  if (m.type === 'close') {
    process.kill(process.pid, 'SIGTERM')
    return
  }
  const configFile = join(m.dir, 'responder.yaml')
  const rulesFile = join(m.dir, 'responder-rules.yaml')
  writeFileSync(configFile, stringify(m.config))
  writeFileSync(rulesFile, stringify(m.rules))
  const stdout = new Writable({
    write (chunk: Buffer, _enc, done) {
      if (chunk.toString().includes('answering')) process.send?.({ type: 'ready' })
      done()
    }
  })
  run(['--rules', rulesFile, '--config', configFile], { stdout, stderr: process.stderr, env: process.env })
    .then(code => process.exit(code), err => {
      process.send?.({ type: 'error', message: (err as Error).message })
      process.exit(3)
    })
})
