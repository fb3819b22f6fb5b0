// Readiness (docs/operations.md "Readiness and metrics"): ready = config loaded, forward target reachable or spool writable,
// channels running — and not shutting down, so a load balancer drains an instance before it stops.
import t from 'tap'
import { buildGateway } from '../helpers/gateway.js'

t.test('/health/ready is 200 when running and 503 from the first moment of a shutdown', async t => {
  const { gateway } = await buildGateway(t)
  const admin = gateway.admin!.app
  const ok = await admin.inject({ url: '/health/ready' })
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { status: 'ready', checks: { forward: true, notShuttingDown: true } })
  t.equal((await admin.inject({ url: '/health/live' })).statusCode, 200)
  const closing = gateway.close()
  const draining = await admin.inject({ url: '/health/ready' })
  t.equal(draining.statusCode, 503)
  t.match(draining.json(), { status: 'not ready', checks: { notShuttingDown: false } })
  await closing
})
