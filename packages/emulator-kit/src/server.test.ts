import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody } from './body';
import { BodyError, KitError } from './errors';
import { sendJson } from './http';
import { requestTarget, serve, type RunningHttpServer, type ServeOptions } from './server';

const running: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** An emulator whose error shape is `{ kind }` with 413 for a too-large body, 400 for input, else 500. */
async function start(overrides: Partial<ServeOptions> = {}): Promise<RunningHttpServer> {
  const server = await serve({
    routes: {
      '/echo': async (req, res) => {
        const body = await readBody(req, 16);
        sendJson(res, 200, { echoed: body.toString('utf8') });
      },
      '/boom': () => {
        throw new Error('secret detail');
      },
      '/late': (_req, res) => {
        res.writeHead(200);
        res.write('partial');
        throw new Error('after the head');
      },
    },
    fallback: (_req, res, info) =>
      sendJson(res, 404, { kind: 'not_found', path: info.path, search: info.search }),
    onError: (err, _req, res) => {
      if (err instanceof BodyError)
        sendJson(res, err.code === 'body_too_large' ? 413 : 400, { kind: err.code });
      else if (err instanceof KitError) sendJson(res, 400, { kind: err.code });
      else sendJson(res, 500, { kind: 'internal' });
    },
    ...overrides,
  });
  running.push(server);
  return server;
}

describe('serve', () => {
  it("keeps an idle keep-alive connection open past Node's 5 s default, so a client reusing it is not reset", async () => {
    const { url, server } = await start();
    let connections = 0;
    server.on('connection', () => (connections += 1));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${url}/nowhere`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get()).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      expect(await get()).toBe(404);
      expect(connections).toBe(1);
    } finally {
      agent.destroy();
    }
  }, 15_000);

  it('binds 127.0.0.1 on a free port and routes exact paths', async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/echo`, { method: 'POST', body: 'hello' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ echoed: 'hello' });
  });

  it('sends other paths to the fallback with the query split off', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/nowhere?to=a%40b`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ kind: 'not_found', path: '/nowhere', search: 'to=a%40b' });
  });

  it('matches a route only by its own name, not by inherited object keys', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/constructor`)).status).toBe(404);
    expect((await fetch(`${url}/__proto__`)).status).toBe(404);
  });

  it('answers a body over the limit through the error hook, as a typed too-large error', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(17) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ kind: 'body_too_large' });
  });

  it('refuses a too-large body that declares no length (chunked) the same way', async () => {
    const { url } = await start();
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('0123456789'));
        controller.close();
      },
    });
    const res = await fetch(`${url}/echo`, { method: 'POST', body: stream, duplex: 'half' });
    expect(res.status).toBe(413);
  });

  it('puts an unexpected error through the hook, which alone decides what leaves', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret detail');
  });

  it('drops the connection when the answer had already started', async () => {
    const { url } = await start();
    await expect(fetch(`${url}/late`).then((r) => r.text())).rejects.toThrow();
  });

  it('drops the connection when the hook itself throws', async () => {
    const { url } = await start({
      onError: () => {
        throw new Error('hook failed');
      },
    });
    await expect(fetch(`${url}/boom`)).rejects.toThrow();
  });

  it('reports a body cut short as incomplete', async () => {
    let seen: unknown;
    const { url } = await start({
      routes: {
        '/echo': async (req) => {
          try {
            await readBody(req, 1024);
          } catch (err) {
            seen = err;
          }
        },
      },
    });
    const { port } = new URL(url);
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/echo',
        method: 'POST',
        headers: { 'content-length': '100' },
      });
      req.on('error', () => resolve());
      req.write('only ten b', () => req.destroy());
      req.on('close', () => resolve());
    });
    await expect.poll(() => seen).toBeInstanceOf(BodyError);
    expect((seen as BodyError).code).toBe('body_incomplete');
  });

  it('stops once however often it is asked, closing kept-alive connections', async () => {
    const server = await start();
    await fetch(`${server.url}/nowhere`);
    await Promise.all([server.stop(), server.stop()]);
    await expect(fetch(`${server.url}/nowhere`)).rejects.toThrow();
  });
});

describe('requestTarget', () => {
  it.each([
    ['/v2/connect/login/init', '/v2/connect/login/init', ''],
    ['/_local/outbox?to=a@b', '/_local/outbox', 'to=a@b'],
    ['/a/../_local/outbox', '/_local/outbox', ''],
    ['/pool%5F1/.well-known/jwks.json', '/pool%5F1/.well-known/jwks.json', ''],
    ['/a b', '/a%20b', ''],
  ])('%s is path %s', (raw, path, search) => {
    expect(requestTarget(raw)).toEqual({ path, search });
  });
});
