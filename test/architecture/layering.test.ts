// The import direction of docs/architecture.md "Layers" is a rule, not a hope: the real tree passes
// the dependency-cruiser rules `npm run lint` runs, and a tree with a forbidden import fails them.
import t, { type Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const CRUISER = join(ROOT, 'node_modules/.bin/depcruise')

function cruise (cwd: string): { status: number | null, out: string } {
  const r = spawnSync(CRUISER, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd, encoding: 'utf8' })
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

/** A throwaway tree holding the project's rules and the given source files. */
function tree (t: Test, files: Record<string, string>): string {
  const dir = t.testdir({})
  copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'))
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

t.test('the source tree keeps to the layers', async t => {
  const r = cruise(ROOT)
  t.equal(r.status, 0, r.out)
})

t.test('a lower layer importing a higher one fails, naming the rule', async t => {
  const dir = tree(t, {
    'src/channels/https/index.ts': 'export const channel = 1\n',
    'src/edifact/tokenizer.ts': "import { channel } from '../channels/https/index.js'\nexport const n = channel\n"
  })
  const r = cruise(dir)
  t.not(r.status, 0)
  t.match(r.out, /edifact-imports-only-lower-layers/)
  t.match(r.out, /src\/edifact\/tokenizer\.ts → src\/channels\/https\/index\.ts/)
})

t.test('a channel importing another channel fails', async t => {
  const dir = tree(t, {
    'src/channels/sftp/poller.ts': 'export const poll = 1\n',
    'src/channels/amqp/consumer.ts': "import { poll } from '../sftp/poller.js'\nexport const c = poll\n"
  })
  const r = cruise(dir)
  t.not(r.status, 0)
  t.match(r.out, /channel-amqp-imports-no-other-channel/)
})

t.test('a stage importing another stage fails, and so does a folder cycle', async t => {
  const dir = tree(t, {
    'src/ledger/index.ts': "import { ack } from '../acknowledge/index.js'\nexport const ledger = ack\n",
    'src/acknowledge/index.ts': "import type { ledger } from '../ledger/index.js'\nexport const ack = 1\nexport type L = typeof ledger\n"
  })
  const r = cruise(dir)
  t.not(r.status, 0)
  t.match(r.out, /stage-ledger-imports-no-other-stage/)
  t.match(r.out, /no-cycle/)
})

t.test('the vocabulary imports nothing above it', async t => {
  const dir = tree(t, {
    'src/agreements/schema.ts': 'export type Agreement = { code: string }\n',
    'src/transmission/contract.ts': "import type { Agreement } from '../agreements/schema.js'\nexport type A = Agreement\n"
  })
  const r = cruise(dir)
  t.not(r.status, 0)
  t.match(r.out, /vocabulary-imports-only-lower-layers/)
})
