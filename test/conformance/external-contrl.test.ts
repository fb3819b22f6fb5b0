/**
 * The CONTRL messages of the external folder, and the guard that every file of that folder is
 * pinned by one of the external-* tests. An inbound CONTRL is not a message the gateway takes in:
 * it is read like any interchange and rejected as an unsupported type (ISO 9735-4 code 15), never
 * answered by a CONTRL (docs/conformance.md "Inbound CONTRL").
 */
import t from 'tap'
import { agreesWithIndependentReading, codes, EXTERNAL, externalNames, sample, unpinned } from './external-common.js'
import { assessTransmission } from '../../src/pipeline/assess.js'
import { permissiveAgreement } from '../../src/cli/report.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

function assess (file: string): ReturnType<typeof assessTransmission> {
  const bytes = readFileSync(join(EXTERNAL ?? '', file))
  return assessTransmission(bytes, [permissiveAgreement(bytes)], {
    receiverIds: ['GOVPIU'],
    receivedAt: new Date('2025-01-01T00:00:00Z'),
    limits: { maxSegments: 200000, maxValueLength: 512, maxParts: 99 }
  })
}

sample('contrl-groovy-two-contrl-test-ack.edi', (t, g) => {
  t.same(g.ix.stripped, [], 'a leading line feed is layout')
  agreesWithIndependentReading(t, g)
  t.same(g.ix.messages.map(m => [m.reference, m.identifier]), [['1', 'CONTRL:D:3:UN'], ['2', 'CONTRL:D:3:UN']])
  t.match(g.ix.unb, { syntax: 'UNOC:3', sender: 'RECID', recipient: 'SENDER ID', ackRequested: true, test: true }, '0031=1, 0035=1')
  t.same(codes(g.ix.errors), [], 'a well-formed interchange')
  t.same(g.unmapped, ['1', '2'], 'CONTRL maps to no passenger model')
  const a = assess('contrl-groovy-two-contrl-test-ack.edi')
  t.equal(a.outcome, 'rejected')
  t.same(codes(a.errors.filter(f => f.message !== null)), ['15@UNH:2', '15@UNH:2'], 'each CONTRL: message type not supported (15)')
})

sample('contrl-python-baplie-reject-code99.edi', (t, g) => {
  agreesWithIndependentReading(t, g)
  t.same(g.ix.messages.map(m => [m.reference, m.identifier, m.segments.map(s => s.tag).join(' ')]),
    [['1', 'CONTRL:D:3:UN', 'UNH UCI UCM UCS UNT']])
  t.equal(g.ix.unb?.syntax, 'UNOA:2')
  t.same(codes(g.ix.errors), [], 'the syntax is sound; 0085 = 99 is a CONTRL value the gateway does not judge')
  const a = assess('contrl-python-baplie-reject-code99.edi')
  t.same(codes(a.errors.filter(f => f.message !== null)), ['15@UNH:2'])
})

t.test('every external file is pinned by an external-* test', async t => {
  t.same(unpinned('contrl-'), [])
  const families = ['paxlst-', 'pnrgov-', 'contrl-']
  t.same(externalNames().filter(f => !families.some(p => f.startsWith(p))), [],
    'a file of another family needs its own external-* test')
  // The other families are pinned in their own files; each ends with the same check for its prefix.
  for (const [prefix, file] of [['paxlst-', 'external-paxlst.test.ts'], ['pnrgov-', 'external-pnrgov.test.ts']]) {
    const source = readFileSync(join(import.meta.dirname, file), 'utf8')
    const pinned = new Set([...source.matchAll(/^sample\('([^']+)'/gm)].map(m => m[1]))
    t.same(externalNames().filter(f => f.startsWith(prefix) && !pinned.has(f)), [], `${file} pins every ${prefix} file`)
  }
})
