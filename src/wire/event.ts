import { isoMillis } from '../lib/time.js';
import type { EventRecord } from '../store/records.js';
import { compact, DR_API_VERSION, type WireObject } from './common.js';

export function eventToWire(event: EventRecord): WireObject {
  return {
    id: event.id,
    type: event.type,
    data: compact({ object: event.object, previousAttributes: event.previousAttributes }),
    liveMode: false,
    createdTime: isoMillis(event.createdAt),
    webhookIds: event.webhookIds ?? [],
    digitalriverVersion: DR_API_VERSION,
  };
}
