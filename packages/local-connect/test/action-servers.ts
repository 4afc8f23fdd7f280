import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ActionCall {
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface ActionServer {
  url: string;
  calls: ActionCall[];
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

/**
 * A real HTTP server that answers as the pre-login and post-append actions do (cognito-triggers
 * actions/contract): Bearer secret, JSON in, `{ outcome }` out. `users` maps emails to usernames;
 * `fail@…` answers 503 upstream_unavailable, `slow@…` answers after `slowMs`.
 */
export async function startActionServer(options: {
  secret: string;
  users: Record<string, string>;
  slowMs?: number;
}): Promise<ActionServer> {
  const calls: ActionCall[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readJson(req);
      calls.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.headers.authorization !== `Bearer ${options.secret}`) {
        send(401, { error: { code: 'unauthorized' } });
        return;
      }
      if (req.url === '/pre-login') {
        const { identifier } = body as { identifier: string };
        if (identifier.startsWith('fail@')) return send(503, { error: { code: 'upstream_unavailable' } });
        if (identifier.startsWith('slow@')) await new Promise((r) => setTimeout(r, options.slowMs ?? 5000));
        const username = options.users[identifier.toLowerCase()];
        return send(200, username ? { outcome: 'found', username } : { outcome: 'not_found' });
      }
      if (req.url === '/post-append') return send(200, { outcome: 'mfa_enabled', method: 'EMAIL_OTP' });
      send(404, { error: { code: 'bad_request' } });
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
