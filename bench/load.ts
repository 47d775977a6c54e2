// The load generator (a child process of bench/run.ts, on its own CPU): N concurrent clients
// over an undici Pool with keep-alive, each running its sequence in a loop; latency per request
// type in HDR histograms. Prints one JSON line of results.
import * as hdr from 'hdr-histogram-js';
import { Pool } from 'undici';
import { CARD, CHECKOUT } from './bodies.js';

interface Config {
  url: string;
  mode: 'echo' | 'lifecycle' | 'reads';
  /** reads: order ids to GET (at random) */
  ids?: string[];
  connections: number;
  warmupMs: number;
  durationMs: number;
  secretKey?: string;
  publicKey?: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const pool = new Pool(config.url, {
  connections: config.connections,
  pipelining: 1,
  keepAliveTimeout: 60_000,
});

type Step = 'echo' | 'checkout' | 'source' | 'attach' | 'order' | 'fulfillment' | 'get' | 'list';
const histograms = new Map<Step, hdr.Histogram>();
const counts = new Map<Step, number>();
let errors = 0;
let lifecycles = 0;
let measuring = false;
const errorSamples: string[] = [];

function histogram(step: Step): hdr.Histogram {
  let h = histograms.get(step);
  if (!h) {
    h = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 60_000_000,
      numberOfSignificantValueDigits: 3,
    });
    histograms.set(step, h);
  }
  return h;
}

async function call(
  step: Step,
  method: 'POST' | 'GET',
  path: string,
  body: unknown,
  key?: string,
): Promise<any> {
  const started = process.hrtime.bigint();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers['authorization'] = `Bearer ${key}`;
  const response = await pool.request({
    method,
    path,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.body.text();
  const micros = Number((process.hrtime.bigint() - started) / 1000n);
  if (measuring) {
    histogram(step).recordValue(Math.max(1, micros));
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  if (response.statusCode >= 300) {
    if (measuring) errors += 1;
    if (errorSamples.length < 5) errorSamples.push(`${step} ${response.statusCode} ${text.slice(0, 200)}`);
    throw new Error(`${step} answered ${response.statusCode}`);
  }
  return text.length > 0 ? JSON.parse(text) : undefined;
}

async function lifecycle(): Promise<void> {
  const checkout = await call('checkout', 'POST', '/checkouts', CHECKOUT, config.secretKey);
  const source = await call('source', 'POST', '/payments/sources', CARD, config.publicKey);
  await call('attach', 'POST', `/checkouts/${checkout.id}/sources/${source.id}`, undefined, config.secretKey);
  const order = await call('order', 'POST', '/orders', { checkoutId: checkout.id }, config.secretKey);
  await call(
    'fulfillment',
    'POST',
    '/fulfillments',
    { orderId: order.id, items: [{ itemId: order.items[0].id, quantity: 1 }] },
    config.secretKey,
  );
  if (measuring) lifecycles += 1;
}

/** GET /orders/{id} of a random stored order, then GET /orders?limit=100. */
async function reads(): Promise<void> {
  const ids = config.ids ?? [];
  const id = ids[Math.floor(Math.random() * ids.length)];
  await call('get', 'GET', `/orders/${id}`, undefined, config.secretKey);
  await call('list', 'GET', '/orders?limit=100', undefined, config.secretKey);
}

const ECHO_BODY = {
  id: 'a5d6c0b2-8d0e-4b8a-9f3c-1c0e8b9a7d21',
  currency: 'USD',
  amount: 27.01,
  items: [{ sku: 'x', quantity: 2 }],
};

async function worker(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if (config.mode === 'echo') await call('echo', 'POST', '/echo', ECHO_BODY);
      else if (config.mode === 'reads') await reads();
      else await lifecycle();
    } catch {
      // counted in call(); keep going
    }
  }
}

async function run(ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  await Promise.all(Array.from({ length: config.connections }, () => worker(deadline)));
}

await run(config.warmupMs);
measuring = true;
const started = process.hrtime.bigint();
await run(config.durationMs);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
measuring = false;
await pool.close();

const perStep: Record<string, unknown> = {};
let requests = 0;
for (const [step, h] of histograms) {
  const n = counts.get(step) ?? 0;
  requests += n;
  perStep[step] = {
    count: n,
    p50Ms: h.getValueAtPercentile(50) / 1000,
    p99Ms: h.getValueAtPercentile(99) / 1000,
    p999Ms: h.getValueAtPercentile(99.9) / 1000,
    maxMs: h.maxValue / 1000,
  };
}
const all = hdr.build({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60_000_000,
  numberOfSignificantValueDigits: 3,
});
for (const h of histograms.values()) all.add(h);
process.stdout.write(
  `${JSON.stringify({
    mode: config.mode,
    connections: config.connections,
    seconds,
    requests,
    requestsPerSecond: requests / seconds,
    lifecyclesPerSecond: lifecycles / seconds,
    errors,
    errorSamples,
    p50Ms: all.getValueAtPercentile(50) / 1000,
    p99Ms: all.getValueAtPercentile(99) / 1000,
    steps: perStep,
  })}\n`,
);
