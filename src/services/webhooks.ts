import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { invalidParameter, notFound, unknownReference } from '../domain/errors.js';
import { isKnownEventPattern } from '../domain/events.js';
import { webhookVersionProblem } from '../domain/versions.js';
import { isDeniedAddress } from '../domain/webhook/address.js';
import { TYPE_PATTERN } from '../domain/webhook/match.js';
import type { WebhookCreate, WebhookUpdate } from '../http/schemas/webhook.js';
import { newUuid } from '../lib/ids.js';
import { newWebhookSecret } from '../lib/webhook-signature.js';
import type {
  DeliveryAttemptRecord,
  DeliveryRecord,
  Page,
  PageQuery,
  WebhookRecord,
} from '../store/records.js';
import type { Tx } from '../store/store.js';
import { webhookToWire } from '../wire/webhook.js';
import { type Caller, DEFAULT_SETTINGS, type Deps, newEvent, now, updateEvent } from './context.js';

/** After a rotation the old secret keeps signing beside the new one this long. */
export const SECRET_ROTATION_GRACE_MS = 12 * 3_600_000;

const webhookNotFound = (id: string) => notFound('id', `Webhook '${id}' not found.`);

function checkTypes(types: readonly string[]): void {
  types.forEach((type, i) => {
    if (!TYPE_PATTERN.test(type)) {
      throw invalidParameter(
        `types[${i}]`,
        `'${type}' is not an event type or a pattern such as 'order.*' or '*'.`,
      );
    }
    // a misspelt type would silently never be delivered
    if (!isKnownEventPattern(type))
      throw invalidParameter(
        `types[${i}]`,
        `'${type}' is not an event type Digital River or Tributary sends.`,
      );
  });
}

/**
 * A webhook address: http(s); with private addresses denied, neither an address nor a name that
 * resolves to a loopback, private, link-local or IPv4-mapped one.
 */
export async function checkAddress(deps: Deps, address: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw invalidParameter('address', `'${address}' is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidParameter('address', 'A webhook address is an http or https URL.');
  if (url.username || url.password)
    throw invalidParameter('address', 'Give credentials in `authentication`, not in the address.');
  if ((deps.settings ?? DEFAULT_SETTINGS).webhookPrivateAddresses !== 'deny') return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      throw invalidParameter('address', `'${host}' does not resolve.`);
    }
  }
  const denied = addresses.find(isDeniedAddress);
  if (denied) {
    throw invalidParameter(
      'address',
      `'${host}' is ${denied === host ? '' : `resolves to ${denied}, `}a private address, which this server does not deliver to.`,
    );
  }
}

function checkTransport(input: { transportType?: string | undefined; oauth?: unknown }): void {
  if (input.transportType === 'OAUTH' || input.oauth !== undefined) {
    throw invalidParameter(
      'transportType',
      'Tributary delivers over HTTP (with optional basic authentication); OAUTH is not supported.',
    );
  }
}

export async function createWebhook(
  deps: Deps,
  caller: Caller,
  input: WebhookCreate,
): Promise<{ webhook: WebhookRecord; secret: string }> {
  const at = now(deps, caller);
  checkTypes(input.types);
  checkTransport(input);
  const versionProblem = input.apiVersion === undefined ? undefined : webhookVersionProblem(input.apiVersion);
  if (versionProblem) throw versionProblem;
  await checkAddress(deps, input.address);
  const secret = newWebhookSecret();
  const webhook: WebhookRecord = {
    accountId: caller.account.id,
    id: newUuid(),
    address: input.address,
    types: [...new Set(input.types)],
    apiVersion: input.apiVersion ?? 'default',
    expand: input.expand ?? false,
    enabled: input.enabled ?? true,
    transportType: 'HTTP',
    authentication: input.authentication ?? null,
    secret,
    previousSecret: null,
    previousSecretUntil: null,
    disabledReason: null,
    createdAt: at,
    updatedAt: at,
  };
  await deps.store.transaction(async (tx) => {
    await tx.webhooks.insert(webhook);
    await tx.events.append([newEvent(webhook.accountId, 'webhook.created', webhookToWire(webhook), at)]);
  });
  return { webhook, secret };
}

async function loadWebhook(tx: Tx, accountId: string, id: string, lock = false): Promise<WebhookRecord> {
  const webhook = await tx.webhooks.get(accountId, id, { lock });
  if (!webhook) throw webhookNotFound(id);
  return webhook;
}

export async function getWebhook(deps: Deps, caller: Caller, id: string): Promise<WebhookRecord> {
  return deps.store.read((tx) => loadWebhook(tx, caller.account.id, id));
}

export async function listWebhooks(
  deps: Deps,
  caller: Caller,
  types: readonly string[] | undefined,
  page: PageQuery,
): Promise<Page<WebhookRecord>> {
  return deps.store.read((tx) => tx.webhooks.list(caller.account.id, { types }, page));
}

export async function updateWebhook(
  deps: Deps,
  caller: Caller,
  id: string,
  input: WebhookUpdate,
): Promise<WebhookRecord> {
  const at = now(deps, caller);
  if (input.types) checkTypes(input.types);
  checkTransport(input);
  const versionProblem = input.apiVersion === undefined ? undefined : webhookVersionProblem(input.apiVersion);
  if (versionProblem) throw versionProblem;
  if (input.address !== undefined) await checkAddress(deps, input.address);
  return deps.store.transaction(async (tx) => {
    const current = await loadWebhook(tx, caller.account.id, id, true);
    const enabled = input.enabled ?? current.enabled;
    const webhook: WebhookRecord = {
      ...current,
      address: input.address ?? current.address,
      types: input.types ? [...new Set(input.types)] : current.types,
      apiVersion: input.apiVersion ?? current.apiVersion,
      expand: input.expand ?? current.expand,
      enabled,
      authentication: input.authentication ?? current.authentication,
      disabledReason: enabled ? null : current.disabledReason,
      updatedAt: at,
    };
    await tx.webhooks.update(webhook);
    await tx.events.append([
      updateEvent(webhook.accountId, 'webhook.updated', webhookToWire(current), webhookToWire(webhook), at),
    ]);
    return webhook;
  });
}

/** Deleting a webhook cancels what was still to be delivered to it. */
export async function deleteWebhook(deps: Deps, caller: Caller, id: string): Promise<void> {
  const at = now(deps, caller);
  await deps.store.transaction(async (tx) => {
    const webhook = await loadWebhook(tx, caller.account.id, id, true);
    await tx.webhooks.cancelPending(caller.account.id, id, at);
    await tx.webhooks.delete(caller.account.id, id);
    await tx.events.append([newEvent(webhook.accountId, 'webhook.deleted', webhookToWire(webhook), at)]);
  });
}

/** A new signing secret; the old one keeps signing beside it for 12 hours. */
export async function rotateSecret(
  deps: Deps,
  caller: Caller,
  id: string,
): Promise<{ webhook: WebhookRecord; secret: string }> {
  const at = now(deps, caller);
  return deps.store.transaction(async (tx) => {
    const current = await loadWebhook(tx, caller.account.id, id, true);
    const secret = newWebhookSecret();
    const webhook: WebhookRecord = {
      ...current,
      secret,
      previousSecret: current.secret,
      previousSecretUntil: at + SECRET_ROTATION_GRACE_MS,
      updatedAt: at,
    };
    await tx.webhooks.update(webhook);
    return { webhook, secret };
  });
}

export async function listAttempts(
  deps: Deps,
  caller: Caller,
  webhookId: string,
  outcome: string | undefined,
  page: PageQuery,
): Promise<Page<DeliveryAttemptRecord>> {
  return deps.store.read(async (tx) => {
    await loadWebhook(tx, caller.account.id, webhookId);
    return tx.webhooks.attempts(caller.account.id, { webhookId, outcome }, page);
  });
}

function redelivery(accountId: string, eventId: string, webhookId: string, at: number): DeliveryRecord {
  return {
    accountId,
    id: newUuid(),
    eventId,
    webhookId,
    state: 'pending',
    attempts: 0,
    firstDueAt: at,
    nextAttemptAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

/** Sends an event again, to one webhook or to every webhook subscribed to its type now. */
export async function redeliverEvent(
  deps: Deps,
  caller: Caller,
  eventId: string,
  webhookId: string | undefined,
): Promise<string[]> {
  const at = now(deps, caller);
  return deps.store.transaction(async (tx) => {
    const event = await tx.events.get(caller.account.id, eventId);
    if (!event) throw notFound('id', `Event '${eventId}' not found.`);
    let targets: WebhookRecord[];
    if (webhookId !== undefined) {
      const webhook = await tx.webhooks.get(caller.account.id, webhookId);
      if (!webhook) throw unknownReference('webhookId', `Webhook '${webhookId}' not found.`);
      targets = [webhook];
    } else {
      targets = await tx.webhooks.subscribers(caller.account.id, event.type);
    }
    await tx.webhooks.insertDeliveries(targets.map((w) => redelivery(caller.account.id, event.id, w.id, at)));
    return targets.map((w) => w.id);
  });
}

/** Sends again every event whose delivery to a webhook failed (was given up) since a time. */
export async function redeliverFailed(
  deps: Deps,
  caller: Caller,
  webhookId: string,
  since: number,
): Promise<string[]> {
  const at = now(deps, caller);
  return deps.store.transaction(async (tx) => {
    await loadWebhook(tx, caller.account.id, webhookId);
    const failed = await tx.webhooks.failedSince(caller.account.id, webhookId, since);
    const eventIds = [...new Set(failed.map((d) => d.eventId))];
    await tx.webhooks.insertDeliveries(
      eventIds.map((eventId) => redelivery(caller.account.id, eventId, webhookId, at)),
    );
    return eventIds;
  });
}
