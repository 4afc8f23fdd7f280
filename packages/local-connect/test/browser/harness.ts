import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { start, type LogEvent, type RunningServer } from '../../src/index';
import { backendClient } from '../backend';
import type { testActions } from '../fixtures';
import { captureLog, testConfig } from '../fixtures';
import type { PageApi } from './page';

/** The body of the ConnectService page: an autofill field for conditional UI. */
export const SERVICE_PAGE_BODY =
  '<input id="email" name="email" type="email" autocomplete="username webauthn">';
/** The body of the components page: React renders into #root. */
export const COMPONENTS_PAGE_BODY = '<div id="root"></div>';

const html = (
  body: string,
) => `<!doctype html><html><head><meta charset="utf-8"><title>local-connect test page</title></head>
<body>${body}<script type="module" src="/page.js"></script></body></html>`;

/**
 * Bundles a test page with an official client (esbuild): `page.ts` (web-core 2.18.0), `page-v3.ts`
 * (web-core 3.5.0) or `components-page.ts` (connect-react 0.2.4-alpha.0).
 */
export async function bundlePage(
  entry: 'page.ts' | 'page-v3.ts' | 'components-page.ts' = 'page.ts',
): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./${entry}`, import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

/** Serves the test page on 127.0.0.1; the browser opens it as http://localhost:<port> (a valid RP ID). */
export async function servePage(
  bundle: string,
  body = SERVICE_PAGE_BODY,
): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
    } else if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html(body));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Any test page's API: the methods it puts on `window.lc`. */
type AnyApi = Record<string, (...args: never[]) => unknown>;

export interface TestPage<Api extends AnyApi = PageApi> {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
  /** Runs one of the page API's methods in the page. */
  call<K extends keyof Api>(method: K, ...args: Parameters<Api[K]>): Promise<Awaited<ReturnType<Api[K]>>>;
}

/** A fresh context (empty localStorage) with a CDP virtual platform authenticator (UV, resident keys). */
export async function openTestPage<Api extends AnyApi = PageApi>(
  browser: Browser,
  origin: string,
  options: { path?: string; prepare?: (context: BrowserContext) => Promise<void> } = {},
): Promise<TestPage<Api>> {
  const context = await browser.newContext();
  await options.prepare?.(context);
  const page = await context.newPage();
  // FingerprintJS may report to its CDN; offline that only slows the page down.
  await page.addInitScript(() => {
    (window as unknown as { __fpjs_d_m: boolean }).__fpjs_d_m = true;
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await page.goto(`${origin}${options.path ?? '/'}`);
  await page.waitForSelector('body[data-ready="true"]');
  return {
    context,
    page,
    cdp,
    authenticatorId,
    call: (method, ...args) =>
      page.evaluate(
        ([m, a]) => {
          const lc = (window as unknown as { lc: Record<string, (...x: unknown[]) => unknown> }).lc;
          return lc[m]!(...(a as unknown[]));
        },
        [method as string, args] as const,
      ) as never,
  };
}

/** What every browser suite runs against. */
export interface BrowserSuite {
  browser: Browser;
  /** The test page, each on its own origin; local-connect allows only the first. */
  sites: { origin: string; close(): Promise<void> }[];
  server: RunningServer;
  backend: ReturnType<typeof backendClient>;
  stop(): Promise<void>;
}

/**
 * A browser suite's world: the page bundled with its official client and served (`sites` times), Chromium,
 * local-connect with the test project and actions (its RP allows the first origin), and a Backend API
 * client. `stop()` takes all of it down, the actions' files included.
 */
export async function startBrowserSuite(options: {
  entry?: Parameters<typeof bundlePage>[0];
  body?: string;
  sites?: number;
  actions: ReturnType<typeof testActions>;
  log?: (event: LogEvent) => void;
  now?: () => Date;
}): Promise<BrowserSuite> {
  const bundle = await bundlePage(options.entry);
  const [browser, ...sites] = await Promise.all([
    launchChromium(),
    ...Array.from({ length: options.sites ?? 1 }, () => servePage(bundle, options.body)),
  ]);
  const config = testConfig({
    rp: { id: 'localhost', name: 'Cognito Passkeys', origins: [sites[0]!.origin] },
    actions: options.actions.config,
  });
  const server = await start({
    config,
    log: options.log ?? captureLog().log,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    browser,
    sites,
    server,
    backend: backendClient(server.url, config.projectId, config.apiSecret),
    async stop() {
      await browser.close();
      await Promise.all([server.stop(), ...sites.map((site) => site.close())]);
      options.actions.cleanup();
    },
  };
}
