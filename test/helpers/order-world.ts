import assert from 'node:assert/strict';
import { priceCheckout } from '../../src/domain/checkout/pricing.js';
import type { AppError } from '../../src/domain/errors.js';
import { toMinor } from '../../src/domain/money/money.js';
import { parseRate } from '../../src/domain/money/rate.js';
import { decideAuthorizationExpiry, decideReauthorizationRefusal } from '../../src/domain/order/commands.js';
import { decideOrderCreation } from '../../src/domain/order/create.js';
import {
  decideChargeback,
  decideDisputeOpen,
  decideDisputeResolution,
} from '../../src/domain/order/dispute.js';
import {
  decideFulfillment,
  type ReauthorizationAnswer,
  type RiskPolicy,
  reauthorizationsNeeded,
} from '../../src/domain/order/fulfill.js';
import { chargeState, itemRefundableMinor, ledgerOf } from '../../src/domain/order/ledger.js';
import type { ItemRefundType, Order, RefundType } from '../../src/domain/order/model.js';
import type { Decision, Plan } from '../../src/domain/order/plan.js';
import { decideRefund, type RefundItemRequest } from '../../src/domain/order/refund.js';
import { decideReturn, decideReturnUpdate } from '../../src/domain/order/return.js';
import { decideReview } from '../../src/domain/order/review.js';
import { decideSettlement } from '../../src/domain/order/settle.js';

/**
 * A tiny language for the order's decisions, in the style of TigerBeetle's state-machine tests:
 * one line per step, `command args → expectation`, run against the pure decide functions — no
 * database, no HTTP, milliseconds per table.
 *
 * Orders:  `order 1250x2 rate=0.0688 shipping=500 credit=500 inclusive`
 *   (lines as price×quantity in cents; a `credit` is a secondary charge of that many cents)
 * Commands:
 *   fulfil 0:1            ship 1 unit of item 0        fulfil 0:1/1  ship 1 and cancel 1
 *   fulfil 0:0/1,1:2      cancel 1 of item 0, ship 2 of item 1
 *   settle [fail] [capture|cancel|refund]   every pending operation (of a kind) completes or fails
 *   settle1 <n> [fail]    the n-th pending operation (modulo their number) completes or fails
 *   refund amount=5.00 | percent=50 | type=tax [amount=…|percent=…]
 *   refund items=0:q1 | 0:q2:p50 | 0:a3.00 | 0:t=shipping | 0:t=fees:p50   (q quantity, p percent, a amount)
 *   return 0:2,1:1                          a return of units of items (item:quantity)
 *   accept [n] [0:1,…]                      accepts the n-th return (default the last) whole, or those units
 *   dispute | resolve won | resolve lost [amount=…] | chargeback   a dispute, and how it ends
 *   expire [charge]   refuse [charge]   advance <seconds>   review accept|block
 *   policy averse|tolerant   reauth granted|refused
 * Expectations: `ok`, an error `409 code parameter`, and/or `key=value` checks:
 *   order= item0= charge0= captured= cancelled= refunded= available= item0.available=
 *   refund= (amount of the refund just made) events=a,b,c (the events of this step, in order)
 *   return0=accepted/2+1/1 (state / units accepted per item / refunds issued)
 */

const money = (text: string): number => {
  const r = toMinor(Number(text), 'USD');
  assert.ok(r.ok, `bad amount ${text}`);
  return r.minor;
};
const show = (minor: number) => (minor / 100).toFixed(2);

export class World {
  order!: Order;
  now = Date.UTC(2026, 0, 1);
  policy: RiskPolicy = 'tolerant';
  reauth: 'granted' | 'refused' = 'granted';
  private ids = 0;
  private lastPlan: Plan | undefined;
  private lastRefund: number | undefined;

  readonly ctx = () => ({ now: this.now, uuid: () => `id-${++this.ids}` });

  create(spec: string): void {
    const words = spec.split(/\s+/).slice(1);
    const lines = words
      .filter((w) => /^\d+x\d+$/.test(w))
      .map((w) => w.split('x').map(Number) as [number, number]);
    const opt = (name: string) => words.find((w) => w.startsWith(`${name}=`))?.split('=')[1];
    const rateText = opt('rate') ?? '0.0688';
    const rate = parseRate(Number(rateText));
    assert.ok(rate);
    const taxInclusive = words.includes('inclusive');
    const priced = priceCheckout({
      lines: lines.map(([price, quantity]) => ({
        quantity,
        priceMinor: price,
        aggregatePriceMinor: null,
        physical: true,
      })),
      shippingMinor: opt('shipping') ? Number(opt('shipping')) : null,
      taxInclusive,
      rateFor: () => rate,
    });
    assert.ok(priced.ok);
    const credit = opt('credit') ? Number(opt('credit')) : 0;
    const review = opt('review') as 'accept' | 'block' | undefined;
    const total = priced.totals.totalAmountMinor;
    const source = (role: 'primary' | 'secondary', amountMinor: number, n: number) => ({
      chargeId: `charge-${n}`,
      source: {
        id: `source-${n}`,
        customerId: null,
        state: 'chargeable',
        scenarioId: 's',
        role,
        amountMinor,
      },
      answer: {
        approved: true as const,
        authorizationId: `auth-${n}`,
        expiresAtMs: this.now + 7 * 86_400_000,
        ...(review && role === 'primary' ? { review: { outcome: review, afterSeconds: 3600 } } : {}),
      },
    });
    const attempts =
      credit > 0
        ? [source('secondary', credit, 1), source('primary', total - credit, 0)]
        : [source('primary', total, 0)];
    const decision = decideOrderCreation(
      {
        checkout: {
          accountId: 'acct',
          id: 'checkout',
          currency: 'USD',
          customerId: null,
          email: 'a@example.com',
          locale: null,
          browserIp: null,
          applicationId: null,
          upstreamId: null,
          taxInclusive,
          chargeType: 'customer_initiated',
          customerType: null,
          hasShippingChoice: priced.totals.totalShippingMinor > 0,
          sessionId: 'session',
          sessionClientSecret: 'secret',
          totals: priced.totals,
          data: {},
          metadata: null,
        },
        lines: priced.lines.map((l, i) => ({
          id: `line-${i}`,
          position: i,
          skuId: `sku-${i}`,
          productDetails: {},
          physical: true,
          quantity: lines[i]?.[1] ?? 1,
          amountMinor: l.amountMinor,
          discountMinor: l.discountMinor,
          taxRate: rateText,
          taxMinor: l.taxMinor,
          shippingMinor: l.shippingMinor,
          shippingTaxMinor: l.shippingTaxMinor,
          data: {},
          metadata: null,
        })),
        orderId: 'order',
        itemIds: priced.lines.map((_, i) => `item${i}`),
        attempts,
      },
      this.ctx(),
    );
    this.apply(decision);
  }

  private apply(decision: Decision): AppError | undefined {
    this.lastRefund = undefined;
    if (decision.plan) {
      this.lastPlan = decision.plan;
      this.order = decision.plan.next;
    } else this.lastPlan = undefined;
    return decision.ok ? undefined : decision.error;
  }

  /** Runs one command; the refusal, if any. */
  run(line: string): AppError | undefined {
    const [verb = '', ...args] = line.trim().split(/\s+/);
    const opt = (name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
    switch (verb) {
      case 'order':
        this.create(line);
        return undefined;
      case 'policy':
        this.policy = args[0] as RiskPolicy;
        return undefined;
      case 'reauth':
        this.reauth = args[0] as 'granted' | 'refused';
        return undefined;
      case 'advance':
        this.now += Number(args[0]) * 1000;
        return undefined;
      case 'fulfil':
        return this.fulfil(args[0] ?? '');
      case 'settle1': {
        // one pending operation (the n-th, modulo how many there are) settles: any order
        const pending = this.order.operations.filter((o) => o.state === 'pending');
        const op = pending[Number(args[0] ?? 0) % Math.max(1, pending.length)];
        if (!op) return undefined;
        return this.apply(
          decideSettlement(
            this.order,
            op.id,
            { state: args.includes('fail') ? 'failed' : 'complete' },
            this.ctx(),
          ),
        );
      }
      case 'settle':
        return this.settle(
          args.includes('fail') ? 'failed' : 'complete',
          args.find((a) => a !== 'fail'),
        );
      case 'expire':
      case 'refuse': {
        const charge = this.order.charges[Number(args[0] ?? 0) % this.order.charges.length];
        assert.ok(charge);
        const decide = verb === 'expire' ? decideAuthorizationExpiry : decideReauthorizationRefusal;
        return this.apply(decide(this.order, charge.id, this.ctx()));
      }
      case 'review':
        return this.apply(decideReview(this.order, args[0] === 'block' ? 'block' : 'accept', this.ctx()));
      case 'refund': {
        const items = opt('items');
        const error = this.apply(
          decideRefund(
            this.order,
            {
              id: `re_${++this.ids}`,
              currency: opt('currency') ?? 'USD',
              type: (opt('type') ?? null) as RefundType | null,
              amountMinor: opt('amount') ? money(opt('amount') as string) : null,
              percent: opt('percent') ? Number(opt('percent')) : null,
              items: items ? items.split(',').map((e) => this.refundItem(e)) : null,
              reason: null,
              metadata: null,
            },
            this.ctx(),
          ),
        );
        if (!error) this.lastRefund = this.order.refunds.at(-1)?.amountMinor;
        return error;
      }
      case 'dispute':
        return this.apply(decideDisputeOpen(this.order, this.ctx()));
      case 'resolve':
        return this.apply(
          decideDisputeResolution(
            this.order,
            args[0] === 'lost' ? 'lost' : 'won',
            opt('amount') ? money(opt('amount') as string) : null,
            this.ctx(),
          ),
        );
      case 'chargeback':
        return this.apply(decideChargeback(this.order, this.ctx()));
      case 'return': {
        const units = (args[0] ?? '').split(',').map((part) => part.split(':').map(Number));
        return this.apply(
          decideReturn(
            this.order,
            {
              id: `ret_${++this.ids}`,
              items: units.map(([index, quantity]) => ({
                itemId: `item${index}`,
                skuId: null,
                quantity: quantity ?? 0,
              })),
              reason: null,
              location: null,
              metadata: null,
            },
            this.ctx(),
          ),
        );
      }
      case 'accept': {
        const which = args.find((a) => /^\d+$/.test(a));
        const units = args.find((a) => a.includes(':'));
        const ret = which === undefined ? this.order.returns.at(-1) : this.order.returns[Number(which)];
        assert.ok(ret, 'a return to accept');
        const before = this.order.refunds.length;
        const error = this.apply(
          decideReturnUpdate(
            this.order,
            ret.id,
            {
              accept: units === undefined,
              items: units
                ? units.split(',').map((part) => {
                    const [index, quantity] = part.split(':').map(Number);
                    return { itemId: `item${index}`, skuId: null, quantity: quantity ?? 0 };
                  })
                : null,
              location: undefined,
              metadata: undefined,
              refundId: () => `re_${++this.ids}`,
            },
            this.ctx(),
          ),
        );
        // refund=: what the refunds this acceptance issued add up to
        const issued = this.order.refunds.slice(before);
        if (!error && issued.length > 0) this.lastRefund = issued.reduce((s, r) => s + r.amountMinor, 0);
        return error;
      }
      default:
        throw new Error(`unknown command: ${line}`);
    }
  }

  private refundItem(entry: string): RefundItemRequest {
    const [index, ...rest] = entry.split(':');
    const field = (p: string) => rest.find((r) => r.startsWith(p))?.slice(p.length);
    return {
      itemId: `item${index}`,
      skuId: null,
      type: (field('t=') ?? null) as ItemRefundType | null,
      quantity: field('q') ? Number(field('q')) : null,
      amountMinor: field('a') ? money(field('a') as string) : null,
      percent: field('p') ? Number(field('p')) : null,
    };
  }

  private fulfil(spec: string): AppError | undefined {
    const command = {
      id: `ful_${++this.ids}`,
      lines: spec.split(',').map((part) => {
        const [index, counts = '0'] = part.split(':');
        const [ship = '0', cancel = '0'] = counts.split('/');
        return {
          itemId: `item${index}`,
          quantity: Number(ship),
          cancelQuantity: Number(cancel),
          shipmentItemId: null,
        };
      }),
      shipmentId: null,
      trackingCompany: null,
      trackingNumber: null,
      trackingUrl: null,
      metadata: null,
    };
    const answers = new Map<string, ReauthorizationAnswer>();
    for (const { charge } of reauthorizationsNeeded(this.order, command, this.now)) {
      answers.set(
        charge.id,
        this.reauth === 'granted' && charge.reauthorizationOverride !== 'refused'
          ? { granted: true, authorizationId: `reauth-${++this.ids}`, expiresAtMs: this.now + 7 * 86_400_000 }
          : { granted: false },
      );
    }
    return this.apply(decideFulfillment(this.order, command, answers, this.policy, this.ctx()));
  }

  private settle(state: 'complete' | 'failed', kind: string | undefined): AppError | undefined {
    const events: Plan['events'] = [];
    for (const op of this.order.operations.filter(
      (o) => o.state === 'pending' && (!kind || o.kind === kind),
    )) {
      const error = this.apply(decideSettlement(this.order, op.id, { state }, this.ctx()));
      if (error) return error;
      events.push(...(this.lastPlan?.events ?? []));
    }
    if (this.lastPlan) this.lastPlan = { ...this.lastPlan, events };
    return undefined;
  }

  /** The value of a check key, as text. */
  value(key: string): string {
    const ledger = ledgerOf(this.order);
    const item = /^item(\d+)(\.available)?$/.exec(key);
    if (item) {
      const it = this.order.items[Number(item[1])];
      assert.ok(it, `no ${key}`);
      return item[2] ? show(itemRefundableMinor(ledger, it.id)) : it.state;
    }
    const ret = /^return(\d+)$/.exec(key);
    if (ret) {
      const r = this.order.returns[Number(ret[1])];
      assert.ok(r, `no ${key}`);
      return `${r.state}/${r.items.map((i) => i.quantityAccepted).join('+')}/${r.refundIds.length}`;
    }
    const charge = /^charge(\d+)$/.exec(key);
    if (charge) {
      const c = ledger.charges[Number(charge[1])];
      assert.ok(c, `no ${key}`);
      assert.equal(c.charge.state, chargeState(c), 'a charge is in the state its money implies');
      return c.charge.state;
    }
    switch (key) {
      case 'order':
        return this.order.order.state;
      case 'captured':
        return show(ledger.capturedMinor);
      case 'cancelled':
        return show(ledger.cancelledMinor);
      case 'refunded':
        return show(ledger.refundedMinor);
      case 'available':
        return show(ledger.availableToRefundMinor);
      case 'total':
        return show(this.order.order.totals.totalAmountMinor);
      case 'tax':
        return show(this.order.order.totals.totalTaxMinor);
      case 'refund':
        return this.lastRefund === undefined ? 'none' : show(this.lastRefund);
      case 'events':
        return (this.lastPlan?.events ?? []).map((e) => e.type).join(',');
      default:
        throw new Error(`unknown check: ${key}`);
    }
  }
}

/**
 * Runs a table: each line `command → expectation`. Lines without `→` only run (and must not be
 * refused). Blank lines and `#` comments are skipped. A failure names the line.
 */
export function runTable(table: string): void {
  const world = new World();
  for (const [n, raw] of table.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [commands = '', expect = 'ok'] = line.split('→').map((s) => s.trim());
    // `a ; b` runs a, then b (the expectation is of the last)
    const steps = commands.split(' ; ');
    let error: AppError | undefined;
    for (const [i, step] of steps.entries()) {
      error = world.run(step);
      if (i < steps.length - 1) assert.equal(error, undefined, `line ${n + 1}: ${step}: ${error?.message}`);
    }
    const checks = expect.split(/\s+/).filter((s) => s !== '');
    const at = `line ${n + 1}: ${line}`;
    if (/^\d{3}$/.test(checks[0] ?? '')) {
      assert.ok(error, `${at}: expected ${checks.slice(0, 3).join(' ')}, the command was accepted`);
      assert.deepEqual(
        [String(error.status), error.code, error.parameter],
        checks.slice(0, 3),
        `${at}: ${error.message}`,
      );
      checks.splice(0, 3);
    } else {
      assert.equal(
        error,
        undefined,
        `${at}: refused with ${error?.status} ${error?.code} ${error?.parameter}: ${error?.message}`,
      );
      if (checks[0] === 'ok') checks.shift();
    }
    for (const check of checks) {
      const [key = '', want = ''] = check.split('=');
      assert.equal(world.value(key), want, `${at}: ${key}`);
    }
  }
}
