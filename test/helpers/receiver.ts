import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP receiver on loopback that records what it gets and answers as told. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  status: number;
}

export type Behaviour = (request: { path: string; body: string }) => {
  status: number;
  delayMs?: number;
  headers?: Record<string, string>;
  /** the answer's body (default `ok`) */
  body?: string;
};

export class Receiver {
  readonly received: Received[] = [];
  behaviour: Behaviour = () => ({ status: 200 });
  private server: Server | undefined;
  private sockets = new Set<import('node:net').Socket>();

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const answer = this.behaviour({ path: request.url ?? '/', body });
        const reply = () => {
          this.received.push({
            path: request.url ?? '/',
            headers: request.headers,
            body,
            at: Date.now(),
            status: answer.status,
          });
          if (response.destroyed) return;
          response.writeHead(answer.status, answer.headers ?? {});
          response.end(answer.body ?? 'ok');
        };
        if (answer.delayMs) setTimeout(reply, answer.delayMs);
        else reply();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Parsed events received with a given status (all when omitted). */
  events(status?: number): { id: string; type: string; webhookIds: string[] }[] {
    return this.received
      .filter((r) => status === undefined || r.status === status)
      .map((r) => JSON.parse(r.body));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
