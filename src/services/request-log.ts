import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorSummary } from '../lib/logger.js';
import { redactBody, redactQuery, redactText } from '../lib/redact.js';
import { isQuietStoreError } from '../store/db-errors.js';
import type { Page, PageQuery, RequestLogRecord } from '../store/records.js';
import type { RequestLogFilters } from '../store/repos/request-log.js';
import { type Caller, type Deps, now } from './context.js';

/** How long the log keeps a request, on the account's clock. */
export const REQUEST_LOG_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** At most this many requests per account; the oldest are dropped first. */
export const REQUEST_LOG_MAX_PER_ACCOUNT = 10_000;
/** Requests are written in batches this often, away from the requests themselves. */
const FLUSH_INTERVAL_MS = 200;
/** What waits in memory at most; beyond it (the store unreachable) the oldest waiting are dropped. */
const BUFFER_LIMIT = 5_000;

/**
 * The request log: every authenticated API request, kept for 7 days of its account's clock.
 * A request adds its entry to a buffer as its answer is sent; a timer writes the buffer in one
 * transaction and prunes what is too old or too many. So logging costs a request an array push,
 * and a slow or failing write is never the request's problem. A list first writes what is
 * waiting, so a client reads its own requests.
 */
export class RequestLog {
  private buffer: RequestLogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;

  constructor(private readonly deps: Deps) {}

  record(entry: RequestLogRecord): void {
    this.buffer.push(entry);
    if (this.buffer.length > BUFFER_LIMIT) {
      this.buffer.splice(0, this.buffer.length - BUFFER_LIMIT);
      this.dropped++;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Writes what is waiting (and waits for a write already under way). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async write(batch: RequestLogRecord[]): Promise<void> {
    try {
      const accounts = new Map<string, number>();
      for (const e of batch) accounts.set(e.accountId, Math.max(accounts.get(e.accountId) ?? 0, e.at));
      await this.deps.store.transaction(async (tx) => {
        await tx.requestLog.insertMany(batch);
        for (const [accountId, latest] of accounts)
          await tx.requestLog.prune(
            accountId,
            latest - REQUEST_LOG_RETENTION_MS,
            this.deps.settings?.requestLogMaxPerAccount ?? REQUEST_LOG_MAX_PER_ACCOUNT,
          );
      });
    } catch (error) {
      // the log is diagnostics: a batch that cannot be written is dropped, and said so once
      // (a full disk is said once by the store, however many batches it drops)
      if (!isQuietStoreError(error))
        this.deps.logger.warn(
          { ...errorSummary(error), requests: batch.length },
          'request log: a batch was not written',
        );
    }
    if (this.dropped > 0) {
      this.deps.logger.warn(
        { batches: this.dropped },
        'request log: requests dropped while the store was behind',
      );
      this.dropped = 0;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

export async function listRequests(
  deps: Deps,
  log: RequestLog,
  caller: Caller,
  filters: RequestLogFilters,
  page: PageQuery,
): Promise<Page<RequestLogRecord>> {
  await log.flush();
  const cutoff = now(deps, caller) - REQUEST_LOG_RETENTION_MS;
  return deps.store.read((tx) =>
    tx.requestLog.list(
      caller.account.id,
      {
        ...filters,
        createdTime: { ...filters.createdTime, gte: Math.max(filters.createdTime?.gte ?? 0, cutoff) },
      },
      page,
    ),
  );
}

declare module 'fastify' {
  interface FastifyInstance {
    requestLog: RequestLog;
  }
  interface FastifyRequest {
    /** the answer's body as sent (onSend), for the request log */
    sentPayload: unknown;
  }
}

/** The paths the log does not keep: reading the log itself (a `logs tail` would log its polls). */
const UNLOGGED = '/test-helpers/requests';

/** onResponse: the request's entry, for requests an account made (an unknown key has none). */
export function logRequest(deps: Deps, log: RequestLog, request: FastifyRequest, reply: FastifyReply): void {
  const caller = request.caller;
  if (!caller) return;
  const [path = '', query] = request.url.split('?', 2);
  if (path === UNLOGGED || path.startsWith(`${UNLOGGED}/`)) return;
  const status = reply.statusCode;
  const contentType = String(reply.getHeader('content-type') ?? '');
  const responseBody =
    typeof request.sentPayload === 'string' || Buffer.isBuffer(request.sentPayload)
      ? redactBody(request.sentPayload, contentType)
      : request.sentPayload === undefined || request.sentPayload === null
        ? null
        : `[${contentType || 'stream'}]`;
  const hadBody =
    (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0') ||
    request.headers['transfer-encoding'] !== undefined;
  const key = request.headers['idempotency-key'];
  log.record({
    accountId: caller.account.id,
    id: request.id,
    at: now(deps, caller),
    method: request.method,
    // a card number or a key put in the path (a mistaken id) is not kept either
    path: redactText(path),
    query: query === undefined ? null : redactQuery(query),
    status,
    idempotencyKey: typeof key === 'string' ? key : null,
    durationMs: Math.round(reply.elapsedTime),
    requestBody: hadBody ? redactBody(request.body) : null,
    responseBody,
    errorCode: status >= 400 ? errorCodeOf(request.sentPayload) : null,
  });
}

function errorCodeOf(payload: unknown): string | null {
  if (typeof payload !== 'string') return null;
  try {
    const code = (JSON.parse(payload) as { errors?: { code?: unknown }[] }).errors?.[0]?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}
