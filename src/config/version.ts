/**
 * The gateway's own version (`carrier-gateway --version`, the status page): the nearest
 * package.json named carrier-gateway above this module, so it works from src/ (tap) and from
 * dist/src/ (built).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function gatewayVersion (from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string, version?: string }
      if (pkg.name === 'carrier-gateway' && typeof pkg.version === 'string') return pkg.version
    } catch { /* none here, or not ours: look further up */ }
    const up = dirname(dir)
    if (up === dir) return 'unknown'
    dir = up
  }
}
