import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Type } from 'typebox';
import { AppError, invalidParameter } from '../../domain/errors.js';
import { subscribes, TYPE_PATTERN } from '../../domain/webhook/match.js';
import { errorSummary } from '../../lib/logger.js';
import {
  EVENT_STREAM_BUFFER_MAX_BYTES,
  EVENT_STREAM_CLOSE_WAIT_MS,
  EVENT_STREAM_SLOW_READER_MS,
  EVENT_STREAMS_MAX,
  EVENT_STREAMS_PER_KEY_MAX,
} from '../../limits.js';
import { type Deps, versionOf } from '../../services/context.js';
import { listEvents } from '../../services/events.js';
import { eventToWire } from '../../wire/event.js';
import { callerOf } from '../plugins/auth.js';
import { closed, Str } from '../schemas/common.js';
import type { TypedApp } from '../typed.js';

/**
 * GET /test-helpers/events/stream: the account's events as they happen, over one long-lived
 * HTTP connection (server-sent events: `id`, `event` and `data` per event, a comment every 15 s
 * to keep proxies from closing it). It starts after the newest event (or after `Last-Event-ID`,
 * so a client that reconnects misses nothing) and polls the event log, so it sees the events of
 * every process. `tributary listen` reads it to relay events from a server it cannot be reached
 * from.
 *
 * Bounded: at most EVENT_STREAMS_PER_KEY_MAX streams per API key and EVENT_STREAMS_MAX in all
 * (more answer 429 too_many_streams). A stream holds at most EVENT_STREAM_BUFFER_MAX_BYTES (or one
 * event, if larger) that its reader has not taken: the next event, and the next poll, wait for the
 * reader. A reader that takes nothing for EVENT_STREAM_SLOW_READER_MS is sent an `error` event
 * saying so (code stream_too_slow) and the stream is ended; it reconnects with the last id it
 * read and misses nothing. One that does not even read that is cut off after
 * EVENT_STREAM_CLOSE_WAIT_MS.
 */
const POLL_MS = 300;
const HEARTBEAT_MS = 15_000;

const StreamQuery = closed({
  /** comma-separated types or patterns, as a webhook's (default every event) */
  types: Type.Optional(Str(2000)),
});

const tooManyStreams = (why: string) =>
  new AppError('too_many_streams', 'Authorization', `${why}; close one before opening another.`);

/** Streams open in this process, in all and per API key (a hash of the Authorization header). */
class OpenStreams {
  readonly ends = new Set<() => void>();
  private readonly perKey = new Map<string, number>();

  /** Takes a slot for `key`, or refuses (429) when the key or the process has no slot left. */
  take(key: string): () => void {
    const n = this.perKey.get(key) ?? 0;
    if (n >= EVENT_STREAMS_PER_KEY_MAX)
      throw tooManyStreams(
        `This API key already has ${n} event streams open (at most ${EVENT_STREAMS_PER_KEY_MAX})`,
      );
    if (this.ends.size >= EVENT_STREAMS_MAX)
      throw tooManyStreams(
        `This server already has ${this.ends.size} event streams open (at most ${EVENT_STREAMS_MAX})`,
      );
    this.perKey.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perKey.get(key) ?? 1) - 1;
      if (left > 0) this.perKey.set(key, left);
      else this.perKey.delete(key);
    };
  }
}

/**
 * Resolves true once `raw` has handed what it buffered to the reader (or has closed), false if
 * the reader took nothing for `withinMs`.
 */
function drained(raw: ServerResponse, withinMs: number): Promise<boolean> {
  if (!raw.writableNeedDrain || raw.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (took: boolean) => {
      clearTimeout(timer);
      raw.off('drain', onDrain);
      raw.off('close', onDrain);
      resolve(took);
    };
    const onDrain = () => done(true);
    const timer = setTimeout(() => done(false), withinMs);
    raw.on('drain', onDrain);
    raw.on('close', onDrain);
  });
}

export function eventStreamRoutes(app: TypedApp, deps: Deps): void {
  const open = new OpenStreams();
  // a stream never ends by itself: closing the server ends them all
  app.addHook('preClose', async () => {
    for (const end of [...open.ends]) end();
  });

  app.get('/test-helpers/events/stream', { schema: { querystring: StreamQuery } }, async (request, reply) => {
    const caller = callerOf(request);
    const types = String(request.query.types ?? '*')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    types.forEach((t, i) => {
      if (!TYPE_PATTERN.test(t))
        throw invalidParameter(`types[${i}]`, `'${t}' is not an event type or pattern.`);
    });
    const key = createHash('sha256')
      .update(request.headers.authorization ?? '')
      .digest('base64url');
    const release = open.take(key);
    const resume = request.headers['last-event-id'];
    let cursor: string | undefined;
    try {
      cursor =
        typeof resume === 'string' && resume
          ? resume
          : (await listEvents(deps, caller, {}, { limit: 1 })).data[0]?.id;
    } catch (error) {
      release();
      throw error;
    }

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // the connection is the stream's: when the stream ends, so does it
      connection: 'close',
      'x-dr-requestid': request.id,
    });
    raw.write(': streaming events\n\n');
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    /** Ends the stream, saying why first when there is a why; a reader that never reads is cut off. */
    const end = (why?: { code: string; reason: string }) => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      clearInterval(heartbeat);
      open.ends.delete(end);
      release();
      if (raw.destroyed) return;
      if (why) raw.write(`event: error\ndata: ${JSON.stringify(why)}\n\n`);
      raw.end();
      if (!raw.writableFinished) {
        const cutOff = setTimeout(() => raw.destroy(), EVENT_STREAM_CLOSE_WAIT_MS);
        cutOff.unref();
        raw.once('close', () => clearTimeout(cutOff));
      }
    };
    open.ends.add(end);
    request.raw.on('close', () => end());
    raw.on('close', () => end());
    const heartbeat = setInterval(() => {
      if (!raw.writableNeedDrain) raw.write(': still here\n\n');
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const slowReaderMs = deps.settings?.eventStreamSlowReaderMs ?? EVENT_STREAM_SLOW_READER_MS;
    const tooSlow = () =>
      end({
        code: 'stream_too_slow',
        reason: `the reader took nothing for ${slowReaderMs} ms with ${raw.writableLength} bytes waiting; reconnect with Last-Event-ID set to the last id read`,
      });

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
            if (subscribes(types, event.type)) {
              const text = `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(eventToWire(event, versionOf(caller)))}\n\n`;
              // what the reader has not taken stays under the cap: past it, this event waits for
              // the reader; one that takes nothing for slowReaderMs is told, and the stream ends
              // before this event (which it gets again when it reconnects from its last id)
              if (
                raw.writableNeedDrain &&
                raw.writableLength + Buffer.byteLength(text) > EVENT_STREAM_BUFFER_MAX_BYTES &&
                !(await drained(raw, slowReaderMs))
              ) {
                tooSlow();
                return;
              }
              if (ended) return;
              raw.write(text);
            }
            cursor = event.id;
          }
          if (!page.hasMore) break;
        }
      } catch (error) {
        // an unknown Last-Event-ID (or a store that went away): said on the stream, then closed
        end({ code: 'stream_failed', ...errorSummary(error) });
        return;
      }
      // polled again once what was written went out
      if (!(await drained(raw, slowReaderMs))) {
        tooSlow();
        return;
      }
      if (!ended) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
  });
}
