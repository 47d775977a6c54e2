import type { ApiClient } from './api-client.js';

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
}

async function order(api: ApiClient, card: string, produced: Produced): Promise<any> {
  const checkout = await api.ok('POST', '/checkouts', {
    currency: 'USD',
    email: 'trigger@example.com',
    billTo: { name: 'Trigger Test', address: ADDRESS },
    items: [{ productDetails: { name: 'Test item' }, price: 19.99, quantity: 1 }],
  });
  produced.objects.push(`checkout ${checkout.id}`);
  const source = await api.ok('POST', '/payments/sources', {
    type: 'creditCard',
    creditCard: {
      number: card,
      expirationMonth: 12,
      expirationYear: new Date().getUTCFullYear() + 5,
      cvv: '123',
    },
  });
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
  const response = await api.call('POST', '/fulfillments', {
    orderId: o.id,
    items: [cancel ? { itemId: item, cancelQuantity: 1 } : { itemId: item, quantity: 1 }],
  });
  if (response.status !== 201) {
    produced.error = `POST /fulfillments answered ${response.status} ${response.body?.errors?.[0]?.code}: ${response.body?.errors?.[0]?.message}`;
    return;
  }
  produced.objects.push(`fulfillment ${response.body.id}`);
}

const advance = (api: ApiClient, seconds: number) =>
  api.ok('POST', '/test-helpers/clock/advance', { seconds });

export const SCENARIOS: Record<
  string,
  { description: string; run: (api: ApiClient, produced: Produced) => Promise<void> }
> = {
  'order.accepted': {
    description: 'checkout → card → order, accepted',
    run: async (api, p) => void (await order(api, CARDS.visa, p)),
  },
  'order.declined': {
    description: 'the charge is declined: POST /orders answers 409',
    run: async (api, p) => void (await order(api, CARDS.declined, p)),
  },
  'order.review_opened': {
    description: 'a fraud review opens (accepted an hour later)',
    run: async (api, p) => void (await order(api, CARDS.review, p)),
  },
  'capture.complete': {
    description: 'an order fulfilled, its capture settles',
    run: async (api, p) => {
      const o = await order(api, CARDS.visa, p);
      await fulfil(api, o, p);
      await advance(api, 5);
    },
  },
  'capture.failed': {
    description: "DR's capture-failure card: the capture fails",
    run: async (api, p) => {
      const o = await order(api, CARDS.captureFails, p);
      await fulfil(api, o, p);
      await advance(api, 5);
    },
  },
  'order.cancelled': {
    description: 'every item cancelled: the charge and the order are cancelled',
    run: async (api, p) => {
      const o = await order(api, CARDS.visa, p);
      await fulfil(api, o, p, true);
      await advance(api, 5);
    },
  },
  'refund.complete': {
    description: 'captured, then refunded in part',
    run: async (api, p) => {
      const o = await order(api, CARDS.visa, p);
      await fulfil(api, o, p);
      await advance(api, 5);
      const refund = await api.ok('POST', '/refunds', { orderId: o.id, currency: 'USD', amount: 5 });
      p.objects.push(`refund ${refund.id}`);
      await advance(api, 5);
    },
  },
  'reauth.failed.averse': {
    description:
      'risk averse, the authorization expired and its renewal refused: 409 payment_authorization_failed',
    run: async (api, p) => {
      const account = await api.ok('GET', '/account');
      await api.ok('POST', '/account', { chargebackRiskPolicy: 'averse' });
      try {
        const o = await order(api, CARDS.reauthRefused, p);
        await advance(api, 8 * 86_400);
        await fulfil(api, o, p);
      } finally {
        await api.ok('POST', '/account', { chargebackRiskPolicy: account.chargebackRiskPolicy });
      }
    },
  },
};

/** Runs a scenario; returns the lines to print. */
export async function trigger(api: ApiClient, name: string): Promise<string[]> {
  const scenario = SCENARIOS[name];
  if (!scenario)
    throw new Error(`unknown scenario '${name}'; try one of: ${Object.keys(SCENARIOS).join(', ')}`);
  const [newest] = (await api.ok('GET', '/events?limit=1')).data as { id: string }[];
  const produced: Produced = { objects: [] };
  await scenario.run(api, produced);
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
