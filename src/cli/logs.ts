import type { ApiClient } from './api-client.js';

/**
 * `tributary logs tail`: follows the request log of a running server (GET /test-helpers/requests)
 * and prints each new request as one line, oldest first, until stopped. It polls with
 * `endingBefore` set to the newest request it has printed, so it sees each request once, from any
 * process of the server; when that request has aged out of the log, it starts again from the
 * newest.
 */

export interface TailOptions {
  status?: string | undefined;
  path?: string | undefined;
  /** how often to ask for new requests */
  intervalMs?: number;
  print: (line: string) => void;
  /** colour the status (a person is watching) */
  colour?: boolean;
}

interface LoggedRequest {
  id: string;
  createdTime: string;
  method: string;
  path: string;
  query?: string;
  status: number;
  durationMs: number;
  idempotencyKey?: string;
  errorCode?: string;
}

const COLOURS: Record<string, string> = {
  '2': '\x1b[32m',
  '3': '\x1b[36m',
  '4': '\x1b[33m',
  '5': '\x1b[31m',
};

/** A status in its class's colour (2xx green, 3xx cyan, 4xx yellow, 5xx red), for a terminal. */
export const colouredStatus = (status: string): string => `${COLOURS[status[0] ?? ''] ?? ''}${status}\x1b[0m`;

export function formatRequest(r: LoggedRequest, colour = false): string {
  const status = String(r.status);
  const shown = colour ? colouredStatus(status) : status;
  const path = r.query ? `${r.path}?${r.query}` : r.path;
  const extra = [r.errorCode, r.idempotencyKey ? `key=${r.idempotencyKey}` : undefined]
    .filter(Boolean)
    .join(' ');
  return `${r.createdTime} ${shown} ${r.method.padEnd(6)} ${path} ${r.durationMs}ms ${r.id}${extra ? ` ${extra}` : ''}`;
}

export interface Tail {
  /** resolves once the first poll is done (the cursor is set) */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function tailRequests(api: ApiClient, options: TailOptions): Tail {
  const filters = new URLSearchParams();
  if (options.status) filters.set('status', options.status);
  if (options.path) filters.set('path', options.path);
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams(filters);
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    return `/test-helpers/requests?${params}`;
  };
  let newest: string | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    if (newest === undefined) {
      // start at the newest request: the tail shows what happens from now on
      const page = await api.ok('GET', query({ limit: '1' }));
      newest = page.data[0]?.id ?? '';
      return;
    }
    for (;;) {
      const response = await api.call(
        'GET',
        query(newest ? { endingBefore: newest, limit: '100' } : { limit: '100' }),
      );
      if (response.status === 400 && response.body?.errors?.[0]?.parameter === 'endingBefore') {
        newest = ''; // aged out: start again from the newest
        continue;
      }
      if (response.status >= 300) {
        const error = response.body?.errors?.[0];
        throw new Error(`GET /test-helpers/requests answered ${response.status} ${error?.code ?? ''}`);
      }
      const data = response.body.data as LoggedRequest[];
      // newest first on the wire (endingBefore: the nearest newer ones); printed oldest first
      const ordered: LoggedRequest[] = [...data].reverse();
      for (const r of ordered) options.print(formatRequest(r, options.colour === true));
      if (ordered.length > 0) newest = ordered.at(-1)?.id ?? newest;
      if (!response.body.hasMore) return;
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = poll().then(schedule, (error: unknown) => {
        options.print(`tributary logs: ${error instanceof Error ? error.message : String(error)}; retrying`);
        schedule();
      });
    }, options.intervalMs ?? 1000);
  };

  const ready = poll().then(schedule);
  running = ready;
  return {
    ready,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
