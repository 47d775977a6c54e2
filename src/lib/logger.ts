import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Log redaction: never an API key, card number or CVV, wherever they appear in a logged object.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  '*.authorization',
  '*.number',
  '*.cvv',
  '*.cvc',
  '*.cvv2',
  '*.cvc2',
  '*.csc',
  '*.securityCode',
  '*.creditCard.number',
  '*.creditCard.cvv',
  'body.creditCard',
  'secret',
  '*.secret',
];

/** JSON logs; the server writes them to stderr (fd 2) so that stdout carries only its banner. */
export function createLogger(
  options: { level?: string; destination?: number; stream?: DestinationStream } = {},
): Logger {
  const config: LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'tributary' },
  };
  return pino(config, options.stream ?? pino.destination({ fd: options.destination ?? 1, sync: false }));
}

/**
 * An error as one log line's fields (its code and message, no stack): for background loops that
 * retry on their next tick and must not log a stack trace every time.
 */
export function errorSummary(error: unknown): { code?: string; reason: string } {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  return {
    ...(code === undefined ? {} : { code }),
    reason: error instanceof Error ? error.message : String(error),
  };
}

export type { Logger };
