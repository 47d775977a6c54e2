import { DR_EVENT_TYPES, type EventType, TRIBUTARY_EVENT_TYPES } from '../events.js';

/**
 * Event types a webhook subscribes to: an exact type (`order.accepted`), a prefix ending in `*`
 * (`order.*`, `order.charge.*`), or `*` for every event DR sends. Tributary's own events
 * (`webhook.*`, `fulfillment.updated`) reach only a webhook that names them: the exact type, or
 * a prefix of nothing but Tributary's own (`webhook.*`).
 */
export const TYPE_PATTERN = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;

const OWN = [...TRIBUTARY_EVENT_TYPES];
const DR = [...DR_EVENT_TYPES];

/** A prefix (`webhook.`) that covers Tributary's own types and none of DR's. */
const ownPrefix = (prefix: string) =>
  OWN.some((t) => t.startsWith(prefix)) && !DR.some((t) => t.startsWith(prefix));

export function typeMatches(pattern: string, type: string): boolean {
  if (TRIBUTARY_EVENT_TYPES.has(type as EventType)) {
    if (pattern === type) return true;
    return pattern.endsWith('.*') && ownPrefix(pattern.slice(0, -1)) && type.startsWith(pattern.slice(0, -1));
  }
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export const subscribes = (types: readonly string[], eventType: string): boolean =>
  types.some((pattern) => typeMatches(pattern, eventType));
