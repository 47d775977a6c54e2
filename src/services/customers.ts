import { validateAddress } from '../domain/address.js';
import { AppError, notFound, unknownReference } from '../domain/errors.js';
import type { CustomerCreate, CustomerUpdate } from '../http/schemas/catalog.js';
import { newCustomerId } from '../lib/ids.js';
import type { CustomerRecord, Page, PageQuery, SourceRecord, TaxIdentifierRecord } from '../store/records.js';
import type { CustomerFilters } from '../store/repos/customers.js';
import type { Tx } from '../store/store.js';
import { customerToWire, sourceToWire } from '../wire/catalog.js';
import { type Caller, type Deps, newEvent, now, updateEvent } from './context.js';
import { validateMetadata } from './input.js';

export interface CustomerView {
  customer: CustomerRecord;
  sources: SourceRecord[];
  taxIdentifiers: TaxIdentifierRecord[];
}

const customerNotFound = (id: string) => notFound('id', `Customer '${id}' not found.`);

/** A customer's saved sources: those still usable. */
async function savedSources(tx: Tx, accountId: string, customerId: string): Promise<SourceRecord[]> {
  return (await tx.sources.listByCustomer(accountId, customerId)).filter((s) => s.state !== 'cancelled');
}

export async function loadCustomer(
  tx: Tx,
  accountId: string,
  id: string,
  lock = false,
): Promise<CustomerView> {
  const customer = await tx.customers.get(accountId, id, { lock });
  if (!customer) throw customerNotFound(id);
  return {
    customer,
    sources: await savedSources(tx, accountId, id),
    taxIdentifiers: await tx.taxIdentifiers.listByCustomer(accountId, id),
  };
}

function applyInput(
  customer: CustomerRecord,
  input: CustomerUpdate,
  sources: readonly SourceRecord[],
): CustomerRecord {
  if (input.shipping?.address) validateAddress(input.shipping.address, 'shipping.address');
  if (input.defaultSourceId !== undefined && !sources.some((s) => s.id === input.defaultSourceId)) {
    throw unknownReference(
      'defaultSourceId',
      `Source '${input.defaultSourceId}' is not saved to customer '${customer.id}'.`,
    );
  }
  const data = { ...customer.data };
  if (input.shipping !== undefined) data['shipping'] = input.shipping;
  if (input.taxCertificate !== undefined) data['taxCertificates'] = [input.taxCertificate];
  return {
    ...customer,
    email: input.email ?? customer.email,
    defaultSourceId: input.defaultSourceId ?? customer.defaultSourceId,
    type: input.type ?? customer.type,
    locale: input.locale ?? customer.locale,
    enabled: input.enabled ?? customer.enabled,
    requestToBeForgotten: input.requestToBeForgotten ?? customer.requestToBeForgotten,
    data,
    metadata: input.metadata === undefined ? customer.metadata : (validateMetadata(input.metadata) ?? null),
  };
}

export async function createCustomer(
  deps: Deps,
  caller: Caller,
  input: CustomerCreate,
): Promise<CustomerView> {
  const at = now(deps, caller);
  const { id: given, ...rest } = input;
  return deps.store.transaction(async (tx) => {
    let id = given ?? newCustomerId();
    while (given === undefined && (await tx.customers.get(caller.account.id, id))) id = newCustomerId();
    if (await tx.customers.get(caller.account.id, id)) {
      throw new AppError('already_exists', 'id', `Customer '${id}' already exists.`);
    }
    const blank: CustomerRecord = {
      accountId: caller.account.id,
      id,
      email: null,
      defaultSourceId: null,
      type: null,
      locale: null,
      enabled: true,
      requestToBeForgotten: false,
      data: {},
      metadata: null,
      createdAt: at,
      updatedAt: at,
    };
    const customer = applyInput(blank, rest, []);
    await tx.customers.insert(customer);
    await tx.events.append([
      newEvent(customer.accountId, 'customer.created', customerToWire(customer, []), at),
    ]);
    return { customer, sources: [], taxIdentifiers: [] };
  });
}

export async function updateCustomer(
  deps: Deps,
  caller: Caller,
  id: string,
  input: CustomerUpdate,
): Promise<CustomerView> {
  const at = now(deps, caller);
  return deps.store.transaction(async (tx) => {
    const view = await loadCustomer(tx, caller.account.id, id, true);
    const customer = applyInput({ ...view.customer, updatedAt: at }, input, view.sources);
    await tx.customers.update(customer);
    await tx.events.append([
      updateEvent(
        customer.accountId,
        'customer.updated',
        customerToWire(view.customer, view.sources, view.taxIdentifiers),
        customerToWire(customer, view.sources, view.taxIdentifiers),
        at,
      ),
    ]);
    return { ...view, customer };
  });
}

export async function getCustomer(deps: Deps, caller: Caller, id: string): Promise<CustomerView> {
  return deps.store.read((tx) => loadCustomer(tx, caller.account.id, id));
}

/** Deleting a customer cancels its saved sources. */
export async function deleteCustomer(deps: Deps, caller: Caller, id: string): Promise<void> {
  const at = now(deps, caller);
  await deps.store.transaction(async (tx) => {
    const view = await loadCustomer(tx, caller.account.id, id, true);
    for (const source of view.sources) {
      await tx.sources.update({ ...source, state: 'cancelled', updatedAt: at });
    }
    // its tax identifiers stay, held by no one (DR: delete them to be rid of them)
    await tx.taxIdentifiers.releaseCustomer(caller.account.id, id, at);
    await tx.customers.delete(caller.account.id, id);
    await tx.events.append([
      newEvent(caller.account.id, 'customer.deleted', customerToWire(view.customer, []), at),
    ]);
  });
}

export async function listCustomers(
  deps: Deps,
  caller: Caller,
  filters: CustomerFilters,
  page: PageQuery,
): Promise<Page<CustomerView>> {
  return deps.store.read(async (tx) => {
    const result = await tx.customers.list(caller.account.id, filters, page);
    const data: CustomerView[] = [];
    for (const customer of result.data) {
      data.push({
        customer,
        sources: await savedSources(tx, caller.account.id, customer.id),
        taxIdentifiers: await tx.taxIdentifiers.listByCustomer(caller.account.id, customer.id),
      });
    }
    return { data, hasMore: result.hasMore };
  });
}

/** POST /customers/{id}/sources/{sourceId}: save a chargeable card source for reuse. */
export async function saveSourceToCustomer(
  deps: Deps,
  caller: Caller,
  customerId: string,
  sourceId: string,
): Promise<SourceRecord> {
  const at = now(deps, caller);
  const accountId = caller.account.id;
  return deps.store.transaction(async (tx) => {
    const view = await loadCustomer(tx, accountId, customerId, true);
    const source = await tx.sources.get(accountId, sourceId, { lock: true });
    if (!source) throw notFound('sourceId', `Source '${sourceId}' not found.`);
    if (source.customerId === customerId && source.state === 'chargeable') return source;
    if (source.customerId !== null && source.customerId !== customerId) {
      throw new AppError(
        'source_in_use',
        'sourceId',
        `Source '${sourceId}' is attached to a different customer.`,
      );
    }
    if (source.type !== 'creditCard') {
      throw new AppError(
        'nonreusable_source',
        'sourceId',
        'Only a reusable source may be attached to a customer.',
      );
    }
    if (source.state !== 'chargeable') {
      throw new AppError('source_not_chargeable', 'sourceId', `Source '${sourceId}' is not chargeable.`);
    }
    const saved: SourceRecord = { ...source, reusable: true, customerId, updatedAt: at };
    await tx.sources.update(saved);
    if (view.customer.defaultSourceId === null) {
      await tx.customers.update({ ...view.customer, defaultSourceId: sourceId, updatedAt: at });
    }
    await tx.events.append([newEvent(accountId, 'customer.source.created', sourceToWire(saved), at)]);
    return saved;
  });
}

/** DELETE /customers/{id}/sources/{sourceId}: the source is cancelled and can no longer be charged. */
export async function removeSourceFromCustomer(
  deps: Deps,
  caller: Caller,
  customerId: string,
  sourceId: string,
): Promise<void> {
  const at = now(deps, caller);
  const accountId = caller.account.id;
  await deps.store.transaction(async (tx) => {
    const view = await loadCustomer(tx, accountId, customerId, true);
    const source = view.sources.find((s) => s.id === sourceId);
    if (!source) throw notFound('sourceId', `Source '${sourceId}' is not saved to customer '${customerId}'.`);
    const removed: SourceRecord = { ...source, state: 'cancelled', updatedAt: at };
    await tx.sources.update(removed);
    if (view.customer.defaultSourceId === sourceId) {
      const next = view.sources.find((s) => s.id !== sourceId);
      await tx.customers.update({ ...view.customer, defaultSourceId: next?.id ?? null, updatedAt: at });
    }
    await tx.events.append([newEvent(accountId, 'customer.source.deleted', sourceToWire(removed), at)]);
  });
}
