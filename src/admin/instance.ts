/**
 * Which gateway answers: package version, host and process, start time. The status page shows it so
 * an operator behind a load balancer knows which of several instances the page came from
 * (docs/metrics.md "Status page").
 */
import { hostname } from 'node:os'
import { gatewayVersion } from '../config/version.js'

export interface GatewayInstance {
  version: string
  host: string
  pid: number
  /** ISO 8601: when this gateway was built (its admin listener created). */
  startedAt: string
}

export function gatewayInstance (startedAt: number): GatewayInstance {
  return { version: gatewayVersion(), host: hostname(), pid: process.pid, startedAt: new Date(startedAt).toISOString() }
}
