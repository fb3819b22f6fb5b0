/**
 * pino JSON logs. Redaction covers credentials wherever they might be attached to a record, up to
 * three levels deep (pino wildcards match one level each). Passenger data is kept out by
 * construction instead (invariant 4): no stage logs a segment value, carrier-supplied envelope
 * fields sit under `edi`, and errors are logged by catalogue id or code, never by message;
 * `test/security/log-audit.test.ts` checks every outcome on every channel against the inputs.
 */
import { pino, type Logger, type DestinationStream } from 'pino'

/** Keys that hold a secret or a URL that may embed one (amqp://user:password@host). */
const SECRET_KEYS = ['authorization', 'cookie', 'password', 'passphrase', 'privateKey', 'token', 'secret', 'url', 'apiKey']

export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map(k => `*.${k}`),
  ...SECRET_KEYS.map(k => `*.*.${k}`)
]

export function createLogger (level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'carrier-gateway' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }
  return destination === undefined ? pino(options) : pino(options, destination)
}
