import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { DR_EXTRA_PROPERTIES } from '../../src/http/schemas/dr-extensions.js';

/**
 * Validates responses against Digital River's OpenAPI document (test/contract). Stricter than
 * the document itself: an object may not carry attributes its schema does not define, so a
 * misspelt field fails. The exceptions are the document's known gaps, each listed below.
 */

type Schema = Record<string, unknown>;
interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

const doc = JSON.parse(
  readFileSync(new URL('../contract/digital-river-openapi-2021-12-13.json', import.meta.url), 'utf8'),
) as OpenApi;

function strict(schemas: Record<string, Schema>): Record<string, Schema> {
  const copy = JSON.parse(JSON.stringify(schemas)) as Record<string, Schema>;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const s = node as Schema;
    if (s['properties'] && s['additionalProperties'] === undefined) s['additionalProperties'] = false;
    for (const value of Object.values(s)) visit(value);
  };
  visit(copy);
  for (const [name, extra] of Object.entries(DR_EXTRA_PROPERTIES)) {
    const schema = copy[name] as { properties: Record<string, Schema> };
    Object.assign(schema.properties, extra);
  }
  // the document's apiVersion enum holds the placeholder '<YYYY-MM-DD>' itself: allow real dates
  const webhook = copy['Webhook'] as { properties: Record<string, Schema> };
  webhook.properties['apiVersion'] = { type: 'string', pattern: '^(default|latest|\\d{4}-\\d{2}-\\d{2})$' };
  // SPEC §1: no pendingWebhooks; the required name is digitalriverVersion (as on the wire)
  const event = copy['Event'] as { required: string[] };
  event.required = event.required.filter((r) => r !== 'pendingWebhooks');
  return copy;
}

const ajv = new Ajv({ strict: false, allErrors: true });
(ajvFormats as unknown as { default: (a: Ajv) => void }).default(ajv);
ajv.addFormat('integer', { type: 'number', validate: (n: number) => Number.isInteger(n) });
ajv.addFormat('double', { type: 'number', validate: () => true });
ajv.addSchema({ $id: 'dr', components: { schemas: strict(doc.components.schemas) } });

const templates = Object.keys(doc.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  literalLength: template.replace(/\{[^}]+\}/g, '').length,
}));

/** Tributary operations outside DR's document, validated against the schema they return. */
const OUTSIDE_DOCUMENT: Record<string, string> = {
  'POST /payments/sources 201': 'Source',
  // the tracking update of seed 002, absent from the document, answers a fulfillment
  'POST /fulfillments/{id} 200': 'Fulfillment',
  // DR's docs answer a reused or unknown checkout with 404, which the document does not declare
  'POST /orders 404': 'Errors',
};
for (const status of [400, 401, 403, 409, 429, 500])
  OUTSIDE_DOCUMENT[`POST /payments/sources ${status}`] = 'Errors';

/**
 * Errors DR's documentation gives for an operation whose entry in the document omits the status:
 * attaching a source answers 409 session_source_amount_too_large, session_update_not_allowed and
 * source_status_invalid_for_session.
 */
const DOCUMENTED_ERRORS = new Set(['POST /checkouts/{id}/sources/{sourceId} 409']);

/**
 * DR's document types GET /webhooks as a bare array while its description (and every other DR
 * list) says {hasMore, data}: Tributary follows the description.
 */
const webhookList = ajv.compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    hasMore: { type: 'boolean' },
    data: { type: 'array', items: { $ref: 'dr#/components/schemas/Webhook' } },
  },
});

const cache = new Map<string, ValidateFunction | null>();

function validatorFor(method: string, path: string, status: number): ValidateFunction | null | undefined {
  const key = `${method} ${path.replace(/^\/fulfillments\/ful_[^/]+$/, '/fulfillments/{id}')} ${status}`;
  if (key === 'GET /webhooks 200') return webhookList;
  const outside = OUTSIDE_DOCUMENT[key];
  if (outside) return ajv.getSchema(`dr#/components/schemas/${outside}`) ?? null;
  const match = templates
    .filter((t) => t.pattern.test(path))
    .sort((a, b) => b.literalLength - a.literalLength)[0];
  if (!match) return undefined;
  const cacheKey = `${method} ${match.template} ${status}`;
  if (cache.has(cacheKey)) return cache.get(cacheKey);
  const operation = doc.paths[match.template]?.[method.toLowerCase()];
  // a method the document does not have on this path (405) or a documented undeclared error
  const errors = status >= 400 && (operation === undefined || DOCUMENTED_ERRORS.has(cacheKey));
  const schema = errors
    ? { $ref: '#/components/schemas/Errors' }
    : operation?.responses[String(status)]?.content?.['application/json']?.schema;
  const rewritten = schema
    ? (JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"dr#/components/')) as Schema)
    : null;
  const validate = rewritten ? ajv.compile(rewritten) : null;
  cache.set(cacheKey, validate);
  return validate;
}

export interface ContractResult {
  /** undefined: the path is not a DR operation (Tributary's own routes) */
  checked: boolean;
  errors: string[];
}

export function checkContract(method: string, path: string, status: number, body: unknown): ContractResult {
  const validate = validatorFor(method, path.split('?')[0] ?? path, status);
  if (validate === undefined) return { checked: false, errors: [] };
  if (validate === null) {
    // a status the document declares without a body (204), or does not declare at all
    const declared = status === 204 ? body === undefined || body === '' : false;
    return {
      checked: true,
      errors: declared ? [] : [`${method} ${path}: status ${status} is not in DR's document`],
    };
  }
  if (validate(body)) return { checked: true, errors: [] };
  return {
    checked: true,
    errors: (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    ),
  };
}

export { doc as contractDocument };
