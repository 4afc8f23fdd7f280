import { describe, expect, it } from 'vitest';
import { UNKNOWN_AUTHENTICATOR, aaguidDetails, passkeySource } from './authenticator-names';

describe('aaguidDetails', () => {
  it.each([
    ['ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4', 'Google Password Manager'],
    ['EA9B8D66-4D01-1D21-3CE4-B6B48CB575D4', 'Google Password Manager'],
    ['fbfc3007-154e-4ecc-8c0b-6e020557d7bd', 'Apple Passwords'],
    ['08987058-cadc-4b81-b6e1-30de50dcbe96', 'Windows Hello'],
  ])('names %s %s', (aaguid, name) => {
    expect(aaguidDetails(aaguid).name).toBe(name);
  });

  it.each([
    ['all zeros (no AAGUID, as Chrome’s virtual authenticator)', '00000000-0000-0000-0000-000000000000'],
    ['an unknown one', '12345678-1234-1234-1234-123456789abc'],
    ['an inherited property name', 'constructor'],
    ['nothing', ''],
  ])('calls %s "Passkey"', (_, aaguid) => {
    expect(aaguidDetails(aaguid)).toEqual(UNKNOWN_AUTHENTICATOR);
  });
});

describe('passkeySource', () => {
  // Recorded User-Agent strings of current browsers.
  it.each([
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'macOS',
      'Chrome',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Windows',
      'Edge',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      'iOS',
      'Safari',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
      'iOS',
      'Chrome',
    ],
    [
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
      'Android',
      'Samsung Internet',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Linux', 'Firefox'],
    [
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'ChromeOS',
      'Chrome',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
      'Linux',
      'Chrome',
    ],
  ])('%s → %s, %s', (userAgent, os, browser) => {
    expect(passkeySource(userAgent)).toEqual({ os, browser });
  });

  it('says Unknown when there is no User-Agent', () => {
    expect(passkeySource(undefined)).toEqual({ os: 'Unknown', browser: 'Unknown' });
  });
});
