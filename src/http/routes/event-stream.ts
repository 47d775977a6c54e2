import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { invalidParameter } from '../../domain/errors.js';
import { subscribes, TYPE_PATTERN } from '../../domain/webhook/match.js';
import { errorSummary } from '../../lib/logger.js';
import { type Deps, versionOf } from '../../services/context.js';
import { listEvents } from '../../services/events.js';
import { eventToWire } from '../../wire/event.js';
import { callerOf } from '../plugins/auth.js';
import { closed, Str } from '../schemas/common.js';

/**
 * GET /test-helpers/events/stream: the account's events as they happen, over one long-lived
 * HTTP connection (server-sent events: `id`, `event` and `data` per event, a comment every 15 s
 * to keep proxies from closing it). It starts after the newest event (or after `Last-Event-ID`,
 * so a client that reconnects misses nothing) and polls the event log, so it sees the events of
 * every process. `tributary listen` reads it to relay events from a server it cannot be reached
 * from.
 */
const POLL_MS = 300;
const HEARTBEAT_MS = 15_000;

const StreamQuery = closed({
  /** comma-separated types or patterns, as a webhook's (default every event) */
  types: Type.Optional(Str(2000)),
});

export function eventStreamRoutes(app: FastifyInstance, deps: Deps): void {
  const open = new Set<() => void>();
  // a stream never ends by itself: closing the server ends them all
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get('/test-helpers/events/stream', { schema: { querystring: StreamQuery } }, async (request, reply) => {
    const caller = callerOf(request);
    const types = String((request.query as { types?: string }).types ?? '*')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    types.forEach((t, i) => {
      if (!TYPE_PATTERN.test(t))
        throw invalidParameter(`types[${i}]`, `'${t}' is not an event type or pattern.`);
    });
    const resume = request.headers['last-event-id'];
    let cursor: string | undefined =
      typeof resume === 'string' && resume
        ? resume
        : (await listEvents(deps, caller, {}, { limit: 1 })).data[0]?.id;

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-dr-requestid': request.id,
    });
    raw.write(': streaming events\n\n');
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      clearInterval(heartbeat);
      open.delete(end);
      raw.end();
    };
    open.add(end);
    request.raw.on('close', end);
    const heartbeat = setInterval(() => raw.write(': still here\n\n'), HEARTBEAT_MS);
    heartbeat.unref();

    const poll = async () => {
      try {
        for (;;) {
          const page = await listEvents(
            deps,
            caller,
            {},
            cursor ? { limit: 100, endingBefore: cursor } : { limit: 100 },
          );
          // newest first on the page: sent oldest first
          const events = [...page.data].reverse();
          for (const event of events) {
            if (ended) return;
            if (subscribes(types, event.type))
              raw.write(
                `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(eventToWire(event, versionOf(caller)))}\n\n`,
              );
          }
          if (events.length > 0) cursor = events.at(-1)?.id;
          if (!page.hasMore) break;
        }
      } catch (error) {
        // an unknown Last-Event-ID (or a store that went away): said on the stream, then closed
        raw.write(`event: error\ndata: ${JSON.stringify(errorSummary(error))}\n\n`);
        end();
        return;
      }
      if (!ended) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
  });
}
