import { EXPANDABLE_EVENT_TYPES } from '../domain/events.js';
import { type ApiVersion, LATEST_API_VERSION, objectForVersion } from '../domain/versions.js';
import { isoMillis } from '../lib/time.js';
import type { EventRecord } from '../store/records.js';
import { compact, type WireObject } from './common.js';

/**
 * An event as a version shows it: its object (and what changed) in that version's shape, and the
 * version named in `digitalriverVersion`. The kind of object is the event type's first word.
 */
export function eventToWire(
  event: EventRecord,
  version: ApiVersion = LATEST_API_VERSION,
  expand = false,
): WireObject {
  const kind = event.type.split('.')[0] ?? '';
  const object = EXPANDABLE_EVENT_TYPES.has(event.type) && !expand ? collapsed(event.object) : event.object;
  return {
    id: event.id,
    type: event.type,
    data: compact({
      object: objectForVersion(kind, object, version),
      previousAttributes:
        event.previousAttributes === null ? null : objectForVersion(kind, event.previousAttributes, version),
    }),
    liveMode: false,
    createdTime: isoMillis(event.createdAt),
    webhookIds: event.webhookIds ?? [],
    digitalriverVersion: version,
  };
}

type Wire = Record<string, unknown>;

/** An expanded order (or a fulfillment's orderDetails) without what expansion adds. */
function collapsed(object: Wire): Wire {
  const order = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null || !Array.isArray((value as Wire)['items'])) return value;
    const items = ((value as Wire)['items'] as Wire[]).map((item) => {
      const details = item['productDetails'];
      if (typeof details !== 'object' || details === null) return item;
      const { physical: _p, metadata: _m, ...rest } = details as Wire;
      return { ...item, productDetails: rest };
    });
    return { ...(value as Wire), items };
  };
  return 'orderDetails' in object
    ? { ...object, orderDetails: order(object['orderDetails']) }
    : (order(object) as Wire);
}
