/**
 * Property test over mutated fixtures (test/fixtures: every syntax case, plus generated PAXLST and
 * PNRGOV): whatever the bytes, parseInterchange returns (never throws), stays within its limits,
 * and no finding carries a value from the input.
 */
import t from 'tap'
import fc from 'fast-check'
import { ERRORS } from '../../src/errors.js'
import { parseInterchange, REASONS, type ParseOptions } from '../../src/edifact/index.js'
import { allFixtures, generated } from '../fixtures/index.js'
import type { Finding } from '../../src/transmission/index.js'

// `npm run fuzz` raises the run count (FUZZ_RUNS) and picks a fresh seed (FUZZ_SEED) for a long search.
const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const SEED = Number(process.env.FUZZ_SEED ?? 20250114)

const CORPUS = [...allFixtures().map((f) => f.bytes), generated.paxlst(3), generated.pnrgov(2)]
const SERVICE = [...":+'?*-$#\"\\.\r\n"].map((c) => c.charCodeAt(0))

type Op =
  | { kind: 'truncate', at: number }
  | { kind: 'deleteSeparators', from: number, count: number }
  | { kind: 'randomBytes', at: number, bytes: Uint8Array }
  | { kind: 'hugeValue', at: number, size: number }
  | { kind: 'repeat', at: number, unit: string, times: number }

function apply (input: Buffer, op: Op): Buffer {
  const pos = (p: number): number => Math.floor(p * (input.length + 1))
  switch (op.kind) {
    case 'truncate': return input.subarray(0, pos(op.at))
    case 'deleteSeparators': {
      const parts: Buffer[] = []
      let from = 0
      let deleted = 0
      for (let i = pos(op.from); i < input.length && deleted < op.count; i++) {
        if (!SERVICE.includes(input[i])) continue
        parts.push(input.subarray(from, i))
        from = i + 1
        deleted++
      }
      parts.push(input.subarray(from))
      return Buffer.concat(parts)
    }
    case 'randomBytes': {
      const at = pos(op.at)
      return Buffer.concat([input.subarray(0, at), op.bytes, input.subarray(Math.min(input.length, at + op.bytes.length))])
    }
    case 'hugeValue': {
      const at = pos(op.at)
      return Buffer.concat([input.subarray(0, at), Buffer.alloc(op.size, 0x58), input.subarray(at)])
    }
    case 'repeat': {
      const at = pos(op.at)
      return Buffer.concat([input.subarray(0, at), Buffer.from(op.unit.repeat(op.times), 'latin1'), input.subarray(at)])
    }
  }
}

const unit = fc.double({ min: 0, max: 1, noNaN: true })
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: unit }),
  fc.record({ kind: fc.constant('deleteSeparators' as const), from: unit, count: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('randomBytes' as const), at: unit, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('hugeValue' as const), at: unit, size: fc.integer({ min: 600, max: 50000 }) }),
  fc.record({
    kind: fc.constant('repeat' as const),
    at: unit,
    unit: fc.constantFrom(':', '+', "'", '??', "UNH+1+PAXLST:D:05B:UN:IATA'", "UNG+X'", "UNT+1+1'", 'UNA', "UNB+UNOA:4'", '\r\n', '$(x)'),
    times: fc.integer({ min: 1, max: 3000 })
  })
)
const options: fc.Arbitrary<ParseOptions> = fc.record({
  typeB: fc.boolean(),
  unaRepair: fc.boolean(),
  maxSegments: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 500 })),
  maxValueLength: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 600 }))
}, { requiredKeys: [] })

const SUFFIXES = new Set<string>(Object.values(REASONS).filter((r) => r !== REASONS.internal))

function clean (f: Finding): boolean {
  const base = ERRORS[f.id].text
  const fixedText = f.text === base || (f.text.startsWith(base + ': ') && SUFFIXES.has(f.text.slice(base.length + 2)))
  const tagOk = f.tag === null || /^[A-Z][A-Z0-9]{2}$/.test(f.tag)
  return fixedText && tagOk && f.code === (ERRORS[f.id].contrl ?? 18)
}

t.test('parseInterchange never throws, stays bounded and never echoes input in findings', async (t) => {
  let runs = 0
  fc.assert(fc.property(fc.nat(CORPUS.length - 1), fc.array(op, { minLength: 1, maxLength: 4 }), options, (which, ops, opts) => {
    const input = ops.reduce(apply, CORPUS[which])
    const started = process.hrtime.bigint()
    const r = parseInterchange(input, opts)
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    runs++
    const maxSegments = opts.maxSegments ?? 200000
    const maxValue = opts.maxValueLength ?? 512
    const segments = r.messages.flatMap((m) => m.segments)
    return ms < 5000 &&
      r.segmentCount <= maxSegments &&
      segments.every((s) => s.elements.every((e) => e.every((v) => v.length <= maxValue))) &&
      r.body.length <= input.length + 9 &&
      [...r.errors, ...r.warnings].every(clean) &&
      Array.isArray(r.stripped) && r.stripped.every((s) => s.bytes > 0)
  }), { numRuns: RUNS, seed: SEED })
  t.equal(runs, RUNS, `the property ran all ${RUNS} times`)
})

t.test('arbitrary byte strings, including empty, never throw', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (bytes, typeB) => {
    const r = parseInterchange(Buffer.from(bytes), { typeB })
    return r.errors.length > 0 || r.unb !== null
  }), { numRuns: RUNS })
  t.match(parseInterchange(Buffer.alloc(0)).errors, [{ id: 'GW_ERR_EDIFACT_NO_INTERCHANGE' }])
})

t.test('pathological shapes finish and report their limits', async (t) => {
  const deep = Buffer.from("UNB+UNOA:4+S+R+250114:0630+1'UNH+1+X:1:1:UN'FTX+" + ':'.repeat(200000) + "'UNT+3+1'UNZ+1+1'")
  t.ok(parseInterchange(deep).errors.some((e) => e.code === 16))
  const many = Buffer.from("UNB+UNOA:4+S+R+250114:0630+1'UNH+1+X:1:1:UN'" + "FTX+A'".repeat(30000) + "UNT+3+1'UNZ+1+1'")
  const r = parseInterchange(many, { maxSegments: 20000 })
  t.equal(r.segmentCount, 20000)
  t.match(r.errors, [{ id: 'GW_ERR_EDIFACT_TOO_MANY_SEGMENTS' }])
  const long = parseInterchange(Buffer.from("UNB+UNOA:4+S+R+250114:0630+1'UNH+1+X:1:1:UN'FTX+" + 'X'.repeat(1e6) + "'UNT+3+1'UNZ+1+1'"))
  t.match(long.errors, [{ id: 'GW_ERR_EDIFACT_TOO_LONG', segment: 2, tag: 'FTX', element: 1, component: 1, message: '1' }])
  t.equal(long.messages[0].segments[1].elements[0][0].length, 512)
})
