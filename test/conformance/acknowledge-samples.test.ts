// The acknowledgement each real sample earns (domain §4): the full pipeline checks (assess) and
// the ack builder, with an agreement that takes every supported version from the sample's own
// sender and a gateway that answers to the sample's recipient. Pinned per sample: the outcome and
// the UCI / UCF / UCM / UCS / UCD (CONTRL) or RFF / ERC (ACKRES) segments, ids elided from UCI.
// Independently of the pins: every ack reads back clean with our own engine, and every position a
// finding reports points at a segment with the tag it names.
import t from 'tap'
import { inspectBytes, permissiveAgreement } from '../../src/cli/report.js'
import { configFrom } from '../../src/config/index.js'
import { parseInterchange } from '../../src/edifact/index.js'
import { readSample, sampleNames } from './samples.js'

const EXPECTED: Record<string, { outcome: string, ack: string[] | null }> = {
  'contrl-nordea-via-emcken-release-char.edi': { outcome: 'rejected', ack: null },
  'cusres-astra-iapi-312-carrier-reply-sire.edi': { outcome: 'rejected', ack: null },
  'cusres-astra-iapi-no-board-sire.edi': { outcome: 'rejected', ack: null },
  'cusres-astra-iapi-ok-to-board-sire.edi': { outcome: 'rejected', ack: null },
  'cusres-astra-iapi-unsolicited-132-sire.edi': { outcome: 'rejected', ack: null },
  'paxlst-astra-iapi-request-sire.edi': {
    outcome: 'rejected',
    ack: [
      'UCI+\u2026+4+12+UNB+4:1', 'UCF+1+++4', 'UCM+11085B94E1F8FA+PAXLST:D:05B:UN:IATA+4+21+UNH+3:1', 'UCS+8', 'UCD+21+1:2', 'UCS+10',
      'UCD+21+1:2', 'UCS+19', 'UCD+21+1:2', 'UCS+22', 'UCD+21+1:2', 'UCS+32', 'UCD+21+1:2', 'UCS+35', 'UCD+21+1:2'
    ]
  },
  'paxlst-ediclean-A.txt': { outcome: 'rejected', ack: ['UCI+\u2026+4', 'UCF+1+++4', 'UCM+PAX001+PAXLST:D:05B:UN:IATA+4+29+UNT'] },
  'paxlst-ediclean-B.txt': {
    outcome: 'rejected',
    ack: ['UCI+\u2026+4', 'UCF+2108270031+++4', 'UCM+2108270031+PAXLST:D:05B:UN:IATA+4+29+UNT']
  },
  'paxlst-ediclean-C.txt': {
    outcome: 'rejected',
    ack: ['UCI+\u2026+4', 'UCF+2108270031+++4', 'UCM+2108270031+PAXLST:D:05B:UN:IATA+4+29+UNT']
  },
  'paxlst-ediclean-D.txt': {
    outcome: 'rejected',
    ack: ['UCI+\u2026+4', 'UCF+2941E37EF0AA40+++4', 'UCM+EJFNE3423433423+PAXLST:D:05B:UN:IATA+4+29+UNT']
  },
  'paxlst-ediclean-E.txt': {
    outcome: 'rejected',
    ack: ['UCI+\u2026+4', 'UCF+2941E37EF0AA40+++4', 'UCM+EJFNE3423433423+PAXLST:D:05B:UN:IATA+4+29+UNT']
  },
  'paxlst-ediclean-F.txt': {
    outcome: 'rejected',
    ack: ['UCI+\u2026+4', 'UCF+AT345242310+++4', 'UCM+AT345242311+PAXLST:D:05B:UN:IATA+4+29+UNT']
  },
  'paxlst-gtas-crew-malformed.edi': {
    outcome: 'rejected',
    ack: ['UCI+\u2026+4+28+UNZ', 'UCF+1403010600+++4+28+UNE', 'UCM+1402010600+PAXLST:D:02B:UN:IATA+4+29+UNT']
  },
  'paxlst-gtas-d05b-secureflight-refs.edi': { outcome: 'accepted_with_warnings', ack: ['UCI+\u2026+7'] },
  'paxlst-gtas-multileg-d05b.edi': { outcome: 'accepted', ack: ['UCI+\u2026+7'] },
  'paxlst-gtas-multipart-first-part.edi': {
    outcome: 'rejected',
    ack: ['UCI+\u2026+4', 'UCF+1+++4', 'UCM+WSPDLA+PAXLST:D:02B:UN:IATA+4+29+UNT']
  },
  'paxlst-gtas-una-star-dollar.edi': {
    outcome: 'rejected',
    ack: ['UCI+\u2026+4', 'UCF+1402111800+++4', 'UCM+1402111800+PAXLST:D:02B:UN:IATA+4+29+UNT', 'UCS+111', 'UCD+28+2']
  },
  'paxlst-wcoig-ex5-1-single-sector-pax.edi': { outcome: 'accepted', ack: ['UCI+\u2026+7'] },
  'paxlst-wcoig-ex5-2-crew.edi': { outcome: 'rejected', ack: ['UCI+\u2026+4', 'UCF+81+++4', 'UCM+PAX001+PAXLST:D:15B:UN:IATA+4+29+UNT'] },
  'paxlst-wcoig-ex5-3-progressive-2legs.edi': { outcome: 'accepted', ack: ['UCI+\u2026+7'] },
  'pnrgov-gtas-1a-codeshare-bad-una.edi': { outcome: 'rejected', ack: ['RFF+TN:0003', 'ERC+20', 'RFF+ACW:1', 'ERC+29'] },
  'pnrgov-gtas-1a-infant-curly-quote-una.edi': { outcome: 'rejected', ack: ['RFF+TN:0003', 'ERC+20', 'RFF+ACW:1', 'ERC+29'] },
  'pnrgov-gtas-am-mxpnrgov.edi': { outcome: 'accepted', ack: ['RFF+TN:13052210400995', 'RFF+ACW:13052210400995'] },
  'pnrgov-gtas-badformat.txt': { outcome: 'rejected', ack: ['RFF+TN:00102181551362', 'RFF+ACW:00102181551362', 'ERC+29'] },
  'pnrgov-gtas-ig-pg75-backslash-release.edi': { outcome: 'rejected', ack: ['RFF+TN:0003', 'RFF+ACW:1', 'ERC+29'] },
  'pnrgov-gtas-tz-aucbps-3pnrs.edi': { outcome: 'accepted', ack: ['RFF+TN:00102181551362', 'RFF+ACW:00102181551362'] },
  'pnrgov-gtas-una-hyphen-star.edi': { outcome: 'rejected', ack: ['RFF+TN:0.579602', 'ERC+28', 'RFF+ACW:1', 'ERC+29'] },
  'pnrgov-gtas-v10-2pnrs-folded.edi': { outcome: 'rejected', ack: ['RFF+TN:020A07', 'ERC+7', 'RFF+ACW:1', 'ERC+29'] },
  'pnrgov-gtas-v13-example.edi': { outcome: 'rejected', ack: ['RFF+TN:491873609401', 'ERC+28', 'RFF+ACW:1', 'ERC+29'] }
}

const files = sampleNames()

t.same(files, Object.keys(EXPECTED).sort(), 'every sample has a pinned expectation')

for (const file of files) {
  t.test(file, async t => {
    const bytes = readSample(file)
    const unb = parseInterchange(bytes).unb
    const config = configFrom({
      identity: { receiverIds: [unb?.recipient !== undefined && unb.recipient !== '' ? unb.recipient : 'GOVPIU'] }
    })
    const { report, assessment } = inspectBytes(file, bytes, permissiveAgreement(bytes), config, new Date('2025-01-01T00:00:00Z'))
    const ack = report.ack === null ? null : report.ack.split("'").filter(s => /^(UCI|UCM|UCS|UCD|UCF|ERC|RFF)/.test(s)).map(s => s.replace(/^UCI\+[^+]*\+[^+]*\+[^+]*\+/, 'UCI+…+'))
    t.equal(report.outcome, EXPECTED[file].outcome)
    t.same(ack, EXPECTED[file].ack)
    if (report.ack !== null) {
      const back = parseInterchange(Buffer.from(report.ack, 'latin1'))
      // An ack echoes the subject's ids as sent; a harness macro in them is the carrier's own.
      t.same(back.errors.filter(e => e.id !== 'GW_ERR_EDIFACT_HARNESS_MACRO'), [], 'the ack passes our own envelope checks')
      t.ok(['CONTRL', 'ACKRES'].includes(back.messages[0]?.type), 'it is a CONTRL or an ACKRES')
    }
    for (const f of [...assessment.errors, ...assessment.warnings]) {
      if (f.message === null || f.segment === null || f.tag === null) continue
      const msg = assessment.interchange.messages.find(m => m.reference === f.message)
      if (msg === undefined || msg.segments[f.segment - 1] === undefined) continue
      // A missing segment is reported where it was expected (its group's trigger), naming the missing tag.
      if ((f.id === 'GW_ERR_MESSAGE_PROFILE' || f.id === 'GW_ERR_MESSAGE_SEGMENT_MISSING') && /missing|without/.test(f.text)) continue
      t.equal(msg.segments[f.segment - 1].tag, f.tag, `code ${f.code} at segment ${f.segment} names the segment there`)
    }
  })
}
