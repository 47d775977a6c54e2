import { Type } from 'typebox';
import { invalidParameter } from '../../domain/errors.js';
import { parseRate } from '../../domain/money/rate.js';
import { API_VERSIONS, isApiVersion, unknownVersion } from '../../domain/versions.js';
import { SCENARIOS } from '../../processor/simulator/scenarios.js';
import { updateAccountSettings } from '../../services/accounts.js';
import { type Caller, type Deps, now } from '../../services/context.js';
import type { AccountRecord } from '../../store/records.js';
import { time } from '../../wire/common.js';
import { callerOf } from '../plugins/auth.js';
import { partial, Str } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

/** Tributary's additions: the account's settings, and the simulator's scenario table. */

const TAX_REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

const AccountUpdate = partial({
  chargebackRiskPolicy: Type.Union([Type.Literal('tolerant'), Type.Literal('averse')]),
  taxRates: Type.Union([Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 })), Type.Null()]),
  apiVersion: Str(20),
});

function accountToWire(account: AccountRecord, caller: Caller, deps: Deps) {
  return {
    id: account.id,
    name: account.name,
    liveMode: false,
    chargebackRiskPolicy: account.chargebackRiskPolicy,
    taxRates: account.taxRates ?? {},
    apiVersion: account.apiVersion,
    supportedApiVersions: [...API_VERSIONS],
    clock: time(now(deps, { ...caller, account })),
    // the server's limit per API key (TRIBUTARY_RATE_LIMIT), null when there is none
    rateLimitPerSecond: deps.settings?.rateLimitPerSecond ?? null,
    createdTime: time(account.createdAt),
    updatedTime: time(account.updatedAt),
  };
}

export function accountRoutes(app: TypedApp, deps: Deps): void {
  app.get('/account', async (request) => {
    const caller = callerOf(request);
    return accountToWire(caller.account, caller, deps);
  });

  app.post('/account', { schema: { body: AccountUpdate } }, async (request) => {
    const caller = callerOf(request);
    const body = request.body;
    for (const [region, rate] of Object.entries(body.taxRates ?? {})) {
      if (!TAX_REGION.test(region)) {
        throw invalidParameter(
          `taxRates.${region}`,
          "Tax regions are a country ('DE') or a country and state ('US-MN').",
        );
      }
      if (parseRate(rate) === undefined) {
        throw invalidParameter(
          `taxRates.${region}`,
          'A tax rate is a fraction between 0 and 1 with at most 6 decimals.',
        );
      }
    }
    const { apiVersion, ...rest } = body;
    if (apiVersion !== undefined && !isApiVersion(apiVersion)) throw unknownVersion('apiVersion', apiVersion);
    const account = await updateAccountSettings(
      deps.store,
      caller.account.id,
      { ...rest, ...(apiVersion === undefined ? {} : { apiVersion }) },
      now(deps, caller),
    );
    return accountToWire(account, { ...caller, account }, deps);
  });

  app.get('/test-helpers/scenarios', async () => ({
    hasMore: false,
    data: SCENARIOS.map((s) => ({
      id: s.id,
      origin: s.origin,
      cards: s.numbers,
      description: s.description,
      ...(s.notes ? { notes: s.notes } : {}),
      behaviour: {
        source: s.source,
        authorization: s.decline ? { declined: true, code: s.decline.code } : { declined: false },
        authorizationExpiresAfterSeconds: s.authorizationTtlSeconds,
        review: s.review ?? null,
        reauthorization: s.reauthorization,
        capture: s.capture,
        forcedCapture: s.forcedCapture,
        chargebackAfterDays: s.chargebackAfterDays ?? null,
        refund: s.refund,
        cancel: s.cancel,
        threeDSecure: s.threeDSecure ?? false,
        authorizationFault: s.authorizationFault ?? null,
      },
    })),
  }));
}
