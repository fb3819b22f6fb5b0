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

const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map(k => `*.${k}`),
  ...SECRET_KEYS.map(k => `*.*.${k}`)
]

export interface LoggedError {
  type: string
  message: string
  /** The catalogue id of a GatewayError (docs/errors.md). */
  id?: string
  /** A library's error code (ENOENT, an SFTP status), when it has one. */
  code?: string | number
  cause?: LoggedError
}

/**
 * The one shape of an error in a log record, under `err`: class, message, catalogue id or library
 * code, and the cause. No stack: a record is read by operations, and the id names the place.
 */
export function serializeError (err: unknown, depth = 0): LoggedError {
  if (!(err instanceof Error)) return { type: typeof err, message: String(err) }
  const out: LoggedError = { type: err.name, message: err.message }
  const { id, code } = err as { id?: unknown, code?: unknown }
  if (typeof id === 'string') out.id = id
  if (typeof code === 'string' || typeof code === 'number') out.code = code
  if (err.cause !== undefined && depth < 3) out.cause = serializeError(err.cause, depth + 1)
  return out
}

export function createLogger (level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'carrier-gateway' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError }
  }
  return destination === undefined ? pino(options) : pino(options, destination)
}
