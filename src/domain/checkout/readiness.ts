import { type Address, missingAddressPart } from '../address.js';
import { AppError, missingParameter } from '../errors.js';
import type { SessionState } from './session.js';

/**
 * Whether a checkout can become an order. Each problem is one a client fixes with
 * POST /checkouts/{id} and then resubmits the same checkout (DR's non-409 4xx; seed 000); the
 * one 409 among them, create-order-failed, spends nothing either, so the same checkout can be
 * fixed and resubmitted too (a client following seed 000 may instead start a new one).
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
  hasShippingChoice: boolean;
  /** shipFrom of each physical line, for lines that carry their own */
  physicalLineShipFroms: readonly (Json | undefined)[];
}

const asAddress = (value: unknown): Address | undefined =>
  typeof value === 'object' && value !== null ? (value as Address) : undefined;

const hasText = (value: unknown): boolean => typeof value === 'string' && value.trim().length > 0;

/**
 * What keeps the bill-to from being complete (providing-address-information.md, "Billing address
 * requirements": line1, city, country, postalCode and name). DR answers either a 400 naming the
 * missing parameter or a 409 `create-order-failed` with a general message, and leaves open which
 * when; Tributary names the address part the checkout's billTo lacks (and billTo.address.country,
 * DR's own example, when there is none at all), and answers the general 409 where no checkout
 * parameter is at fault as such: a billTo without its name, or a source owner standing in for the
 * billTo that is incomplete (with `parameter` billTo.name or billTo, which DR's example leaves out).
 */
function billToProblem(billTo: Json | undefined, owner: Json | undefined): AppError | undefined {
  if (billTo) {
    const missing = missingAddressPart(asAddress(billTo['address']), 'billTo.address');
    if (missing) return missingParameter(missing);
    return hasText(billTo['name']) ? undefined : incompleteOrder('billTo.name');
  }
  if (owner) {
    const complete =
      missingAddressPart(asAddress(owner['address']), 'billTo.address') === undefined &&
      (hasText(owner['firstName']) || hasText(owner['lastName']));
    return complete ? undefined : incompleteOrder('billTo');
  }
  return missingParameter('billTo.address.country');
}

/** DR's example has no `parameter`; Tributary names what is at fault, as every error does. */
const incompleteOrder = (parameter: string): AppError =>
  new AppError(
    'create-order-failed',
    parameter,
    'The order is missing required details and could not be completed.',
  );

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
  if (billTo) return billTo;
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
    // shipping-choice.md: physical goods need a shippingChoice by the time of the order
    if (!input.hasShippingChoice) {
      return new AppError(
        'invalid_shipping_choice',
        'shippingChoice',
        'Could not get Shipping Options for order',
      );
    }
  }
  return undefined;
}
