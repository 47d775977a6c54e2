import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { REQUEST_TIMEOUT_MS } from '../../src/limits.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { digitalCheckoutBody } from '../helpers/fixtures.js';
import { eventually } from '../helpers/harness.js';
import { sendRaw } from '../helpers/raw-http.js';
import { storeKinds } from '../helpers/stores.js';

/**
 * Issue 12, items 3–6 and 8: hostile input at the edge, over real HTTP on loopback. Nothing is a
 * 5xx, and every answer, whichever layer writes it (Node's HTTP parser included), is DR's
 * envelope with a type, a code, a message and the offending parameter.
 */

/** An answer over a raw socket, its body parsed as JSON. */
async function raw(port: number, bytes: string | Buffer, waitMs = 3_000) {
  const answer = await sendRaw(port, bytes, waitMs);
  return { ...answer, body: answer.body ? JSON.parse(answer.body) : undefined };
}

type RawAnswer = Awaited<ReturnType<typeof raw>>;

function assertEnvelope(answer: RawAnswer, status: number, code: string, parameter: string) {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(typeof answer.body?.type, 'string', JSON.stringify(answer.body));
  assert.equal(answer.body.errors?.length, 1);
  assert.deepEqual(
    [answer.body.errors[0].code, answer.body.errors[0].parameter],
    [code, parameter],
    JSON.stringify(answer.body),
  );
  assert.equal(typeof answer.body.errors[0].message, 'string');
}

const nested = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);

for (const kind of storeKinds()) {
  describe(`hostile input at the edge (${kind})`, () => {
    let t: TestApp;
    let port: number;
    let auth: string;
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json', ...headers },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const get = (path: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: auth } }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as any,
      }));
    const errorOf = (r: { status: number; body: any }) => [
      r.status,
      r.body?.errors?.[0]?.code,
      r.body?.errors?.[0]?.parameter,
    ];

    before(async () => {
      t = await buildTestApp(kind);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      port = typeof address === 'object' && address ? address.port : 0;
      auth = `Bearer ${t.keys.secretKey}`;
    });
    after(async () => t.close());

    it('deep nesting: 400 naming the body, with or without an Idempotency-Key; 32 levels are fine', async () => {
      for (const headers of [{}, { 'idempotency-key': 'deep-1' }]) {
        assert.deepEqual(errorOf(await post('/checkouts', nested(5_000), headers)), [
          400,
          'invalid_parameter',
          'body',
        ]);
      }
      const deepMetadata = JSON.stringify({ ...digitalCheckoutBody(), metadata: { a: 0 } }).replace(
        '{"a":0}',
        `{"a":${nested(5_000)}}`,
      );
      assert.deepEqual(errorOf(await post('/checkouts', deepMetadata)), [400, 'invalid_parameter', 'body']);
      // at the limit the body parses and validation answers as usual
      const atLimit = await post(
        '/checkouts',
        JSON.stringify({ currency: 'USD', metadata: JSON.parse(nested(30)) }),
      );
      assert.equal(atLimit.status, 400);
      assert.notEqual(atLimit.body.errors[0].parameter, 'body');
    });

    it('NUL characters: 400 naming the path, the query parameter or the member, on reads and writes', async () => {
      assert.deepEqual(errorOf(await get('/orders/abc%00def')), [400, 'invalid_parameter', 'path']);
      assert.deepEqual(errorOf(await get('/checkouts/%00')), [400, 'invalid_parameter', 'path']);
      assert.deepEqual(errorOf(await get('/orders?state=%00')), [400, 'invalid_parameter', 'state']);
      assert.deepEqual(errorOf(await get('/events?type=order.accepted%00')), [
        400,
        'invalid_parameter',
        'type',
      ]);
      const body = { ...digitalCheckoutBody(), metadata: { note: 'a\u0000b' } };
      assert.deepEqual(errorOf(await post('/checkouts', JSON.stringify(body))), [
        400,
        'invalid_parameter',
        'metadata.note',
      ]);
      const email = { ...digitalCheckoutBody(), email: 'x\u0000@example.com' };
      assert.deepEqual(errorOf(await post('/checkouts', JSON.stringify(email))), [
        400,
        'invalid_parameter',
        'email',
      ]);
      const key = { ...digitalCheckoutBody(), metadata: { 'k\u0000': 'v' } };
      assert.deepEqual(errorOf(await post('/checkouts', JSON.stringify(key)))[0], 400);
      const list = await get('/checkouts');
      assert.equal(list.status, 200, 'nothing was written');
      assert.equal(list.body.data.length, 0);
    });

    it('lone surrogates are refused; whole astral characters are kept exactly as sent', async () => {
      const lone = `{"currency":"USD","email":"a@example.com","metadata":{"note":"\\ud800x"}}`;
      assert.deepEqual(errorOf(await post('/checkouts', lone)), [400, 'invalid_parameter', 'metadata.note']);
      const note = 'pay 💳 ok';
      const kept = await post('/checkouts', JSON.stringify({ ...digitalCheckoutBody(), metadata: { note } }));
      assert.equal(kept.status, 201);
      assert.equal((await get(`/checkouts/${kept.body.id}`)).body.metadata.note, note);
    });

    it('compressed bodies: 415 naming Content-Encoding; identity is plain', async () => {
      for (const encoding of ['br', 'gzip', 'deflate', 'gzip, identity']) {
        assert.deepEqual(
          errorOf(
            await post('/checkouts', JSON.stringify(digitalCheckoutBody()), { 'content-encoding': encoding }),
          ),
          [415, 'unsupported_encoding', 'Content-Encoding'],
        );
      }
      const plain = await post('/checkouts', JSON.stringify(digitalCheckoutBody()), {
        'content-encoding': 'identity',
      });
      assert.equal(plain.status, 201);
    });

    it('two Idempotency-Key headers: 400, not one key "a, b"', async () => {
      const body = JSON.stringify(digitalCheckoutBody());
      const answer = await raw(
        port,
        `POST /checkouts HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nIdempotency-Key: a\r\nIdempotency-Key: b\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      assertEnvelope(answer, 400, 'invalid_parameter', 'Idempotency-Key');
    });

    it("Node's HTTP parser's refusals are DR's envelope, and the connection is closed", async () => {
      const cases: [string, string | Buffer, number, string, string][] = [
        [
          'a 20 KB header',
          `GET /orders HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
          431,
          'header_too_large',
          'headers',
        ],
        [
          '10,000 query parameters',
          `GET /orders?${Array.from({ length: 10_000 }, (_, i) => `p${i}=1`).join('&')} HTTP/1.1\r\nHost: x\r\n\r\n`,
          431,
          'header_too_large',
          'headers',
        ],
        [
          'two Content-Lengths',
          'POST /checkouts HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
          400,
          'invalid_format',
          'Content-Length',
        ],
        [
          'Content-Length with Transfer-Encoding',
          'POST /checkouts HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
          400,
          'invalid_format',
          'Content-Length',
        ],
        ['a garbage request line', 'HELLO THERE\r\n\r\n', 400, 'invalid_format', 'request'],
        [
          'a control character in a header',
          'GET /orders HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n',
          400,
          'invalid_format',
          'headers',
        ],
      ];
      for (const [name, bytes, status, code, parameter] of cases) {
        const answer = await raw(port, bytes);
        assertEnvelope(answer, status, code, parameter);
        assert.ok(answer.closed, `${name}: connection closed`);
      }
    });

    it('a body that never completes: 408 request_timeout and the connection closed', async () => {
      const head = `POST /checkouts HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\n`;
      const [chunked, short] = await Promise.all([
        raw(port, `${head}Transfer-Encoding: chunked\r\n\r\n5\r\n{"cur`, REQUEST_TIMEOUT_MS + 5_000),
        raw(port, `${head}Content-Length: 100\r\n\r\n{"currency"`, REQUEST_TIMEOUT_MS + 5_000),
      ]);
      for (const answer of [chunked, short]) {
        assertEnvelope(answer, 408, 'request_timeout', 'body');
        assert.ok(answer.closed, 'connection closed');
        assert.ok(answer.ms < REQUEST_TIMEOUT_MS + 3_000, `answered after ${answer.ms} ms`);
      }
      assert.equal(
        (await get('/checkouts')).body.data.length,
        2,
        'only the astral and the identity checkouts exist',
      );
    });
  });
}

describe('a request that arrives while the server closes', () => {
  it("is answered 503 in DR's envelope, not Fastify's", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let entered: () => void = () => {};
    const inHandler = new Promise<void>((r) => {
      entered = r;
    });
    let began: () => void = () => {};
    // the app's own preClose hook (it starts refusing) was added before this one: it has run
    const closingBegan = new Promise<void>((r) => {
      began = r;
    });
    const t = await buildTestApp('sqlite', {
      beforeReady: (app) => {
        app.get('/slow', { config: { auth: 'none' } }, async () => {
          entered();
          await held;
          return { ok: true };
        });
        app.addHook('preClose', async () => began());
      },
    });
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const open = (first: string) => {
        const socket = connect(port, '127.0.0.1');
        let text = '';
        socket.on('data', (c) => {
          text += c.toString();
        });
        socket.on('error', () => undefined);
        const ended = new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
        socket.write(first);
        return { socket, ended };
      };
      // one request in flight, another one half sent, when the server starts closing
      const inFlight = open('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
      const halfSent = open('GET /health HTTP/1.1\r\nHost: x\r\n');
      await inHandler;
      await eventually(
        () => new Promise<boolean>((r) => t.app.server.getConnections((_e, n) => r(n >= 2))),
        'the server to have both connections',
      );
      const closed = t.app.close();
      await closingBegan;
      halfSent.socket.write('\r\n');
      const late = await halfSent.ended;
      assert.match(late, /^HTTP\/1\.1 503/, late);
      assert.match(late, /connection: close/i);
      const body = JSON.parse(late.slice(late.indexOf('\r\n\r\n') + 4));
      assert.deepEqual([body.type, body.errors[0].code], ['service_unavailable', 'server_closing']);
      release();
      const answered = await inFlight.ended;
      assert.match(answered, /^HTTP\/1\.1 200/);
      assert.match(answered, /connection: close/i, 'the answer in flight closes its connection');
      await closed;
    } finally {
      release();
      await t.close().catch(() => undefined);
    }
  });
});

describe('an unexpected error', () => {
  it("is an opaque 500 naming the request id, never the error's own message", async () => {
    const detail = 'connect ECONNREFUSED 10.0.0.7:5432 as tributary_admin/hunter2';
    const t = await buildTestApp('sqlite', {
      beforeReady: (app) => {
        app.get('/boom', { config: { auth: 'none' } }, async () => {
          throw new Error(detail);
        });
        app.post('/boom', { config: { auth: 'none' } }, async () => {
          throw new TypeError(`Cannot read properties of undefined (reading '${detail}')`);
        });
      },
    });
    try {
      for (const method of ['GET', 'POST'] as const) {
        const response = await t.app.inject({ method, url: '/boom' });
        assert.equal(response.statusCode, 500);
        const body = response.json();
        assert.deepEqual([body.type, body.errors[0].code], ['internal_server_error', 'internal_error']);
        const id = String(response.headers['x-dr-requestid']);
        assert.ok(body.errors[0].message.includes(id), 'the message names the request id');
        assert.ok(!response.body.includes('hunter2') && !response.body.includes('10.0.0.7'), response.body);
      }
    } finally {
      await t.close();
    }
  });
});
