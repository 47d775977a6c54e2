import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constructEvent, generateTestHeaders } from '@tributary/sdk';
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

/**
 * POSTs an event to the local URL and prints one line with the receiver's status (502 when it
 * could not be reached); answers that status. Both modes relay through it.
 */
async function relay(
  target: URL,
  headers: Record<string, string>,
  body: string,
  print: (line: string) => void,
): Promise<number> {
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
  print(`${new Date().toISOString()}  ${type.padEnd(36)} ${id}  → ${status}${note}`);
  return status;
}

/** The server refused a webhook to this machine's loopback (it denies private addresses). */
export class AddressRefused extends Error {}

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
    const status = await relay(target, headers, body, options.print);
    response.writeHead(status >= 200 && status < 300 ? 200 : status >= 500 ? status : 502);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const created = await api
    .call('POST', '/webhooks', { types: options.events, address: `http://127.0.0.1:${port}/` })
    .catch((error: unknown) => ({ status: 0, body: undefined, error }));
  if (created.status !== 201) {
    server.close();
    const problem = created.body?.errors?.[0];
    // a server that denies private addresses (one listening beyond loopback) cannot deliver here
    if (created.status === 400 && problem?.parameter === 'address')
      throw new AddressRefused(String(problem.message ?? ''));
    if ('error' in created) throw created.error;
    throw new Error(
      `POST /webhooks answered ${created.status} ${problem?.code ?? ''}: ${problem?.message ?? ''}`,
    );
  }
  const webhook = created.body;
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

/**
 * `tributary listen --stream` (and against a server that is not on this machine): the events come
 * over one long-lived connection (GET /test-helpers/events/stream) instead of a webhook the server
 * would have to reach. Each is signed for this session with a secret of its own (both families,
 * as Tributary signs deliveries, by the SDK) and POSTed to the local URL. A dropped connection is
 * opened again from the last event seen.
 */
export async function listenStream(
  api: ApiClient,
  options: ListenOptions,
): Promise<{ secret: string; stop: () => Promise<void> }> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const target = new URL(options.forwardTo);
  let stopped = false;
  let lastId: string | undefined;
  let controller = new AbortController();
  const types = options.events.join(',');

  /** signed for the session as Tributary signs deliveries (webhook-id: the event's id) */
  const forward = async (data: string, id: string) => {
    const headers = {
      'content-type': 'application/json',
      ...generateTestHeaders({ payload: data, secret, id }),
    };
    await relay(target, headers, data, options.print);
  };

  const connect = async (): Promise<void> => {
    const response = await fetch(
      `${api.baseUrl}/test-helpers/events/stream?types=${encodeURIComponent(types)}`,
      {
        headers: { authorization: `Bearer ${api.key}`, ...(lastId ? { 'last-event-id': lastId } : {}) },
        signal: controller.signal,
      },
    );
    if (!response.ok || !response.body) {
      const text = await response.text();
      throw new Error(`GET /test-helpers/events/stream answered ${response.status}: ${text.slice(0, 200)}`);
    }
    // the server has read where to start from: from here on nothing is missed
    opened();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let boundary = buffer.indexOf('\n\n');
      while (boundary >= 0) {
        const message = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        boundary = buffer.indexOf('\n\n');
        const fields = new Map<string, string>();
        for (const line of message.split('\n')) {
          if (line.startsWith(':')) continue;
          const at = line.indexOf(':');
          if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1).replace(/^ /, ''));
        }
        const data = fields.get('data');
        if (data === undefined) continue;
        if (fields.get('event') === 'error') throw new Error(`the stream ended: ${data}`);
        lastId = fields.get('id') ?? lastId;
        await forward(data, fields.get('id') ?? '');
      }
    }
  };

  let isOpen = false;
  let opened: () => void = () => {};
  const open = new Promise<void>((resolve) => {
    opened = () => {
      isOpen = true;
      resolve();
    };
  });
  const loop = (async () => {
    while (!stopped) {
      try {
        await connect();
      } catch (error) {
        if (stopped) return;
        // the first connection failing (a wrong key, no such server) is the command's error
        if (!isOpen) {
          stopped = true;
          throw error;
        }
        options.print(`stream: ${error instanceof Error ? error.message : String(error)}; reconnecting`);
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 1000));
      controller = new AbortController();
    }
  })();
  await Promise.race([open, loop]);
  options.print(
    `Ready: events ${options.events.join(', ')} are forwarded to ${options.forwardTo} (streamed from ${api.baseUrl})`,
  );
  options.print(`Signed for this session; its signing secret is ${secret}`);
  return {
    secret,
    stop: async () => {
      stopped = true;
      controller.abort();
      await loop.catch(() => undefined);
    },
  };
}
