/**
 * `carrier-gateway send FILE --url URL --cert C --key K --ca CA [--json]`: sends a file over
 * HTTPS+mTLS as a carrier would and prints the status, outcome and ack. Exit 0 for 2xx, 1 for any
 * other answer, 2 when a file cannot be read, 3 when no answer came (docs/cli.md "Exit codes and help").
 */
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import { segmentLines } from '../report.js'
import { parse } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_FAILED, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, errnoOf, print, type CliIo } from '../io.js'

export interface SendResult { status: number, headers: Record<string, string | string[] | undefined>, body: string }

export interface ClientTls { cert: Buffer, key: Buffer, ca: Buffer }

export async function sendFile (
  url: string,
  body: Buffer,
  tls: ClientTls,
  accept?: string,
  path = '/v1/transmissions'
): Promise<SendResult> {
  return await new Promise((resolve, reject) => {
    const req = request(new URL(path, url), {
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
  const { values, positionals } = parse(SPECS.send, args)
  if (positionals.length !== 1) throw new UsageError('exactly one FILE is required')
  if (values.cert === undefined || values.key === undefined || values.ca === undefined) {
    throw new UsageError('--cert, --key and --ca are required')
  }
  const files: Buffer[] = []
  for (const f of [positionals[0], values.cert, values.key, values.ca]) {
    try {
      files.push(readFileSync(f))
    } catch (err) {
      print(io.stderr, `send: ${f} cannot be read (${errnoOf(err)})`)
      return EXIT_USAGE
    }
  }
  const [body, cert, key, ca] = files
  let url: URL
  try {
    url = new URL(values.url)
  } catch {
    throw new UsageError(`--url ${values.url} is not a URL (https://host:port)`)
  }
  let r: SendResult
  try {
    const path = values.interactive ? '/v1/interactive' : '/v1/transmissions'
    r = await sendFile(url.href, body, { cert, key, ca }, values.json ? 'application/json' : undefined, path)
  } catch (err) {
    print(io.stderr, `send: no answer from ${url.origin} (${(err as Error).message})`)
    return EXIT_RUNTIME
  }
  const outcome = String(r.headers['x-outcome'] ?? '-')
  print(io.stdout, `HTTP ${r.status}  outcome ${outcome}  transmission ${String(r.headers['x-transmission-id'] ?? '-')}`)
  print(io.stdout, String(r.headers['content-type'] ?? '').startsWith('application/edifact') ? segmentLines(r.body).join('\n') : r.body)
  return r.status >= 200 && r.status < 300 ? EXIT_OK : EXIT_FAILED
}
