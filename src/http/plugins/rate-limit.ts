import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../domain/errors.js';

const WINDOW_MS = 1_000;

/**
 * The opt-in rate limit (TRIBUTARY_RATE_LIMIT): at most N requests per second per API key (per
 * client address for requests without one), over @fastify/rate-limit's fixed one-second window;
 * beyond it, 429 `rate_limited` with an integer `Retry-After` (seconds).
 */
export async function registerRateLimit(app: FastifyInstance, perSecond: number): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: perSecond,
    timeWindow: WINDOW_MS,
    hook: 'preValidation',
    keyGenerator: (request: FastifyRequest) => {
      const authorization = request.headers.authorization;
      return authorization
        ? `key:${createHash('sha256').update(authorization).digest('base64url')}`
        : `ip:${request.ip}`;
    },
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    addHeaders: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
      'retry-after': true,
    },
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'rate_limited',
        undefined,
        `Too many requests: at most ${context.max} per second per API key; retry after ${Math.ceil(context.ttl / 1000)} s.`,
      ),
  });
}
