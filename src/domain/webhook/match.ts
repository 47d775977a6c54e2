/**
 * Event types a webhook subscribes to: an exact type (`order.accepted`), a prefix ending in `*`
 * (`order.*`, `order.charge.*`), or `*` for every event.
 */
export const TYPE_PATTERN = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;

export function typeMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export const subscribes = (types: readonly string[], eventType: string): boolean =>
  types.some((pattern) => typeMatches(pattern, eventType));
