import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { serveProcesses } from '../cluster.js';
import { describeStore, type StoreFlags, serveConfig, storeConfig } from '../config.js';
import { exitCleanlyOnSignals, serve } from '../main.js';
import { createAccount, createKeyPair } from '../services/accounts.js';
import { openStore } from '../store/open.js';
import { ApiClient, type ConnectionFlags, clientFrom } from './api-client.js';
import { readFixtures, runFixtures } from './fixtures.js';
import { AddressRefused, listen, listenStream } from './listen.js';
import { colouredStatus, tailRequests } from './logs.js';
import { parseOverrides, SCENARIOS, trigger } from './trigger.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
/** A status after an arrow (`→ 201`) in colour where a person watches. */
const colour = process.stdout.isTTY === true && !process.env['NO_COLOR'];
const print = (line: string) =>
  process.stdout.write(
    `${colour ? line.replace(/→ ([1-5]\d\d)/, (_, status: string) => `→ ${colouredStatus(status)}`) : line}\n`,
  );

function storeOptions(command: Command): Command {
  return command
    .option('--db <path>', 'SQLite file (env TRIBUTARY_DB)', undefined)
    .option('--database-url <url>', 'PostgreSQL connection string (env DATABASE_URL)', undefined);
}

const program = new Command()
  .name('tributary')
  .description('A self-hostable commerce payments API, wire-compatible with the Digital River API.')
  .version(pkg.version);

storeOptions(
  program
    .command('serve')
    .description('serve the API (the first start creates a test account and prints its keys)')
    .option('-p, --port <port>', 'port to listen on (env PORT)', undefined)
    .option('--host <host>', 'interface to listen on (env HOST)', undefined)
    .option(
      '--processes <n>',
      'server processes sharing the port and one PostgreSQL database (env TRIBUTARY_PROCESSES; default 1)',
      undefined,
    ),
).action(async (flags: StoreFlags & { port?: string; host?: string; processes?: string }) => {
  const config = serveConfig(flags, process.env);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (config.processes > 1) {
    await serveProcesses(config, config.processes, print, log);
    return;
  }
  await serve(config, print, undefined, (running) => exitCleanlyOnSignals(running, log));
});

const keys = program.command('keys').description('API keys');
storeOptions(keys.command('create').description('make another key pair for the first account'))
  .option('--json', 'print JSON')
  .action(async (flags: StoreFlags & { json?: boolean }) => {
    const config = storeConfig(flags, process.env);
    const store = await openStore(config);
    try {
      const pair = await store.transaction(async (tx) => {
        const account = await tx.accounts.first();
        if (!account)
          throw new Error(`no account yet in ${describeStore(config)}: run \`tributary serve\` once first`);
        return { accountId: account.id, ...(await createKeyPair(tx, account.id, Date.now())) };
      });
      if (flags.json) print(JSON.stringify(pair));
      else {
        print(`New key pair for account ${pair.accountId}:`);
        print(`  secret key: ${pair.secretKey}`);
        print(`  public key: ${pair.publicKey}`);
      }
    } finally {
      await store.close();
    }
  });

const accounts = program.command('accounts').description('accounts (tenants) of this server');
storeOptions(accounts.command('create').description('create another test account and print its keys'))
  .option('--name <name>', 'a name for the account', 'Test account')
  .option('--json', 'print JSON')
  .action(async (flags: StoreFlags & { json?: boolean; name: string }) => {
    const store = await openStore(storeConfig(flags, process.env));
    try {
      const { account, keys: pair } = await createAccount(store, flags.name, Date.now());
      if (flags.json) print(JSON.stringify({ accountId: account.id, ...pair }));
      else {
        print(`Account ${account.id}:`);
        print(`  secret key: ${pair.secretKey}`);
        print(`  public key: ${pair.publicKey}`);
      }
    } finally {
      await store.close();
    }
  });

storeOptions(program.command('migrate').description('apply database migrations and exit')).action(
  async (flags: StoreFlags) => {
    const config = storeConfig(flags, process.env);
    const store = await openStore(config);
    await store.close();
    print(`${describeStore(config)} is migrated.`);
  },
);

function connectionOptions(command: Command): Command {
  return command
    .option('--api-url <url>', 'the server (env TRIBUTARY_API_URL; default http://localhost:8080)', undefined)
    .option('--key <secret key>', 'a secret key (env TRIBUTARY_SECRET_KEY)', undefined);
}

connectionOptions(
  program
    .command('listen')
    .description('forward the events of a running server to a local URL for this session')
    .requiredOption('--forward-to <url>', 'where to POST each event')
    .option('--events <types>', "comma-separated event types or patterns (default '*')", '*')
    .option(
      '--stream',
      'take the events over one long-lived connection instead of a webhook (the default when the server is not on this machine)',
    ),
).action(async (flags: ConnectionFlags & { forwardTo: string; events: string; stream?: boolean }) => {
  const api = clientFrom(flags, process.env);
  const options = { forwardTo: flags.forwardTo, events: flags.events.split(',').map((e) => e.trim()), print };
  // a server elsewhere cannot deliver to this machine's loopback: it streams the events instead
  const host = new URL(api.baseUrl).hostname.replace(/^\[|\]$/g, '');
  const local = host === 'localhost' || host === '::1' || /^127\./.test(host);
  const session =
    flags.stream || !local
      ? await listenStream(api, options)
      : await listen(api, options).catch((error: unknown) => {
          // a server that denies private addresses cannot deliver to a relay here: it streams
          if (!(error instanceof AddressRefused)) throw error;
          print(
            `The server refuses a webhook to this machine (${error.message}); streaming the events instead`,
          );
          return listenStream(api, options);
        });
  const stop = () => {
    session.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});

const collect = (value: string, previous: string[]) => [...previous, value];

connectionOptions(
  program
    .command('trigger')
    .description(`run a named scenario against a running server: ${Object.keys(SCENARIOS).join(', ')}`)
    .argument('<scenario>', 'the scenario')
    .option(
      '--override <path=value>',
      'change a request of the scenario: currency=EUR, items[0].price=50, refund.amount=2 (repeatable)',
      collect,
      [],
    )
    .option('--order <id>', "run the scenario's steps on this existing order"),
).action(async (name: string, flags: ConnectionFlags & { override: string[]; order?: string }) => {
  const lines = await trigger(clientFrom(flags, process.env), name, {
    overrides: parseOverrides(flags.override),
    orderId: flags.order,
  });
  for (const line of lines) print(line);
});

connectionOptions(
  program
    .command('fixtures')
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixtures' reference syntax, not a template
    .description('run a chain of requests from a JSON file, later ones using earlier answers (${name:path})')
    .argument('<file>', 'the fixtures file (see fixtures/ for two examples)')
    .option('--public-key <key>', 'for steps with "publicKey": true (env TRIBUTARY_PUBLIC_KEY)'),
).action(async (file: string, flags: ConnectionFlags & { publicKey?: string }) => {
  const api = clientFrom(flags, process.env);
  const publicKey = flags.publicKey ?? process.env['TRIBUTARY_PUBLIC_KEY'];
  const publicApi = publicKey ? new ApiClient(api.baseUrl, publicKey) : undefined;
  await runFixtures(api, publicApi, readFixtures(file), print);
});

const events = program.command('events').description('events of a running server');
connectionOptions(
  events
    .command('resend')
    .description('send an event again to the webhooks it went to (or to one)')
    .argument('<id>', 'the event')
    .option('--webhook <id>', 'only to this webhook'),
).action(async (id: string, flags: ConnectionFlags & { webhook?: string }) => {
  const api = clientFrom(flags, process.env);
  const answer = await api.ok(
    'POST',
    `/events/${id}/redeliver`,
    flags.webhook ? { webhookId: flags.webhook } : {},
  );
  const to = (answer.webhookIds as string[]) ?? [];
  print(to.length ? `event ${id} queued again for ${to.join(', ')}` : `event ${id} went to no webhook`);
});

const logs = program.command('logs').description("the server's request log");
connectionOptions(
  logs
    .command('tail')
    .description('print each API request as it is answered (GET /test-helpers/requests), until stopped')
    .option('--status <status>', 'only these statuses: 404, or a class such as 4xx')
    .option('--path <prefix>', 'only paths that start with it, such as /orders'),
).action(async (flags: ConnectionFlags & { status?: string; path?: string }) => {
  const api = clientFrom(flags, process.env);
  const tail = tailRequests(api, {
    status: flags.status,
    path: flags.path,
    print,
    colour: process.stdout.isTTY === true,
  });
  await tail.ready;
  const only = [flags.status, flags.path].filter(Boolean).join(' ');
  print(`following the request log of ${api.baseUrl}${only ? ` (${only})` : ''}; Ctrl-C stops`);
  const stop = () => {
    tail.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`tributary: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
