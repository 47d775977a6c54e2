import { type ApiVersion, LATEST_API_VERSION, objectForVersion } from '../domain/versions.js';
import { isoMillis } from '../lib/time.js';
import type { EventRecord } from '../store/records.js';
import { compact, type WireObject } from './common.js';

/**
 * An event as a version shows it: its object (and what changed) in that version's shape, and the
 * version named in `digitalriverVersion`. The kind of object is the event type's first word.
 */
export function eventToWire(event: EventRecord, version: ApiVersion = LATEST_API_VERSION): WireObject {
  const kind = event.type.split('.')[0] ?? '';
  return {
    id: event.id,
    type: event.type,
    data: compact({
      object: objectForVersion(kind, event.object, version),
      previousAttributes:
        event.previousAttributes === null ? null : objectForVersion(kind, event.previousAttributes, version),
    }),
    liveMode: false,
    createdTime: isoMillis(event.createdAt),
    webhookIds: event.webhookIds ?? [],
    digitalriverVersion: version,
  };
}
