// Errors reach the log in one shape (docs/operations.md "Logs"): class, message, catalogue id or
// library code, and the cause; never a stack.
import t from 'tap'
import { Writable } from 'node:stream'
import { createLogger, serializeError } from '../src/logger.js'
import { GatewayError } from '../src/errors.js'

t.test('a catalogue error is logged with its id, and its cause by class and code', async t => {
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
  const err = new GatewayError('GW_ERR_LEDGER_UNAVAILABLE', 'postgres record', { cause })
  t.same(serializeError(err), {
    type: 'GatewayError',
    message: 'the transmission ledger is unavailable; retry later: postgres record',
    id: 'GW_ERR_LEDGER_UNAVAILABLE',
    cause: { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' }
  })
})

t.test('the logger applies it to every err field, and thrown non-errors too', async t => {
  const lines: string[] = []
  const sink = new Writable({ write (chunk, _enc, done) { lines.push(String(chunk)); done() } })
  const log = createLogger('info', sink)
  log.warn({ err: new TypeError('bad') }, 'one')
  log.warn({ err: 'a string' }, 'two')
  const [one, two] = lines.map(l => JSON.parse(l))
  t.same(one.err, { type: 'TypeError', message: 'bad' })
  t.notOk('stack' in one.err)
  t.same(two.err, { type: 'string', message: 'a string' })
})
