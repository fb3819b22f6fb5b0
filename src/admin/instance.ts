/**
 * Which gateway answers: package version, host and process, start time. The status page shows it so
 * an operator behind a load balancer knows which of several instances the page came from
 * (docs/metrics.md "Status page").
 */
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface GatewayInstance {
  version: string
  host: string
  pid: number
  /** ISO 8601: when this gateway was built (its admin listener created). */
  startedAt: string
}

/** The nearest package.json named carrier-gateway above `from` (src/ under tap, dist/src/ when built). */
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

export function gatewayInstance (startedAt: number): GatewayInstance {
  return { version: gatewayVersion(), host: hostname(), pid: process.pid, startedAt: new Date(startedAt).toISOString() }
}
