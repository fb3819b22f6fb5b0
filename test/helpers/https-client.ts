// A carrier's HTTPS client for tests: mutual TLS with an example certificate (or none).
import type { IncomingMessage } from 'node:http'
import { request } from 'node:https'
import { clientTls } from './gateway.js'

export interface Response { status: number, headers: Record<string, string | string[] | undefined>, body: string, json: () => any }

/** Reads a response to its end: the callback for `https.request`, settling the caller's promise. */
export function readResponse (resolve: (r: Response) => void, reject: (e: Error) => void): (res: IncomingMessage) => void {
  return res => {
    const chunks: Buffer[] = []
    res.on('data', (c: Buffer) => chunks.push(c))
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) })
    })
    res.on('error', reject)
  }
}

export interface RequestOptions {
  method?: string
  path?: string
  body?: Buffer | string
  cert?: string | null
  contentType?: string
  accept?: string
  headers?: Record<string, string>
}

export async function call (port: number, opts: RequestOptions = {}): Promise<Response> {
  const tls = opts.cert === null ? { ca: clientTls().ca } : clientTls(opts.cert ?? 'xa-client')
  const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body, 'latin1')
  return await new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
      path: opts.path ?? '/v1/transmissions',
      ...tls,
      agent: false,
      headers: {
        ...(body !== undefined ? { 'content-type': opts.contentType ?? 'application/edifact', 'content-length': String(body.length) } : {}),
        ...(opts.accept !== undefined ? { accept: opts.accept } : {}),
        ...opts.headers
      }
    }, readResponse(resolve, reject))
    req.on('error', reject)
    req.end(body)
  })
}
