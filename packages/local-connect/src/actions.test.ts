import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { callPostAppend, callPreLogin } from './actions';
import { ActionError } from './errors';

type Reply = { status: number; body: string; delayMs?: number };

let server: Server | undefined;
const seen: { authorization?: string; body: string }[] = [];

async function serve(reply: Reply): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ authorization: req.headers.authorization, body });
      setTimeout(() => {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(reply.body);
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/action`;
}

afterEach(async () => {
  seen.length = 0;
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  }
});

async function failureCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ActionError);
    return (err as ActionError).code;
  }
  throw new Error('expected the call to fail');
}

describe('action webhooks', () => {
  it('sends the contract request with the Bearer secret and reads the answer', async () => {
    const url = await serve({ status: 200, body: '{"outcome":"found","username":"u-1"}' });
    const answer = await callPreLogin({ url, secret: 's3cret', timeoutMs: 1000 }, { identifier: 'a@b.c' });
    expect(answer).toEqual({ outcome: 'found', username: 'u-1' });
    expect(seen).toEqual([{ authorization: 'Bearer s3cret', body: '{"identifier":"a@b.c"}' }]);
  });

  it('reads not_found and post-append outcomes', async () => {
    const url = await serve({ status: 200, body: '{"outcome":"not_found"}' });
    expect(await callPreLogin({ url, secret: 's', timeoutMs: 1000 }, { identifier: 'x' })).toEqual({
      outcome: 'not_found',
    });
    expect(await callPostAppend({ url, secret: 's', timeoutMs: 1000 }, { username: 'u' })).toEqual({
      outcome: 'not_found',
    });
  });

  it.each<[string, Reply, string]>([
    [
      'an error status',
      { status: 503, body: '{"error":{"code":"upstream_unavailable"}}' },
      'action_bad_response',
    ],
    ['no JSON', { status: 200, body: '<html>' }, 'action_bad_response'],
    ['an answer outside the contract', { status: 200, body: '{"outcome":"found"}' }, 'action_bad_response'],
    ['a late answer', { status: 200, body: '{"outcome":"not_found"}', delayMs: 1000 }, 'action_timeout'],
  ])('fails typed on %s', async (_name, reply, code) => {
    const url = await serve(reply);
    expect(await failureCode(callPreLogin({ url, secret: 's', timeoutMs: 200 }, { identifier: 'x' }))).toBe(
      code,
    );
  });

  it('fails typed when nothing listens', async () => {
    const url = await serve({ status: 200, body: '{}' });
    server!.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect(await failureCode(callPreLogin({ url, secret: 's', timeoutMs: 1000 }, { identifier: 'x' }))).toBe(
      'action_unreachable',
    );
  });
});
