/**
 * Where the benchmarks find the repository's files, whether they run from `bench/*.ts` (tests) or
 * from the build in `dist/bench/*.js` (`npm run bench`).
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

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
/** The shared samples sit beside the repository (`../shared/samples`); BENCH_SAMPLES overrides. */
export const SAMPLES = process.env.BENCH_SAMPLES ?? join(ROOT, '..', 'shared', 'samples')
export const RESULTS = join(ROOT, 'bench', 'results')

/** A sibling benchmark module as a path a child process can run: `.ts` under tests, `.js` built. */
export function sibling (name: string): string {
  const ext = import.meta.filename.endsWith('.ts') ? '.ts' : '.js'
  return join(import.meta.dirname, name + ext)
}
