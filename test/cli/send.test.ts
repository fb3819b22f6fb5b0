// `carrier-gateway send` against a real gateway (buildGateway: HTTPS with mutual TLS on port 0,
// directory target), as a carrier would send: the example file with the example client cert.
import t from 'tap'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { buildGateway, CERTS, exampleAgreement, tmpDir } from '../helpers/gateway.js'
import { paxlst } from '../helpers/edi.js'
import { runCli } from '../helpers/cli.js'

const EXAMPLE = 'examples/xa-paxlst.edi'

const cli = runCli

const tls = (name = 'xa-client'): string[] => [
  '--cert', join(CERTS, `${name}.crt`), '--key', join(CERTS, `${name}.key`), '--ca', join(CERTS, 'ca.crt')
]

t.test('send the example as XA: exit 0, outcome accepted and the CONTRL printed', async t => {
  const { gateway, dir } = await buildGateway(t, { agreements: [exampleAgreement()] })
  const url = `https://localhost:${gateway.httpsPort() ?? 0}`
  const r = await cli(['send', EXAMPLE, '--url', url, ...tls()])
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stderr, '')
  const [status, ...ack] = r.stdout.trimEnd().split('\n')
  t.match(status, /^HTTP 200 {2}outcome accepted {2}transmission \S+$/)
  t.equal(ack[0], "UNA:+.? '", 'the CONTRL, one segment per line')
  t.match(ack[1], /^UNB\+UNOA:4\+GOVPIU\+XAAPI\+/)
  t.equal(ack[2], "UNH+1+CONTRL:D:3:UN'")
  t.equal(ack[3], "UCI+XA0000000217+XAAPI+GOVPIU+7'", 'interchange accepted (UCI action 7)')
  // Durable hand-off happened before the answer: the interchange (UNA … UNZ terminator, the
  // file's final newline being transport) is in the outbox.
  const id = status.split(' ').at(-1) ?? ''
  const stored = readdirSync(join(dir, 'outbox'), { recursive: true }).map(String).find(f => f.endsWith(`${id}.edi`))
  t.ok(stored, 'forwarded to the directory target')
  t.equal(readFileSync(join(dir, 'outbox', stored ?? '-'), 'latin1'), readFileSync(EXAMPLE, 'latin1').trimEnd())
})

t.test('--json asks for the JSON reply', async t => {
  const { gateway } = await buildGateway(t)
  const r = await cli(['send', EXAMPLE, '--url', `https://localhost:${gateway.httpsPort() ?? 0}`, '--json', ...tls()])
  t.equal(r.code, 0, r.stderr)
  const body = JSON.parse(r.stdout.split('\n').slice(1).join('\n'))
  t.match(body, {
    outcome: 'accepted',
    interchange: { sender: 'XAAPI', recipient: 'GOVPIU', reference: 'XA0000000217' },
    messages: [{ reference: 'PAX001', type: 'PAXLST', outcome: 'accepted' }]
  })
  t.match(body.ack, /UCI\+XA0000000217\+XAAPI\+GOVPIU\+7'/)
})

t.test('a rejected interchange: exit 1 with the negative CONTRL', async t => {
  const { gateway } = await buildGateway(t)
  const f = join(tmpDir(t), 'wrong-sender.edi')
  writeFileSync(f, paxlst({ sender: 'XBAPI', reference: 'WRONG1' }))
  const r = await cli(['send', f, '--url', `https://localhost:${gateway.httpsPort() ?? 0}`, ...tls()])
  t.equal(r.code, 1)
  t.match(r.stdout, /^HTTP 422 {2}outcome rejected/)
  t.match(r.stdout, /\nUCI\+WRONG1\+XBAPI\+GOVPIU\+4\+23\+UNB\+2:1'\n/, 'CONTRL 23 at UNB 2:1')
})

t.test('a certificate from another CA: exit 1 with the 401 reason', async t => {
  const { gateway } = await buildGateway(t)
  const r = await cli(['send', EXAMPLE, '--url', `https://localhost:${gateway.httpsPort() ?? 0}`, '--cert', join(CERTS, 'rogue-client.crt'), '--key', join(CERTS, 'rogue-client.key'), '--ca', join(CERTS, 'ca.crt')])
  t.equal(r.code, 1)
  t.match(r.stdout, /^HTTP 401 /)
  t.match(r.stdout, 'GW_ERR_INTAKE_UNTRUSTED_CERTIFICATE')
})

t.test('nothing listening: exit 3 with the reason', async t => {
  // A port that was free a moment ago: nothing answers there.
  const probe = createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as AddressInfo).port
  await new Promise(resolve => probe.close(resolve))
  const r = await cli(['send', EXAMPLE, '--url', `https://127.0.0.1:${port}`, ...tls()])
  t.equal(r.code, 3)
  t.match(r.stderr, /^send: .*ECONNREFUSED/)
})

t.test('a file that cannot be read: exit 2', async t => {
  const r = await cli(['send', 'no/such/file.edi', ...tls()])
  t.equal(r.code, 2)
  t.match(r.stderr, /^send: no\/such\/file\.edi cannot be read \(ENOENT\)/)
})

t.test('usage errors exit 2', async t => {
  t.equal((await cli(['send', ...tls()])).code, 2, 'no FILE')
  t.equal((await cli(['send', 'a.edi', 'b.edi', ...tls()])).code, 2, 'two FILEs')
  const noCert = await cli(['send', EXAMPLE, '--ca', join(CERTS, 'ca.crt')])
  t.equal(noCert.code, 2)
  t.match(noCert.stderr, 'send: --cert, --key and --ca are required')
  t.equal((await cli(['send', EXAMPLE, '--insecure', ...tls()])).code, 2, 'unknown option')
})
