import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './api.js';
import { errorFrom } from './errors.js';

/**
 * A typed client of Tributary (openapi-fetch over the types generated from its OpenAPI document):
 * `tributary.GET('/orders/{id}', { params: { path: { id } } })` answers `{ data }` with the order
 * typed as DR's schema, and throws a TributaryError (errors.ts) for any non-2xx answer.
 *
 * Writes are safe to retry: each POST, PUT, PATCH and DELETE without an `Idempotency-Key` gets
 * one, and the same key is sent again on every retry, so a retried write happens once. Retried:
 * network failures, 429 (after its Retry-After), 409 `idempotency_key_in_use` (the first try is
 * still running) and 500/502/503/504, with exponential backoff and jitter.
 */

export interface TributaryOptions {
  apiKey: string;
  /** default http://localhost:8080 */
  baseUrl?: string;
  /** retries after the first attempt (default 2; 0 turns retrying off) */
  maxRetries?: number;
  /** the first retry's delay in ms (default 250), doubled each time, at most 8 s, ±25% jitter */
  retryDelayMs?: number;
  /** `DigitalRiver-Version` for every request */
  apiVersion?: string;
  fetch?: typeof globalThis.fetch;
  /** how to wait between attempts (tests) */
  sleep?: (ms: number) => Promise<void>;
}

export type TributaryClient = Client<paths>;

const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function backoff(attempt: number, base: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 60_000);
  const delay = Math.min(base * 2 ** attempt, 8_000);
  return delay * (0.75 + Math.random() * 0.5);
}

async function isKeyInUse(response: Response): Promise<boolean> {
  if (response.status !== 409) return false;
  try {
    const body = (await response.clone().json()) as { errors?: { code?: string }[] };
    return body.errors?.[0]?.code === 'idempotency_key_in_use';
  } catch {
    return false;
  }
}

/** fetch with idempotency keys on writes and retries (see above). */
export function retryingFetch(options: TributaryOptions): typeof globalThis.fetch {
  const inner = options.fetch ?? globalThis.fetch;
  const retries = options.maxRetries ?? 2;
  const base = options.retryDelayMs ?? 250;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (input, init) => {
    const request = new Request(input, init);
    if (WRITES.has(request.method) && !request.headers.has('idempotency-key'))
      request.headers.set('idempotency-key', crypto.randomUUID());
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      let response: Response;
      try {
        response = await inner(request.clone());
      } catch (error) {
        if (last || request.signal.aborted) throw error;
        await sleep(backoff(attempt, base, null));
        continue;
      }
      const retry = RETRIED_STATUSES.has(response.status) || (await isKeyInUse(response));
      if (!retry || last) return response;
      await response.body?.cancel();
      await sleep(backoff(attempt, base, response.headers.get('retry-after')));
    }
  };
}

/** Turns a non-2xx answer into a thrown TributaryError. */
const throwOnError: Middleware = {
  async onResponse({ response }) {
    if (response.ok) return undefined;
    const text = await response.clone().text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    throw errorFrom(response.status, body, response.headers.get('x-dr-requestid') ?? undefined);
  },
};

export function createTributary(options: TributaryOptions): TributaryClient {
  const client = createClient<paths>({
    baseUrl: (options.baseUrl ?? 'http://localhost:8080').replace(/\/$/, ''),
    fetch: retryingFetch(options),
    headers: {
      authorization: `Bearer ${options.apiKey}`,
      ...(options.apiVersion ? { 'digitalriver-version': options.apiVersion } : {}),
    },
  });
  client.use(throwOnError);
  return client;
}
