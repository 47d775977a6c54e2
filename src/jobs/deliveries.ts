import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { type ApiVersion, isApiVersion, LATEST_API_VERSION, webhookVersion } from '../domain/versions.js';
import { isDeniedAddress } from '../domain/webhook/address.js';
import { DELIVERY_TIMEOUT_MS, nextAttemptAt } from '../domain/webhook/schedule.js';
import { accountNow } from '../lib/clock.js';
import { newUuid } from '../lib/ids.js';
import { errorSummary } from '../lib/logger.js';
import { signatureHeaders } from '../lib/webhook-signature.js';
import {
  DELIVERY_CONCURRENCY_MAX,
  DELIVERY_CONCURRENCY_PER_ACCOUNT_MAX,
  DELIVERY_CONCURRENCY_PER_WEBHOOK_MAX,
  DELIVERY_STOP_GRACE_MS,
} from '../limits.js';
import { DEFAULT_SETTINGS, type Deps, newEvent } from '../services/context.js';
import { detached } from '../store/ambient.js';
import { isQuietStoreError } from '../store/db-errors.js';
import type { DeliveryAttemptRecord, DeliveryRecord, EventRecord, WebhookRecord } from '../store/records.js';
import type { Tx } from '../store/store.js';
import { eventToWire } from '../wire/event.js';
import { webhookToWire } from '../wire/webhook.js';

/**
 * Webhook delivery from the event outbox. Deliveries are rows written with their events, so a
 * worker only ever sees what committed. It claims due deliveries with a lease (several workers or
 * processes never send the same attempt twice; a crashed worker's claims come back), POSTs each
 * event, signed, with a 3 s timeout over keep-alive connections, and records every attempt.
 * Only 2xx delivers; 3xx fails and is never followed; 410 disables the webhook; anything else is
 * retried on the published schedule, and a webhook failing for the whole window is disabled.
 */

const LEASE_MS = 30_000;
/** Attempts written in one transaction at most. */
const RECORD_BATCH_MAX = 500;
const POLL_BUSY_MS = 10;
const POLL_IDLE_MS = 100;
const ERROR_TEXT_MAX = 500;
const USER_AGENT = 'Tributary-Webhooks/1';

type Lookup = (
  hostname: string,
  options: object,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** DNS that refuses names resolving to denied addresses (checked at connect: no rebinding). */
const guardedLookup: Lookup = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    const denied = list.find((a) => isDeniedAddress(a.address));
    if (denied) {
      const refused: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to ${denied.address}, a private address (denied)`,
      );
      refused.code = 'EADDRDENIED';
      return callback(refused, []);
    }
    if ((options as { all?: boolean }).all) return callback(null, list);
    const first = list[0];
    return first
      ? callback(null, first.address, first.family)
      : callback(new Error(`${hostname} has no address`), []);
  });
};

interface Outcome {
  /** the attempt was cut short by shutdown: not the receiver's doing, so not recorded */
  abandoned?: true;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** what was sent and got back, for the attempt's record */
  sent?: { headers: Record<string, string>; body: string };
  responseBody?: string | null;
}

/** What an attempt keeps of a body: its first 16 KiB (and of an answer, its first 2 KiB, in bytes). */
const KEPT_REQUEST_BODY = 16 * 1024;
export const KEPT_RESPONSE_BODY = 2 * 1024;
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

interface Result {
  delivery: DeliveryRecord;
  clockOffsetMs: number;
  event: EventRecord | undefined;
  webhook: WebhookRecord | undefined;
  outcome: Outcome | undefined;
}

/**
 * The start of a receiver's answer, as much as is kept (KEPT_RESPONSE_BODY bytes, marked `…` when
 * there was more): reading stops there, or once the attempt has taken DELIVERY_TIMEOUT_MS (a body
 * that drips a chunk every few seconds does not hold an attempt open; each gap is bounded by the
 * agent's bodyTimeout).
 */
async function keptBody(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  started: bigint,
): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    kept += chunk.length;
    const tookMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
    if (kept > KEPT_RESPONSE_BODY || tookMs > DELIVERY_TIMEOUT_MS) {
      body.destroy();
      break;
    }
  }
  const all = Buffer.concat(chunks);
  if (all.length <= KEPT_RESPONSE_BODY) return all.toString('utf8');
  // cut on a character boundary: a UTF-8 continuation byte (10xxxxxx) is not a start
  let end = KEPT_RESPONSE_BODY;
  while (end > 0 && ((all[end] ?? 0) & 0xc0) === 0x80) end--;
  return `${all.subarray(0, end).toString('utf8')}…`;
}

/** Adds `by` to a count of things in flight (a count that reaches 0 is removed). */
function count(counts: Map<string, number>, key: string, by: 1 | -1): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}

/** What a batch of outcomes writes together: attempts, and successes by account and time. */
interface Written {
  attempts: DeliveryAttemptRecord[];
  delivered: Map<string, { accountId: string; now: number; ids: string[] }>;
}

export class DeliveryWorker {
  private readonly agent: Agent;
  private readonly deny: boolean;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perWebhook = new Map<string, number>();
  private readonly perAccount = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private ticking = false;
  /** the tick running now, if any */
  private current: Promise<number> | undefined;
  /** A wake arrived during a tick: look again right after it. */
  private again = false;
  /** the last claim found nothing due (the next one reads first) */
  private foundNothing = true;
  /** a wake (this process appended events, a delivery ended) since the last tick */
  private woken = false;
  private stopped = true;
  /** stop() was called: the worker never claims again */
  private ended = false;
  /** aborts the sends still in flight when a stop's grace period is over */
  private readonly aborts = new AbortController();

  constructor(
    private readonly deps: Deps,
    private readonly options: { concurrency?: number; perWebhook?: number; perAccount?: number } = {},
  ) {
    this.deny = (deps.settings ?? DEFAULT_SETTINGS).webhookPrivateAddresses === 'deny';
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      // a connection per request in flight (no limit per receiver; DELIVERY_CONCURRENCY_MAX bounds
      // them all): a request never waits for a connection, so the 3 s timeout measures the
      // receiver, not a queue in front of it
      connections: null,
      headersTimeout: DELIVERY_TIMEOUT_MS,
      bodyTimeout: DELIVERY_TIMEOUT_MS,
      maxRedirections: 0,
      // the agent's own timers bound every phase of an attempt (connect, headers, each body
      // chunk): no timer of its own per attempt
      connect: { timeout: DELIVERY_TIMEOUT_MS, ...(this.deny ? { lookup: guardedLookup } : {}) },
    } as ConstructorParameters<typeof Agent>[0]);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Look for due deliveries now (after events were appended or the clock moved). */
  wake(): void {
    this.woken = true;
    if (!this.stopped) this.schedule(0);
  }

  /** Runs a tick in `ms`, unless one is already due sooner (so frequent wakes never delay it). */
  private schedule(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    // never inside a request's ambient transaction (a wake may come from a handler)
    this.timer = detached(() =>
      setTimeout(() => {
        this.timer = undefined;
        void this.tick();
      }, ms),
    );
    this.timer.unref();
  }

  private get capacity(): number {
    return (this.options.concurrency ?? DELIVERY_CONCURRENCY_MAX) - this.inFlight.size;
  }

  /** Claims what is due and starts sending; returns how many it started. */
  tick(): Promise<number> {
    // after stop() nothing more is claimed (a wake or a drain that comes late)
    if (this.ended) return Promise.resolve(0);
    if (this.ticking) {
      this.again = true;
      return Promise.resolve(0);
    }
    this.current = this.claimAndSend();
    return this.current;
  }

  private async claimAndSend(): Promise<number> {
    this.ticking = true;
    this.again = false;
    let started = 0;
    try {
      const free = this.capacity;
      const limits = {
        perWebhook: this.options.perWebhook ?? DELIVERY_CONCURRENCY_PER_WEBHOOK_MAX,
        inFlight: this.perWebhook,
        perAccount: this.options.perAccount ?? DELIVERY_CONCURRENCY_PER_ACCOUNT_MAX,
        inFlightByAccount: this.perAccount,
      };
      // an idle worker (nothing in flight, and the last claim found nothing) reads first: woken
      // after every request, as without webhooks, it then takes no write transaction. A busy
      // one claims directly (reading first there measured a doubled delivery lag)
      // several processes on one database: each sends what its own requests produced at once
      // (woken), and only the leader polls for the rest (retries falling due, other processes'
      // leftovers), so that N processes do not poll N times
      const woken = this.woken;
      this.woken = false;
      const polls = woken || this.inFlight.size > 0 || (await this.deps.store.leads('deliveries'));
      const worthClaiming =
        polls &&
        free > 0 &&
        (!this.foundNothing ||
          this.inFlight.size > 0 ||
          (await this.deps.store.read((tx) => tx.webhooks.anyDue(this.deps.clock.nowMs(), limits))));
      if (worthClaiming) {
        // one transaction claims a batch and reads what it needs
        const { claimed, events, webhooks } = await this.deps.store.transaction(async (tx) => {
          const batch = await tx.webhooks.claimDue(this.deps.clock.nowMs(), LEASE_MS, {
            total: free,
            ...limits,
          });
          return {
            claimed: batch,
            events: await tx.events.getPairs(
              batch.map((c) => ({ accountId: c.delivery.accountId, id: c.delivery.eventId })),
            ),
            webhooks: await tx.webhooks.getPairs(
              batch.map((c) => ({ accountId: c.delivery.accountId, id: c.delivery.webhookId })),
            ),
          };
        });
        this.foundNothing = claimed.length === 0;
        // stopped while claiming: what was claimed is left to its lease, which ends and lets
        // it be claimed again (by this server when it starts again, or another process)
        if (this.ended) return 0;
        for (const { delivery, clockOffsetMs, apiVersion } of claimed) {
          started += 1;
          count(this.perWebhook, delivery.webhookId, +1);
          count(this.perAccount, delivery.accountId, +1);
          const event = events.get(`${delivery.accountId}/${delivery.eventId}`);
          const webhook = webhooks.get(`${delivery.accountId}/${delivery.webhookId}`);
          let released = false;
          // the webhook's slot frees when the exchange with the receiver ends, before the attempt
          // is written (its lease keeps it from being claimed again meanwhile)
          const release = () => {
            if (released) return;
            released = true;
            count(this.perWebhook, delivery.webhookId, -1);
            count(this.perAccount, delivery.accountId, -1);
            this.wake();
          };
          const sending: Promise<void> = this.send(
            delivery,
            event,
            webhook,
            clockOffsetMs,
            apiVersion,
            release,
          )
            .catch((error: unknown) =>
              this.deps.logger.error({ err: error, delivery: delivery.id }, 'delivery failed unexpectedly'),
            )
            .finally(() => {
              release();
              this.inFlight.delete(sending);
              this.wake();
            });
          this.inFlight.add(sending);
        }
      }
    } catch (error) {
      // the next tick tries again: one line, not a stack per tick (none for a full disk, which
      // the store says once)
      if (!isQuietStoreError(error))
        this.deps.logger.error(errorSummary(error), 'claiming deliveries failed; retrying on the next tick');
    } finally {
      this.ticking = false;
      this.schedule(this.again ? 0 : started > 0 ? POLL_BUSY_MS : POLL_IDLE_MS);
    }
    return started;
  }

  /** Waits until nothing is in flight and nothing is due (tests, benchmarks, shutdown). */
  async drain(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      await Promise.all([...this.inFlight]);
      if (this.ticking) {
        // a timer's tick is claiming right now: what it starts must be waited for too
        await this.current;
        continue;
      }
      if ((await this.tick()) === 0 && this.inFlight.size === 0 && !this.ticking) return;
    }
    throw new Error('deliveries did not drain in time');
  }

  /**
   * Stops for good: claims nothing more, waits for a claim under way, gives the sends in flight
   * `graceMs` to finish (their outcomes are written), then aborts the rest. An aborted send is
   * not an attempt: nothing is written for it, and its delivery is claimed again once its lease
   * ends. Resolves when nothing of the worker runs any more (the store may then close).
   */
  async stop(graceMs = DELIVERY_STOP_GRACE_MS): Promise<void> {
    this.ended = true;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.current?.catch(() => undefined);
    const sending = Promise.all([...this.inFlight]);
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      graceTimer = setTimeout(resolve, graceMs);
    });
    await Promise.race([sending, graceOver]);
    clearTimeout(graceTimer);
    this.aborts.abort();
    await sending;
    await this.agent.destroy();
  }

  private async send(
    delivery: DeliveryRecord,
    event: EventRecord | undefined,
    webhook: WebhookRecord | undefined,
    clockOffsetMs: number,
    accountVersion: string,
    release: () => void,
  ): Promise<void> {
    if (!event || !webhook) {
      await this.recorded({
        delivery,
        clockOffsetMs,
        event: undefined,
        webhook: undefined,
        outcome: undefined,
      });
      return;
    }
    const version = webhookVersion(
      webhook.apiVersion,
      isApiVersion(accountVersion) ? accountVersion : LATEST_API_VERSION,
    );
    const outcome = await this.post(webhook, event, clockOffsetMs, version);
    release();
    if (outcome.abandoned) return;
    await this.recorded({ delivery, clockOffsetMs, event, webhook, outcome });
  }

  /**
   * Outcomes are written in batches: whatever finished while the previous batch was being
   * written goes in the next transaction (one commit for many attempts).
   */
  private queue: { result: Result; done: () => void; failed: (e: unknown) => void }[] = [];
  private flushing = false;

  private recorded(result: Result): Promise<void> {
    return new Promise((done, failed) => {
      this.queue.push({ result, done, failed });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, RECORD_BATCH_MAX);
        try {
          await this.deps.store.transaction(async (tx) => {
            // one INSERT for the batch's attempts, one UPDATE per account for its successes
            const written: Written = { attempts: [], delivered: new Map() };
            for (const { result } of batch) await this.record(tx, result, written);
            await tx.webhooks.insertAttempts(written.attempts);
            for (const { accountId, now, ids } of written.delivered.values())
              await tx.webhooks.markDelivered(accountId, ids, now);
          });
          for (const b of batch) b.done();
        } catch (error) {
          for (const b of batch) b.failed(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async post(
    webhook: WebhookRecord,
    event: EventRecord,
    clockOffsetMs: number,
    version: ApiVersion,
  ): Promise<Outcome> {
    const body = JSON.stringify(eventToWire(event, version, webhook.expand));
    const now = accountNow(this.deps.clock, clockOffsetMs);
    const secrets = [webhook.secret];
    if (webhook.previousSecret && (webhook.previousSecretUntil ?? 0) > now)
      secrets.push(webhook.previousSecret);
    // signed with real time, so that receivers' replay windows hold even on a moved test clock
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...signatureHeaders({
        messageId: event.id,
        body,
        timestampSeconds: Math.floor(Date.now() / 1000),
        secrets,
      }),
    };
    if (webhook.authentication) {
      const { username, password } = webhook.authentication;
      headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const started = process.hrtime.bigint();
    const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
    const sent = {
      headers: headers['authorization'] ? { ...headers, authorization: '[redacted]' } : headers,
      body: cut(body, KEPT_REQUEST_BODY),
    };
    try {
      const url = new URL(webhook.address);
      if (this.deny && isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0 && isDeniedAddress(url.hostname)) {
        return { status: null, error: `${url.hostname} is a private address (denied)`, durationMs: 0, sent };
      }
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        signal: this.aborts.signal,
      });
      const text = await keptBody(response.body, started);
      const status = response.statusCode;
      const error =
        status >= 200 && status < 300
          ? null
          : status >= 300 && status < 400
            ? `redirect to ${String(response.headers['location'] ?? '?')} (not followed)`
            : `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
      return { status, error, durationMs: elapsed(), sent, responseBody: text };
    } catch (error) {
      if (this.aborts.signal.aborted)
        return { abandoned: true, status: null, error: 'abandoned at shutdown', durationMs: elapsed() };
      const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const timedOut =
        e.name === 'TimeoutError' ||
        e.name === 'AbortError' ||
        e.code === 'UND_ERR_CONNECT_TIMEOUT' ||
        e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
        e.code === 'UND_ERR_BODY_TIMEOUT';
      const detail = timedOut
        ? `timed out after ${DELIVERY_TIMEOUT_MS} ms`
        : `${e.cause?.code ?? e.code ?? e.name}: ${e.cause?.message ?? e.message}`;
      return { status: null, error: detail.slice(0, ERROR_TEXT_MAX), durationMs: elapsed(), sent };
    }
  }

  /** Writes an outcome's rare parts now and collects its common ones in `written`. */
  private async record(
    tx: Tx,
    { delivery, event, webhook, outcome, clockOffsetMs }: Result,
    written: Written,
  ): Promise<void> {
    const now = accountNow(this.deps.clock, clockOffsetMs);
    if (!event || !webhook || !outcome) {
      await tx.webhooks.finishAttempt({ ...delivery, state: 'cancelled', updatedAt: now });
      return;
    }
    const delivered = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const number = delivery.attempts + 1;
    const next = delivered
      ? null
      : nextAttemptAt(delivery.firstDueAt, delivery.nextAttemptAt, number, Math.random());
    const gone = outcome.status === 410;
    const giveUp = !delivered && (gone || next === null);
    written.attempts.push({
      accountId: delivery.accountId,
      id: newUuid(),
      deliveryId: delivery.id,
      eventId: event.id,
      eventType: event.type,
      webhookId: webhook.id,
      number,
      scheduledAt: delivery.nextAttemptAt,
      attemptedAt: Math.max(now, delivery.nextAttemptAt),
      durationMs: outcome.durationMs,
      status: outcome.status,
      error: outcome.error,
      outcome: delivered ? 'delivered' : 'failed',
      requestHeaders: outcome.sent?.headers ?? null,
      requestBody: outcome.sent?.body ?? null,
      responseBody: outcome.responseBody ?? null,
      nextAttemptAt: giveUp ? null : next,
    });
    if (delivered) {
      const key = `${delivery.accountId}\n${now}`;
      const group = written.delivered.get(key) ?? { accountId: delivery.accountId, now, ids: [] };
      group.ids.push(delivery.id);
      written.delivered.set(key, group);
      return;
    }
    await tx.webhooks.finishAttempt({
      ...delivery,
      state: delivered ? 'delivered' : giveUp ? 'failed' : 'pending',
      attempts: number,
      nextAttemptAt: next ?? delivery.nextAttemptAt,
      updatedAt: now,
    });
    if (!giveUp) return;
    const current = await tx.webhooks.get(webhook.accountId, webhook.id, { lock: true });
    if (!current?.enabled) return;
    const reason = gone
      ? `the receiver answered 410 Gone at ${new Date(now).toISOString()}`
      : 'deliveries kept failing for 72 hours';
    const disabled: WebhookRecord = { ...current, enabled: false, disabledReason: reason, updatedAt: now };
    await tx.webhooks.update(disabled);
    await tx.events.append([newEvent(webhook.accountId, 'webhook.disabled', webhookToWire(disabled), now)]);
  }
}
