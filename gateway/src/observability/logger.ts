import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config';

export type { Logger } from 'pino';

/**
 * Fields that could carry personal data or secrets, wherever a log call puts
 * them. Request lines log no bodies and no headers, so this is the net under
 * a future call that passes more than it should.
 */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.authorization',
  'token',
  '*.token',
  'credential',
  '*.credential',
  'jws',
  '*.jws',
  'pepper',
  '*.pepper',
  'idNumber',
  '*.idNumber',
  'holder',
  '*.holder',
  'donor',
  '*.donor',
  'body',
  '*.body',
];

/**
 * A JSON logger, one object per line, on `stream` (stdout by default).
 * Each service builds its own, so tests can read what one service logged.
 */
export function createLogger(level: LogLevel, stream?: DestinationStream): Logger {
  const options = { level, redact: { paths: [...REDACT_PATHS], censor: '[redacted]' } };
  return stream ? pino(options, stream) : pino(options);
}
