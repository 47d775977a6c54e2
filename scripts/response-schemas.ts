// Generates src/http/schemas/dr-responses.ts from Digital River's OpenAPI document (the copy in
// test/contract) and Tributary's additions (src/http/schemas/dr-extensions.ts): the response
// schemas of the DR operations Tributary serves, cut down to what a serializer needs (type,
// properties, items, additionalProperties, nullable, $ref). Run after the contract changes:
//
//   node --import tsx scripts/response-schemas.ts [path/to/openapi.json]
//
// test/serialization.test.ts checks the committed file is what this script makes.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DR_EXTRA_PROPERTIES } from '../src/http/schemas/dr-extensions.js';

type Schema = Record<string, unknown>;
interface Contract {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

/** DR operations whose 2xx bodies Tributary serializes through DR's schema ('METHOD /path'). */
export const OPERATIONS = [
  'GET /checkouts',
  'POST /checkouts',
  'GET /checkouts/{id}',
  'POST /checkouts/{id}',
  'POST /checkouts/{id}/sources/{sourceId}',
  'GET /customers',
  'POST /customers',
  'GET /customers/{id}',
  'POST /customers/{id}',
  'POST /customers/{id}/sources/{sourceId}',
  'GET /events',
  'GET /events/{id}',
  'GET /fulfillments',
  'POST /fulfillments',
  'GET /fulfillments/{id}',
  'GET /orders',
  'POST /orders',
  'GET /orders/{id}',
  'POST /orders/{id}',
  'GET /charges/{id}',
  'GET /refunds',
  'POST /refunds',
  'GET /refunds/{id}',
  'GET /returns',
  'POST /returns',
  'GET /returns/{id}',
  'POST /returns/{id}',
  'POST /refunds/{id}',
  'GET /skus',
  'POST /skus',
  'GET /skus/{id}',
  'PUT /skus/{id}',
  'POST /skus/{id}',
  'POST /sources',
  'GET /sources/{id}',
  'GET /tax-identifiers',
  'POST /tax-identifiers',
  'GET /tax-identifiers/{id}',
  'POST /customers/{id}/tax-identifiers/{taxId}',
  'GET /files',
  'GET /files/{id}',
  'GET /file-links',
  'POST /file-links',
  'GET /file-links/{id}',
  'POST /file-links/{id}',
  'POST /webhooks',
  'GET /webhooks/{id}',
  'PATCH /webhooks/{id}',
] as const;

const KEPT = new Set(['type', 'properties', 'items', 'additionalProperties', 'nullable', '$ref']);
const REF = '#/components/schemas/';

/** The serializer's view of a schema; free-form objects keep every property they are given. */
function trim(schema: Schema, refs: Set<string>): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!KEPT.has(key)) continue;
    if (key === '$ref') {
      const name = String(value).slice(REF.length);
      refs.add(name);
      out[key] = `dr${REF}${name}`;
    } else if (key === 'properties') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([p, s]) => [p, trim(s, refs)]),
      );
    } else if (key === 'items') {
      out[key] = trim(value as Schema, refs);
    } else if (key === 'additionalProperties') {
      const extra = value as Schema | boolean;
      out[key] = typeof extra === 'boolean' || Object.keys(extra).length === 0 ? true : trim(extra, refs);
    } else {
      out[key] = value;
    }
  }
  if (out['type'] === 'object' && !out['properties'] && out['additionalProperties'] === undefined)
    out['additionalProperties'] = true;
  return out;
}

export function responseSchemas(contract: Contract) {
  const refs = new Set<string>();
  const responses: Record<string, Record<string, Schema>> = {};
  for (const operation of OPERATIONS) {
    const [method, path] = operation.split(' ') as [string, string];
    const op = contract.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${operation} is not in the contract`);
    const byStatus: Record<string, Schema> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      const schema = response.content?.['application/json']?.schema;
      if (status.startsWith('2') && schema) byStatus[status] = trim(schema, refs);
    }
    responses[operation] = byStatus;
  }
  // the components the responses reach, and the ones those reach
  const components: Record<string, Schema> = {};
  const pending = [...refs];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (components[name]) continue;
    const found = new Set<string>();
    // a state's transitions are a map in the order they happened: free-form keeps that order
    // (a schema's properties would be written in the schema's order)
    const schema: Schema = name.endsWith('StateTransitions')
      ? { type: 'object', additionalProperties: true }
      : trim(contract.components.schemas[name]!, found);
    const extra = DR_EXTRA_PROPERTIES[name];
    if (extra) schema['properties'] = { ...(schema['properties'] as object), ...extra };
    components[name] = schema;
    for (const next of found) if (!components[next]) pending.push(next);
  }
  const sorted = Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
  // every DR operation's summary, for Tributary's OpenAPI document
  const summaries: Record<string, string> = {};
  for (const [path, ops] of Object.entries(contract.paths))
    for (const [method, op] of Object.entries(ops)) {
      const summary = (op as { summary?: string }).summary;
      if (summary) summaries[`${method.toUpperCase()} ${path}`] = summary;
    }
  return { dr: { $id: 'dr', components: { schemas: sorted } }, responses, summaries };
}

export function render(contract: Contract): string {
  const { dr, responses, summaries } = responseSchemas(contract);
  return `// Generated by scripts/response-schemas.ts from Digital River's OpenAPI document (2021-12-13); do not edit.
// The response schemas of the DR operations Tributary serves, as its serializer sees them.

/** DR's components, one schema with $id 'dr' (refs: 'dr#/components/schemas/Name'). */
export const DR_COMPONENTS = ${JSON.stringify(dr)} as const;

/** 'METHOD /path' → status → the body's schema. */
export const DR_RESPONSES: Record<string, Record<string, object>> = ${JSON.stringify(responses)};

/** 'METHOD /path' → DR's summary of the operation (every operation of DR's document). */
export const DR_SUMMARIES: Record<string, string> = ${JSON.stringify(summaries)};
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('..', import.meta.url).pathname;
  const source = process.argv[2] ?? `${root}test/contract/digital-river-openapi-2021-12-13.json`;
  const target = `${root}src/http/schemas/dr-responses.ts`;
  writeFileSync(target, render(JSON.parse(readFileSync(source, 'utf8'))));
  execFileSync(`${root}node_modules/.bin/biome`, ['format', '--write', target], { stdio: 'inherit' });
  console.log(`wrote ${target}`);
}
