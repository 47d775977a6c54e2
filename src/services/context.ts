import type { EventType } from '../domain/events.js';
import type { ApiVersion } from '../domain/versions.js';
import { accountNow, type SystemClock } from '../lib/clock.js';
import { newUuid } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { PaymentProcessor } from '../processor/processor.js';
import type { AccountRecord, EventRecord, Json } from '../store/records.js';
import type { Store } from '../store/store.js';
import { previousAttributes } from '../wire/common.js';

/** Behaviour an operator chooses (flags and environment). */
export interface Settings {
  /** `deny` refuses webhook addresses that are loopback, private or link-local (shared deployments) */
  webhookPrivateAddresses: 'allow' | 'deny';
  /** requests per second per API key (TRIBUTARY_RATE_LIMIT); unset: no limit */
  rateLimitPerSecond?: number | undefined;
  /** where this server is reached (TRIBUTARY_PUBLIC_URL, else where it listens): file URLs */
  publicUrl?: string | undefined;
  /** check every schema-serialized body against JSON.stringify's (the test apps do) */
  verifySerialization?: boolean | undefined;
  /** how many requests the request log keeps per account (default 10,000) */
  requestLogMaxPerAccount?: number | undefined;
  /** how long an event stream waits for a reader that takes nothing (default EVENT_STREAM_SLOW_READER_MS) */
  eventStreamSlowReaderMs?: number | undefined;
  /** TRIBUTARY_PROCESSOR_TIMEOUT_MS: how long a request waits for the processor (default PROCESSOR_TIMEOUT_MS) */
  processorTimeoutMs?: number | undefined;
  /** TRIBUTARY_INTENT_DEADLINE_MS: when the reconciler takes an intent over (default INTENT_DEADLINE_MS) */
  intentDeadlineMs?: number | undefined;
}

export const DEFAULT_SETTINGS: Settings = { webhookPrivateAddresses: 'allow' };

/** What every service needs, passed explicitly. */
export interface Deps {
  store: Store;
  processor: PaymentProcessor;
  clock: SystemClock;
  logger: Logger;
  settings?: Settings;
}

/** Who is calling: the account behind the API key, and the kind of key. */
export interface Caller {
  account: AccountRecord;
  keyKind: 'secret' | 'public';
  /** the request's `DigitalRiver-Version`, when it sent one */
  apiVersion?: ApiVersion | undefined;
}

/** The API version a caller speaks: its request's, else its account's default. */
export function versionOf(caller: Caller): ApiVersion {
  return caller.apiVersion ?? caller.account.apiVersion;
}

const DEFAULT_PUBLIC_URL = 'http://localhost:8080';

/** The server's public address, without a trailing slash. */
export function publicUrlOf(deps: Deps): string {
  return (deps.settings?.publicUrl ?? DEFAULT_PUBLIC_URL).replace(/\/+$/, '');
}

export function now(deps: Deps, caller: Caller): number {
  return accountNow(deps.clock, caller.account.clockOffsetMs);
}

export function newEvent(
  accountId: string,
  type: EventType,
  object: Json,
  createdAt: number,
  previousAttributes: Json | null = null,
): EventRecord {
  return { accountId, id: newUuid(), type, object, previousAttributes, createdAt };
}

/** An update event: the object after, and what it changed (DR's `data.previousAttributes`). */
export function updateEvent(
  accountId: string,
  type: EventType,
  before: Json,
  after: Json,
  createdAt: number,
): EventRecord {
  return newEvent(accountId, type, after, createdAt, previousAttributes(before, after) as Json);
}
