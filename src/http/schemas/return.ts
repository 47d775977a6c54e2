import { type Static, Type } from 'typebox';
import { Address, closed, Email, Id, ITEMS_MAX, Metadata, NullableStr, Quantity, Str } from './common.js';

/** DR's ReturnsLocation: where the goods go back to. */
export const ReturnLocation = Type.Object(
  {
    address: Address,
    name: Type.Optional(NullableStr()),
    phone: Type.Optional(NullableStr(64)),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
  },
  { additionalProperties: false },
);

const ItemRef = {
  itemId: Type.Optional(Type.Union([Id, Type.Integer({ minimum: 0 })])),
  skuId: Type.Optional(Id),
  quantity: Quantity,
};

/** DR's ReturnsRequest. */
export const ReturnCreate = Type.Object(
  {
    orderId: Id,
    reason: Type.Optional(Str(64)),
    items: Type.Array(closed(ItemRef), { minItems: 1, maxItems: ITEMS_MAX }),
    location: Type.Optional(ReturnLocation),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);
export type ReturnCreate = Static<typeof ReturnCreate>;

/** DR's UpdateReturnsRequest. */
export const ReturnUpdate = Type.Partial(
  Type.Object({
    state: Type.Literal('accepted'),
    items: Type.Array(closed({ ...ItemRef, state: Type.Literal('accepted') }), {
      minItems: 1,
      maxItems: ITEMS_MAX,
    }),
    location: ReturnLocation,
    metadata: Metadata,
  }),
  { additionalProperties: false },
);
export type ReturnUpdate = Static<typeof ReturnUpdate>;
