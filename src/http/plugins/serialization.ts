import build from 'fast-json-stringify';
import type { FastifyInstance } from 'fastify';
import { DR_COMPONENTS, DR_RESPONSES } from '../schemas/dr-responses.js';
import { OWN_OPERATIONS } from '../schemas/own-responses.js';

/**
 * 2xx bodies of DR's operations are serialized through DR's response schemas
 * (fast-json-stringify, compiled once per schema), not JSON.stringify. A property outside DR's
 * schema would be dropped: with `verify` (every test app) each body is also rendered by
 * JSON.stringify and a difference is an error, so the suite proves the two agree.
 */

/** Tributary paths that answer with another DR operation's body. */
export const ALIASES: Record<string, string> = { 'POST /payments/sources': 'POST /sources' };

/** A Tributary operation's JSON answers (own-responses.ts); none for those that send bytes. */
function ownResponses(operation: string): Record<string, object> | undefined {
  const own = OWN_OPERATIONS[operation];
  if (!own || own.contentType) return undefined;
  const json = Object.entries(own.responses).filter((e): e is [string, object] => e[1] !== null);
  return json.length ? Object.fromEntries(json) : undefined;
}

type Serializer = (data: unknown) => string;
const compiled = new Map<string, Serializer>();
type FjsSchema = Parameters<typeof build>[0];
const external = { dr: DR_COMPONENTS as unknown as FjsSchema };

function serializerFor(schema: object): Serializer {
  const key = JSON.stringify(schema);
  let serializer = compiled.get(key);
  if (!serializer) {
    serializer = build(schema as FjsSchema, { schema: external }) as Serializer;
    compiled.set(key, serializer);
  }
  return serializer;
}

export class SerializationMismatch extends Error {
  constructor(route: string, at: string) {
    super(`${route}: the schema serializer's body differs from JSON.stringify's at ${at}`);
  }
}

/** Where two JSON values first differ, as a path ('$.items[0].id'); undefined when equal. */
export function firstDifference(a: unknown, b: unknown, at = '$'): string | undefined {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return Object.is(a, b) ? undefined : at;
  if (Array.isArray(a) !== Array.isArray(b)) return at;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      Array.isArray(a) ? `${at}[${key}]` : `${at}.${key}`,
    );
    if (found) return found;
  }
  return undefined;
}

export function registerSerialization(app: FastifyInstance, options: { verify: boolean }): void {
  app.addHook('onRoute', (route) => {
    if (Array.isArray(route.method)) return;
    const operation = `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`;
    const responses = DR_RESPONSES[ALIASES[operation] ?? operation] ?? ownResponses(operation);
    if (!responses) return;
    route.schema = { ...(route.schema ?? {}), response: responses };
  });
  app.setSerializerCompiler(({ schema, method, url, httpStatus }) => {
    const serialize = serializerFor(schema);
    if (!options.verify) return serialize;
    return (data: unknown) => {
      const body = serialize(data);
      const at = firstDifference(JSON.parse(body), JSON.parse(JSON.stringify(data)));
      if (at !== undefined) throw new SerializationMismatch(`${method} ${url} ${httpStatus}`, at);
      return body;
    };
  });
}
