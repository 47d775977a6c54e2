import { type Static, Type } from 'typebox';
import { closed, Id, ITEMS_MAX, Metadata, Quantity, Str } from './common.js';

/** DR's FulfillmentRequest; the seed sends quantities as strings and item ids as numbers. */
const ItemId = Type.Union([Id, Type.Integer({ minimum: 0 })]);

export const FulfillmentCreate = Type.Object(
  {
    orderId: Id,
    shipmentId: Type.Optional(Str()),
    items: Type.Array(
      closed({
        itemId: Type.Optional(ItemId),
        skuId: Type.Optional(Id),
        shipmentItemId: Type.Optional(Str()),
        quantity: Type.Optional(Type.Union([Quantity, Type.Null()])),
        cancelQuantity: Type.Optional(Type.Union([Quantity, Type.Null()])),
      }),
      { minItems: 1, maxItems: ITEMS_MAX },
    ),
    metadata: Type.Optional(Metadata),
    trackingCompany: Type.Optional(Str()),
    trackingNumber: Type.Optional(Str()),
    trackingUrl: Type.Optional(Str(2000)),
  },
  { additionalProperties: false, required: ['orderId', 'items'] },
);
export type FulfillmentCreate = Static<typeof FulfillmentCreate>;

/** POST /fulfillments/{id} (seed 002): tracking data, naming the items it is about. */
export const FulfillmentUpdate = Type.Partial(
  Type.Object({
    trackingCompany: Str(),
    trackingNumber: Str(),
    trackingUrl: Str(2000),
    items: Type.Array(closed({ itemId: ItemId, shipmentItemId: Type.Optional(Str()) }), {
      maxItems: ITEMS_MAX,
    }),
    metadata: Metadata,
  }),
  { additionalProperties: false },
);
export type FulfillmentUpdate = Static<typeof FulfillmentUpdate>;
