import { connect } from 'node:net';

/** An HTTP/1.1 exchange written byte for byte on a socket (what `inject` and fetch cannot send). */

export interface RawAnswer {
  status: number;
  /** the status line and headers, as received */
  head: string;
  /** the body as text (a chunked one unwrapped) */
  body: string;
  contentType: string;
  /** the server closed the connection */
  closed: boolean;
  ms: number;
}

/**
 * Writes `bytes` on a new loopback connection and reads until the server closes it or `waitMs`
 * pass; rejects when no HTTP answer came.
 */
export function sendRaw(port: number, bytes: string | Buffer, waitMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = data.toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!status) {
        reject(
          new Error(`no HTTP answer (${closed ? 'closed' : 'open'}): ${JSON.stringify(text.slice(0, 200))}`),
        );
        return;
      }
      const split = text.indexOf('\r\n\r\n');
      const head = text.slice(0, split);
      let body = text.slice(split + 4);
      if (/transfer-encoding: chunked/i.test(head))
        body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      resolve({
        status: Number(status[1]),
        head,
        body,
        contentType: /content-type: ([^\r]*)/i.exec(head)?.[1] ?? '',
        closed,
        ms: Date.now() - started,
      });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}
