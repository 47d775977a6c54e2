import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constructEvent } from '@tributary/sdk';
import type { ApiClient } from './api-client.js';

/**
 * `tributary listen --forward-to <url>`: subscribes a webhook for this session that points at a
 * local relay, verifies each delivery's signature with the SDK (a request that is not one of
 * Tributary's deliveries is refused with 400), forwards it (body and signature headers
 * untouched) to the given URL,
 * prints it with the receiver's status, and answers Tributary with that status (so a failing
 * receiver gets retries). The webhook is removed on exit.
 */

const FORWARD_TIMEOUT_MS = 2_500;
const FORWARDED_HEADERS = [
  'content-type',
  'digitalriver-signature',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'user-agent',
];

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export interface ListenOptions {
  forwardTo: string;
  events: string[];
  print: (line: string) => void;
}

export async function listen(
  api: ApiClient,
  options: ListenOptions,
): Promise<{ webhookId: string; stop: () => Promise<void> }> {
  const target = new URL(options.forwardTo);
  let secret = '';
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    // only Tributary's signed deliveries are relayed (the SDK's check, both families)
    try {
      constructEvent(body, headers, secret);
    } catch (error) {
      options.print(
        `${new Date().toISOString()}  refused: ${error instanceof Error ? error.message : String(error)}`,
      );
      response.writeHead(400);
      response.end();
      return;
    }
    let status: number;
    let note = '';
    try {
      const forwarded = await fetch(target, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
        redirect: 'manual',
      });
      await forwarded.arrayBuffer();
      status = forwarded.status;
    } catch (error) {
      status = 502;
      note = ` (${error instanceof Error ? error.message : String(error)})`;
    }
    let type = '?';
    let id = '?';
    try {
      const event = JSON.parse(body) as { type: string; id: string };
      type = event.type;
      id = event.id;
    } catch {
      // not an event: forwarded as it came
    }
    options.print(`${new Date().toISOString()}  ${type.padEnd(36)} ${id}  → ${status}${note}`);
    response.writeHead(status >= 200 && status < 300 ? 200 : status >= 500 ? status : 502);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const webhook = await api.ok('POST', '/webhooks', {
    types: options.events,
    address: `http://127.0.0.1:${port}/`,
  });
  secret = webhook.secret;
  options.print(`Ready: events ${options.events.join(', ')} are forwarded to ${options.forwardTo}`);
  options.print(`Webhook ${webhook.id} (removed on exit); its signing secret is ${webhook.secret}`);
  let stopped = false;
  return {
    webhookId: webhook.id,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await api.call('DELETE', `/webhooks/${webhook.id}`);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
