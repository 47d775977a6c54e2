import { type Static, Type } from 'typebox';
import { closed, Id, optional, Str } from './common.js';

/** DR's WebhookRequest / WebhookUpdateRequest. */
const Types = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100 });
const Authentication = closed({ username: Str(200), password: Str(200) });
/** DR's oauth settings: accepted as DR defines them, then refused (Tributary delivers over HTTP). */
const OAuth = closed({
  tokenEndPoint: Str(2000),
  clientID: Str(),
  clientSecret: Str(),
  ...optional({ userName: Str(), password: Str(), grantType: Str() }),
});

const webhookProps = {
  types: Types,
  apiVersion: Str(20),
  /** Tributary's: the expandable events come expanded (DR turns this on per account) */
  expand: Type.Boolean(),
  enabled: Type.Boolean(),
  address: Type.String({ minLength: 1, maxLength: 2000 }),
  transportType: Type.Union([Type.Literal('HTTP'), Type.Literal('OAUTH')]),
  oauth: OAuth,
  authentication: Authentication,
};

export const WebhookCreate = closed({
  types: Types,
  address: Type.String({ minLength: 1, maxLength: 2000 }),
  ...optional({
    apiVersion: webhookProps.apiVersion,
    expand: webhookProps.expand,
    enabled: webhookProps.enabled,
    transportType: webhookProps.transportType,
    oauth: OAuth,
    authentication: Authentication,
  }),
});
export type WebhookCreate = Static<typeof WebhookCreate>;

export const WebhookUpdate = closed(optional(webhookProps));
export type WebhookUpdate = Static<typeof WebhookUpdate>;

export const Redeliver = closed(optional({ webhookId: Id }));
export type Redeliver = Static<typeof Redeliver>;

export const RedeliverFailed = closed({ since: Str(40) });
export type RedeliverFailed = Static<typeof RedeliverFailed>;
