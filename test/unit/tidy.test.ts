import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

/**
 * The shape of the code, kept (issue 24, item 6). Each rule lists today's offenders: the list may
 * only shrink. A new offender fails the test; so does an offender that is gone but still listed
 * (take it off the list, so that it cannot come back unseen).
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const SRC = join(ROOT, 'src');
/** Generated from DR's document (scripts/response-schemas.ts): not written by hand. */
const GENERATED = new Set(['http/schemas/dr-responses.ts']);

const FUNCTION_LINES_MAX = 70;
const FILE_LINES_MAX = 400;

const files = readdirSync(SRC, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts') && !GENERATED.has(f))
  .sort();
const source = new Map(files.map((f) => [f, readFileSync(join(SRC, f), 'utf8')]));
const parsed = new Map(
  files.map((f) => [f, ts.createSourceFile(f, source.get(f) ?? '', ts.ScriptTarget.Latest, true)]),
);

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** The same list, as sorted text lines, for a readable diff. */
const lines = (items: Iterable<string>) => [...items].sort();

/**
 * Compares what is found with the offenders still allowed: a new one and a listed one that is
 * gone both fail, saying which.
 */
function keep(rule: string, found: Iterable<string>, allowed: readonly string[]): void {
  const now = new Set(found);
  // TIDY_PRINT=1 prints today's offenders, to write a shrunken list
  if (process.env['TIDY_PRINT']) process.stdout.write(`${rule}:\n${JSON.stringify(lines(now), null, 2)}\n`);
  const known = new Set(allowed);
  const added = lines([...now].filter((o) => !known.has(o)));
  const gone = lines([...known].filter((o) => !now.has(o)));
  assert.deepEqual(added, [], `${rule}: new offenders`);
  assert.deepEqual(gone, [], `${rule}: no longer offenders, take them off the list`);
}

/** Every function body longer than FUNCTION_LINES_MAX, as `file:name` (its lines). */
function longFunctions(): string[] {
  const found: string[] = [];
  for (const [file, tree] of parsed)
    walk(tree, (node) => {
      if (
        !ts.isFunctionDeclaration(node) &&
        !ts.isMethodDeclaration(node) &&
        !ts.isArrowFunction(node) &&
        !ts.isFunctionExpression(node) &&
        !ts.isConstructorDeclaration(node)
      )
        return;
      if (!node.body) return;
      const start = tree.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = tree.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 <= FUNCTION_LINES_MAX) return;
      found.push(`${file}:${functionName(node)}`);
    });
  return found;
}

function functionName(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (named.name) return named.name.getText();
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (parent && ts.isCallExpression(parent)) {
    // a route handler: the call's first string argument (`app.post('/orders', …)`)
    const first = parent.arguments[0];
    const callee = parent.expression.getText();
    return first && ts.isStringLiteral(first) ? `${callee}(${first.text})` : `${callee}(…)`;
  }
  return '(anonymous)';
}

/** The layers, lowest first: a file may import its own layer or a lower one. */
const LAYERS: Record<string, number> = {
  limits: 0,
  config: 0,
  lib: 1,
  domain: 2,
  processor: 3,
  store: 3,
  wire: 4,
  services: 5,
  jobs: 6,
  http: 7,
  app: 8,
  main: 9,
  cluster: 9,
  cli: 10,
};
const layerOf = (file: string) =>
  file.includes('/') ? (file.split('/')[0] ?? '') : file.replace(/\.ts$/, '');

function upwardImports(): string[] {
  const found: string[] = [];
  for (const [file, text] of source) {
    for (const match of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = relative(SRC, resolve(dirname(join(SRC, file)), match[1] ?? '')).replace(/\.js$/, '.ts');
      const [from, to] = [LAYERS[layerOf(file)], LAYERS[layerOf(target)]];
      assert.ok(from !== undefined && to !== undefined, `a layer for ${file} and ${target}`);
      if (to > from) found.push(`${file} → ${target}`);
    }
  }
  return found;
}

/** `new AppError(code, parameter, message, { type })`: a status the catalogue does not give. */
function statusOverrides(): string[] {
  const found: string[] = [];
  for (const [file, tree] of parsed)
    walk(tree, (node) => {
      if (!ts.isNewExpression(node) || node.expression.getText() !== 'AppError') return;
      const extra = node.arguments?.[3];
      if (!extra) return;
      const overrides = ts.isObjectLiteralExpression(extra)
        ? extra.properties.some((p) => p.name?.getText() === 'type' || ts.isSpreadAssignment(p))
        : true;
      if (overrides) found.push(`${file}:${tree.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    });
  // a shared `{ type: … }` passed around (domain/tax/identifiers.ts's CONFLICT) counts where it is made
  for (const [file, text] of source)
    for (const match of text.matchAll(/^const \w+ = \{ type: '\w+' \} as const;/gm))
      found.push(`${file}:${text.slice(0, match.index).split('\n').length}`);
  return found;
}

/** Units and the sizes an algorithm fixes: named like limits, but no one's choice to tune. */
const NOT_LIMITS = new Set([
  'DAY_MS',
  'SECOND_MS',
  'KEY_BYTES',
  'NONCE_BYTES',
  'TAG_BYTES',
  'SECRET_BYTES',
  'KEY_SECRET_BYTES',
]);

/** Named numeric limits (`…_MAX`, `…_MS`, `…_BYTES`, …) declared outside src/limits.ts. */
function limitsElsewhere(): string[] {
  const found: string[] = [];
  const limit =
    /^(?:export )?const ([A-Z][A-Z0-9_]*(?:_MAX|_MIN|_MS|_BYTES|_SECONDS|_SIZE|_LIMIT|_TIMEOUT))\b/gm;
  for (const [file, text] of source) {
    // the simulator's scenario table is how the processor behaves (its delays, its expiries), not
    // a limit of Tributary's
    if (file === 'limits.ts' || file === 'processor/simulator/scenarios.ts') continue;
    for (const match of text.matchAll(limit))
      if (!NOT_LIMITS.has(match[1] ?? '')) found.push(`${file}:${match[1]}`);
  }
  return found;
}

/** Exports that no other file (in src, test, bench, scripts or the SDK's tests) imports. */
function unusedExports(): string[] {
  const everywhere = ['src', 'test', 'bench', 'scripts', 'sdk/test'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true })
      .map(String)
      .filter((f) => /\.(ts|js|mts)$/.test(f))
      .map((f) => join(ROOT, dir, f)),
  );
  const imports = new Map<string, Set<string>>();
  for (const path of everywhere) {
    const text = readFileSync(path, 'utf8');
    for (const match of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'(\.[^']+)'/g)) {
      const target = resolve(dirname(path), match[2] ?? '').replace(/\.js$/, '.ts');
      const names = imports.get(target) ?? new Set<string>();
      for (const name of (match[1] ?? '').split(','))
        names.add(
          name
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0] ?? '',
        );
      imports.set(target, names);
    }
    for (const match of text.matchAll(
      /import\s+\*\s+as\s+\w+\s+from\s+'(\.[^']+)'|export \* from '(\.[^']+)'/g,
    )) {
      const target = resolve(dirname(path), match[1] ?? match[2] ?? '').replace(/\.js$/, '.ts');
      imports.set(target, new Set(['*']));
    }
  }
  const found: string[] = [];
  for (const [file, tree] of parsed) {
    const used = imports.get(join(SRC, file)) ?? new Set<string>();
    if (used.has('*')) continue;
    for (const statement of tree.statements) {
      const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
      if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      const names = ts.isVariableStatement(statement)
        ? statement.declarationList.declarations.map((d) => d.name.getText())
        : [(statement as { name?: ts.Node }).name?.getText() ?? ''];
      for (const name of names) {
        // used in its own file beside being exported is not a reason to export it; the entry
        // points (bin/ and the CLI) are imported by path
        if (!used.has(name)) found.push(`${file}:${name}`);
      }
    }
  }
  return found;
}

describe('the shape of the code (offenders may only go)', () => {
  it(`functions of at most ${FUNCTION_LINES_MAX} lines`, () =>
    keep('long functions', longFunctions(), LONG_FUNCTIONS));
  it(`files of at most ${FILE_LINES_MAX} lines`, () =>
    keep(
      'long files',
      files.filter((f) => (source.get(f) ?? '').split('\n').length > FILE_LINES_MAX),
      LONG_FILES,
    ));
  it('no `request.body as`: routes get typed bodies from the TypeBox type provider', () =>
    keep(
      'request.body casts',
      files.flatMap((f) =>
        [...(source.get(f) ?? '').matchAll(/request\.body as/g)].map(
          (m) => `${f}:${(source.get(f) ?? '').slice(0, m.index).split('\n').length}`,
        ),
      ),
      BODY_CASTS,
    ));
  it('no import from a lower layer to a higher one', () =>
    keep('upward imports', upwardImports(), UPWARD_IMPORTS));
  it("no call site overriding the error catalogue's status", () =>
    keep('status overrides', statusOverrides(), STATUS_OVERRIDES));
  it('every limit in src/limits.ts', () => keep('limits elsewhere', limitsElsewhere(), LIMITS_ELSEWHERE));
  it('no unused export', () => keep('unused exports', unusedExports(), UNUSED_EXPORTS));
});

// Today's offenders, 2026-12-08 (issue 24's start). Remove a line when its offence is gone.
const LONG_FUNCTIONS: readonly string[] = [
  'app.ts:buildApp',
  'cli/listen.ts:listenStream',
  'domain/order/create.ts:decideOrderCreation',
  'domain/order/invariants.ts:assertInvariants',
  'domain/order/return.ts:decideReturnUpdate',
  'domain/order/return.ts:decided(\u2026)',
  'http/plugins/idempotency.ts:registerIdempotency',
  'http/routes/event-stream.ts:app.get(/test-helpers/events/stream)',
  'http/routes/event-stream.ts:eventStreamRoutes',
  'http/routes/files.ts:fileRoutes',
  'http/routes/tax-identifiers.ts:taxIdentifierRoutes',
  'http/routes/webhooks.ts:webhookRoutes',
  'jobs/deliveries.ts:claimAndSend',
  'services/checkouts.ts:attachSourceTx',
  'services/checkouts.ts:buildItems',
  'services/checkouts.ts:createCheckout',
  'services/checkouts.ts:updateCheckout',
  'services/sources.ts:createCardSource',
  'store/sqlite.ts:runGroup',
  'wire/document-pdf.ts:renderDocumentPdf',
  'wire/order.ts:orderToWire',
];
const LONG_FILES: readonly string[] = [
  'jobs/deliveries.ts',
  'services/checkouts.ts',
  'store/migrations/index.ts',
  'store/repos/orders.ts',
  'store/repos/webhooks.ts',
  'store/schema.ts',
];
const BODY_CASTS: readonly string[] = [];
const UPWARD_IMPORTS: readonly string[] = [
  'services/checkouts.ts \u2192 http/schemas/checkout.ts',
  'services/customers.ts \u2192 http/schemas/catalog.ts',
  'services/fulfillments.ts \u2192 http/schemas/fulfillment.ts',
  'services/orders.ts \u2192 http/schemas/checkout.ts',
  'services/refunds.ts \u2192 http/schemas/refund.ts',
  'services/returns.ts \u2192 http/schemas/return.ts',
  'services/skus.ts \u2192 http/schemas/catalog.ts',
  'services/sources.ts \u2192 http/schemas/catalog.ts',
  'services/webhooks.ts \u2192 http/schemas/webhook.ts',
];
const STATUS_OVERRIDES: readonly string[] = [
  'domain/order/return.ts:62',
  'domain/tax/identifiers.ts:281',
  'domain/tax/identifiers.ts:283',
  'domain/tax/identifiers.ts:291',
  'domain/tax/identifiers.ts:3',
  'domain/tax/identifiers.ts:313',
  'domain/tax/identifiers.ts:330',
  'http/schemas/own-responses.ts:10',
  'http/schemas/own-responses.ts:11',
  'http/schemas/own-responses.ts:9',
  'services/checkouts.ts:463',
  'services/order-checks.ts:48',
];
const LIMITS_ELSEWHERE: readonly string[] = [
  'cli/listen.ts:FORWARD_TIMEOUT_MS',
  'config.ts:PROCESSES_MAX',
  'domain/money/money.ts:AMOUNT_MINOR_MAX',
  'domain/money/rate.ts:RATE_SCALE_MAX',
  'domain/webhook/schedule.ts:DELIVERY_TIMEOUT_MS',
  'domain/webhook/schedule.ts:RETRY_DELAYS_SECONDS',
  'domain/webhook/schedule.ts:RETRY_WINDOW_SECONDS',
  'http/plugins/rate-limit.ts:WINDOW_MS',
  'http/routes/event-stream.ts:HEARTBEAT_MS',
  'http/routes/event-stream.ts:POLL_MS',
  'http/schemas/common.ts:ITEMS_MAX',
  'jobs/deliveries.ts:ERROR_TEXT_MAX',
  'jobs/deliveries.ts:LEASE_MS',
  'jobs/deliveries.ts:POLL_BUSY_MS',
  'jobs/deliveries.ts:POLL_IDLE_MS',
  'jobs/deliveries.ts:RECORD_BATCH_MAX',
  'lib/redact.ts:BODY_LIMIT',
  'lib/redact.ts:SEEN_NAMES_MAX',
  'services/accounts.ts:KEY_CACHE_MAX',
  'services/request-log.ts:BUFFER_LIMIT',
  'services/request-log.ts:FLUSH_INTERVAL_MS',
  'services/request-log.ts:REQUEST_LOG_RETENTION_MS',
  'services/tasks.ts:ACCOUNTS_PER_SWEEP_MAX',
  'services/tasks.ts:ADVANCE_WAIT_MAX_MS',
  'services/tasks.ts:ADVANCE_WAIT_PAUSE_MS',
  'services/tasks.ts:IDEMPOTENCY_PURGE_INTERVAL_MS',
  'services/tasks.ts:TASKS_PER_RUN_MAX',
  'services/tasks.ts:TASKS_PER_TRANSACTION_MAX',
  'services/tasks.ts:TASK_SWEEP_INTERVAL_MS',
  'services/test-helpers.ts:CLOCK_ADVANCE_MAX_SECONDS',
  'services/webhooks.ts:SECRET_ROTATION_GRACE_MS',
  'store/db-errors.ts:STORAGE_FULL_RETRY_AFTER_SECONDS',
  'store/postgres.ts:LEADERSHIP_RETRY_MS',
  'store/postgres.ts:STATEMENT_TIMEOUT_MS',
  'store/repos/base.ts:INSERT_ROWS_MAX',
  'store/retry.ts:RETRY_PAUSE_BASE_MS',
  'store/retry.ts:RETRY_PAUSE_CEILING_MS',
  'store/retry.ts:TRANSACTION_ATTEMPTS_MAX',
  'store/sqlite.ts:BUSY_TIMEOUT_MS',
  'store/sqlite.ts:GROUP_TRANSACTIONS_MAX',
  'store/sqlite.ts:GROUP_WINDOW_MS',
  'store/sqlite.ts:IDLE_WRITER_MS',
  'store/sqlite.ts:STATEMENT_CACHE_MAX',
];
const UNUSED_EXPORTS: readonly string[] = [
  'app.ts:AppHooks',
  'cli/api-client.ts:ApiResponse',
  'cli/fixtures.ts:FixtureFile',
  'cli/fixtures.ts:FixtureStep',
  'cli/fixtures.ts:resolve',
  'cli/listen.ts:ListenOptions',
  'cli/logs.ts:Tail',
  'cli/logs.ts:TailOptions',
  'cli/logs.ts:formatRequest',
  'cli/trigger.ts:Overrides',
  'cli/trigger.ts:TriggerOptions',
  'cli/trigger.ts:applyOverrides',
  'config.ts:DEFAULT_DB_PATH',
  'config.ts:DEFAULT_PORT',
  'config.ts:POSTGRES_KEY_FILE',
  'config.ts:ServeFlags',
  'config.ts:isLoopbackHost',
  'domain/address.ts:requireCompleteAddress',
  'domain/card/card.ts:CardBrand',
  'domain/charge/transitions.ts:CHARGE_COMMANDS',
  'domain/charge/transitions.ts:CHARGE_STATES',
  'domain/charge/transitions.ts:OPERATION_COMMANDS',
  'domain/charge/transitions.ts:OPERATION_KINDS',
  'domain/charge/transitions.ts:OPERATION_STATES',
  'domain/charge/transitions.ts:OperationCommand',
  'domain/checkout/pricing.ts:PricedLine',
  'domain/checkout/pricing.ts:PricedTotals',
  'domain/checkout/pricing.ts:PricingInput',
  'domain/checkout/pricing.ts:PricingResult',
  'domain/checkout/readiness.ts:ReadinessInput',
  'domain/checkout/session.ts:Session',
  'domain/checkout/session.ts:SessionInput',
  'domain/errors.ts:ERROR_CODES',
  'domain/errors.ts:ErrorCode',
  'domain/events.ts:EVENT_TYPES',
  'domain/fulfillment/transitions.ts:FULFILLMENT_COMMANDS',
  'domain/fulfillment/transitions.ts:FULFILLMENT_STATES',
  'domain/fulfillment/transitions.ts:FulfillmentCommand',
  'domain/fulfillment/transitions.ts:FulfillmentState',
  'domain/money/money.ts:ParseAmountError',
  'domain/money/rate.ts:RATE_SCALE_MAX',
  'domain/money/rate.ts:rateToNumber',
  'domain/order/commands.ts:OrderChanges',
  'domain/order/components.ts:LineValue',
  'domain/order/components.ts:addParts',
  'domain/order/components.ts:partsOf',
  'domain/order/components.ts:subtractParts',
  'domain/order/create.ts:AttachedSourceForOrder',
  'domain/order/create.ts:CheckoutForOrder',
  'domain/order/create.ts:OrderCreation',
  'domain/order/create.ts:declined',
  'domain/order/documents.ts:INVOICING_ENTITIES',
  'domain/order/fulfill.ts:FulfillmentLineRequest',
  'domain/order/fulfill.ts:REAUTHORIZATION_FAILED',
  'domain/order/fulfill.ts:authorizationExpired',
  'domain/order/ledger.ts:ChargeLedger',
  'domain/order/ledger.ts:Flow',
  'domain/order/ledger.ts:Ledger',
  'domain/order/return.ts:ReturnCommand',
  'domain/order/return.ts:ReturnUpdateCommand',
  'domain/order/settle.ts:OPERATION_FAILED',
  'domain/order/settle.ts:reconcile',
  'domain/order/settle.ts:settledOrderState',
  'domain/order/transitions.ts:ITEM_COMMANDS',
  'domain/order/transitions.ts:ITEM_STATES',
  'domain/order/transitions.ts:ItemCommand',
  'domain/order/transitions.ts:ORDER_COMMANDS',
  'domain/order/transitions.ts:ORDER_STATES',
  'domain/refund/transitions.ts:REFUND_COMMANDS',
  'domain/refund/transitions.ts:REFUND_STATES',
  'domain/refund/transitions.ts:RefundCommand',
  'domain/return/transitions.ts:RETURN_COMMANDS',
  'domain/return/transitions.ts:RETURN_STATES',
  'domain/return/transitions.ts:ReturnCommand',
  'domain/sku.ts:SkuAttributes',
  'domain/state-machine.ts:Cell',
  'domain/state-machine.ts:Table',
  'domain/state-machine.ts:allows',
  'domain/tax/identifiers.ts:Applicability',
  'domain/tax/identifiers.ts:CustomerType',
  'domain/tax/identifiers.ts:SELLING_ENTITIES',
  'domain/tax/identifiers.ts:SellingEntity',
  'domain/tax/identifiers.ts:SellingEntityId',
  'domain/tax/identifiers.ts:TAX_ID_RULES',
  'domain/tax/identifiers.ts:TAX_ID_TYPES',
  'domain/tax/identifiers.ts:TaxIdRule',
  'domain/tax/identifiers.ts:isApplicable',
  'domain/tax/rates.ts:COUNTRY_RATES',
  'domain/tax/tax-codes.ts:DIGITAL_TAX_CODE_PREFIXES',
  'http/edge.ts:findUnkeepable',
  'http/edge.ts:jsonDepthOver',
  'http/edge.ts:unkeepable',
  'http/error-response.ts:ErrorBody',
  'http/plugins/auth.ts:AuthRequirement',
  'http/plugins/idempotency.ts:parseIdempotencyKey',
  'http/plugins/openapi.ts:docsContentSecurityPolicy',
  'http/plugins/openapi.ts:toDocument',
  'http/plugins/serialization.ts:SerializationMismatch',
  'http/routes/files.ts:FileLinkCreate',
  'http/routes/files.ts:FileLinkListQuery',
  'http/routes/files.ts:FileLinkUpdate',
  'http/routes/files.ts:FileListQuery',
  'http/routes/request-log.ts:requestToWire',
  'http/routes/tax-identifiers.ts:TaxIdentifierCreate',
  'http/routes/tax-identifiers.ts:TaxIdentifierListQuery',
  'http/routes/webhooks.ts:Nudge',
  'http/schemas/common.ts:AdditionalAddressInfo',
  'http/schemas/common.ts:AdditionalBillingAddressInfo',
  'http/schemas/common.ts:DISCLOSURE_TYPES',
  'http/schemas/own-responses.ts:OwnOperation',
  'http/schemas/return.ts:ReturnLocation',
  'http/validation.ts:parameterPath',
  'lib/assert.ts:assertNever',
  'lib/ids.ts:newOrderItemId',
  'lib/ids.ts:numericId',
  'lib/logger.ts:REDACT_PATHS',
  'lib/redact.ts:BODY_LIMIT',
  'lib/redact.ts:REDACTED',
  'lib/redact.ts:isSecretName',
  'lib/redact.ts:redactValue',
  'lib/webhook-signature.ts:SignatureInput',
  'main.ts:Running',
  'main.ts:storageLogger',
  'processor/simulator/scenarios.ts:CARD_AUTHORIZATION_TTL_SECONDS',
  'processor/simulator/scenarios.ts:CaptureOutcome',
  'processor/simulator/scenarios.ts:Decline',
  'processor/simulator/scenarios.ts:RefundOutcome',
  'processor/simulator/scenarios.ts:SECONDS_PER_DAY',
  'processor/simulator/scenarios.ts:SECONDS_PER_HOUR',
  'processor/simulator/scenarios.ts:Scenario',
  'processor/simulator/scenarios.ts:SourceOutcome',
  'services/accounts.ts:AccountSettings',
  'services/accounts.ts:BootstrapResult',
  'services/accounts.ts:KEY_PATTERN',
  'services/checkouts.ts:checkoutNotFound',
  'services/checkouts.ts:loadCheckoutViews',
  'services/customers.ts:CustomerView',
  'services/documents.ts:FileView',
  'services/input.ts:requireValue',
  'services/order-plan.ts:renderEvents',
  'services/order-view.ts:orderNotFound',
  'services/request-log.ts:REQUEST_LOG_MAX_PER_ACCOUNT',
  'services/tasks.ts:TASK_SWEEP_INTERVAL_MS',
  'services/tasks.ts:runDueTasks',
  'services/tasks.ts:settle',
  'services/webhooks.ts:SECRET_ROTATION_GRACE_MS',
  'services/webhooks.ts:checkAddress',
  'store/db-errors.ts:isUniqueViolation',
  'store/db-errors.ts:storageFull',
  'store/migrations/index.ts:Migration',
  'store/open.ts:secretBox',
  'store/postgres.ts:PostgresStoreOptions',
  'store/records.ts:CardDetails',
  'store/records.ts:CheckoutState',
  'store/records.ts:DeliveryState',
  'store/records.ts:SourceRole',
  'store/records.ts:SourceState',
  'store/repos/base.ts:INSERT_ROWS_MAX',
  'store/repos/idempotency.ts:IdempotencyRecord',
  'store/repos/orders.ts:OrderVersionConflict',
  'store/repos/orders.ts:PartsQuery',
  'store/repos/webhooks.ts:DueLimits',
  'store/schema.ts:CheckoutSourcesTable',
  'store/schema.ts:Flag',
  'store/schema.ts:IdempotencyKeysTable',
  'store/schema.ts:SchemaMigrationsTable',
  'store/schema.ts:StoreSettingsTable',
  'store/sqlite.ts:CommitSync',
  'store/startup.ts:WrongEncryptionKey',
  'wire/checkout.ts:checkoutPaymentToWire',
  'wire/common.ts:rateFromString',
  'wire/document-pdf.ts:DocumentInput',
];
