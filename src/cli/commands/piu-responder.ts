/**
 * `carrier-gateway piu-responder --rules FILE [--delay MS] [--malformed]`: a stand-in for a PIU's
 * assessment service (docs/interactive.md "Reference responder"). It consumes the interactive
 * queue on the PIU broker, decides each request by the rules (the agreement's `testResponder`
 * form) and answers to the request's `replyTo` with the decision JSON. For tests and demos: it
 * prints counts only, never a traveller's value.
 */
import { readFileSync } from 'node:fs'
import { connect, type ConsumeMessage } from 'amqplib'
import { parse as parseYaml } from 'yaml'
import { configFileFrom, loadConfig, resolveSecret } from '../../config/index.js'
import { parseInterchange } from '../../edifact/index.js'
import { buildCusres, decideByRules, iapiRequestOf, type TestResponder } from '../../messages/index.js'
import { parse } from '../args.js'
import { SPECS } from '../spec.js'
import { EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, errnoOf, print, type CliIo } from '../io.js'

const DECISIONS = new Set(['0Z', '1Z', '2Z', '4Z'])

function readRules (file: string): TestResponder {
  const doc = parseYaml(readFileSync(file, 'utf8')) as Partial<TestResponder> | null
  const rules = doc?.rules ?? []
  const valid = doc !== null && typeof doc === 'object' && DECISIONS.has(doc.default ?? '0Z') && Array.isArray(rules) &&
    rules.every(r => r !== null && typeof r === 'object' && DECISIONS.has(r.decision))
  if (!valid) throw new UsageError(`${file}: not a rules file ({ default: 0Z, rules: [ { documentNumber | surname, decision } ] })`)
  return { default: doc.default ?? '0Z', rules }
}

interface AnswerMode { malformed: boolean, cusresSender: string | null }

/** The decision JSON for one request, a ready-made CUSRES, or a deliberately broken answer. */
function answerOf (msg: ConsumeMessage, rules: TestResponder, mode: AnswerMode): { body: Buffer, contentType: string } {
  const transmissionId = String(msg.properties.correlationId ?? '')
  const json = (doc: unknown): { body: Buffer, contentType: string } =>
    ({ body: Buffer.from(JSON.stringify(doc)), contentType: 'application/json' })
  if (mode.malformed) return json({ transmissionId, passengers: [{ position: 0, decision: 'OK' }] })
  const req = iapiRequestOf(parseInterchange(msg.content))
  const answer = req.ok ? decideByRules(rules, req.travellers) : { passengers: [] }
  if (mode.cusresSender !== null && req.ok) {
    // UNB 0020 is an..14 and the request's syntax may be UNOA: upper-case letters and digits only.
    const reference = transmissionId.replace(/[^0-9A-Za-z]/g, '').slice(-14).toUpperCase()
    const cusres = buildCusres(req, answer, { senderId: mode.cusresSender, reference, now: new Date() })
    return { body: Buffer.from(cusres, 'latin1'), contentType: 'application/edifact' }
  }
  return json({ transmissionId, passengers: answer.passengers })
}

export async function run (args: string[], io: CliIo): Promise<number> {
  const { values } = parse(SPECS['piu-responder'], args)
  if (values.rules === undefined) throw new UsageError('--rules FILE is required')
  const delay = Number(values.delay)
  if (!Number.isFinite(delay) || delay < 0) throw new UsageError(`--delay ${values.delay} is not a number of milliseconds`)
  let rules: TestResponder
  try {
    rules = readRules(values.rules)
  } catch (err) {
    if (err instanceof UsageError) throw err
    print(io.stderr, `piu-responder: ${values.rules} cannot be read (${errnoOf(err)})`)
    return EXIT_USAGE
  }
  const config = loadConfig(configFileFrom(values.config, io.env))
  const a = config.forward.amqp
  let conn
  try {
    conn = await connect(resolveSecret(a.url, io.env), { noDelay: true })
  } catch (err) {
    print(io.stderr, `piu-responder: the PIU broker cannot be reached (${errnoOf(err)})`)
    return EXIT_RUNTIME
  }
  const ch = await conn.createChannel()
  await ch.assertExchange(a.exchange, 'topic', { durable: true })
  await ch.assertQueue(a.iapiQueue, { durable: true, arguments: { 'x-queue-type': a.queueType } })
  await ch.bindQueue(a.iapiQueue, a.exchange, 'iapi.*')
  let answered = 0
  await ch.consume(a.iapiQueue, msg => {
    if (msg === null) return
    const reply = (): void => {
      if (typeof msg.properties.replyTo === 'string') {
        const { body, contentType } = answerOf(msg, rules, { malformed: values.malformed, cusresSender: values.cusres ?? null })
        ch.sendToQueue(msg.properties.replyTo, body, { correlationId: msg.properties.correlationId, contentType })
      }
      ch.ack(msg)
      answered++
    }
    if (delay > 0) setTimeout(reply, delay)
    else reply()
  })
  print(io.stdout, `piu-responder: answering ${a.iapiQueue} on ${a.exchange} (delay ${delay} ms)`)
  await new Promise<void>(resolve => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  await conn.close().catch(() => {})
  print(io.stdout, `piu-responder: ${answered} requests answered`)
  return EXIT_OK
}
