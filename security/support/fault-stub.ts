// An HTTP server on 127.0.0.1 that stands between a client and the service it calls and misbehaves on
// demand: it passes requests through, answers too late, answers 5xx, answers bytes that are not JSON, or
// refuses connections (its port closed). The same URL all along, so a client configured once at its cold
// start meets every fault.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'pass' | 'slow' | '5xx' | 'garbage' | 'refused';

export class FaultStub {
  mode: FaultMode = 'pass';
  /** Where `pass` sends requests. */
  target = '';
  /** Requests that reached the stub while it was listening. */
  seen = 0;
  private server: Server | undefined;
  private port = 0;
  private readonly held = new Set<ServerResponse>();

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Switches the fault; `refused` closes the port, any other mode opens it again on the same number. */
  async set(mode: FaultMode): Promise<void> {
    this.mode = mode;
    if (mode === 'refused' && this.server !== undefined) {
      await this.close();
    } else if (mode !== 'refused' && this.server === undefined) {
      await this.start();
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.seen += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      switch (this.mode) {
        case 'slow':
          // Never answers on its own: only close() ends it, as a hung upstream would.
          this.held.add(res);
          res.on('close', () => this.held.delete(res));
          return;
        case '5xx':
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"Service Unavailable"}');
          return;
        case 'garbage':
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"verificationResult": "succ\u0000<html>');
          return;
        default:
          this.forward(req, Buffer.concat(chunks), res);
      }
    });
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const upstream = request(
      `${this.target}${req.url ?? '/'}`,
      { method: req.method, headers: { ...req.headers, host: new URL(this.target).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end(body);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const res of this.held) res.destroy();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
