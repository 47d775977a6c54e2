// Requests generated from Tributary's own /openapi.json, for every operation: valid ones built
// from the schemas (with real ids of the account's objects), and deliberately invalid ones (wrong
// types, missing fields, huge values, unicode, deep nesting, wrong content types, bad JSON, bad
// keys). Every answer must be < 500; every 4xx DR's error envelope with a code; every 2xx valid
// against DR's document. Seeded: a seed reproduces a run exactly.
import assert from 'node:assert/strict';
import { ERROR_TYPES } from '../../src/domain/errors.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { checkContract } from '../helpers/contract.js';
import { CARDS, createCardSource, digitalCheckoutBody, placeOrder, SKU } from '../helpers/fixtures.js';
import { prng } from '../helpers/prng.js';
import { sendRaw } from '../helpers/raw-http.js';
import type { StoreKind } from '../helpers/stores.js';

type Schema = any;

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema: Schema; required: boolean }[];
  body: Schema | undefined;
  noAuth: boolean;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  operations: number;
  statuses: Record<string, number>;
  failures: string[];
}

const UNICODE = [
  'é',
  'ß',
  '日本語',
  '🙂',
  '👩‍👩‍👧',
  '\u202e',
  '\u200b',
  '\u0000',
  '\ud800',
  'Ω≈ç√',
  '<script>',
  "'; DROP TABLE orders;--",
  '%00',
  '../../etc/passwd',
  '\\',
  '"',
];

class Gen {
  constructor(readonly random: () => number) {}
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  junkString(): string {
    switch (this.int(6)) {
      case 0:
        return '';
      case 1:
        return 'x'.repeat(this.pick([256, 1_001, 10_000, 100_000]));
      case 2:
        return Array.from({ length: 1 + this.int(5) }, () => this.pick(UNICODE)).join('');
      case 3:
        return String(this.random() * 10 ** this.int(30));
      case 4:
        return ' ';
      default:
        return Math.random()
          .toString(36)
          .slice(2, 2 + this.int(12));
    }
  }
  junk(depth = 0): unknown {
    switch (this.int(10)) {
      case 0:
        return null;
      case 1:
        return this.junkString();
      case 2:
        return this.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 63, Number.MAX_SAFE_INTEGER + 2, 1e-9]);
      case 3:
        return this.chance(0.5);
      case 4:
        return depth > 2 ? [] : Array.from({ length: this.int(4) }, () => this.junk(depth + 1));
      case 5:
        return depth > 2 ? {} : { [this.junkString().slice(0, 40) || 'k']: this.junk(depth + 1) };
      case 6:
        return deep(this.pick([5, 50, 500]));
      default:
        return this.junkString();
    }
  }
}

/** URL-encodes, writing a lone surrogate as the bytes of an invalid UTF-8 sequence. */
function enc(text: string): string {
  return text
    .split(/([\ud800-\udfff])/)
    .map((part) => (/^[\ud800-\udfff]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');
}

const NESTED = '\u0001nested\u0001';

function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

/** A value that satisfies `schema` as far as this generator knows (ids from `ids`). */
function valid(gen: Gen, schema: Schema, name: string, ids: IdPool, depth = 0): unknown {
  if (!schema || depth > 6) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return gen.pick(schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) return valid(gen, gen.pick(variants), name, ids, depth + 1);
  const type = Array.isArray(schema.type)
    ? gen.pick(schema.type.filter((t: string) => t !== 'null'))
    : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries<Schema>(schema.properties ?? {})) {
        const required = (schema.required ?? []).includes(key);
        if (required || gen.chance(0.35)) {
          const value = valid(gen, sub, key, ids, depth + 1);
          if (value !== undefined) out[key] = value;
        }
      }
      return out;
    }
    case 'array': {
      const n = Math.max(schema.minItems ?? 0, gen.int(3));
      return Array.from({ length: Math.min(n, schema.maxItems ?? n) }, () =>
        valid(gen, schema.items, name, ids, depth + 1),
      );
    }
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? (name.toLowerCase().includes('year') ? 2035 : 100);
      const n = min + gen.int(Math.max(1, Math.min(max, min + 100) - min + 1));
      return type === 'integer' ? n : gen.chance(0.5) ? n : n + 0.5;
    }
    case 'boolean':
      return gen.chance(0.5);
    case 'string':
      return stringFor(gen, schema, name, ids);
    default:
      return gen.chance(0.5) ? stringFor(gen, {}, name, ids) : gen.int(10);
  }
}

function stringFor(gen: Gen, schema: Schema, name: string, ids: IdPool): string {
  const lower = name.toLowerCase();
  if (schema.format === 'email' || lower.includes('email')) return `fuzz${gen.int(1000)}@example.com`;
  if (schema.format === 'date-time' || lower.endsWith('at') || lower === 'since')
    return new Date(Date.UTC(2026, gen.int(12), 1 + gen.int(28))).toISOString();
  if (schema.format === 'uri' || lower === 'address') return `http://127.0.0.1:9/${gen.int(100)}`;
  if (lower === 'currency') return gen.pick(['USD', 'EUR', 'JPY', 'GBP', 'XXX']);
  if (lower === 'country') return gen.pick(['US', 'DE', 'JP', 'GB', 'ZZ']);
  if (lower === 'number') return gen.pick(Object.values(CARDS));
  if (lower === 'cvv') return '123';
  if (lower.endsWith('id') || lower === 'id') return ids.forName(gen, lower);
  if (lower === 'types' || lower === 'type') return gen.pick(['*', 'order.*', 'order.accepted']);
  if (schema.pattern === '^[0-9]+$' || lower === 'postalcode') return String(10000 + gen.int(89999));
  const length = Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 12, 1 + gen.int(12)));
  return 'f'.repeat(length);
}

class IdPool {
  readonly byKind = new Map<string, string[]>();
  add(kind: string, id: string | undefined): void {
    if (!id) return;
    const list = this.byKind.get(kind) ?? [];
    list.push(String(id));
    this.byKind.set(kind, list);
  }
  all(): string[] {
    return [...this.byKind.values()].flat();
  }
  forName(gen: Gen, name: string): string {
    const kind = name.replace(/id$/, '').replace(/s$/, '') || 'any';
    const list = this.byKind.get(kind);
    if (list && gen.chance(0.85)) return gen.pick(list);
    return gen.chance(0.5) ? gen.pick(this.all()) : gen.junkString();
  }
  /** An id for a path like /orders/{id}/…: the resource is the segment before the parameter. */
  forPath(gen: Gen, path: string, param: string): string {
    if (param !== 'id') return this.forName(gen, param.toLowerCase());
    const segments = path.split('/');
    const at = segments.indexOf(`{${param}}`);
    const resource = (segments[at - 1] ?? '').replace(/s$/, '');
    const list = this.byKind.get(resource);
    if (list && gen.chance(0.8)) return gen.pick(list);
    return gen.chance(0.3) ? gen.pick(this.all()) : gen.junkString().slice(0, 300);
  }
}

async function seedObjects(t: TestApp): Promise<IdPool> {
  const ids = new IdPool();
  const sku = await t.api.put('/skus/fuzz-sku', { ...SKU, name: 'Fuzz' });
  ids.add('sku', sku.body?.id);
  const customer = await t.api.post('/customers', { email: 'fuzz@example.com' });
  ids.add('customer', customer.body?.id);
  for (let i = 0; i < 3; i++) {
    const order = await placeOrder(t.api, t.publicApi);
    ids.add('order', order.id);
    ids.add('checkout', order.checkoutId);
    for (const item of order.items) ids.add('item', item.id);
    for (const charge of order.payment?.charges ?? []) ids.add('charge', charge.id);
    for (const source of order.payment?.sources ?? []) ids.add('source', source.id);
    if (i > 0) {
      const item = order.items[0];
      const ful = await t.api.post('/fulfillments', {
        orderId: order.id,
        items: [{ itemId: item.id, quantity: item.quantity }],
      });
      ids.add('fulfillment', ful.body?.id);
    }
  }
  const checkout = await t.api.post('/checkouts', digitalCheckoutBody());
  ids.add('checkout', checkout.body?.id);
  ids.add('source', (await createCardSource(t.publicApi)).id);
  const hook = await t.api.post('/webhooks', { types: ['*'], address: 'http://127.0.0.1:9/hooks' });
  ids.add('webhook', hook.body?.id);
  const events = await t.api.get('/events?limit=20');
  for (const e of events.body?.data ?? []) ids.add('event', e.id);
  return ids;
}

function operationsOf(doc: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      if (path.startsWith('/test-helpers/reset')) continue; // would wipe the seeded objects
      // a stream answers for as long as the client listens: its refusals are tested on their own
      if (op.responses?.['200']?.content?.['text/event-stream']) continue;
      out.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p: Schema) => ({
          name: p.name,
          in: p.in,
          schema: p.schema,
          required: p.required === true,
        })),
        body: op.requestBody?.content?.['application/json']?.schema,
        noAuth: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return out;
}

/** One request: a valid one, or a valid one broken in one way. */
function requestFor(
  gen: Gen,
  op: Operation,
  ids: IdPool,
  keys: TestApp['keys'],
): {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
  /** the bytes to send on a socket instead (a request broken on the wire) */
  wire?: string;
} {
  const mutation = gen.chance(0.35) ? 'none' : gen.pick(MUTATIONS);
  let url = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    enc(mutation === 'path' ? gen.junkString().slice(0, 500) || 'x' : ids.forPath(gen, op.path, name)),
  );
  const query: string[] = [];
  for (const p of op.params.filter((x) => x.in === 'query')) {
    if (!p.required && !gen.chance(0.3)) continue;
    const value =
      mutation === 'query' && gen.chance(0.5)
        ? gen.junk()
        : valid(gen, p.schema ?? { type: 'string' }, p.name, ids);
    query.push(`${enc(p.name)}=${enc(typeof value === 'string' ? value : JSON.stringify(value))}`);
  }
  if (mutation === 'query') query.push(`${enc(gen.junkString().slice(0, 50) || 'q')}=1`);
  if (query.length > 0) url += `?${query.join('&')}`;

  const headers: Record<string, string> = {};
  const key =
    mutation === 'auth'
      ? gen.pick(['', 'sk_test_nope', keys.publicKey, 'Basic Og==', 'x'.repeat(5000)])
      : keys.secretKey;
  if (key) headers['authorization'] = key.startsWith('Basic') ? key : `Bearer ${key}`;
  if (op.path.startsWith('/payments/sources') && mutation !== 'auth' && gen.chance(0.5))
    headers['authorization'] = `Bearer ${keys.publicKey}`;
  // deep bodies meet the idempotency fingerprint too
  if (op.method !== 'GET' && gen.chance(mutation === 'nested' ? 0.5 : 0.05))
    headers['idempotency-key'] = `fuzz-${gen.int(1000)}`;

  let body: unknown = op.body ? valid(gen, op.body, 'body', ids) : undefined;
  if (op.body && body && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    const props = Object.keys(op.body.properties ?? {});
    if (mutation === 'missing') {
      for (const r of op.body.required ?? []) if (gen.chance(0.7)) delete record[r];
    } else if (mutation === 'type' && props.length > 0) {
      record[gen.pick(props)] = gen.junk();
    } else if (mutation === 'huge' && props.length > 0) {
      record[gen.pick(props)] = gen.pick(['x'.repeat(200_000), 1e308, -1, 10 ** 20, [deep(50)]]);
    } else if (mutation === 'unicode' && props.length > 0) {
      record[gen.pick(props)] = gen.pick(UNICODE).repeat(1 + gen.int(3));
    } else if (mutation === 'nested') {
      record[props.length > 0 ? gen.pick(props) : 'nested'] = NESTED;
    } else if (mutation === 'extra') {
      record[gen.junkString().slice(0, 60) || 'extra'] = gen.junk();
    } else if (mutation === 'shape') {
      body = gen.pick([[], 'text', 42, null, true]);
    }
  }
  let payload = body === undefined ? undefined : JSON.stringify(body);
  // deep nesting is written as text: deeper than JSON.stringify can go
  if (payload?.includes(`"${NESTED}"`)) {
    const levels = gen.pick([100, 1_000, 10_000, 100_000]);
    payload = payload.replace(`"${NESTED}"`, `${'['.repeat(levels)}${']'.repeat(levels)}`);
  }
  if (payload !== undefined || op.method !== 'GET') headers['content-type'] = 'application/json';
  if (mutation === 'content-type')
    headers['content-type'] = gen.pick([
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      '',
      'application/json; charset=latin1',
    ]);
  if (mutation === 'json')
    payload = gen.pick([
      '{',
      '{"a":',
      '[1,2',
      '{"__proto__": {"x": 1}}',
      '{"constructor": {"prototype": {}}}',
      'nul',
      '\u0000',
      '{"a":1}{"b":2}',
      '"\\ud800"',
    ]);
  if (mutation === 'empty') payload = '';
  if (headers['content-type'] === '') delete headers['content-type'];
  const request = { method: op.method, url, headers, payload };
  return mutation === 'wire' ? { ...request, wire: wireBytes(gen, request) } : request;
}

/**
 * The request as bytes on a socket, broken the ways only a real connection can break it (Node's
 * HTTP parser sees them; inject does not): oversized headers and URLs, control characters,
 * ambiguous framing, garbage request lines, repeated Idempotency-Key, compressed bodies.
 */
function wireBytes(
  gen: Gen,
  request: { method: string; url: string; headers: Record<string, string>; payload: string | undefined },
): string {
  const body = request.payload ?? '';
  const lines = Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`);
  let line = `${request.method} ${request.url} HTTP/1.1`;
  let framing = [`Content-Length: ${Buffer.byteLength(body)}`];
  switch (gen.int(8)) {
    case 0:
      lines.push(`X-Fuzz: ${'a'.repeat(gen.pick([17_000, 40_000]))}`);
      break;
    case 1:
      lines.push(`X-Fuzz: a${gen.pick(['\u0001', '\u007f', '\u0000', '\u001b'])}b`);
      break;
    case 2:
      framing = [
        `Content-Length: ${Buffer.byteLength(body)}`,
        `Content-Length: ${Buffer.byteLength(body) + 1}`,
      ];
      break;
    case 3:
      framing = [`Content-Length: ${Buffer.byteLength(body)}`, 'Transfer-Encoding: chunked'];
      break;
    case 4:
      line = gen.pick([
        'HELLO THERE',
        'GET',
        `${request.method} ${request.url} HTTP/9.9`,
        '\u0000\u0001\u0002',
        'GET /orders HTTP/1.1 extra',
      ]);
      break;
    case 5:
      lines.push('Idempotency-Key: fuzz-a', 'Idempotency-Key: fuzz-b');
      break;
    case 6:
      lines.push(`Content-Encoding: ${gen.pick(['br', 'gzip', 'deflate', 'x-custom', 'identity'])}`);
      break;
    default:
      line = `${request.method} ${request.url}${request.url.includes('?') ? '&' : '?'}${Array.from({ length: gen.pick([100, 10_000]) }, (_, i) => `p${i}=1`).join('&')} HTTP/1.1`;
      break;
  }
  return `${line}\r\nHost: 127.0.0.1\r\n${[...lines, ...framing, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`;
}

const MUTATIONS = [
  'path',
  'query',
  'auth',
  'missing',
  'type',
  'huge',
  'unicode',
  'nested',
  'extra',
  'shape',
  'content-type',
  'json',
  'empty',
  'wire',
] as const;

const TYPES = new Set(Object.keys(ERROR_TYPES));

export async function fuzz(kind: StoreKind, seed: number, requests: number): Promise<FuzzReport> {
  const t = await buildTestApp(kind);
  const report: FuzzReport = { seed, requests: 0, operations: 0, statuses: {}, failures: [] };
  try {
    const docResponse = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(docResponse.statusCode, 200);
    const operations = operationsOf(JSON.parse(docResponse.body));
    report.operations = operations.length;
    const ids = await seedObjects(t);
    // the requests broken on the wire go over a real connection
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const gen = new Gen(prng(seed));
    for (let i = 0; i < requests; i++) {
      const op = operations[i % operations.length] as Operation;
      const request = requestFor(gen, op, ids, t.keys);
      let status: number;
      let answer: string;
      let contentType: unknown;
      if (request.wire !== undefined) {
        const response = await sendRaw(port, request.wire);
        ({ status, body: answer, contentType } = response);
      } else {
        const response = await t.app.inject({
          method: request.method as 'GET',
          url: request.url,
          headers: request.headers,
          ...(request.payload === undefined ? {} : { payload: request.payload }),
        });
        status = response.statusCode;
        answer = response.body;
        contentType = response.headers['content-type'];
      }
      report.requests += 1;
      report.statuses[status] = (report.statuses[status] ?? 0) + 1;
      const problem = check(request.method, request.url, status, answer, contentType);
      if (problem && report.failures.length < 50)
        report.failures.push(
          `${problem}\n  request #${i} (seed ${seed}): ${request.method} ${request.url.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 200)} ${String(request.payload).slice(0, 300)}\n  answer: ${answer.slice(0, 300)}`,
        );
    }
  } finally {
    await t.close();
  }
  return report;
}

function check(
  method: string,
  url: string,
  status: number,
  raw: string,
  contentType: unknown,
): string | undefined {
  if (status >= 500) return `${status}: a server error`;
  let body: unknown;
  if (raw.length > 0) {
    if (!String(contentType ?? '').includes('application/json'))
      return `${status}: not JSON (${String(contentType)})`;
    try {
      body = JSON.parse(raw);
    } catch {
      return `${status}: unparsable body`;
    }
  }
  if (status >= 400) {
    const envelope = body as {
      type?: unknown;
      errors?: { code?: unknown; message?: unknown; parameter?: unknown }[];
    };
    if (!envelope || typeof envelope.type !== 'string' || !TYPES.has(envelope.type))
      return `${status}: no DR error type`;
    const first = envelope.errors?.[0];
    if (!first || typeof first.code !== 'string' || typeof first.message !== 'string')
      return `${status}: no error code and message`;
    if (status !== 404 && status !== 405 && status !== 429 && typeof first.parameter !== 'string')
      return `${status}: no offending parameter (${first.code})`;
    return undefined;
  }
  if (status >= 200 && status < 300) {
    if (url.startsWith('/openapi.json')) return undefined;
    const result = checkContract(method, url, status, body);
    if (result.errors.length > 0)
      return `${status}: breaks DR's document: ${result.errors.slice(0, 3).join('; ')}`;
  }
  return undefined;
}
