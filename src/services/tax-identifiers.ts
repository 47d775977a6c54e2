import { AppError, invalidParameter, notFound } from '../domain/errors.js';
import { decideTaxIdentifierCreation, type TaxIdentifierState } from '../domain/tax/identifiers.js';
import { newUuid } from '../lib/ids.js';
import type { Page, PageQuery, TaxIdentifierRecord } from '../store/records.js';
import type { TaxIdentifierFilters } from '../store/repos/tax-identifiers.js';
import type { Tx } from '../store/store.js';
import { taxIdentifierToWire } from '../wire/catalog.js';
import { type Caller, type Deps, newEvent, now, updateEvent } from './context.js';
import { loadCustomer } from './customers.js';

/**
 * The Tax Identifiers API (tax-identifiers.md): create (format checked, DR's test values verified
 * at once, any other pending), retrieve, list, delete; attach to a customer and detach.
 */

const taxIdNotFound = (id: string, parameter = 'id') =>
  notFound(parameter, `Tax identifier '${id}' not found.`);

async function loadTaxIdentifier(tx: Tx, accountId: string, id: string, lock = false) {
  const taxId = await tx.taxIdentifiers.get(accountId, id, { lock });
  if (!taxId) throw taxIdNotFound(id);
  return taxId;
}

const stateEvent = (state: TaxIdentifierState) => `tax_identifier.${state}` as const;

export async function createTaxIdentifier(
  deps: Deps,
  caller: Caller,
  input: { type: string; value: string },
): Promise<TaxIdentifierRecord> {
  const decision = decideTaxIdentifierCreation(input.type, input.value);
  if (!decision.ok) throw decision.error;
  const at = now(deps, caller);
  const taxId: TaxIdentifierRecord = {
    accountId: caller.account.id,
    id: newUuid(),
    customerId: null,
    type: input.type,
    value: input.value,
    state: decision.state,
    stateTimes: { [decision.state]: at },
    verifiedName: null,
    verifiedAddress: null,
    createdAt: at,
    updatedAt: at,
  };
  return deps.store.transaction(async (tx) => {
    await tx.taxIdentifiers.insert(taxId);
    await tx.events.append([
      newEvent(taxId.accountId, stateEvent(taxId.state), taxIdentifierToWire(taxId), at),
    ]);
    return taxId;
  });
}

export async function getTaxIdentifier(deps: Deps, caller: Caller, id: string): Promise<TaxIdentifierRecord> {
  return deps.store.read((tx) => loadTaxIdentifier(tx, caller.account.id, id));
}

export async function listTaxIdentifiers(
  deps: Deps,
  caller: Caller,
  filters: TaxIdentifierFilters,
  page: PageQuery,
): Promise<Page<TaxIdentifierRecord>> {
  return deps.store.read((tx) => tx.taxIdentifiers.list(caller.account.id, filters, page));
}

/** DELETE /tax-identifiers/{id}: gone, and so detached from its customer (tax_identifier.deleted). */
export async function deleteTaxIdentifier(deps: Deps, caller: Caller, id: string): Promise<void> {
  const at = now(deps, caller);
  await deps.store.transaction(async (tx) => {
    const taxId = await loadTaxIdentifier(tx, caller.account.id, id, true);
    await tx.taxIdentifiers.delete(caller.account.id, id);
    await tx.events.append([
      newEvent(caller.account.id, 'tax_identifier.deleted', taxIdentifierToWire(taxId), at),
    ]);
  });
}

/**
 * POST /customers/{id}/tax-identifiers/{taxId}: the customer holds it from now on
 * (customer.tax_identifier.created). Held by another customer: 409 customer_not_updateable; the
 * customer already holds one of its type: 409 (DR: "they can't have more than one of the same
 * type"). Attaching it again to its own customer answers it unchanged.
 */
export async function attachTaxIdentifier(
  deps: Deps,
  caller: Caller,
  customerId: string,
  taxIdentifierId: string,
): Promise<TaxIdentifierRecord> {
  const at = now(deps, caller);
  const accountId = caller.account.id;
  return deps.store.transaction(async (tx) => {
    const view = await loadCustomer(tx, accountId, customerId, true);
    const taxId = await tx.taxIdentifiers.get(accountId, taxIdentifierId, { lock: true });
    if (!taxId) throw taxIdNotFound(taxIdentifierId);
    if (taxId.customerId === customerId) return taxId;
    if (taxId.customerId !== null) {
      throw new AppError(
        'customer_not_updateable',
        'customerId',
        "You cannot replace a tax identifier's customer id.",
      );
    }
    const sameType = view.taxIdentifiers.find((t) => t.type === taxId.type);
    if (sameType) {
      throw new AppError(
        'already_exists',
        'taxId',
        `Customer '${customerId}' already holds a tax identifier of type '${taxId.type}' ('${sameType.id}'); delete it first.`,
      );
    }
    const attached: TaxIdentifierRecord = { ...taxId, customerId, updatedAt: at };
    await tx.taxIdentifiers.update(attached);
    await tx.events.append([
      newEvent(accountId, 'customer.tax_identifier.created', taxIdentifierToWire(attached), at),
    ]);
    return attached;
  });
}

/**
 * DELETE /customers/{id}/tax-identifiers/{taxId} (Tributary's addition; DR detaches by deleting
 * the identifier): the customer no longer holds it, the identifier stays (tax_identifier.updated).
 */
export async function detachTaxIdentifier(
  deps: Deps,
  caller: Caller,
  customerId: string,
  taxIdentifierId: string,
): Promise<void> {
  const at = now(deps, caller);
  const accountId = caller.account.id;
  await deps.store.transaction(async (tx) => {
    await loadCustomer(tx, accountId, customerId, true);
    const taxId = await tx.taxIdentifiers.get(accountId, taxIdentifierId, { lock: true });
    if (!taxId || taxId.customerId !== customerId) {
      throw notFound(
        'taxId',
        `Tax identifier '${taxIdentifierId}' is not attached to customer '${customerId}'.`,
      );
    }
    const detached: TaxIdentifierRecord = { ...taxId, customerId: null, updatedAt: at };
    await tx.taxIdentifiers.update(detached);
    await tx.events.append([
      updateEvent(
        accountId,
        'tax_identifier.updated',
        taxIdentifierToWire(taxId),
        taxIdentifierToWire(detached),
        at,
      ),
    ]);
  });
}

/**
 * POST /test-helpers/tax-identifiers/{id}/verification {state}: the answer of the verification
 * agency DR waits for (VIES), which the test environment never gives: a pending identifier
 * becomes verified or not_valid (tax_identifier.verified / .not_valid).
 */
export async function settleVerification(
  deps: Deps,
  caller: Caller,
  id: string,
  input: { state: string; verifiedName?: string | undefined; verifiedAddress?: string | undefined },
): Promise<TaxIdentifierRecord> {
  if (input.state !== 'verified' && input.state !== 'not_valid') {
    throw invalidParameter('state', "'state' must be 'verified' or 'not_valid'.");
  }
  const state: TaxIdentifierState = input.state;
  const at = now(deps, caller);
  return deps.store.transaction(async (tx) => {
    const taxId = await loadTaxIdentifier(tx, caller.account.id, id, true);
    if (taxId.state !== 'pending') {
      throw new AppError(
        'restricted_update',
        'state',
        `Tax identifier '${id}' is ${taxId.state}; only a pending one is verified.`,
      );
    }
    const settled: TaxIdentifierRecord = {
      ...taxId,
      state,
      stateTimes: { ...taxId.stateTimes, [state]: at },
      verifiedName: state === 'verified' ? (input.verifiedName ?? null) : null,
      verifiedAddress: state === 'verified' ? (input.verifiedAddress ?? null) : null,
      updatedAt: at,
    };
    await tx.taxIdentifiers.update(settled);
    await tx.events.append([
      newEvent(caller.account.id, stateEvent(state), taxIdentifierToWire(settled), at),
    ]);
    return settled;
  });
}
