/**
 * `carrier-gateway send FILE --url URL --cert C --key K --ca CA [--json]`: sends a file over
 * HTTPS+mTLS as a carrier would and prints the status, outcome and ack. Exit 0 for 2xx, else 1.
 */
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import { parseArgs } from 'node:util'
import { segmentLines } from '../report.js'
import { EXIT_FAILED, EXIT_OK, UsageError, print, type CliIo } from '../io.js'

export interface SendResult { status: number, headers: Record<string, string | string[] | undefined>, body: string }

export async function sendFile (url: string, body: Buffer, tls: { cert: Buffer, key: Buffer, ca: Buffer }, accept?: string): Promise<SendResult> {
  return await new Promise((resolve, reject) => {
    const req = request(new URL('/v1/transmissions', url), {
      method: 'POST',
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      headers: { 'content-type': 'application/edifact', 'content-length': body.length, ...(accept !== undefined ? { accept } : {}) }
    }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { config: { type: 'string' }, url: { type: 'string', default: 'https://localhost:8443' }, cert: { type: 'string' }, key: { type: 'string' }, ca: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true
  })
  if (positionals.length !== 1) throw new UsageError('exactly one FILE is required')
  if (values.cert === undefined || values.key === undefined || values.ca === undefined) throw new UsageError('--cert, --key and --ca are required')
  const r = await sendFile(values.url, readFileSync(positionals[0]), { cert: readFileSync(values.cert), key: readFileSync(values.key), ca: readFileSync(values.ca) }, values.json ? 'application/json' : undefined)
  print(io.stdout, `HTTP ${r.status}  outcome ${String(r.headers['x-outcome'] ?? '-')}  transmission ${String(r.headers['x-transmission-id'] ?? '-')}`)
  print(io.stdout, String(r.headers['content-type'] ?? '').startsWith('application/edifact') ? segmentLines(r.body).join('\n') : r.body)
  return r.status >= 200 && r.status < 300 ? EXIT_OK : EXIT_FAILED
}
