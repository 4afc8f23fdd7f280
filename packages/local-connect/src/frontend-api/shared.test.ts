import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientGeneration } from './shared';

const withSdk = (value?: string) =>
  ({ headers: value === undefined ? {} : { 'x-corbado-sdk': value } }) as IncomingMessage;

describe('clientGeneration', () => {
  it.each([
    ['web-core 3.5.0', '{"name":"web-core","sdkVersion":"3.5.0"}', 'v3'],
    ['a later major', '{"name":"web-core","sdkVersion":"4.0.1"}', 'v3'],
    ['web-core 2.18.0', '{"name":"web-core","sdkVersion":"2.18.0"}', 'v2'],
    ['no header', undefined, 'v2'],
    ['a header that is not JSON', 'web-core/3.5.0', 'v2'],
    ['a header without a version', '{"name":"web-core"}', 'v2'],
  ])('reads %s', (_name, header, generation) => {
    expect(clientGeneration(withSdk(header))).toBe(generation);
  });
});
