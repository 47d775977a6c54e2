import { invalidParameter, notFound } from '../domain/errors.js';
import type { EventRecord, Page, PageQuery } from '../store/records.js';
import type { EventFilters } from '../store/repos/events.js';
import type { Caller, Deps } from './context.js';

export async function getEvent(deps: Deps, caller: Caller, id: string): Promise<EventRecord> {
  const event = await deps.store.read((tx) => tx.events.get(caller.account.id, id));
  if (!event) throw notFound('id', `Event '${id}' not found.`);
  return event;
}

/** `type` may end in `*` (a prefix, as DR's `order.*`); `types` is a list of exact types. */
export function eventTypeFilter(
  type: string | undefined,
  types: readonly string[] | undefined,
): EventFilters {
  if (type !== undefined && types !== undefined) {
    throw invalidParameter('types', "Send either 'type' or 'types', not both.");
  }
  if (type === undefined) return types ? { types } : {};
  const star = type.indexOf('*');
  if (star === -1) return { types: [type] };
  if (star !== type.length - 1)
    throw invalidParameter('type', "A '*' wildcard may only end the type, as in 'order.*'.");
  return { typePrefix: type.slice(0, -1) };
}

export async function listEvents(
  deps: Deps,
  caller: Caller,
  filters: EventFilters,
  page: PageQuery,
): Promise<Page<EventRecord>> {
  return deps.store.read((tx) => tx.events.list(caller.account.id, filters, page));
}
