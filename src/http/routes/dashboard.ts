import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TypedApp } from '../typed.js';

/**
 * The dashboard at /dashboard: a single page (Preact with htm, no build step) served by this
 * server from files in the package — its own under dashboard/, Preact's and htm's from their
 * packages — so it loads nothing from elsewhere. It signs in with a secret key kept in the tab's
 * session storage and calls the API with it like any client.
 */

const root = new URL('../../../dashboard/', import.meta.url);

interface Asset {
  body: Buffer;
  type: string;
}

const JS = 'text/javascript; charset=utf-8';

function assets(): Map<string, Asset> {
  const own = (name: string, type: string): Asset => ({ body: readFileSync(new URL(name, root)), type });
  // as a browser imports them: the packages' ESM builds
  const vendor = (specifier: string): Asset => ({
    body: readFileSync(new URL(import.meta.resolve(specifier))),
    type: JS,
  });
  return new Map([
    ['/dashboard', own('index.html', 'text/html; charset=utf-8')],
    ['/dashboard/app.js', own('app.js', JS)],
    ['/dashboard/app.css', own('app.css', 'text/css; charset=utf-8')],
    ['/dashboard/vendor/preact.mjs', vendor('preact')],
    ['/dashboard/vendor/hooks.mjs', vendor('preact/hooks')],
    ['/dashboard/vendor/htm.mjs', vendor('htm')],
  ]);
}

/**
 * Everything from this origin; nothing inline but the page's import map (allowed by its hash) and
 * style attributes.
 */
function contentSecurityPolicy(html: string): string {
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const hash = createHash('sha256').update(importMap).digest('base64');
  return `default-src 'none'; script-src 'self' 'sha256-${hash}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

export function dashboardRoutes(app: TypedApp): void {
  const files = assets();
  const CSP = contentSecurityPolicy(files.get('/dashboard')?.body.toString('utf8') ?? '');
  for (const [url, asset] of files) {
    app.get(url, { config: { auth: 'none' }, schema: { hide: true } }, async (_request, reply) => {
      reply.header('content-type', asset.type);
      reply.header('content-security-policy', CSP);
      reply.header('cache-control', 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
      return reply.send(asset.body);
    });
  }
}
