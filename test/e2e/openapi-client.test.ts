import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { ROOT } from '../helpers/server.js';

/**
 * Issue 15, item 3: GET /openapi.json is complete enough to generate a client from. Types are
 * generated with openapi-typescript, and a client written against them with openapi-fetch
 * type-checks — including lines that must not (`@ts-expect-error`), so the types are real ones,
 * not `any`. The generated files live in test/.generated (git-ignored) so they resolve the
 * project's own packages.
 */
const run = promisify(execFile);
const DIR = join(ROOT, 'test/.generated/openapi-client');

const CLIENT = `import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

type Order = components['schemas']['Order'];
const client = createClient<paths>({ baseUrl: 'http://localhost:8080' });

export async function walk(): Promise<Order | undefined> {
  const checkout = await client.POST('/checkouts', {
    body: { currency: 'USD', email: 'a@example.com', items: [{ skuId: 'shoe', quantity: 1, price: 10 }] },
  });
  const checkoutId: string | undefined = checkout.data?.id;
  const total: number | undefined = checkout.data?.totalAmount;
  const created = await client.POST('/orders', { body: { checkoutId: checkoutId ?? '' } });
  if (created.error) {
    const code: string = created.error.errors[0]?.code ?? '';
    return code ? undefined : undefined;
  }
  const order = await client.GET('/orders/{id}', { params: { path: { id: created.data.id ?? '' } } });
  const state: string | undefined = order.data?.state;
  const clock = await client.POST('/test-helpers/clock/advance', { body: { seconds: 5 } });
  const time: string | undefined = clock.data?.time;
  const log = await client.GET('/test-helpers/requests', { params: { query: { status: '4xx' } } });
  const statuses: (number | undefined)[] = (log.data?.data ?? []).map((r) => r.status);
  const hooks = await client.GET('/webhooks/{id}/deliveries', { params: { path: { id: 'w' } } });
  const attempts: (number | undefined)[] = (hooks.data?.data ?? []).map((a) => a.attempt);
  void [total, state, time, statuses, attempts];
  // @ts-expect-error: an order has no such field
  void order.data?.notAField;
  // @ts-expect-error: no such path
  await client.GET('/orderz');
  // @ts-expect-error: a webhook's enabled is a boolean
  await client.PATCH('/webhooks/{id}', { params: { path: { id: 'w' } }, body: { enabled: 'yes' } });
  // @ts-expect-error: a clock advance takes seconds as a number
  await client.POST('/test-helpers/clock/advance', { body: { seconds: 'five' } });
  return order.data;
}
`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    skipLibCheck: true,
    types: [],
  },
  files: ['client.ts'],
};

describe('a client generated from GET /openapi.json', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp('sqlite');
    mkdirSync(DIR, { recursive: true });
  });
  after(async () => {
    await t.close();
    if (!process.env['KEEP_GENERATED']) rmSync(DIR, { recursive: true, force: true });
  });

  it('every operation has a summary and a response schema for each success', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );
    assert.ok(operations.length >= 80, `${operations.length} operations`);
    for (const { name, op } of operations) {
      assert.ok(op.summary, `${name} has a summary`);
      const successes = Object.entries<any>(op.responses).filter(([status]) => status.startsWith('2'));
      assert.ok(successes.length > 0, `${name} answers a success`);
      for (const [status, response] of successes)
        if (status !== '204' && response.content)
          assert.ok(Object.values<any>(response.content)[0]?.schema, `${name} ${status} has a schema`);
      assert.ok(op.responses['500'], `${name} documents its errors`);
    }
    assert.equal(
      doc.paths['/orders/{id}'].get.responses['200'].content['application/json'].schema.$ref,
      '#/components/schemas/Order',
    );
  });

  it('GET /docs renders the document with files served from the package, no key and no CDN', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>Tributary API<\/title>/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    assert.ok(assets.length >= 3, page.body);
    for (const asset of assets) {
      assert.ok(asset.startsWith('/docs/'), `${asset} is served here`);
      assert.equal((await t.app.inject({ method: 'GET', url: asset })).statusCode, 200, asset);
    }
    const spec = await t.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(spec.json().info.title, 'Tributary');
  });

  it('generates types with openapi-typescript and a client type-checks against them', {
    timeout: 120_000,
  }, async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const ast = await openapiTS(doc);
    writeFileSync(join(DIR, 'api.d.ts'), astToString(ast));
    writeFileSync(join(DIR, 'client.ts'), CLIENT);
    writeFileSync(join(DIR, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    writeFileSync(join(DIR, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    const result = await run(tsc, ['-p', join(DIR, 'tsconfig.json')]).catch(
      (error: { stdout: string }) => error,
    );
    assert.equal('stdout' in result ? result.stdout : '', '', 'the client type-checks');
    // and a wrong use is caught: without the @ts-expect-error lines' markers, tsc fails
    writeFileSync(join(DIR, 'client.ts'), CLIENT.replaceAll('// @ts-expect-error', '//'));
    const broken = await run(tsc, ['-p', join(DIR, 'tsconfig.json')]).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    assert.equal(broken.match(/error TS/g)?.length, 4, broken);
    assert.match(broken, /'notAField' does not exist/);
    assert.match(broken, /'string' is not assignable to type 'boolean/);
    assert.match(broken, /'string' is not assignable to type 'number'/);
  });
});
