/**
 * Ceiling for the HTTPS channel (docs/benchmarks.md "How it measures"): a bare Fastify server with mutual TLS that only
 * reads the body and answers 200. Same server certificate, client CA, TLS settings and body
 * limit as the gateway, in its own process as the gateway is, so that the load generator and the
 * measured server share the machine the same way in both runs.
 */
import Fastify from 'fastify'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Server } from 'node:https'
import { CIPHERS } from '../src/channels/https/tls.js'
import { CERTS } from './paths.js'

export async function startBareHttps (port = 0): Promise<{ port: number, close: () => Promise<void> }> {
  const app = Fastify<Server>({
    https: {
      key: readFileSync(join(CERTS, 'server.key')),
      cert: readFileSync(join(CERTS, 'server.crt')),
      ca: readFileSync(join(CERTS, 'ca.crt')),
      minVersion: 'TLSv1.2',
      ciphers: CIPHERS,
      honorCipherOrder: true,
      requestCert: true,
      rejectUnauthorized: true
    },
    bodyLimit: 20971520,
    keepAliveTimeout: 65000
  })
  app.addContentTypeParser('application/edifact', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
  app.post('/v1/transmissions', async (req, reply) => {
    const body = req.body as Buffer
    return await reply.code(200).type('text/plain').send(`ok ${body.length}`)
  })
  await app.listen({ host: '127.0.0.1', port })
  return { port: (app.server.address() as { port: number }).port, close: async () => { await app.close() } }
}

if (process.send !== undefined && process.argv[1] !== undefined && /bare-https\.[jt]s$/.test(process.argv[1])) {
  startBareHttps().then(s => {
    process.send?.({ type: 'ready', https: s.port, pid: process.pid })
    process.on('message', (msg: { type: string }) => {
      if (msg.type === 'close') s.close().finally(() => process.exit(0)).catch(() => {})
    })
    process.on('disconnect', () => { s.close().finally(() => process.exit(0)).catch(() => {}) })
  }, err => {
    process.send?.({ type: 'error', message: (err as Error).message })
    process.exitCode = 1
  })
}
