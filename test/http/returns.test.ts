import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Api, buildTestApp, errorOf, type TestApp } from '../helpers/app.js';
import {
  advance,
  CARDS,
  createSku,
  eventsOf,
  physicalCheckoutBody,
  placeOrder,
} from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * DR's "Third party coordinated returns" page
 * (order-management/returns-and-refunds-1/returns/creating-a-return.md): authorizing a return of
 * fulfilled units, accepting it in one shipment or several, and the refunds acceptance issues.
 */
for (const kind of storeKinds()) {
  describe(`returns (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
      assert.equal((await t.api.post('/account', { taxRates: { 'US-MN': 0.0805 } })).status, 200);
      await createSku(t.api, 'shoe');
      await createSku(t.api, 'sock');
      await createSku(t.otherApi, 'shoe');
    });
    after(async () => t.close());

    /** Two items (2 shoes at 10.00, 3 socks at 4.00), fulfilled in full and captured. */
    async function fulfilledOrder(
      options: { api?: Api; card?: string; fulfill?: boolean; settle?: boolean } = {},
    ) {
      const api = options.api ?? t.api;
      const publicApi = api === t.api ? t.publicApi : new Api(t.app, t.otherKeys.publicKey);
      const items =
        api === t.api
          ? [
              { skuId: 'shoe', price: 10, quantity: 2 },
              { skuId: 'sock', price: 4, quantity: 3 },
            ]
          : [{ skuId: 'shoe', price: 10, quantity: 2 }];
      const order = await placeOrder(api, publicApi, {
        body: physicalCheckoutBody('shoe', { items }),
        ...(options.card ? { card: options.card } : {}),
      });
      if (options.fulfill === false) return order;
      const fulfilled = await api.post('/fulfillments', {
        orderId: order.id,
        items: order.items.map((i: any) => ({ itemId: i.id, quantity: i.quantity })),
      });
      assert.equal(fulfilled.status, 201, fulfilled.raw);
      if (options.settle !== false) await advance(api, 5);
      return (await api.get(`/orders/${order.id}`)).body;
    }
    const itemOf = (order: any, skuId: string) => order.items.find((i: any) => i.skuId === skuId);

    it('authorizes a return: 201, created, quantityAccepted 0, return.created (quantities as strings too)', async () => {
      const order = await fulfilledOrder();
      const shoe = itemOf(order, 'shoe');
      const created = await t.api.post('/returns', {
        orderId: order.id,
        reason: 'Incorrect size',
        items: [{ itemId: shoe.id, quantity: '2' }],
        metadata: { rma: 'R-1' },
      });
      assert.equal(created.status, 201, created.raw);
      const ret = created.body;
      assert.match(ret.id, /^ret_[0-9a-f-]{36}$/);
      assert.equal(ret.state, 'created');
      assert.equal(ret.orderId, order.id);
      assert.equal(ret.currency, 'USD');
      assert.equal(ret.reason, 'Incorrect size');
      assert.equal(ret.liveMode, false);
      assert.deepEqual(ret.metadata, { rma: 'R-1' });
      // the two shoes' amount and tax: 20.00 + 8.05 % = 21.61
      assert.deepEqual(ret.items, [
        { itemId: shoe.id, skuId: 'shoe', amount: 21.61, quantity: 2, quantityAccepted: 0, state: 'created' },
      ]);
      assert.deepEqual(ret.refundIds, []);
      const events = (await eventsOf(t.api, 'return.created')).filter((e) => e.data.object.id === ret.id);
      assert.equal(events.length, 1);
      assert.equal(events[0].data.object.state, 'created');
      assert.deepEqual((await t.api.get(`/returns/${ret.id}`)).body, ret);
    });

    it('names the item by skuId, and refuses more units than are eligible: 409 quantity_too_large', async () => {
      const order = await fulfilledOrder();
      const sock = itemOf(order, 'sock');
      assert.deepEqual(
        errorOf(await t.api.post('/returns', { orderId: order.id, items: [{ skuId: 'sock', quantity: 4 }] })),
        [409, 'quantity_too_large', 'items[0].qty'],
      );
      const first = await t.api.post('/returns', {
        orderId: order.id,
        items: [{ skuId: 'sock', quantity: 2 }],
      });
      assert.equal(first.status, 201, first.raw);
      assert.equal(first.body.items[0].itemId, sock.id);
      // one sock left to return: a second return of two is too many, of one is fine
      assert.deepEqual(
        errorOf(
          await t.api.post('/returns', { orderId: order.id, items: [{ itemId: sock.id, quantity: 2 }] }),
        ),
        [409, 'quantity_too_large', 'items[0].qty'],
      );
      const second = await t.api.post('/returns', {
        orderId: order.id,
        items: [{ itemId: sock.id, quantity: 1 }],
      });
      assert.equal(second.status, 201, second.raw);
      // units not yet fulfilled cannot be returned
      const unfulfilled = await fulfilledOrder({ fulfill: false });
      assert.deepEqual(
        errorOf(
          await t.api.post('/returns', {
            orderId: unfulfilled.id,
            items: [{ itemId: itemOf(unfulfilled, 'shoe').id, quantity: 1 }],
          }),
        ),
        [409, 'quantity_too_large', 'items[0].qty'],
      );
    });

    it('answers bad requests with the parameter at fault', async () => {
      const order = await fulfilledOrder();
      const shoe = itemOf(order, 'shoe');
      const cases: [Record<string, unknown>, [number, string, string]][] = [
        [{ items: [{ itemId: shoe.id, quantity: 1 }] }, [400, 'missing_parameter', 'orderId']],
        [{ orderId: order.id }, [400, 'missing_parameter', 'items']],
        [{ orderId: order.id, items: [] }, [400, 'invalid_parameter', 'items']],
        [{ orderId: order.id, items: [{ quantity: 1 }] }, [400, 'missing_parameter', 'items[0].itemId']],
        [
          { orderId: order.id, items: [{ itemId: 'nope', quantity: 1 }] },
          [400, 'invalid_parameter', 'items[0].itemId'],
        ],
        [
          { orderId: order.id, items: [{ skuId: 'nope', quantity: 1 }] },
          [400, 'invalid_parameter', 'items[0].skuId'],
        ],
        [
          { orderId: order.id, items: [{ itemId: shoe.id, quantity: 0 }] },
          [400, 'invalid_parameter', 'items[0].quantity'],
        ],
        [
          { orderId: order.id, items: [{ itemId: shoe.id, quantity: 'two' }] },
          [400, 'invalid_parameter', 'items[0].quantity'],
        ],
        [
          { orderId: order.id, items: [{ itemId: shoe.id, quantity: 1, colour: 'red' }] },
          [400, 'unknown_parameter', 'colour'],
        ],
        [
          { orderId: 'nope', items: [{ itemId: shoe.id, quantity: 1 }] },
          [400, 'invalid_parameter', 'orderId'],
        ],
        [
          { orderId: order.id, reason: 'x'.repeat(65), items: [{ itemId: shoe.id, quantity: 1 }] },
          [400, 'invalid_parameter', 'reason'],
        ],
        [
          { orderId: order.id, items: [{ itemId: shoe.id, quantity: 1 }], location: { name: 'Depot' } },
          [400, 'missing_parameter', 'location.address'],
        ],
      ];
      for (const [body, expected] of cases)
        assert.deepEqual(errorOf(await t.api.post('/returns', body)), expected, JSON.stringify(body));
    });

    it("another account's order and returns are not found", async () => {
      const theirs = await fulfilledOrder({ api: t.otherApi });
      const shoe = itemOf(theirs, 'shoe');
      assert.deepEqual(
        errorOf(
          await t.api.post('/returns', { orderId: theirs.id, items: [{ itemId: shoe.id, quantity: 1 }] }),
        ),
        [400, 'invalid_parameter', 'orderId'],
      );
      const ret = await t.otherApi.post('/returns', {
        orderId: theirs.id,
        items: [{ itemId: shoe.id, quantity: 1 }],
      });
      assert.equal(ret.status, 201, ret.raw);
      assert.deepEqual(errorOf(await t.api.get(`/returns/${ret.body.id}`)), [404, 'not_found', 'id']);
      assert.deepEqual(errorOf(await t.api.post(`/returns/${ret.body.id}`, { state: 'accepted' })), [
        404,
        'not_found',
        'id',
      ]);
      const mine = await t.api.get(`/returns?ids=${ret.body.id}`);
      assert.deepEqual(mine.body.data, []);
      // and the other account's return is untouched
      assert.equal((await t.otherApi.get(`/returns/${ret.body.id}`)).body.state, 'created');
    });

    it('single shipment: state accepted issues one refund; items and then the order become returned', async () => {
      const order = await fulfilledOrder();
      const shoe = itemOf(order, 'shoe');
      const sock = itemOf(order, 'sock');
      const ret = (
        await t.api.post('/returns', {
          orderId: order.id,
          reason: 'Damaged Goods',
          items: [
            { itemId: shoe.id, quantity: 2 },
            { itemId: sock.id, quantity: 3 },
          ],
        })
      ).body;
      const accepted = await t.api.post(`/returns/${ret.id}`, { state: 'accepted' });
      assert.equal(accepted.status, 200, accepted.raw);
      assert.equal(accepted.body.state, 'accepted');
      assert.deepEqual(
        accepted.body.items.map((i: any) => [i.state, i.quantity, i.quantityAccepted]),
        [
          ['accepted', 2, 2],
          ['accepted', 3, 3],
        ],
      );
      assert.equal(accepted.body.refundIds.length, 1);
      const refund = (await t.api.get(`/refunds/${accepted.body.refundIds[0]}`)).body;
      assert.equal(refund.state, 'pending');
      assert.equal(refund.reason, 'Damaged Goods');
      // the goods' amount and tax: 21.61 + 12.97 (12.00 + 0.97), not the shipping
      assert.equal(refund.amount, 34.58);
      assert.deepEqual(
        refund.items.map((i: any) => [i.itemId, i.quantity, i.amount]),
        [
          [shoe.id, 2, 21.61],
          [sock.id, 3, 12.97],
        ],
      );
      // return.accepted, then refund.pending (DR: "two types of events")
      const types = (await eventsOf(t.api, ['return.accepted', 'refund.pending']))
        .filter((e) => e.data.object.id === ret.id || e.data.object.id === refund.id)
        .map((e) => e.type);
      assert.deepEqual(types, ['return.accepted', 'refund.pending']);
      const after = (await t.api.get(`/orders/${order.id}`)).body;
      assert.deepEqual(
        after.items.map((i: any) => i.state),
        ['returned', 'returned'],
      );
      assert.equal(after.state, 'complete');
      // accepting it again: 409
      assert.deepEqual(errorOf(await t.api.post(`/returns/${ret.id}`, { state: 'accepted' })), [
        409,
        'restricted_update',
        'state',
      ]);
      // the refund settles; every item returned: the order is returned (order.refunded)
      await advance(t.api, 5);
      assert.equal((await t.api.get(`/refunds/${refund.id}`)).body.state, 'succeeded');
      const returned = (await t.api.get(`/orders/${order.id}`)).body;
      assert.equal(returned.state, 'returned');
      assert.ok(returned.stateTransitions.returned);
      const refunded = (await eventsOf(t.api, 'order.refunded')).filter((e) => e.data.object.id === order.id);
      assert.equal(refunded.length, 1);
      // shipping was not refunded: it is still there to refund
      assert.equal(returned.refundedAmount, 34.58);
      assert.equal(returned.availableToRefundAmount, 5.4);
    });

    it('multiple shipments: items accepted one request at a time, one refund per shipment at the end', async () => {
      const order = await fulfilledOrder();
      const shoe = itemOf(order, 'shoe');
      const sock = itemOf(order, 'sock');
      const ret = (
        await t.api.post('/returns', {
          orderId: order.id,
          items: [
            { itemId: shoe.id, quantity: 2 },
            { itemId: sock.id, quantity: 3 },
          ],
        })
      ).body;
      const first = await t.api.post(`/returns/${ret.id}`, {
        items: [{ itemId: shoe.id, quantity: '2', state: 'accepted' }],
      });
      assert.equal(first.status, 200, first.raw);
      assert.equal(first.body.state, 'created');
      assert.deepEqual(
        first.body.items.map((i: any) => [i.state, i.quantityAccepted]),
        [
          ['accepted', 2],
          ['created', 0],
        ],
      );
      // "Since the second items[] is not yet accepted, the refund.pending event isn't created."
      assert.deepEqual(first.body.refundIds, []);
      assert.equal((await t.api.get(`/refunds?orderId=${order.id}`)).body.data.length, 0);
      const updated = (await eventsOf(t.api, 'return.updated')).filter((e) => e.data.object.id === ret.id);
      assert.equal(updated.length, 1);
      // more socks than the return holds: 409; an item the return does not have: 400
      assert.deepEqual(
        errorOf(
          await t.api.post(`/returns/${ret.id}`, {
            items: [{ itemId: sock.id, quantity: 4, state: 'accepted' }],
          }),
        ),
        [409, 'quantity_too_large', 'items[0].quantity'],
      );
      assert.deepEqual(
        errorOf(
          await t.api.post(`/returns/${ret.id}`, {
            items: [{ itemId: 'nope', quantity: 1, state: 'accepted' }],
          }),
        ),
        [400, 'invalid_parameter', 'items[0].itemId'],
      );
      assert.deepEqual(
        errorOf(
          await t.api.post(`/returns/${ret.id}`, {
            items: [{ itemId: sock.id, quantity: 1, state: 'received' }],
          }),
        ),
        [400, 'invalid_parameter', 'items[0].state'],
      );
      // the socks come in two parcels: 1, then 2 by skuId
      const second = await t.api.post(`/returns/${ret.id}`, {
        items: [{ itemId: sock.id, quantity: 1, state: 'accepted' }],
      });
      assert.equal(second.body.state, 'created');
      assert.equal(second.body.items[1].quantityAccepted, 1);
      const last = await t.api.post(`/returns/${ret.id}`, {
        items: [{ skuId: 'sock', quantity: 2, state: 'accepted' }],
      });
      assert.equal(last.status, 200, last.raw);
      assert.equal(last.body.state, 'accepted');
      assert.equal(last.body.refundIds.length, 3);
      const refunds = await Promise.all(
        last.body.refundIds.map(async (id: string) => (await t.api.get(`/refunds/${id}`)).body),
      );
      assert.deepEqual(
        refunds.map((r) => r.items.map((i: any) => [i.itemId, i.quantity])),
        [[[shoe.id, 2]], [[sock.id, 1]], [[sock.id, 2]]],
      );
      // the units' values add up to what the items are worth: 21.61 and 12.97
      assert.equal(refunds[0].amount, 21.61);
      assert.equal(Math.round((refunds[1].amount + refunds[2].amount) * 100), 1297);
      const pending = (await eventsOf(t.api, 'refund.pending')).filter((e) =>
        last.body.refundIds.includes(e.data.object.id),
      );
      assert.equal(pending.length, 3);
    });

    it('lists returns by orderId, state, skuId and ids, newest first, and updates metadata', async () => {
      const order = await fulfilledOrder();
      const shoe = itemOf(order, 'shoe');
      const sock = itemOf(order, 'sock');
      const a = (
        await t.api.post('/returns', { orderId: order.id, items: [{ itemId: shoe.id, quantity: 1 }] })
      ).body;
      const b = (
        await t.api.post('/returns', { orderId: order.id, items: [{ itemId: sock.id, quantity: 1 }] })
      ).body;
      await t.api.post(`/returns/${b.id}`, { state: 'accepted' });
      const ids = async (query: string) =>
        (await t.api.get(`/returns?${query}`)).body.data.map((r: any) => r.id) as string[];
      assert.deepEqual(await ids(`orderId=${order.id}`), [b.id, a.id]);
      assert.deepEqual(await ids(`orderId=${order.id}&state=accepted`), [b.id]);
      assert.deepEqual(await ids(`orderId=${order.id}&state=created`), [a.id]);
      assert.deepEqual(await ids(`orderId=${order.id}&skuId=shoe`), [a.id]);
      assert.deepEqual(await ids(`ids=${a.id}`), [a.id]);
      assert.deepEqual(await ids(`orderId=${order.id}&limit=1`), [b.id]);
      assert.deepEqual(errorOf(await t.api.get('/returns?colour=red')), [400, 'unknown_parameter', 'colour']);
      const updated = await t.api.post(`/returns/${a.id}`, { metadata: { note: 'label sent' } });
      assert.equal(updated.status, 200, updated.raw);
      assert.deepEqual(updated.body.metadata, { note: 'label sent' });
      assert.equal(updated.body.state, 'created');
      // an accepted return still takes metadata
      assert.equal((await t.api.post(`/returns/${b.id}`, { metadata: { k: 'v' } })).status, 200);
      assert.deepEqual(errorOf(await t.api.get('/returns/ret_nope')), [404, 'not_found', 'id']);
    });

    it('units refunded by a refund of their own are not eligible for return', async () => {
      const order = await fulfilledOrder();
      const shoe = itemOf(order, 'shoe');
      const refund = await t.api.post('/refunds', {
        orderId: order.id,
        currency: 'USD',
        items: [{ itemId: shoe.id, quantity: 1 }],
      });
      assert.equal(refund.status, 201, refund.raw);
      assert.deepEqual(
        errorOf(
          await t.api.post('/returns', { orderId: order.id, items: [{ itemId: shoe.id, quantity: 2 }] }),
        ),
        [409, 'quantity_too_large', 'items[0].qty'],
      );
      assert.equal(
        (await t.api.post('/returns', { orderId: order.id, items: [{ itemId: shoe.id, quantity: 1 }] }))
          .status,
        201,
      );
    });

    it("a refund of the return that fails leaves the order complete, the return's refund failed", async () => {
      const order = await fulfilledOrder({ card: CARDS.refundFails });
      const ret = (
        await t.api.post('/returns', {
          orderId: order.id,
          items: order.items.map((i: any) => ({ itemId: i.id, quantity: i.quantity })),
        })
      ).body;
      const accepted = (await t.api.post(`/returns/${ret.id}`, { state: 'accepted' })).body;
      await advance(t.api, 5);
      const refund = (await t.api.get(`/refunds/${accepted.refundIds[0]}`)).body;
      assert.equal(refund.state, 'failed');
      assert.equal((await t.api.get(`/orders/${order.id}`)).body.state, 'complete');
    });
  });
}
