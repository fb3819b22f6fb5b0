// Where the conformance tier finds the real sample messages (docs/testing.md "Conformance tier").
// They are public messages the project did not write and does not ship: CARRIER_GATEWAY_SAMPLES
// names their folders, separated by `:`, relative to the repository root; the default is the
// folders a checkout of the shared workspace puts beside the repository. The first folder that
// exists is the core set whose files the conformance tests pin one by one.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..', '..')
export const DEFAULT_SAMPLES = '../shared/samples:../shared/samples-external'

/** Every folder named by CARRIER_GATEWAY_SAMPLES (or the default), resolved, whether it exists or not. */
export function sampleDirs (env: string | undefined = process.env.CARRIER_GATEWAY_SAMPLES): string[] {
  const list = env !== undefined && env.trim() !== '' ? env : DEFAULT_SAMPLES
  return list.split(':').filter(p => p.trim() !== '').map(p => resolve(ROOT, p))
}

export const SAMPLE_DIRS = sampleDirs().filter(d => existsSync(d))
if (SAMPLE_DIRS.length === 0) {
  throw new Error(`no samples folder: set CARRIER_GATEWAY_SAMPLES (default ${DEFAULT_SAMPLES}); see docs/testing.md`)
}
/** The core set (the first folder that exists). */
export const SAMPLES = SAMPLE_DIRS[0]

/** The sample files of one folder (default the core set): everything but the SOURCES.md notes. */
export function sampleNames (dir = SAMPLES): string[] {
  return readdirSync(dir).filter(f => !f.endsWith('.md')).sort()
}

/** The path of a sample by name, looked up in every folder in order. */
export function samplePath (name: string): string {
  for (const d of SAMPLE_DIRS) if (existsSync(join(d, name))) return join(d, name)
  throw new Error(`sample ${name} is in none of ${SAMPLE_DIRS.join(', ')}`)
}

export const readSample = (name: string): Buffer => readFileSync(samplePath(name))
