/**
 * Attributes Tributary sends that DR's 2021-12-13 OpenAPI document does not declare, by the
 * document's schema name. The response serializer keeps them (scripts/response-schemas.ts) and
 * the tests' contract check allows exactly these (test/helpers/contract.ts).
 */
export const DR_EXTRA_PROPERTIES: Record<string, Record<string, Record<string, unknown>>> = {
  // SPEC §1: events carry digitalriverVersion (the document misspells it) and webhookIds
  Event: {
    digitalriverVersion: { type: 'string' },
    webhookIds: { type: 'array', items: { type: 'string' } },
  },
  // version 2021-03-23's SKUs have allowOversell (removed in 2021-12-13, release-notes/2021.md)
  Sku: { allowOversell: { type: 'boolean' } },
  // DR's docs show upstreamId on customerCredit sources
  Source: { upstreamId: { type: 'string' } },
  // captures carry their fulfillment since 2022 (seed 002)
  Capture: { fulfillmentId: { type: 'string' } },
  // seed 002's payment_authorization_failed error has a `description`
  Error: { description: { type: 'string' } },
  // Tributary returns a webhook's signing secret when it is made or rotated; DR's own webhook
  // example shows liveMode
  Webhook: { secret: { type: 'string' }, liveMode: { type: 'boolean' }, expand: { type: 'boolean' } },
  // DR's own 201 example of POST /returns shows liveMode (the document's create schema spells
  // it `livemode`); Tributary answers a return the same way on every operation, updatedTime too
  // DR's "informing Digital River of a fulfillment" shows the fulfillment's capture and cancel ids
  // on GET /fulfillments/{id}
  FulfillmentOrder: { chargeOperationIds: { type: 'array', items: { type: 'string' } } },
  // an expanded order's items (expanding-events.md): physical, and the SKU's metadata
  ProductDetails: { physical: { type: 'boolean' }, metadata: { type: 'object', additionalProperties: true } },
  CreateReturnsResponse: { liveMode: { type: 'boolean' }, updatedTime: { type: 'string' } },
  // an order's invoicePDFs[] and creditMemoPDFs[] show liveMode in DR's
  // accessing-invoices-and-credit-memos.md
  File: { liveMode: { type: 'boolean' } },
  // a file link of a file made by Tributary: DR's FileLink has no metadata in the file's links
  // but takes metadata on its own; a file shows which order (and refund) it documents
  FileObject: { orderId: { type: 'string' }, refundId: { type: 'string' } },
};
