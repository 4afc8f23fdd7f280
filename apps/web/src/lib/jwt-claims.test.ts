import { describe, expect, it } from 'vitest';

import { decodeJwtPayload } from './jwt-claims';

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('decodeJwtPayload', () => {
  it('reads the claims of a JWT, UTF-8 included', () => {
    const payload = { webauthnId: 'a1b2-c3', name: 'Zoë Ünal ✓' };
    const jwt = `${base64url('{"alg":"ES256"}')}.${base64url(JSON.stringify(payload))}.c2ln`;
    expect(decodeJwtPayload(jwt)).toEqual(payload);
  });

  it.each([['no dots'], ['header.'], ['a.%%%.c'], [`a.${base64url('not json')}.c`]])(
    'throws for %s',
    (input) => {
      expect(() => decodeJwtPayload(input)).toThrow();
    },
  );
});
