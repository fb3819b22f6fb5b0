/**
 * pino JSON logs. Redaction covers credentials wherever they might be attached to a record
 * (invariant 4 covers passenger data by construction: no stage logs a segment value).
 */
import { pino, type Logger, type DestinationStream } from 'pino'

export const REDACT_PATHS = [
  'req.headers.authorization', 'headers.authorization', 'authorization',
  '*.password', '*.passphrase', '*.privateKey', '*.token', '*.secret', '*.url',
  'password', 'passphrase', 'privateKey', 'token', 'secret', 'url'
]

export function createLogger (level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'carrier-gateway' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }
  return destination === undefined ? pino(options) : pino(options, destination)
}
