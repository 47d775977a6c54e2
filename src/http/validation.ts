import { Ajv, type ErrorObject } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { type AppError, invalidParameter, missingParameter, unknownParameter } from '../domain/errors.js';

/**
 * Request validation. Bodies are checked exactly as sent (no type coercion: a number where a
 * string belongs is a 400); query strings and path parameters arrive as text and are coerced.
 * Ajv's errors become DR's: `missing_parameter`, `unknown_parameter`, `invalid_parameter`, each
 * naming the parameter (`items[0].price`).
 */

// ajv-formats is CommonJS: its plugin is the module's default export
const addFormats = (ajvFormats as unknown as { default: (ajv: Ajv, formats: string[]) => Ajv }).default;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: false,
    removeAdditional: false,
    strict: false,
    // errors carry their schema, so that a failed union can list the values it allows
    verbose: true,
  });
  addFormats(ajv, ['email', 'date-time', 'date', 'uri']);
  return ajv;
}

const bodyAjv = makeAjv(false);
const textAjv = makeAjv(true);

export function compileValidator(schema: object, httpPart: string | undefined) {
  return (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);
}

/** `/items/0/price` → `items[0].price` */
export function parameterPath(instancePath: string, leaf?: string): string {
  const parts = instancePath.split('/').filter((p) => p.length > 0);
  if (leaf !== undefined) parts.push(leaf);
  let path = '';
  for (const part of parts) {
    const name = part.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(name)) path += `[${name}]`;
    else path += path.length === 0 ? name : `.${name}`;
  }
  return path;
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be ${p['type'] === 'integer' ? 'an integer' : `of type ${String(p['type'])}`}`;
    case 'format':
      return `must be a valid ${String(p['format'])}`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `must be ${error.keyword === 'minimum' ? 'at least' : 'greater than'} ${String(p['limit'])}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `must be ${error.keyword === 'maximum' ? 'at most' : 'less than'} ${String(p['limit'])}`;
    case 'minLength':
      return `must be at least ${String(p['limit'])} characters long`;
    case 'maxLength':
      return `must be at most ${String(p['limit'])} characters long`;
    case 'minItems':
      return `must have at least ${String(p['limit'])} entries`;
    case 'maxItems':
      return `must have at most ${String(p['limit'])} entries`;
    case 'const':
      return `must be '${String(p['allowedValue'])}'`;
    case 'enum':
      return `must be one of: ${(p['allowedValues'] as unknown[]).join(', ')}`;
    case 'pattern':
      return 'has an invalid format';
    default:
      return 'is invalid';
  }
}

/** Values a union of constants allows, to name them in the message. */
function allowedConstants(error: ErrorObject): string[] | undefined {
  if (!Array.isArray(error.schema)) return undefined;
  const values = (error.schema as { const?: unknown }[]).map((s) => s.const);
  return values.every((v) => v !== undefined) ? values.map(String) : undefined;
}

function depth(error: ErrorObject): number {
  return error.instancePath.split('/').length;
}

function toAppError(errors: readonly ErrorObject[], part: string): AppError {
  // A failed union reports each branch's failure, then its own. A branch that failed deeper
  // inside the value than the union itself names the real problem (an unknown member of an
  // array element); otherwise the union is named, with the values it allows.
  let union = errors.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const deepest = [...errors].filter((e) => e !== union).sort((a, b) => depth(b) - depth(a))[0];
  if (union && deepest && depth(deepest) > depth(union)) union = undefined;
  const error = union ?? deepest ?? errors[0];
  if (!error) return invalidParameter(part, 'The request is invalid.');
  const p = error.params as Record<string, unknown>;
  if (error.keyword === 'required')
    return missingParameter(parameterPath(error.instancePath, String(p['missingProperty'])));
  if (error.keyword === 'additionalProperties') {
    const name = String(p['additionalProperty']);
    // DR names an unknown parameter by itself ('price' is an unknown parameter)
    return unknownParameter(name);
  }
  const path = parameterPath(error.instancePath) || part;
  if (union) {
    const allowed = allowedConstants(union);
    const message = allowed ? `must be one of: ${allowed.join(', ')}` : 'has an invalid type or format';
    return invalidParameter(path, `'${path}' ${message}.`);
  }
  return invalidParameter(path, `'${path}' ${describe(error)}.`);
}

/** Fastify's validation failure (error.validation) as DR's error. */
export function validationError(errors: readonly ErrorObject[], context: string | undefined): AppError {
  const part = context === 'body' ? 'body' : context === 'querystring' ? 'query' : (context ?? 'request');
  if (
    context === 'body' &&
    errors.length > 0 &&
    errors.every((e) => e.instancePath === '' && e.keyword === 'type')
  ) {
    return invalidParameter('body', 'The request body must be a JSON object.');
  }
  return toAppError(errors, part);
}
