import { type Address, missingAddressPart } from '../address.js';
import { AppError, missingParameter } from '../errors.js';
import type { SessionState } from './session.js';

/**
 * Whether a checkout can become an order. Each problem is one a client fixes with
 * POST /checkouts/{id} and then resubmits the same checkout (DR's non-409 4xx; seed 000).
 */

type Json = Record<string, unknown>;

export interface ReadinessInput {
  sessionState: SessionState;
  email: string | null;
  billTo: Json | undefined;
  /** the owner of the primary source (or of the last secondary one): it stands in for billTo */
  sourceOwner: Json | undefined;
  anyPhysical: boolean;
  shipTo: Json | undefined;
  shipFrom: Json | undefined;
  /** shipFrom of each physical line, for lines that carry their own */
  physicalLineShipFroms: readonly (Json | undefined)[];
}

const asAddress = (value: unknown): Address | undefined =>
  typeof value === 'object' && value !== null ? (value as Address) : undefined;

const hasText = (value: unknown): boolean => typeof value === 'string' && value.trim().length > 0;

function billToProblem(billTo: Json | undefined, owner: Json | undefined): string | undefined {
  if (billTo) {
    const missing = missingAddressPart(asAddress(billTo['address']), 'billTo.address');
    if (missing) return missing;
    return hasText(billTo['name']) ? undefined : 'billTo.name';
  }
  if (owner) {
    const missing = missingAddressPart(asAddress(owner['address']), 'billTo.address');
    if (missing) return missing;
    return hasText(owner['firstName']) || hasText(owner['lastName']) ? undefined : 'billTo.name';
  }
  return 'billTo.address.country';
}

function shipFromCountry(shipFrom: Json | undefined): boolean {
  const address = asAddress(shipFrom?.['address']);
  return address !== undefined && hasText(address.country);
}

export function orderBlocker(input: ReadinessInput): AppError | undefined {
  if (input.sessionState !== 'requires_confirmation') {
    return new AppError(
      'order_submit_failed',
      'payment.session.state',
      `Payment session status is invalid: it is '${input.sessionState}'; attach sources that cover the checkout's total.`,
    );
  }
  if (!hasText(input.email)) {
    return new AppError(
      'order_create_failed',
      'email',
      "The order could not be created because a required checkout parameter is missing: 'email'.",
    );
  }
  const billTo = billToProblem(input.billTo, input.sourceOwner);
  if (billTo) return missingParameter(billTo);
  if (input.anyPhysical) {
    if (!input.shipTo) return missingParameter('shipTo.address');
    const shipTo = missingAddressPart(asAddress(input.shipTo['address']), 'shipTo.address');
    if (shipTo) return missingParameter(shipTo);
    // DR names it `shipping.name` (providing-address-information.md, "Ship to name")
    if (!hasText(input.shipTo['name'])) return missingParameter('shipping.name');
    const everyLineShipsFrom = input.physicalLineShipFroms.every(
      (lineShipFrom) => shipFromCountry(lineShipFrom) || shipFromCountry(input.shipFrom),
    );
    if (!everyLineShipsFrom) return missingParameter('shipFrom.address');
  }
  return undefined;
}
