import assert from 'node:assert/strict';
import { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  EVENT_STREAM_BUFFER_MAX_BYTES,
  EVENT_STREAMS_PER_KEY_MAX,
  METADATA_KEYS_MAX,
  METADATA_VALUE_LENGTH_MAX,
} from '../../src/limits.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { digitalCheckoutBody } from '../helpers/fixtures.js';
import { eventually, removeDir, tempDir } from '../helpers/harness.js';

/**
 * Issue 23, item 2: GET /test-helpers/events/stream had no backpressure and no cap. Clients that
 * stopped reading made the server keep every event for them (152 MB → ~1 GB), and hundreds of
 * streams slowed every write. Now a key has at most EVENT_STREAMS_PER_KEY_MAX streams, a stream
 * holds at most EVENT_STREAM_BUFFER_MAX_BYTES its reader has not taken, and a reader that falls
 * further behind is told (an `error` event, stream_too_slow) and the stream ended: it reconnects
 * from the last id it read and misses nothing.
 *
 * The app listens on a Unix socket: its small kernel buffers fill after a few hundred KB, so a
 * few large events show what a TCP reader shows after many megabytes. (The mechanism does not
 * depend on the store: this runs on SQLite.)
 */

/** how long the server waits here for a reader that takes nothing (30 s when served) */
const SLOW_READER_MS = 300;

interface Stream {
  socket: Socket;
  /** the response's status line */
  status: string;
  /** the response so far, bytes as they came */
  raw: () => Buffer;
  /** whether the server has ended the stream (closed the connection) */
  closed: () => boolean;
}

function openStream(path: string, key: string, lastEventId?: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const chunks: Buffer[] = [];
    const raw = () => Buffer.concat(chunks);
    let closed = false;
    socket.on('close', () => {
      closed = true;
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (chunks.length === 1)
        resolve({
          socket,
          status: chunk.toString('latin1').split('\r\n')[0] ?? '',
          raw,
          closed: () => closed,
        });
    });
    socket.on('error', reject);
    socket.write(
      `GET /test-helpers/events/stream?types=checkout.created HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n${lastEventId ? `Last-Event-ID: ${lastEventId}\r\n` : ''}\r\n`,
    );
  });
}

/** A stream opened as soon as the key has a slot again (a refused attempt is closed at once). */
function openWhenFree(path: string, key: string, what: string): Promise<Stream> {
  return eventually(async () => {
    const s = await openStream(path, key);
    if (s.status === 'HTTP/1.1 200 OK') return s;
    s.socket.destroy();
    return undefined;
  }, what);
}

/** An HTTP/1.1 chunked body, decoded (as far as it has arrived). */
function dechunk(body: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0 || eol + 2 + size > body.length) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The SSE messages in a stream's response: `id`, `event` and `data` of each. */
function messages(response: Buffer): { id?: string; event?: string; data?: string }[] {
  const head = response.indexOf('\r\n\r\n');
  return dechunk(response.subarray(head + 4))
    .split('\n\n')
    .map((block) => {
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const at = line.indexOf(': ');
        if (at > 0 && !line.startsWith(':')) fields[line.slice(0, at)] = line.slice(at + 2);
      }
      return fields;
    })
    .filter((m) => m.event !== undefined);
}

/** A checkout of about 700 KB: its checkout.created event is about as large. */
function largeCheckout() {
  const metadata = Object.fromEntries(
    Array.from({ length: METADATA_KEYS_MAX - 6 }, (_, i) => [`k${i}`, 'm'.repeat(METADATA_VALUE_LENGTH_MAX)]),
  );
  return digitalCheckoutBody({
    items: Array.from({ length: 100 }, (_, i) => ({
      productDetails: { name: `E-book ${i}`, id: `ebook-${i}` },
      price: 1,
      quantity: 1,
      metadata,
    })),
  });
}

describe('the event stream, bounded', () => {
  let t: TestApp;
  let dir: string;
  let path: string;
  /** the most any event stream held that its reader had not taken */
  let mostBuffered = 0;
  const write = ServerResponse.prototype.write;

  before(async () => {
    t = await buildTestApp('sqlite', {
      settings: { webhookPrivateAddresses: 'allow', eventStreamSlowReaderMs: SLOW_READER_MS },
    });
    dir = tempDir('stream');
    path = join(dir, 'api.sock');
    await t.app.listen({ path });
    ServerResponse.prototype.write = function (this: ServerResponse, ...args: unknown[]) {
      const written = (write as (...a: unknown[]) => boolean).apply(this, args);
      if (this.req?.url?.startsWith('/test-helpers/events/stream'))
        mostBuffered = Math.max(mostBuffered, this.writableLength);
      return written;
    } as typeof write;
  });
  after(async () => {
    ServerResponse.prototype.write = write;
    await t.close();
    removeDir(dir);
  });

  it(`opens at most ${EVENT_STREAMS_PER_KEY_MAX} streams per API key; a closed one frees its slot`, async () => {
    const open: Stream[] = [];
    for (let i = 0; i < EVENT_STREAMS_PER_KEY_MAX; i++) open.push(await openStream(path, t.keys.secretKey));
    for (const s of open) assert.equal(s.status, 'HTTP/1.1 200 OK');
    // over the socket (a stream that opened would never end an inject)
    const refused = await openStream(path, t.keys.secretKey);
    assert.equal(refused.status, 'HTTP/1.1 429 Too Many Requests');
    const body = await eventually(() => {
      const text = refused.raw().toString('utf8');
      try {
        return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
      } catch {
        return undefined;
      }
    }, 'the whole 429 body');
    refused.socket.destroy();
    assert.deepEqual(
      [body.type, body.errors[0].code, body.errors[0].parameter],
      ['too_many_requests', 'too_many_streams', 'Authorization'],
    );
    // another account's key has its own slots
    const other = await openStream(path, t.otherKeys.secretKey);
    assert.equal(other.status, 'HTTP/1.1 200 OK');
    other.socket.destroy();
    open.pop()?.socket.destroy();
    const again = await openWhenFree(path, t.keys.secretKey, 'a slot freed by the closed stream');
    again.socket.destroy();
    for (const s of open) s.socket.destroy();
  });

  it('holds no more than the cap for a reader that stopped, then tells it and ends its stream; from its last id it misses nothing', async () => {
    const slow = await openStream(path, t.keys.secretKey);
    slow.socket.pause();
    // the key's other slots taken by readers that read: a slot frees when the slow stream ends
    const readers: Stream[] = [];
    for (let i = 1; i < EVENT_STREAMS_PER_KEY_MAX; i++)
      readers.push(await openStream(path, t.keys.secretKey));
    const created: string[] = [];
    for (let i = 0; i < 6; i++) {
      const checkout = await t.api.post('/checkouts', largeCheckout(), { unchecked: true });
      assert.equal(checkout.status, 201, checkout.raw.slice(0, 500));
      created.push(checkout.body.id);
    }
    const freed = await openWhenFree(
      path,
      t.keys.secretKey,
      'the stream of the reader that stopped to be ended',
    );
    for (const s of [freed, ...readers]) s.socket.destroy();
    slow.socket.resume();
    await eventually(slow.closed, 'the server to end the stream of the reader that stopped', {
      timeoutMs: 30_000,
    });
    const got = messages(slow.raw());
    const last = got.at(-1);
    assert.equal(last?.event, 'error', 'the stream ended with an error event');
    assert.equal(JSON.parse(last?.data ?? '{}').code, 'stream_too_slow');
    const first = got.filter((m) => m.event === 'checkout.created');
    assert.ok(first.length >= 1, 'the reader got the events it had room for');
    assert.ok(first.length < created.length, `it was ended before the last events (${first.length})`);
    assert.ok(
      mostBuffered <= EVENT_STREAM_BUFFER_MAX_BYTES + 64,
      `held ${mostBuffered} bytes for a reader that did not read (cap ${EVENT_STREAM_BUFFER_MAX_BYTES})`,
    );
    // the reader comes back from the last event it read, and gets the rest
    const resumed = await openStream(path, t.keys.secretKey, first.at(-1)?.id);
    await eventually(
      () => messages(resumed.raw()).some((m) => m.data?.includes(created.at(-1) as string)),
      'the rest of the events on the resumed stream',
    );
    resumed.socket.destroy();
    const all = [...first, ...messages(resumed.raw())]
      .filter((m) => m.event === 'checkout.created')
      .map((m) => JSON.parse(m.data ?? '{}').data.object.id);
    assert.deepEqual(all, created, 'every event once, in order');
  });
});
