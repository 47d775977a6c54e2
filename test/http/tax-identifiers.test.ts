import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { digitalCheckoutBody, eventsOf, placeOrder, readyCheckout } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * DR's "Tax identifiers" page (integration-options/checkouts/creating-checkouts/tax-identifiers.md):
 * the Tax Identifiers API with DR's test values, attaching to customers, and what an applied
 * identifier does to a checkout (reverse charge across a border) and to POST /orders.
 */
/** The first error of a DR error envelope, whole. */
const errorOf = (response: { body: any }) => response.body.errors[0];

const BERLIN = { line1: 'Friedrichstraße 43', city: 'Berlin', postalCode: '10117', country: 'DE' };
const DUBLIN = { line1: '1 Grand Canal Square', city: 'Dublin', postalCode: 'D02 P820', country: 'IE' };
const PARIS = { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' };
const SAO_PAULO = {
  line1: 'Avenida Paulista 1000',
  city: 'São Paulo',
  postalCode: '01310-100',
  country: 'BR',
};

/** A digital purchase (20.00) billed to `address`. */
const billedTo = (address: object, extra: Record<string, unknown> = {}) =>
  digitalCheckoutBody({ billTo: { name: 'Wagner GmbH', address }, ...extra });

for (const kind of storeKinds()) {
  describe(`tax identifiers (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
    });
    after(async () => t.close());

    const create = async (type: string, value: string, api = t.api) => {
      const response = await api.post('/tax-identifiers', { type, value });
      assert.equal(response.status, 201, response.raw);
      return response.body;
    };
    const customer = async () => {
      const response = await t.api.post('/customers', { email: 'buyer@example.com', type: 'business' });
      assert.equal(response.status, 201, response.raw);
      return response.body;
    };

    it("creates DR's test values verified, other well-formed values pending, with applicability and events", async () => {
      const verified = await create('de', 'DE123456789');
      assert.equal(verified.state, 'verified');
      assert.ok(verified.stateTransitions.verified);
      assert.equal(verified.customerId, undefined);
      assert.deepEqual(verified.applicability, [
        { country: 'DE', entity: 'DR_IRELAND-ENTITY', customerType: 'business' },
      ]);
      const pending = await create('de', 'DE987654321');
      assert.equal(pending.state, 'pending');
      assert.deepEqual(Object.keys(pending.stateTransitions), ['pending']);
      const individual = await create('it_natural', 'IT12345678901');
      assert.deepEqual(individual.applicability, [
        { country: 'IT', entity: 'DR_IRELAND-ENTITY', customerType: 'individual' },
      ]);
      const events = await eventsOf(t.api, ['tax_identifier.verified', 'tax_identifier.pending']);
      assert.deepEqual(
        events.filter((e) => [verified.id, pending.id].includes(e.data.object.id)).map((e) => e.type),
        ['tax_identifier.verified', 'tax_identifier.pending'],
      );
    });

    it('refuses a malformed value (invalid_parameter on value) and an unknown type (on type)', async () => {
      const malformed = await t.api.post('/tax-identifiers', { type: 'it', value: 'IT00121239990xxxx' });
      assert.equal(malformed.status, 400);
      assert.deepEqual(errorOf(malformed), {
        code: 'invalid_parameter',
        parameter: 'value',
        message: "Tax identifier 'IT00121239990xxxx' invalid.",
      });
      const unknownType = await t.api.post('/tax-identifiers', { type: 'zz', value: 'ZZ123456' });
      assert.equal(unknownType.status, 400);
      assert.equal(errorOf(unknownType).parameter, 'type');
      const missing = await t.api.post('/tax-identifiers', { type: 'de' });
      assert.equal(missing.status, 400);
      assert.equal(errorOf(missing).parameter, 'value');
    });

    it('retrieves, lists by type, state, value and state time, and deletes (tax_identifier.deleted, then 404)', async () => {
      const taxId = await create('be', 'BE0000000000');
      const got = await t.api.get(`/tax-identifiers/${taxId.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body, taxId);
      const byType = await t.api.get('/tax-identifiers?type=be');
      assert.deepEqual(
        byType.body.data.map((x: any) => x.id),
        [taxId.id],
      );
      const byValue = await t.api.get('/tax-identifiers?value=BE0000000000&state=verified');
      assert.deepEqual(
        byValue.body.data.map((x: any) => x.id),
        [taxId.id],
      );
      assert.equal((await t.api.get('/tax-identifiers?type=be&state=pending')).body.data.length, 0);
      const since = taxId.stateTransitions.verified;
      assert.ok(
        (await t.api.get(`/tax-identifiers?verified[gte]=${since}`)).body.data.some(
          (x: any) => x.id === taxId.id,
        ),
      );
      assert.equal(
        (await t.api.get('/tax-identifiers?verified[lt]=2000-01-01T00:00:00Z')).body.data.length,
        0,
      );
      assert.equal((await t.api.get('/tax-identifiers?state=bogus')).status, 400);
      const deleted = await t.api.delete(`/tax-identifiers/${taxId.id}`);
      assert.equal(deleted.status, 204);
      const gone = await t.api.get(`/tax-identifiers/${taxId.id}`);
      assert.equal(gone.status, 404);
      assert.deepEqual(errorOf(gone), {
        code: 'not_found',
        parameter: 'id',
        message: `Tax identifier '${taxId.id}' not found.`,
      });
      const events = await eventsOf(t.api, 'tax_identifier.deleted');
      assert.ok(events.some((e) => e.data.object.id === taxId.id));
    });

    it("attaches to a customer (customer.tax_identifier.created, the customer's taxIdentifiers), refuses another customer and a second of a type, detaches", async () => {
      const holder = await customer();
      const other = await customer();
      const taxId = await create('de', 'DE000000000');
      const attached = await t.api.post(`/customers/${holder.id}/tax-identifiers/${taxId.id}`);
      assert.equal(attached.status, 200, attached.raw);
      assert.equal(attached.body.customerId, holder.id);
      const shown = (await t.api.get(`/customers/${holder.id}`)).body;
      assert.deepEqual(
        shown.taxIdentifiers.map((x: any) => [x.id, x.customerId, x.applicability[0].country]),
        [[taxId.id, holder.id, 'DE']],
      );
      assert.deepEqual(
        (await t.api.get(`/tax-identifiers?customerId=${holder.id}`)).body.data.map((x: any) => x.id),
        [taxId.id],
      );
      assert.equal((await t.api.post(`/customers/${holder.id}/tax-identifiers/${taxId.id}`)).status, 200);
      const elsewhere = await t.api.post(`/customers/${other.id}/tax-identifiers/${taxId.id}`);
      assert.equal(elsewhere.status, 409);
      assert.deepEqual(errorOf(elsewhere), {
        code: 'customer_not_updateable',
        parameter: 'customerId',
        message: "You cannot replace a tax identifier's customer id.",
      });
      const secondDe = await create('de', 'DE111111111');
      const twice = await t.api.post(`/customers/${holder.id}/tax-identifiers/${secondDe.id}`);
      assert.equal(twice.status, 409);
      const events = await eventsOf(t.api, 'customer.tax_identifier.created');
      assert.ok(events.some((e) => e.data.object.id === taxId.id && e.data.object.customerId === holder.id));

      assert.equal((await t.api.delete(`/customers/${other.id}/tax-identifiers/${taxId.id}`)).status, 404);
      assert.equal((await t.api.delete(`/customers/${holder.id}/tax-identifiers/${taxId.id}`)).status, 204);
      assert.deepEqual((await t.api.get(`/customers/${holder.id}`)).body.taxIdentifiers, []);
      const kept = (await t.api.get(`/tax-identifiers/${taxId.id}`)).body;
      assert.equal(kept.customerId, undefined);
      const missing = await t.api.post(`/customers/${holder.id}/tax-identifiers/no-such-id`);
      assert.equal(missing.status, 404);
      assert.equal(errorOf(missing).parameter, 'id');
    });

    it('zero-rates a cross-border business purchase with an applicable identifier; a domestic one and an individual stay taxed', async () => {
      const de = await create('de', 'DE123456789');
      const plain = await t.api.post('/checkouts', billedTo(BERLIN, { customerType: 'business' }));
      assert.equal(plain.status, 201, plain.raw);
      assert.equal(plain.body.totalTax, 3.8); // 19 % of 20.00
      assert.deepEqual(plain.body.sellingEntity, {
        id: 'DR_IRELAND-ENTITY',
        name: 'Digital River Ireland Ltd.',
      });
      assert.deepEqual(plain.body.taxIdentifiers, []);

      const reverse = await t.api.post(
        '/checkouts',
        billedTo(BERLIN, { customerType: 'business', taxIdentifiers: [{ id: de.id }] }),
      );
      assert.equal(reverse.status, 201, reverse.raw);
      assert.equal(reverse.body.totalTax, 0);
      assert.equal(reverse.body.totalAmount, 20);
      assert.deepEqual(
        reverse.body.taxIdentifiers.map((x: any) => [x.id, x.type, x.value, x.state]),
        [[de.id, 'de', 'DE123456789', 'verified']],
      );

      // removing it (an empty list) brings the tax back
      const removed = await t.api.post(`/checkouts/${reverse.body.id}`, { taxIdentifiers: [] });
      assert.equal(removed.status, 200, removed.raw);
      assert.equal(removed.body.totalTax, 3.8);
      assert.deepEqual(removed.body.taxIdentifiers, []);

      // Ireland sells to Ireland: a domestic sale is taxed even with the buyer's VAT number
      const ie = await create('ie', 'IE1234567T');
      const domestic = await t.api.post(
        '/checkouts',
        billedTo(DUBLIN, { customerType: 'business', taxIdentifiers: [{ id: ie.id }] }),
      );
      assert.equal(domestic.status, 201, domestic.raw);
      assert.equal(domestic.body.totalTax, 4.6); // 23 %
      assert.equal(domestic.body.taxIdentifiers.length, 1);

      // a business identifier on an individual's purchase does not apply
      const individual = await t.api.post(
        '/checkouts',
        billedTo(BERLIN, { taxIdentifiers: [{ id: de.id }] }),
      );
      assert.equal(individual.status, 409);
      assert.deepEqual(errorOf(individual), {
        code: 'invalid_parameter',
        parameter: 'taxIdentifiers',
        message: `Tax identifier '${de.id}' is not applicable.`,
      });
      // and a pending identifier counts as verified until it is found not valid
      const pending = await create('de', 'DE222222222');
      const withPending = await t.api.post(
        '/checkouts',
        billedTo(BERLIN, { customerType: 'business', taxIdentifiers: [{ id: pending.id }] }),
      );
      assert.equal(withPending.body.totalTax, 0);
      const notValid = await t.api.post(`/test-helpers/tax-identifiers/${pending.id}/verification`, {
        state: 'not_valid',
      });
      assert.equal(notValid.status, 200, notValid.raw);
      assert.equal(notValid.body.state, 'not_valid');
      const repriced = await t.api.post(`/checkouts/${withPending.body.id}`, { email: 'again@example.com' });
      assert.equal(repriced.body.totalTax, 3.8);
      assert.equal(repriced.body.taxIdentifiers[0].state, 'not_valid');
      const again = await t.api.post(`/test-helpers/tax-identifiers/${pending.id}/verification`, {
        state: 'verified',
      });
      assert.equal(again.status, 409);
      const events = await eventsOf(t.api, 'tax_identifier.not_valid');
      assert.ok(events.some((e) => e.data.object.id === pending.id));
    });

    it("2021-03-23 applies a registered customer's applicable identifiers on their own (none for an empty list); 2021-12-13 only those the checkout names", async () => {
      const buyer = await customer();
      const de = await create('de', 'DE123456789');
      const it = await create('it', 'IT12345678901');
      for (const id of [de.id, it.id]) {
        assert.equal((await t.api.post(`/customers/${buyer.id}/tax-identifiers/${id}`)).status, 200);
      }
      const old = { headers: { 'DigitalRiver-Version': '2021-03-23' } };
      const registered = await t.api.request(
        'POST',
        '/checkouts',
        billedTo(BERLIN, { customerType: 'business', customerId: buyer.id }),
        old,
      );
      assert.equal(registered.status, 201, registered.raw);
      assert.deepEqual(
        registered.body.taxIdentifiers.map((x: any) => x.id),
        [de.id],
      );
      assert.equal(registered.body.totalTax, 0);
      const declined = await t.api.request(
        'POST',
        '/checkouts',
        billedTo(BERLIN, { customerType: 'business', customerId: buyer.id, taxIdentifiers: [] }),
        old,
      );
      assert.deepEqual(declined.body.taxIdentifiers, []);
      assert.equal(declined.body.totalTax, 3.8);
      // 2021-12-13: a registered checkout takes nothing from its customer by itself
      const current = await t.api.post(
        '/checkouts',
        billedTo(BERLIN, { customerType: 'business', customerId: buyer.id }),
      );
      assert.deepEqual(current.body.taxIdentifiers, []);
      assert.equal(current.body.totalTax, 3.8);
      const named = await t.api.post(
        '/checkouts',
        billedTo(BERLIN, { customerType: 'business', customerId: buyer.id, taxIdentifiers: [{ id: de.id }] }),
      );
      assert.equal(named.body.totalTax, 0);

      // another customer's identifier on this customer's checkout
      const stranger = await customer();
      const theirs = await create('de', 'DE333333333');
      await t.api.post(`/customers/${stranger.id}/tax-identifiers/${theirs.id}`);
      const inUse = await t.api.post(
        '/checkouts',
        billedTo(BERLIN, {
          customerType: 'business',
          customerId: buyer.id,
          taxIdentifiers: [{ id: theirs.id }],
        }),
      );
      assert.equal(inUse.status, 409);
      assert.deepEqual(errorOf(inUse), {
        code: 'tax_identifier_in_use',
        parameter: 'taxIdentifiers',
        message: `Tax identifier '${theirs.id}' is attached to a different customer.`,
      });
    });

    it('POST /orders: the order keeps the identifiers; a deleted one, one that no longer applies and a missing required one are 409s that write nothing', async () => {
      const de = await create('de', 'DE123456789');
      const order = await placeOrder(t.api, t.publicApi, {
        body: billedTo(BERLIN, { customerType: 'business', taxIdentifiers: [{ id: de.id }] }),
      });
      assert.equal(order.totalTax, 0);
      assert.deepEqual(
        order.taxIdentifiers.map((x: any) => x.id),
        [de.id],
      );
      assert.equal(order.sellingEntity.id, 'DR_IRELAND-ENTITY');

      const doomed = await create('de', 'DE000000000');
      const { checkout } = await readyCheckout(t.api, t.publicApi, {
        body: billedTo(BERLIN, { customerType: 'business', taxIdentifiers: [{ id: doomed.id }] }),
      });
      await t.api.delete(`/tax-identifiers/${doomed.id}`);
      const deleted = await t.api.post('/orders', { checkoutId: checkout.id });
      assert.equal(deleted.status, 409);
      assert.deepEqual(errorOf(deleted), {
        code: 'not_found',
        parameter: 'id',
        message: `Tax identifier '${doomed.id}' not found.`,
      });

      const moved = await readyCheckout(t.api, t.publicApi, {
        body: billedTo(BERLIN, { customerType: 'business', taxIdentifiers: [{ id: de.id }] }),
      });
      const toParis = await t.api.post(`/checkouts/${moved.checkout.id}`, {
        billTo: { name: 'Wagner GmbH', address: PARIS },
      });
      assert.equal(toParis.status, 200, toParis.raw);
      const notApplicable = await t.api.post('/orders', { checkoutId: moved.checkout.id });
      assert.equal(notApplicable.status, 409);
      assert.deepEqual(errorOf(notApplicable), {
        code: 'invalid_parameter',
        parameter: 'taxIdentifiers',
        message: "Tax identifiers of type 'de' are not applicable to this order.",
      });
      // nothing was spent: without the identifier the same checkout becomes an order
      assert.equal((await t.api.post(`/checkouts/${moved.checkout.id}`, { taxIdentifiers: [] })).status, 200);
      assert.equal((await t.api.post('/orders', { checkoutId: moved.checkout.id })).status, 201);

      const brazil = await readyCheckout(t.api, t.publicApi, { body: billedTo(SAO_PAULO) });
      assert.equal(brazil.checkout.sellingEntity.id, 'DR_BRAZIL-ENTITY');
      const required = await t.api.post('/orders', { checkoutId: brazil.checkout.id });
      assert.equal(required.status, 409);
      assert.deepEqual(errorOf(required), {
        code: 'additional_information_required',
        parameter: 'taxIdentifiers',
        message: "Tax identifiers of type 'br_natural' are required with this selling entity.",
      });
      const cpf = await create('br_natural', '12345678909');
      assert.equal(
        (await t.api.post(`/checkouts/${brazil.checkout.id}`, { taxIdentifiers: [{ id: cpf.id }] })).status,
        200,
      );
      assert.equal((await t.api.post('/orders', { checkoutId: brazil.checkout.id })).status, 201);
    });

    it("does not show, attach or apply another account's tax identifiers", async () => {
      const mine = await create('de', 'DE123456789');
      assert.equal((await t.otherApi.get(`/tax-identifiers/${mine.id}`)).status, 404);
      assert.equal((await t.otherApi.delete(`/tax-identifiers/${mine.id}`)).status, 404);
      assert.ok(!(await t.otherApi.get('/tax-identifiers')).body.data.some((x: any) => x.id === mine.id));
      const theirCustomer = await t.otherApi.post('/customers', { email: 'x@example.com' });
      assert.equal(
        (await t.otherApi.post(`/customers/${theirCustomer.body.id}/tax-identifiers/${mine.id}`)).status,
        404,
      );
      const borrowed = await t.otherApi.post(
        '/checkouts',
        billedTo(BERLIN, { customerType: 'business', taxIdentifiers: [{ id: mine.id }] }),
      );
      assert.equal(borrowed.status, 409);
      assert.equal(errorOf(borrowed).code, 'not_found');
      assert.equal((await t.api.get(`/tax-identifiers/${mine.id}`)).body.customerId, undefined);
    });
  });
}
