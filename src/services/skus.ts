import { AppError, notFound, unknownParameter } from '../domain/errors.js';
import { checkSku, checkSkuId } from '../domain/sku.js';
import { taxCodeIsPhysical } from '../domain/tax/tax-codes.js';
import { type ApiVersion, skusAllowOversell } from '../domain/versions.js';
import type { SkuCreate, SkuUpdate, SkuUpsert } from '../http/schemas/catalog.js';
import { newUuid } from '../lib/ids.js';
import type { Page, PageQuery, SkuRecord } from '../store/records.js';
import type { SkuFilters } from '../store/repos/skus.js';
import type { Tx } from '../store/store.js';
import { skuWire } from '../wire/catalog.js';
import { type Caller, type Deps, newEvent, now, updateEvent, versionOf } from './context.js';
import { validateMetadata } from './input.js';

const skuNotFound = (id: string) => notFound('id', `SKU '${id}' not found.`);

function applyInput(sku: SkuRecord, input: SkuUpdate, version: ApiVersion): SkuRecord {
  // DR removed allowOversell from SKUs in 2021-12-13 (release-notes/2021.md)
  if (input.allowOversell !== undefined && !skusAllowOversell(version))
    throw unknownParameter('allowOversell');
  const { name, taxCode, eccn, countryOfOrigin, metadata, ...details } = input;
  const next: SkuRecord = {
    ...sku,
    name: name ?? sku.name,
    taxCode: taxCode ?? sku.taxCode,
    eccn: eccn ?? sku.eccn,
    countryOfOrigin: countryOfOrigin ?? sku.countryOfOrigin,
    data: { ...sku.data, ...details },
    metadata: metadata === undefined ? sku.metadata : (validateMetadata(metadata) ?? null),
  };
  next.physical = taxCodeIsPhysical(next.taxCode);
  checkSku(next);
  return next;
}

function blank(accountId: string, id: string, at: number): SkuRecord {
  return {
    accountId,
    id,
    name: '',
    taxCode: '',
    eccn: '',
    countryOfOrigin: '',
    physical: true,
    data: {},
    metadata: null,
    createdAt: at,
    updatedAt: at,
  };
}

async function insertSku(tx: Tx, sku: SkuRecord): Promise<void> {
  await tx.skus.insert(sku);
  await tx.events.append([newEvent(sku.accountId, 'sku.created', skuWire(sku), sku.createdAt)]);
}

/** PUT /skus/{id}: create or replace. */
export async function upsertSku(
  deps: Deps,
  caller: Caller,
  id: string,
  input: SkuUpsert,
): Promise<{ sku: SkuRecord; created: boolean }> {
  const at = now(deps, caller);
  return deps.store.transaction(async (tx) => {
    const existing = await tx.skus.get(caller.account.id, id);
    if (!existing) {
      checkSkuId(id);
      const sku = applyInput(blank(caller.account.id, id, at), input, versionOf(caller));
      await insertSku(tx, sku);
      return { sku, created: true };
    }
    // an upsert replaces: attributes not sent are cleared
    const sku = applyInput(
      { ...existing, data: {}, metadata: null, updatedAt: at },
      input,
      versionOf(caller),
    );
    await tx.skus.update(sku);
    await tx.events.append([updateEvent(sku.accountId, 'sku.updated', skuWire(existing), skuWire(sku), at)]);
    return { sku, created: false };
  });
}

export async function createSku(deps: Deps, caller: Caller, input: SkuCreate): Promise<SkuRecord> {
  const at = now(deps, caller);
  const { id = newUuid(), ...rest } = input;
  checkSkuId(id);
  return deps.store.transaction(async (tx) => {
    if (await tx.skus.get(caller.account.id, id)) {
      throw new AppError('already_exists', 'id', `SKU '${id}' already exists.`);
    }
    const sku = applyInput(blank(caller.account.id, id, at), rest, versionOf(caller));
    await insertSku(tx, sku);
    return sku;
  });
}

export async function updateSku(
  deps: Deps,
  caller: Caller,
  id: string,
  input: SkuUpdate,
): Promise<SkuRecord> {
  const at = now(deps, caller);
  return deps.store.transaction(async (tx) => {
    const existing = await tx.skus.get(caller.account.id, id);
    if (!existing) throw skuNotFound(id);
    const sku = applyInput({ ...existing, updatedAt: at }, input, versionOf(caller));
    await tx.skus.update(sku);
    await tx.events.append([updateEvent(sku.accountId, 'sku.updated', skuWire(existing), skuWire(sku), at)]);
    return sku;
  });
}

export async function getSku(deps: Deps, caller: Caller, id: string): Promise<SkuRecord> {
  const sku = await deps.store.read((tx) => tx.skus.get(caller.account.id, id));
  if (!sku) throw skuNotFound(id);
  return sku;
}

export async function deleteSku(deps: Deps, caller: Caller, id: string): Promise<void> {
  const at = now(deps, caller);
  await deps.store.transaction(async (tx) => {
    const sku = await tx.skus.get(caller.account.id, id);
    if (!sku) throw skuNotFound(id);
    await tx.skus.delete(caller.account.id, id);
    await tx.events.append([newEvent(sku.accountId, 'sku.deleted', skuWire(sku), at)]);
  });
}

export async function listSkus(
  deps: Deps,
  caller: Caller,
  filters: SkuFilters,
  page: PageQuery,
): Promise<Page<SkuRecord>> {
  return deps.store.read((tx) => tx.skus.list(caller.account.id, filters, page));
}
