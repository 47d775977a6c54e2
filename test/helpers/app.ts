import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { SystemClock } from '../../src/lib/clock.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { Simulator } from '../../src/processor/simulator/simulator.js';
import { createAccount, type KeyPair } from '../../src/services/accounts.js';
import { DEFAULT_SETTINGS, type Deps, type Settings } from '../../src/services/context.js';
import type { Store } from '../../src/store/store.js';
import { checkContract } from './contract.js';
import { openTestStore, type StoreKind, type TestStore } from './stores.js';

/**
 * One app per test file (fastify/demo's helper): a real store, the real simulator, requests
 * through `inject`. Every response the client sees is checked against DR's OpenAPI document.
 */

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
  raw: string;
}

export interface RequestOptions {
  key?: string | null;
  headers?: Record<string, string>;
  /** skip the contract check (for statuses DR does not document, such as 413) */
  unchecked?: boolean;
  /** send this exact payload text instead of JSON-encoding `body` */
  rawBody?: string;
}

export class Api {
  constructor(
    private readonly app: FastifyInstance,
    private readonly defaultKey: string,
  ) {}

  /** A GET whose answer is not JSON (a PDF): status, headers and the bytes. */
  async bytes(
    url: string,
  ): Promise<{ statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }> {
    const response = await this.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${this.defaultKey}` },
    });
    return { statusCode: response.statusCode, headers: response.headers, rawPayload: response.rawPayload };
  }

  async request<T = any>(
    method: string,
    url: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<Response<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? this.defaultKey : options.key;
    if (key !== null) headers['authorization'] = `Bearer ${key}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined && headers['content-type'] === undefined)
      headers['content-type'] = 'application/json';
    const response = await this.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    const raw = response.body;
    // a file's content (application/pdf) is bytes, not JSON: its body stays undefined
    const json = String(response.headers['content-type'] ?? 'application/json').includes('json');
    const parsed = raw.length > 0 && json ? JSON.parse(raw) : undefined;
    if (!options.unchecked && json) {
      const result = checkContract(method, url, response.statusCode, parsed);
      assert.deepEqual(
        result.errors,
        [],
        `${method} ${url} → ${response.statusCode} breaks DR's contract:\n${raw.slice(0, 2000)}`,
      );
      if (response.statusCode >= 400) assertErrorEnvelope(parsed, response.statusCode);
    }
    return { status: response.statusCode, body: parsed as T, headers: response.headers, raw };
  }

  get<T = any>(url: string, options?: RequestOptions) {
    return this.request<T>('GET', url, undefined, options);
  }
  post<T = any>(url: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('POST', url, body, options);
  }
  put<T = any>(url: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PUT', url, body, options);
  }
  delete<T = any>(url: string, options?: RequestOptions) {
    return this.request<T>('DELETE', url, undefined, options);
  }
}

const TYPES_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'bad_request',
  429: 'too_many_requests',
  500: 'internal_server_error',
  503: 'service_unavailable',
};

/** SPEC §1: a DR error envelope whose type matches the status, with a code and a parameter. */
export function assertErrorEnvelope(body: any, status: number): void {
  assert.equal(typeof body, 'object', `error body of ${status}`);
  assert.equal(body.type, TYPES_BY_STATUS[status], `error type for ${status}: ${JSON.stringify(body)}`);
  assert.ok(Array.isArray(body.errors) && body.errors.length === 1, 'one error');
  assert.equal(typeof body.errors[0].code, 'string');
  assert.equal(typeof body.errors[0].message, 'string');
  // bad input names what is at fault; the server's own failures (5xx) have no parameter to name
  if (status < 500)
    assert.equal(typeof body.errors[0].parameter, 'string', `parameter in ${JSON.stringify(body)}`);
}

/** A clock the test moves by hand. */
export class ManualClock implements SystemClock {
  constructor(private ms = Date.UTC(2026, 0, 15, 12, 0, 0)) {}
  nowMs(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  kind: StoreKind;
  deps: Deps;
  /** the first account, behind `api` */
  accountId: string;
  keys: KeyPair;
  /** a second account, for isolation checks */
  otherKeys: KeyPair;
  /** the client, with the first account's secret key */
  api: Api;
  /** the same client with the public key */
  publicApi: Api;
  /** the second account's client */
  otherApi: Api;
  close(): Promise<void>;
}

export async function buildTestApp(
  kind: StoreKind,
  options: {
    clock?: SystemClock;
    settings?: Settings;
    logger?: Logger;
    /** add routes before the app is ready (tests of the HTTP machinery itself) */
    beforeReady?: (app: FastifyInstance) => void;
    /** SQLite only: told each statement when it is first prepared */
    onPrepare?: (text: string) => void;
  } = {},
): Promise<TestApp> {
  const testStore: TestStore = await openTestStore(kind, { onPrepare: options.onPrepare });
  const { store } = testStore;
  const deps: Deps = {
    store,
    processor: new Simulator(),
    clock: options.clock ?? { nowMs: () => Date.now() },
    logger: options.logger ?? createLogger({ level: process.env['LOG_LEVEL'] ?? 'silent' }),
    settings: { ...DEFAULT_SETTINGS, verifySerialization: true, ...options.settings },
  };
  const app = await buildApp(deps);
  options.beforeReady?.(app);
  await app.ready();
  const now = Date.now();
  const { keys, account } = await createAccount(store, 'Test account', now);
  const { keys: otherKeys } = await createAccount(store, 'Other account', now);
  return {
    app,
    store,
    kind,
    deps,
    accountId: account.id,
    keys,
    otherKeys,
    api: new Api(app, keys.secretKey),
    publicApi: new Api(app, keys.publicKey),
    otherApi: new Api(app, otherKeys.secretKey),
    close: async () => {
      await app.close();
      await testStore.destroy();
    },
  };
}

/** [status, code, parameter] of an answer, to compare errors in one line. */
export const errorOf = (response: { status: number; body: any }) => [
  response.status,
  response.body?.errors?.[0]?.code,
  response.body?.errors?.[0]?.parameter,
];
