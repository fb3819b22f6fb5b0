// The pipeline with real stores (SQLite ledger, directory target): outcomes, dedupe, partial
// forwarding, ack policy. Channels are covered in their own tests; here process() is called directly.
import t from 'tap'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildGateway, exampleAgreement, tmpDir, type Built } from '../helpers/gateway.js'
import { paxlst } from '../helpers/edi.js'
import { parseInterchange } from '../../src/edifact/index.js'
import type { TransmissionResult } from '../../src/pipeline/types.js'

async function send (b: Built, bytes: Buffer, code = 'XA'): Promise<TransmissionResult> {
  const a = b.gateway.agreements.current().byCode(code)!
  return await b.gateway.pipeline.process({ channel: 'https', bytes, candidates: [a], receivedAt: new Date() })
}

function forwarded (b: Built): string[] {
  return readdirSync(join(b.dir, 'outbox')).filter(f => f.endsWith('.edi'))
}

t.test('an identical resend is a duplicate: the first ack byte for byte, not forwarded again', async t => {
  const b = await buildGateway(t, { start: true })
  const first = await send(b, paxlst())
  t.equal(first.outcome, 'accepted')
  const again = await send(b, paxlst())
  t.equal(again.outcome, 'duplicate')
  t.equal(again.ack?.body, first.ack?.body, 'same CONTRL text')
  t.equal(again.json.duplicate, true)
  t.equal(forwarded(b).length, 1)
  const row = await b.gateway.ledger.get(again.transmissionId)
  t.equal(row?.duplicateOf, first.transmissionId)
})

t.test('same reference, different content: CONTRL 26 by default, nothing forwarded', async t => {
  const b = await buildGateway(t)
  await send(b, paxlst())
  const changed = await send(b, paxlst({ variant: 'OTHER' }))
  t.equal(changed.outcome, 'rejected')
  t.ok(changed.errors.some(e => e.code === 26))
  t.match(changed.ack?.body, /UCI\+REF0001\+XAAPI\+GOVPIU\+4\+26/)
  t.equal(forwarded(b).length, 1)
})

t.test('changedResend: forward sends the new content as a correction', async t => {
  const b = await buildGateway(t, { agreements: [exampleAgreement({ strictness: { changedResend: 'forward' } })] })
  await send(b, paxlst())
  const changed = await send(b, paxlst({ variant: 'OTHER' }))
  t.equal(changed.outcome, 'accepted')
  const props = JSON.parse(readFileSync(join(b.dir, 'outbox', `${changed.transmissionId}.json`), 'utf8'))
  t.equal(props.headers['x-correction'], 'true')
  t.equal(forwarded(b).length, 2)
  const resent = await send(b, paxlst({ variant: 'OTHER' }))
  t.equal(resent.outcome, 'duplicate', 'a resend of the correction is its duplicate')
  t.equal(resent.ack?.body, changed.ack?.body)
  t.equal(forwarded(b).length, 2, 'not forwarded again')
})

t.test('partial: message forwards the good messages only, with recomputed counts', async t => {
  const b = await buildGateway(t, { agreements: [exampleAgreement({ strictness: { partial: 'message' } })] })
  const r = await send(b, paxlst({ messages: 3, badCount: [1] }))
  t.equal(r.outcome, 'accepted_with_warnings')
  t.same(r.messages.map(m => m.outcome), ['accepted', 'rejected', 'accepted'])
  t.match(r.ack?.body, /UCI\+REF0001\+XAAPI\+GOVPIU\+7'/)
  t.match(r.ack?.body, /UCM\+PAX002\+PAXLST:D:05B:UN:IATA\+4\+29/)
  const body = readFileSync(join(b.dir, 'outbox', `${r.transmissionId}.edi`))
  const ix = parseInterchange(body)
  t.same(ix.errors, [], 'the forwarded subset passes the envelope checks')
  t.same(ix.messages.map(m => m.reference), ['PAX001', 'PAX003'])
})

t.test('partial: message with functional groups keeps the group and recounts UNE', async t => {
  const b = await buildGateway(t, { agreements: [exampleAgreement({ strictness: { partial: 'message' } })] })
  const r = await send(b, paxlst({ messages: 2, badCount: [0], groups: true }))
  t.equal(r.outcome, 'accepted_with_warnings')
  const ix = parseInterchange(readFileSync(join(b.dir, 'outbox', `${r.transmissionId}.edi`)))
  t.same(ix.errors, [])
  t.same(ix.messages.map(m => m.reference), ['PAX002'])
  t.equal(ix.groups.length, 1)
})

t.test('partial: interchange (default) rejects all when one message fails', async t => {
  const b = await buildGateway(t)
  const r = await send(b, paxlst({ messages: 2, badCount: [1] }))
  t.equal(r.outcome, 'rejected')
  t.match(r.ack?.body, /UCI\+REF0001\+XAAPI\+GOVPIU\+4'/)
  t.equal(forwarded(b).length, 0)
})

t.test('a resend after a retry outcome is processed normally', async t => {
  // A spool that cannot take anything and a directory target that cannot write: retry.
  const dir = tmpDir(t)
  writeFileSync(join(dir, 'not-a-folder'), '')
  const b = await buildGateway(t, {
    dir,
    config: { spool: { maxBytes: 0 }, forward: { directory: { path: join(dir, 'not-a-folder', 'outbox') } } }
  })
  const r = await send(b, paxlst())
  t.equal(r.outcome, 'retry')
  t.equal(r.ack, null, 'nothing acknowledged')
  t.equal(r.retryAfterSeconds, 30)
  const row = await b.gateway.ledger.get(r.transmissionId)
  t.equal(row?.outcome, 'retry')
  // The outbox fixed: a gateway on the same ledger with a writable outbox.
  await b.gateway.close()
  const b2 = await buildGateway(t, { dir: b.dir })
  const again = await send(b2, paxlst())
  t.equal(again.outcome, 'accepted', 'not a duplicate of the retried attempt')
})

t.test('ack policy from the agreement', async t => {
  t.test('ackWhen on-error: a clean interchange gets no ack; a bad one does', async t => {
    const b = await buildGateway(t, { agreements: [exampleAgreement({ ackWhen: 'on-error' })] })
    const ok = await send(b, paxlst())
    t.equal(ok.outcome, 'accepted')
    t.equal(ok.ack, null)
    t.equal(ok.json.ack, null)
    const bad = await send(b, paxlst({ reference: 'REF0002', badCount: [0] }))
    t.equal(bad.ack?.kind, 'contrl')
  })
  t.test('ackWhen on-request follows UNB 0031', async t => {
    const b = await buildGateway(t, { agreements: [exampleAgreement({ ackWhen: 'on-request' })] })
    t.equal((await send(b, paxlst())).ack, null)
    t.equal((await send(b, paxlst({ reference: 'REF0002', ackRequest: true }))).ack?.kind, 'contrl')
  })
  t.test('ack json: the JSON document carries the CONTRL text', async t => {
    const b = await buildGateway(t, { agreements: [exampleAgreement({ messages: { PAXLST: { versions: ['D05B'], ack: 'json' } } })] })
    const r = await send(b, paxlst())
    t.equal(r.ack?.kind, 'json')
    t.match(JSON.parse(r.ack!.body), { outcome: 'accepted', ack: /UCI\+REF0001/ })
  })
  t.test('an incoming CONTRL is never acknowledged', async t => {
    const b = await buildGateway(t)
    const contrl = Buffer.from(
      "UNA:+.? 'UNB+UNOA:4+XAAPI+GOVPIU+250114:0630+C1'UNH+1+CONTRL:D:3:UN'UCI+X1+GOVPIU+XAAPI+7'UNT+3+1'UNZ+1+C1'",
      'latin1'
    )
    const r = await send(b, contrl)
    t.equal(r.outcome, 'rejected', 'not a message type the PIU takes')
    t.equal(r.ack, null)
  })
})

t.test('test indicator and agreement checks', async t => {
  const b = await buildGateway(t, { agreements: [exampleAgreement({ acceptTest: false })] })
  const r = await send(b, paxlst({ test: true }))
  t.equal(r.outcome, 'rejected')
  t.ok(r.errors.some(e => e.code === 25))
  const sender = await send(b, paxlst({ sender: 'OTHER', reference: 'REF0003' }))
  t.ok(sender.errors.some(e => e.code === 23 && e.tag === 'UNB' && e.element === 2))
  const version = await send(b, paxlst({ version: '99B', reference: 'REF0004' }))
  t.ok(version.errors.some(e => e.code === 14))
})

t.test('a body without an interchange is refused with a JSON report and quarantined', async t => {
  const b = await buildGateway(t)
  const r = await send(b, Buffer.from('hello, this is not EDIFACT'))
  t.equal(r.outcome, 'rejected')
  t.equal(r.refusal?.status, 400)
  t.equal(r.refusal?.id, 'GW_ERR_EDIFACT_NO_INTERCHANGE')
  t.equal(readdirSync(join(b.dir, 'quarantine')).filter(f => f.endsWith('.json')).length, 1)
})

t.test('an original left in status received by a crashed instance', async t => {
  const b = await buildGateway(t)
  const first = await send(b, paxlst())
  const row = (await b.gateway.ledger.get(first.transmissionId))!
  // Make the accepted original look like a crash between claim and hand-off.
  await b.gateway.ledger.update(row.id, { status: 'received', acknowledgedAt: null, ackSentAt: null })
  const fresh = await send(b, paxlst())
  t.equal(fresh.outcome, 'retry', 'a recent claim may still be in flight on another instance: retry later')
  await b.gateway.ledger.update(row.id, { receivedAt: new Date(Date.now() - 11 * 60_000).toISOString() })
  const taken = await send(b, paxlst())
  t.equal(taken.outcome, 'accepted', 'an abandoned claim is taken over')
  t.equal((await b.gateway.ledger.get(row.id))?.outcome, 'retry', 'the abandoned row no longer holds the key')
  const again = await send(b, paxlst())
  t.equal(again.outcome, 'duplicate')
  t.equal(again.ack?.body, taken.ack?.body)
})

t.test('admission holds every channel to limits.maxConcurrent: the next one is told to retry, with its ledger row', async t => {
  const b = await buildGateway(t, { config: { limits: { maxConcurrent: 1 } } })
  const a = b.gateway.agreements.current().byCode('XA')!
  const input = (channel: 'sftp' | 'amqp', ref: string) =>
    ({ channel, bytes: paxlst({ reference: ref }), candidates: [a], receivedAt: new Date() })
  // Admission is synchronous: the first holds the one slot while the second is admitted.
  const [first, second] = await Promise.all([
    b.gateway.pipeline.process(input('sftp', 'CONC1')),
    b.gateway.pipeline.process(input('amqp', 'CONC2'))
  ])
  t.equal(first.outcome, 'accepted')
  t.equal(second.outcome, 'retry')
  t.equal(second.refusal?.id, 'GW_ERR_INTAKE_OVERLOADED')
  t.equal(second.retryAfterSeconds, 5)
  t.match(await b.gateway.ledger.get(second.transmissionId), { channel: 'amqp', outcome: 'retry' })
  const third = await b.gateway.pipeline.process(input('amqp', 'CONC2'))
  t.equal(third.outcome, 'accepted', 'the slot is free again, and the refused one was no dedupe claim')
})
