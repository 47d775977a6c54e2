import { Type } from 'typebox';
import { invalidParameter } from '../../domain/errors.js';
import { EVENT_TYPES_FILTER_MAX } from '../../limits.js';
import { type Deps, versionOf } from '../../services/context.js';
import { eventTypeFilter, getEvent, listEvents } from '../../services/events.js';
import { eventToWire } from '../../wire/event.js';
import { callerOf } from '../plugins/auth.js';
import { listOf, pageOf, timeRangeOf } from '../query.js';
import { closed, IdParams, listQuery, Str, timeQuery } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

export const EventListQuery = closed({
  ...listQuery,
  ...timeQuery('createdTime'),
  type: Type.Optional(Str(100)),
  types: Type.Optional(Type.Union([Str(), Type.Array(Str(), { maxItems: EVENT_TYPES_FILTER_MAX })])),
  /** Tributary's: the events of one order (its charges', fulfillments', refunds', returns' too) */
  orderId: Type.Optional(Str()),
});

export function eventRoutes(app: TypedApp, deps: Deps): void {
  app.get('/events/:id', { schema: { params: IdParams } }, async (request) => {
    const { id } = request.params;
    const caller = callerOf(request);
    return eventToWire(await getEvent(deps, caller, id), versionOf(caller));
  });

  app.get('/events', { schema: { querystring: EventListQuery } }, async (request) => {
    const query: Record<string, unknown> = request.query;
    const types = listOf(query, 'types');
    if (types && types.length > EVENT_TYPES_FILTER_MAX) {
      throw invalidParameter('types', `At most ${EVENT_TYPES_FILTER_MAX} types may be given.`);
    }
    const filters = {
      ...eventTypeFilter(query['type'] as string | undefined, types),
      ids: listOf(query, 'ids'),
      createdTime: timeRangeOf(query, 'createdTime'),
      orderId: query['orderId'] as string | undefined,
    };
    const page = await listEvents(deps, callerOf(request), filters, pageOf(query));
    return {
      hasMore: page.hasMore,
      data: page.data.map((e) => eventToWire(e, versionOf(callerOf(request)))),
    };
  });
}
