/**
 * Where the benchmarks find the repository's files, whether they run from `bench/*.ts` (tests) or
 * from the build in `dist/bench/*.js` (`npm run bench`).
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

function findRoot (from: string): string {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) return process.cwd()
    dir = up
  }
  return dir
}

export const ROOT = findRoot(import.meta.dirname)
export const CERTS = join(ROOT, 'certs-example')
/**
 * The real samples, optional (docs/testing.md "Conformance tier"): BENCH_SAMPLES, else the first
 * folder CARRIER_GATEWAY_SAMPLES names (`:`-separated, relative to the repository root; default
 * the samples folder beside the repository). When it does not exist the benchmark measures generated traffic only.
 */
export const SAMPLES = process.env.BENCH_SAMPLES ??
  resolve(ROOT, (process.env.CARRIER_GATEWAY_SAMPLES ?? '').split(':').find(p => p.trim() !== '') ?? join('..', 'shared', 'samples'))
export const RESULTS = join(ROOT, 'bench', 'results')

/** A sibling benchmark module as a path a child process can run: `.ts` under tests, `.js` built. */
export function sibling (name: string): string {
  const ext = import.meta.filename.endsWith('.ts') ? '.ts' : '.js'
  return join(import.meta.dirname, name + ext)
}
