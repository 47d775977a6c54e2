import { readFileSync } from 'node:fs';
import type { ApiClient } from './api-client.js';

/**
 * `tributary fixtures <file.json>`: a chain of requests, as Stripe CLI's fixtures are. Each step
 * names itself, and a later step refers to an earlier answer with `${name:path}` (a path into that
 * answer: `${checkout:id}`, `${order:items.0.id}`, `${order:items[0].id}`), anywhere in its path
 * or its body. A step that does not answer 2xx stops the chain (unless it says `expectStatus`).
 *
 * {
 *   "fixtures": [
 *     { "name": "checkout", "method": "POST", "path": "/checkouts", "body": { … } },
 *     { "name": "order", "method": "POST", "path": "/orders", "body": { "checkoutId": "${checkout:id}" } }
 *   ]
 * }
 */

export interface FixtureStep {
  name: string;
  method?: string;
  path: string;
  body?: unknown;
  /** the public key makes this request (payment sources, as from the browser) */
  publicKey?: boolean;
  /** a status other than 2xx that this step expects (a declined charge: 409) */
  expectStatus?: number;
}

export interface FixtureFile {
  fixtures: FixtureStep[];
}

const REFERENCE = /\$\{([A-Za-z0-9_-]+):([^}]+)\}/g;

/** `items[0].id` or `items.0.id` → ['items', '0', 'id'] (the paths of fixtures and overrides). */
export const pathKeys = (path: string): string[] =>
  path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);

function lookup(answers: ReadonlyMap<string, unknown>, name: string, path: string): unknown {
  if (!answers.has(name)) throw new Error(`\${${name}:${path}} names no earlier step`);
  let node = answers.get(name);
  for (const key of pathKeys(path)) {
    if (typeof node !== 'object' || node === null || !(key in node))
      throw new Error(`\${${name}:${path}}: the answer of '${name}' has no ${path}`);
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The value with every reference replaced; a string that is one whole reference keeps its type. */
export function resolve(value: unknown, answers: ReadonlyMap<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([A-Za-z0-9_-]+):([^}]+)\}$/.exec(value);
    if (whole) return lookup(answers, whole[1] ?? '', whole[2] ?? '');
    return value.replace(REFERENCE, (_, name: string, path: string) => String(lookup(answers, name, path)));
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, answers));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, answers)]));
  return value;
}

export function readFixtures(file: string): FixtureFile {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as FixtureFile;
  if (!Array.isArray(parsed.fixtures)) throw new Error(`${file}: expected {"fixtures": [ … ]}`);
  const names = new Set<string>();
  for (const [i, step] of parsed.fixtures.entries()) {
    if (typeof step.name !== 'string' || typeof step.path !== 'string')
      throw new Error(`${file}: fixtures[${i}] needs a name and a path`);
    if (names.has(step.name)) throw new Error(`${file}: two steps are named '${step.name}'`);
    names.add(step.name);
  }
  return parsed;
}

/** Runs the steps in order; prints a line per step; returns the answers by name. */
export async function runFixtures(
  api: ApiClient,
  publicApi: ApiClient | undefined,
  fixtures: FixtureFile,
  print: (line: string) => void,
): Promise<Map<string, unknown>> {
  const answers = new Map<string, unknown>();
  for (const step of fixtures.fixtures) {
    const method = (step.method ?? (step.body === undefined ? 'GET' : 'POST')).toUpperCase();
    const path = String(resolve(step.path, answers));
    const body = step.body === undefined ? undefined : resolve(step.body, answers);
    const client = step.publicKey ? publicApi : api;
    if (!client)
      throw new Error(`step '${step.name}' needs the public key: give --public-key or TRIBUTARY_PUBLIC_KEY`);
    const response = await client.call(method, path, body);
    answers.set(step.name, response.body);
    const id = (response.body as { id?: unknown } | undefined)?.id;
    const error = (response.body as { errors?: { code?: string }[] } | undefined)?.errors?.[0]?.code;
    print(
      `${step.name.padEnd(16)} ${method} ${path} → ${response.status}${id ? ` ${String(id)}` : ''}${error ? ` ${error}` : ''}`,
    );
    const ok = response.status >= 200 && response.status < 300;
    if (step.expectStatus !== undefined ? response.status !== step.expectStatus : !ok)
      throw new Error(
        `step '${step.name}' answered ${response.status}${error ? ` ${error}` : ''}${step.expectStatus ? ` (expected ${step.expectStatus})` : ''}`,
      );
  }
  return answers;
}
