import { isoMillis } from '../lib/time.js';
import type { DeliveryAttemptRecord, WebhookRecord } from '../store/records.js';
import { compact, jsonOrText, time, type WireObject } from './common.js';

/** A webhook as DR shows it; its signing secret only when it is made or rotated. */
export function webhookToWire(webhook: WebhookRecord, secret?: string): WireObject {
  return compact({
    id: webhook.id,
    createdTime: time(webhook.createdAt),
    updatedTime: time(webhook.updatedAt),
    types: webhook.types,
    apiVersion: webhook.apiVersion,
    expand: webhook.expand,
    enabled: webhook.enabled,
    address: webhook.address,
    transportType: webhook.transportType,
    // the receiver's password stays with Tributary
    authentication: webhook.authentication
      ? { username: webhook.authentication.username, password: '********' }
      : undefined,
    liveMode: false,
    secret,
  });
}

export function attemptToWire(attempt: DeliveryAttemptRecord): WireObject {
  return compact({
    id: attempt.id,
    deliveryId: attempt.deliveryId,
    eventId: attempt.eventId,
    eventType: attempt.eventType,
    webhookId: attempt.webhookId,
    attempt: attempt.number,
    scheduledTime: isoMillis(attempt.scheduledAt),
    attemptedTime: isoMillis(attempt.attemptedAt),
    durationMs: attempt.durationMs,
    status: attempt.status,
    error: attempt.error,
    outcome: attempt.outcome,
    // what was sent (the body as JSON when it is JSON) and the start of the answer
    requestHeaders: attempt.requestHeaders ?? undefined,
    requestBody: jsonOrText(attempt.requestBody),
    responseBody: attempt.responseBody ?? undefined,
    nextAttemptTime: attempt.nextAttemptAt ? isoMillis(attempt.nextAttemptAt) : undefined,
  });
}
