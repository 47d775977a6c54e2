import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serveConfig, webhookAddressPolicy } from '../../src/config.js';
import { isKnownEventPattern } from '../../src/domain/events.js';
import { isDeniedAddress } from '../../src/domain/webhook/address.js';
import { subscribes, typeMatches } from '../../src/domain/webhook/match.js';
import {
  nextAttemptAt,
  RETRY_DELAYS_SECONDS,
  RETRY_WINDOW_SECONDS,
} from '../../src/domain/webhook/schedule.js';

describe('private webhook addresses', () => {
  it('denies loopback, private, link-local, CGNAT, multicast and IPv4-mapped IPv6', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'fc00::abcd',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::10.0.0.1',
      '[::1]',
      'not-an-address',
    ]) {
      assert.ok(isDeniedAddress(address), address);
    }
  });
  it('allows public addresses', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
    ]) {
      assert.ok(!isDeniedAddress(address), address);
    }
  });
});

describe('the retry schedule', () => {
  it('backs off with ±10% jitter and stops after 72 hours', () => {
    let scheduled = 0;
    for (let n = 1; ; n++) {
      const next = nextAttemptAt(0, scheduled, n, 0.5);
      if (next === null) {
        assert.ok(scheduled <= RETRY_WINDOW_SECONDS * 1000);
        assert.ok(n >= 12, `gave up after attempt ${n}`);
        break;
      }
      const delay = RETRY_DELAYS_SECONDS[Math.min(n - 1, RETRY_DELAYS_SECONDS.length - 1)] ?? 0;
      assert.equal(next - scheduled, delay * 1000, 'no jitter at the midpoint');
      scheduled = next;
    }
    assert.equal(nextAttemptAt(0, 0, 1, 0), 27_000);
    assert.equal(nextAttemptAt(0, 0, 1, 0.999999), 33_000);
  });
});

describe('event type patterns', () => {
  it('match exact types, prefixes and everything', () => {
    assert.ok(typeMatches('*', 'order.accepted'));
    assert.ok(typeMatches('order.*', 'order.charge.capture.complete'));
    assert.ok(!typeMatches('order.*', 'orders.x'));
    assert.ok(typeMatches('order.accepted', 'order.accepted'));
    assert.ok(!typeMatches('order.accepted', 'order.accepted.x'));
    assert.ok(subscribes(['sku.*', 'order.accepted'], 'order.accepted'));
  });

  it("reach Tributary's own events only when they name them", () => {
    for (const own of ['webhook.created', 'webhook.disabled', 'fulfillment.updated']) {
      assert.ok(!typeMatches('*', own), `* does not get ${own}`);
      assert.ok(typeMatches(own, own));
    }
    assert.ok(!typeMatches('fulfillment.*', 'fulfillment.updated'));
    assert.ok(typeMatches('fulfillment.*', 'fulfillment.created'));
    assert.ok(typeMatches('webhook.*', 'webhook.disabled'));
    assert.ok(typeMatches('*', 'fulfillment.created'));
  });

  it("are checked against DR's catalogue and Tributary's own", () => {
    for (const known of [
      '*',
      'order.*',
      'order.charge.*',
      'order.accepted',
      'return.accepted',
      'webhook.*',
      'webhook.disabled',
      'fulfillment.updated',
      'subscription.created',
      'tax_identifier.*',
    ])
      assert.ok(isKnownEventPattern(known), known);
    for (const typo of ['order.acepted', 'orders.*', 'order.charge.captured', 'refund', 'x.*'])
      assert.ok(!isKnownEventPattern(typo), typo);
  });
});

describe('the private-address policy a server starts with', () => {
  const policy = (host: string, setting?: 'allow' | 'deny') =>
    webhookAddressPolicy({ host, webhookPrivateAddresses: setting });

  it('allows private addresses when listening on loopback only, denies them beyond it', () => {
    for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]', 'LOCALHOST'])
      assert.equal(policy(host).policy, 'allow', host);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'tributary.internal', 'example.com'])
      assert.equal(policy(host).policy, 'deny', host);
  });

  it('follows TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES when it is set, and warns of allow beyond loopback', () => {
    assert.equal(policy('0.0.0.0', 'allow').policy, 'allow');
    assert.match(policy('0.0.0.0', 'allow').warning ?? '', /internal services/);
    assert.equal(policy('127.0.0.1', 'deny').policy, 'deny');
    assert.equal(policy('127.0.0.1', 'deny').warning, undefined);
    assert.equal(policy('127.0.0.1', 'allow').warning, undefined);
  });

  it('says which it is, and the knob that changes it', () => {
    assert.match(policy('localhost').line, /may point at private.*loopback only.*=deny refuses/);
    assert.match(policy('0.0.0.0').line, /may not point at private.*beyond loopback.*=allow permits/);
  });

  it('reads the setting from the environment: unset, allow, deny, or refused', () => {
    assert.equal(serveConfig({}, {}).webhookPrivateAddresses, undefined);
    assert.equal(
      serveConfig({}, { TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES: 'Deny' }).webhookPrivateAddresses,
      'deny',
    );
    assert.throws(() => serveConfig({}, { TRIBUTARY_WEBHOOK_PRIVATE_ADDRESSES: 'maybe' }), /allow or deny/);
  });
});
