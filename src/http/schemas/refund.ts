import { type Static, Type } from 'typebox';
import { Amount, closed, Id, ITEMS_MAX, Metadata, Quantity, Str } from './common.js';

const Percent = Type.Number({ minimum: 0.01, maximum: 100 });

/** DR's RefundRequest. */
export const RefundCreate = Type.Object(
  {
    orderId: Type.Optional(Id),
    invoiceId: Type.Optional(Id),
    currency: Type.String({ minLength: 1, maxLength: 3 }),
    amount: Type.Optional(Type.Union([Amount, Type.Null()])),
    percent: Type.Optional(Type.Union([Percent, Type.Null()])),
    type: Type.Optional(
      Type.Union([
        Type.Literal('shipping'),
        Type.Literal('duty'),
        Type.Literal('tax'),
        Type.Literal('importer_tax'),
      ]),
    ),
    items: Type.Optional(
      Type.Array(
        closed({
          type: Type.Optional(
            Type.Union([Type.Literal('shipping'), Type.Literal('fees'), Type.Literal('duty')]),
          ),
          itemId: Type.Union([Id, Type.Integer({ minimum: 0 }), Type.Null()]),
          skuId: Type.Optional(Type.Union([Id, Type.Null()])),
          quantity: Type.Optional(Type.Union([Quantity, Type.Null()])),
          amount: Type.Optional(Amount),
          percent: Type.Optional(Percent),
        }),
        { minItems: 1, maxItems: ITEMS_MAX },
      ),
    ),
    reason: Type.Optional(Str()),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false, required: ['currency'] },
);
export type RefundCreate = Static<typeof RefundCreate>;

export const RefundUpdate = Type.Partial(Type.Object({ metadata: Metadata }), {
  additionalProperties: false,
});
export type RefundUpdate = Static<typeof RefundUpdate>;
