import { AppError } from './errors.js';

/**
 * DR API versions Tributary speaks (general-resources/versioning.md). A request selects one with
 * `DigitalRiver-Version`, a webhook with its `apiVersion`; otherwise the account's default
 * applies. What differs between them, from DR's 2021 release notes (release-notes/2021.md):
 *
 * 2021-12-13 (breaking against 2021-03-23):
 * - a registered checkout no longer inherits the customer's data: email, shipping → shipTo,
 *   locale, type → customerType, the default source → billTo and payment.sources, and the
 *   customer's applicable tax identifiers (using-the-checkout-identifier.md, "Passing customer
 *   data to checkouts"; tax-identifiers.md, "Using tax identifiers in registered checkouts");
 * - SKUs no longer have `allowOversell`.
 */
export const API_VERSIONS = ['2021-12-13', '2021-03-23'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const LATEST_API_VERSION: ApiVersion = '2021-12-13';

export function isApiVersion(value: string): value is ApiVersion {
  return (API_VERSIONS as readonly string[]).includes(value);
}

/** An unknown version: 400 naming the supported ones. */
export function unknownVersion(parameter: string, value: string): AppError {
  return new AppError(
    'invalid_parameter',
    parameter,
    `API version '${value}' is not supported; the supported versions are ${API_VERSIONS.join(' and ')}.`,
  );
}

/** A webhook's `apiVersion`: a supported version, `latest`, or `default` (the account's). */
export function webhookVersionProblem(value: string): AppError | undefined {
  if (value === 'default' || value === 'latest' || isApiVersion(value)) return undefined;
  return unknownVersion('apiVersion', value);
}

/** The version a webhook's events are rendered in. */
export function webhookVersion(webhookApiVersion: string, accountVersion: ApiVersion): ApiVersion {
  if (webhookApiVersion === 'latest') return LATEST_API_VERSION;
  return isApiVersion(webhookApiVersion) ? webhookApiVersion : accountVersion;
}

/** Whether a registered checkout takes the customer's data (2021-03-23 and earlier). */
export const inheritsCustomerData = (version: ApiVersion): boolean => version === '2021-03-23';

/** Whether SKUs have `allowOversell` (removed in 2021-12-13). */
export const skusAllowOversell = (version: ApiVersion): boolean => version === '2021-03-23';

/**
 * An object as a version shows it. Tributary keeps objects in the richest shape; an older or
 * newer version drops what it does not have. `kind` is what the object is (an event's type
 * names it: `sku.created` → `sku`).
 */
export function objectForVersion(kind: string, object: unknown, version: ApiVersion): unknown {
  if (kind === 'sku' && !skusAllowOversell(version) && typeof object === 'object' && object !== null) {
    const { allowOversell: _gone, ...rest } = object as Record<string, unknown>;
    return rest;
  }
  return object;
}
