import { describe, expect, it } from 'vitest';

import { isServerActionOriginAllowed } from './server-action-origin';

const headers = (entries: Record<string, string>) => new Headers(entries);

describe('isServerActionOriginAllowed', () => {
  it.each([
    ['the same host', { host: 'localhost:3000', origin: 'http://localhost:3000' }],
    [
      'the same host behind a proxy',
      { host: '10.0.0.5:3000', 'x-forwarded-host': 'app.example.com', origin: 'https://app.example.com' },
    ],
    [
      'the first forwarded host',
      {
        host: 'internal',
        'x-forwarded-host': 'app.example.com, cdn.example',
        origin: 'https://app.example.com',
      },
    ],
    ['no Origin at all (not a browser page)', { host: 'localhost:3000' }],
  ])('allows %s', (_name, entries) => {
    expect(isServerActionOriginAllowed(headers(entries), [])).toBe(true);
  });

  it.each([
    ['another site', { host: 'localhost:3000', origin: 'https://evil.example' }],
    ['a look-alike host', { host: 'localhost:3000', origin: 'http://localhost.evil.example:3000' }],
    ['another port', { host: 'localhost:3000', origin: 'http://localhost:3001' }],
    ['an opaque origin', { host: 'localhost:3000', origin: 'null' }],
    ['an Origin that is not a URL', { host: 'localhost:3000', origin: 'not a url' }],
    [
      'the Host when a forwarded host is set',
      { host: 'localhost:3000', 'x-forwarded-host': 'app.example.com', origin: 'http://localhost:3000' },
    ],
    ['an Origin without any Host to compare', { origin: 'https://app.example.com' }],
  ])('refuses %s', (_name, entries) => {
    expect(isServerActionOriginAllowed(headers(entries), [])).toBe(false);
  });

  it('allows the configured hosts, with Next.js wildcards', () => {
    const allowed = ['my-proxy.com', '*.my-proxy.com'];
    const from = (origin: string) => headers({ host: 'localhost:3000', origin });
    expect(isServerActionOriginAllowed(from('https://my-proxy.com'), allowed)).toBe(true);
    expect(isServerActionOriginAllowed(from('https://eu.my-proxy.com'), allowed)).toBe(true);
    expect(isServerActionOriginAllowed(from('https://a.eu.my-proxy.com'), allowed)).toBe(false);
    expect(isServerActionOriginAllowed(from('https://my-proxy.com:8443'), allowed)).toBe(false);
    expect(isServerActionOriginAllowed(from('https://evil.example'), allowed)).toBe(false);
  });
});
