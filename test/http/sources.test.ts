import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { CARDS, cardBody, digitalCheckoutBody } from '../helpers/fixtures.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`sources (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(kind);
    });
    after(async () => t.close());

    it('creates a card source with the public key and keeps only brand, last four and expiry', async () => {
      const created = await t.publicApi.post(
        '/payments/sources',
        cardBody(CARDS.amex, { currency: 'USD', amount: 10.5 }),
      );
      assert.equal(created.status, 201);
      assert.deepEqual(created.body.creditCard, {
        brand: 'American Express',
        expirationMonth: 7,
        expirationYear: 2031,
        lastFourDigits: '2341',
      });
      assert.equal(created.body.state, 'chargeable');
      assert.equal(created.body.reusable, false);
      assert.equal(created.body.flow, 'standard');
      assert.equal(created.body.amount, 10.5);
      assert.ok(created.body.clientSecret.startsWith(`${created.body.id}_`));
      assert.ok(!created.raw.includes(CARDS.amex) && !created.raw.includes('"cvv"'));
      const read = await t.api.get(`/sources/${created.body.id}`);
      assert.deepEqual(read.body, created.body);
    });

    it('never stores the card number or CVV', async () => {
      const number = '4111111111111111';
      await t.publicApi.post(
        '/payments/sources',
        cardBody(number, { creditCard: { number, expirationMonth: 1, expirationYear: 2031, cvv: '987' } }),
      );
      const tables = ['sources', 'events'];
      for (const table of tables) {
        const rows = await t.store.read((tx) =>
          (tx.sources as any).db.selectFrom(table).selectAll().execute(),
        );
        const text = JSON.stringify(rows);
        assert.ok(!text.includes(number), `${table} holds no card number`);
        // as a value of its own (ids and times may contain the digits by chance)
        assert.ok(!/(?<![\w-])987(?![\w-])/.test(text) && !/"cvv"/i.test(text), `${table} holds no CVV`);
      }
    });

    it('fails the source for the source-failure card', async () => {
      const failed = await t.publicApi.post('/payments/sources', cardBody(CARDS.sourceFails));
      assert.equal(failed.status, 201);
      assert.equal(failed.body.state, 'failed');
    });

    it('rejects invalid cards with the parameter named', async () => {
      const cases: [Record<string, unknown>, string, string][] = [
        [
          { number: '4444222233331112', expirationMonth: 7, expirationYear: 2031 },
          'invalid_card_number',
          'creditCard.number',
        ],
        [
          { number: CARDS.visa, expirationMonth: 13, expirationYear: 2031 },
          'invalid_expiration_date',
          'creditCard.expirationMonth',
        ],
        [
          { number: CARDS.visa, expirationMonth: 1, expirationYear: 2020 },
          'invalid_expiration_date',
          'creditCard.expirationYear',
        ],
        [
          { number: CARDS.visa, expirationMonth: 1, expirationYear: 2031, cvv: '12' },
          'invalid_security_code',
          'creditCard.cvv',
        ],
        [
          { number: CARDS.visa, expirationMonth: '1', expirationYear: 2031 },
          'invalid_parameter',
          'creditCard.expirationMonth',
        ],
        [{ expirationMonth: 1, expirationYear: 2031 }, 'missing_parameter', 'creditCard.number'],
      ];
      for (const [creditCard, code, parameter] of cases) {
        const response = await t.publicApi.post('/payments/sources', { type: 'creditCard', creditCard });
        assert.equal(response.status, 400, JSON.stringify(creditCard));
        assert.deepEqual(
          [response.body.errors[0].code, response.body.errors[0].parameter],
          [code, parameter],
        );
      }
      const decimals = await t.publicApi.post(
        '/payments/sources',
        cardBody(CARDS.visa, { currency: 'JPY', amount: 10.5 }),
      );
      assert.deepEqual([decimals.status, decimals.body.errors[0].parameter], [400, 'amount']);
      const noCurrency = await t.publicApi.post('/payments/sources', cardBody(CARDS.visa, { amount: 10 }));
      assert.deepEqual([noCurrency.status, noCurrency.body.errors[0].parameter], [400, 'currency']);
    });

    it('creates customerCredit secondary sources for a payment session with the secret key only', async () => {
      const checkout = (await t.api.post('/checkouts', digitalCheckoutBody())).body;
      const body = {
        type: 'customerCredit',
        paymentSessionId: checkout.payment.session.id,
        amount: 5,
        customerCredit: {},
      };
      const forbidden = await t.publicApi.post('/sources', body);
      assert.equal(forbidden.status, 403);
      const created = await t.api.post('/sources', { ...body, upstreamId: 'credit-1' });
      assert.equal(created.status, 201);
      assert.equal(created.body.type, 'customerCredit');
      assert.equal(created.body.currency, 'USD');
      assert.equal(created.body.amount, 5);
      assert.equal(created.body.state, 'chargeable');
      assert.equal(created.body.upstreamId, 'credit-1');
      assert.equal(created.body.paymentSessionId, checkout.payment.session.id);
      const unknownSession = await t.api.post('/sources', { ...body, paymentSessionId: 'nope' });
      assert.deepEqual(
        [unknownSession.status, unknownSession.body.errors[0].parameter],
        [400, 'paymentSessionId'],
      );
      const zero = await t.api.post('/sources', { ...body, amount: 0 });
      assert.deepEqual([zero.status, zero.body.errors[0].parameter], [400, 'amount']);
      const noAmount = await t.api.post('/sources', {
        type: 'customerCredit',
        paymentSessionId: checkout.payment.session.id,
      });
      assert.deepEqual([noAmount.status, noAmount.body.errors[0].code], [400, 'missing_parameter']);
    });

    it('lets a public key create sources and nothing else', async () => {
      for (const [method, url] of [
        ['GET', '/sources/x'],
        ['GET', '/checkouts'],
        ['POST', '/orders'],
        ['GET', '/events'],
      ] as const) {
        const response = await t.publicApi.request(method, url, method === 'POST' ? {} : undefined);
        assert.equal(response.status, 403, `${method} ${url}`);
        assert.equal(response.body.errors[0].code, 'forbidden');
      }
    });
  });
}
