import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { isApiVersion, unknownVersion } from '../../domain/versions.js';
import type { Authenticator } from '../../services/accounts.js';
import type { Caller } from '../../services/context.js';

/**
 * API-key authentication: `Authorization: Bearer <key>` (or HTTP Basic with the key as the user
 * name). Secret keys may call everything; public keys only create payment sources.
 */

export type AuthRequirement = 'secret' | 'public' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
}

const unauthorized = (detail: string) =>
  new AppError('unauthorized', 'Authorization', `An authorization error has occurred: ${detail}`);

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!scheme || !value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.split(':', 1)[0];
  }
  return undefined;
}

export function registerAuth(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    const requirement = request.routeOptions.config.auth ?? 'secret';
    if (requirement === 'none') return;
    // a CORS preflight (answered by plugins/cors.ts, or a 404) carries no key
    if (request.method === 'OPTIONS') return;
    const key = presentedKey(request);
    if (key === undefined) {
      throw unauthorized('send an API key as `Authorization: Bearer sk_test_…`.');
    }
    const found = await authenticator.authenticate(key);
    if (!found) throw unauthorized('the API key is not valid.');
    if (requirement === 'secret' && found.keyKind !== 'secret') {
      throw new AppError(
        'forbidden',
        'Authorization',
        'A public key may only create payment sources; use a secret key.',
      );
    }
    // DR: `DigitalRiver-Version` selects the version of one request (versioning.md)
    const header = request.headers['digitalriver-version'];
    if (header !== undefined) {
      const value = Array.isArray(header) ? header.join(',') : header.trim();
      if (!isApiVersion(value)) throw unknownVersion('DigitalRiver-Version', value);
      request.caller = { ...found, apiVersion: value };
    } else {
      request.caller = found;
    }
  });
}

/** The caller of an authenticated route (the hook guarantees it). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthorized('no API key.');
  return request.caller;
}
