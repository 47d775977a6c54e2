import type { ApiClient } from './api-client.js';
import { pathKeys } from './fixtures.js';

/**
 * `tributary trigger <scenario>`: drives a named scenario against a running server and prints the
 * objects and the events it produced. Scenarios that need time to pass move the account's clock.
 */

const CARDS = {
  visa: '4444222233331111',
  declined: '4000000000003600',
  review: '4000007200000500',
  captureFails: '4000000000004103',
  reauthRefused: '4000007200000203',
} as const;

const ADDRESS = {
  line1: '10380 Bren Road West',
  city: 'Minnetonka',
  postalCode: '55343',
  state: 'MN',
  country: 'US',
};

interface Produced {
  objects: string[];
  error?: string;
  /** `--override` values, by the body they change: checkout, source, fulfillment, refund */
  overrides: Overrides;
}

type Body = Record<string, unknown>;
export type Overrides = Record<string, [string, unknown][]>;
const OVERRIDABLE = ['checkout', 'source', 'fulfillment', 'refund'] as const;

/**
 * `--override path=value`: `checkout.currency=EUR`, `items[0].price=50` (a path without a known
 * first word is the checkout's), `refund.amount=2.5`. A value that reads as JSON (a number,
 * true, null, an object) is that; anything else is a string.
 */
export function parseOverrides(specs: readonly string[]): Overrides {
  const out: Overrides = {};
  for (const spec of specs) {
    const at = spec.indexOf('=');
    if (at <= 0) throw new Error(`--override needs path=value, not '${spec}'`);
    const rawPath = spec.slice(0, at);
    const raw = spec.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a string
    }
    const [first, ...rest] = rawPath.split('.');
    const target =
      (OVERRIDABLE as readonly string[]).includes(first ?? '') && rest.length ? first! : 'checkout';
    const path = target === first && rest.length ? rest.join('.') : rawPath;
    const list = out[target] ?? [];
    list.push([path, value]);
    out[target] = list;
  }
  return out;
}

/** A copy of `body` with each `a.b[0].c` set. */
export function applyOverrides(body: Body, overrides: readonly [string, unknown][] | undefined): Body {
  const copy = structuredClone(body);
  for (const [path, value] of overrides ?? []) {
    const keys = pathKeys(path);
    let node: Record<string, unknown> = copy;
    keys.forEach((key, i) => {
      if (i === keys.length - 1) node[key] = value;
      else {
        const next = node[key];
        node[key] =
          typeof next === 'object' && next !== null ? next : /^\d+$/.test(keys[i + 1] ?? '') ? [] : {};
        node = node[key] as Record<string, unknown>;
      }
    });
  }
  return copy;
}

async function order(api: ApiClient, card: string, produced: Produced): Promise<any> {
  const checkout = await api.ok(
    'POST',
    '/checkouts',
    applyOverrides(
      {
        currency: 'USD',
        email: 'trigger@example.com',
        billTo: { name: 'Trigger Test', address: ADDRESS },
        items: [{ productDetails: { name: 'Test item' }, price: 19.99, quantity: 1 }],
      },
      produced.overrides['checkout'],
    ),
  );
  produced.objects.push(`checkout ${checkout.id}`);
  const source = await api.ok(
    'POST',
    '/payments/sources',
    applyOverrides(
      {
        type: 'creditCard',
        creditCard: {
          number: card,
          expirationMonth: 12,
          expirationYear: new Date().getUTCFullYear() + 5,
          cvv: '123',
        },
      },
      produced.overrides['source'],
    ),
  );
  produced.objects.push(
    `source ${source.id} (${source.creditCard.brand} ${source.creditCard.lastFourDigits})`,
  );
  await api.ok('POST', `/checkouts/${checkout.id}/sources/${source.id}`);
  const placed = await api.call('POST', '/orders', { checkoutId: checkout.id });
  if (placed.status !== 201) {
    produced.error = `POST /orders answered ${placed.status} ${placed.body?.errors?.[0]?.code}: ${placed.body?.errors?.[0]?.message}`;
    return undefined;
  }
  produced.objects.push(`order ${placed.body.id} (${placed.body.state})`);
  return placed.body;
}

async function fulfil(api: ApiClient, o: any, produced: Produced, cancel = false): Promise<void> {
  const item = o.items[0].id;
  const response = await api.call(
    'POST',
    '/fulfillments',
    applyOverrides(
      {
        orderId: o.id,
        items: [cancel ? { itemId: item, cancelQuantity: 1 } : { itemId: item, quantity: 1 }],
      },
      produced.overrides['fulfillment'],
    ),
  );
  if (response.status !== 201) {
    produced.error = `POST /fulfillments answered ${response.status} ${response.body?.errors?.[0]?.code}: ${response.body?.errors?.[0]?.message}`;
    return;
  }
  produced.objects.push(`fulfillment ${response.body.id}`);
}

const advance = (api: ApiClient, seconds: number) =>
  api.ok('POST', '/test-helpers/clock/advance', { seconds });

interface Scenario {
  description: string;
  /** the card its order is paid with */
  card: string;
  /** what happens to the order once it is placed (also to an existing one: --order) */
  after?: (api: ApiClient, order: any, produced: Produced) => Promise<void>;
  /** runs around the whole scenario (a policy it needs) */
  around?: (api: ApiClient, run: () => Promise<void>) => Promise<void>;
}

export const SCENARIOS: Record<string, Scenario> = {
  'order.accepted': { description: 'checkout → card → order, accepted', card: CARDS.visa },
  'order.declined': { description: 'the charge is declined: POST /orders answers 409', card: CARDS.declined },
  'order.review_opened': { description: 'a fraud review opens (accepted an hour later)', card: CARDS.review },
  'capture.complete': {
    description: 'an order fulfilled, its capture settles',
    card: CARDS.visa,
    after: async (api, o, p) => {
      await fulfil(api, o, p);
      await advance(api, 5);
    },
  },
  'capture.failed': {
    description: "DR's capture-failure card: the capture fails",
    card: CARDS.captureFails,
    after: async (api, o, p) => {
      await fulfil(api, o, p);
      await advance(api, 5);
    },
  },
  'order.cancelled': {
    description: 'every item cancelled: the charge and the order are cancelled',
    card: CARDS.visa,
    after: async (api, o, p) => {
      await fulfil(api, o, p, true);
      await advance(api, 5);
    },
  },
  'refund.complete': {
    description: 'captured, then refunded in part',
    card: CARDS.visa,
    after: async (api, o, p) => {
      if (o.state === 'accepted') {
        await fulfil(api, o, p);
        await advance(api, 5);
      }
      const refund = await api.ok(
        'POST',
        '/refunds',
        applyOverrides({ orderId: o.id, currency: o.currency ?? 'USD', amount: 5 }, p.overrides['refund']),
      );
      p.objects.push(`refund ${refund.id}`);
      await advance(api, 5);
    },
  },
  'reauth.failed.averse': {
    description:
      'risk averse, the authorization expired and its renewal refused: 409 payment_authorization_failed',
    card: CARDS.reauthRefused,
    around: async (api, run) => {
      const account = await api.ok('GET', '/account');
      await api.ok('POST', '/account', { chargebackRiskPolicy: 'averse' });
      try {
        await run();
      } finally {
        await api.ok('POST', '/account', { chargebackRiskPolicy: account.chargebackRiskPolicy });
      }
    },
    after: async (api, o, p) => {
      await advance(api, 8 * 86_400);
      await fulfil(api, o, p);
    },
  },
};

export interface TriggerOptions {
  overrides?: Overrides;
  /** run the scenario's steps on this order instead of a new one */
  orderId?: string | undefined;
}

/** Runs a scenario; returns the lines to print. */
export async function trigger(api: ApiClient, name: string, options: TriggerOptions = {}): Promise<string[]> {
  const scenario = SCENARIOS[name];
  if (!scenario)
    throw new Error(`unknown scenario '${name}'; try one of: ${Object.keys(SCENARIOS).join(', ')}`);
  if (options.orderId && !scenario.after)
    throw new Error(
      `scenario '${name}' makes its own order; --order works with: ${Object.entries(SCENARIOS)
        .filter(([, s]) => s.after)
        .map(([n]) => n)
        .join(', ')}`,
    );
  const [newest] = (await api.ok('GET', '/events?limit=1')).data as { id: string }[];
  const produced: Produced = { objects: [], overrides: options.overrides ?? {} };
  const run = async () => {
    let o: any;
    if (options.orderId) {
      o = await api.ok('GET', `/orders/${options.orderId}`);
      produced.objects.push(`order ${o.id} (${o.state}, existing)`);
    } else o = await order(api, scenario.card, produced);
    if (o && scenario.after && !produced.error) await scenario.after(api, o, produced);
  };
  await (scenario.around ? scenario.around(api, run) : run());
  const events: { id: string; type: string }[] = [];
  let cursor = newest?.id;
  for (;;) {
    const page = await api.ok('GET', `/events?limit=100${cursor ? `&endingBefore=${cursor}` : ''}`);
    const data = page.data as { id: string; type: string }[];
    if (!newest) {
      events.push(...data.reverse());
      break;
    }
    events.push(...[...data].reverse());
    if (!page.hasMore || data.length === 0) break;
    cursor = data[0]?.id;
  }
  return [
    `Scenario ${name}: ${scenario.description}`,
    ...produced.objects.map((o) => `  ${o}`),
    ...(produced.error ? [`  ${produced.error}`] : []),
    `Events (${events.length}):`,
    ...events.map((e) => `  ${e.type.padEnd(36)} ${e.id}`),
  ];
}
