import type { ActionRunner } from './actions';
import type { ResolvedConfig } from './config';
import type { PasskeyDataSigner } from './signed-passkey-data';
import type { Store } from './store';

/** One structured log line. Never carries secrets, tokens or signed data. */
export interface LogEvent {
  level: 'info' | 'warn' | 'error';
  event: string;
  [key: string]: unknown;
}

export type Logger = (event: LogEvent) => void;

/** Writes JSON lines to stderr. */
export const stderrLogger: Logger = (event) => {
  process.stderr.write(`${JSON.stringify({ service: 'local-connect', ...event })}\n`);
};

/** What the API handlers share. */
export interface ServerDeps {
  config: ResolvedConfig;
  store: Store;
  signer: PasskeyDataSigner;
  /** The clock; injected so expiry can be tested by moving time. */
  now: () => Date;
  log: Logger;
  /** The URL browsers reach the Frontend API at. */
  frontendApiUrl: () => string;
  /** The configured action scripts, each in its own warm workers. */
  actions: { preLogin?: ActionRunner; postAppend?: ActionRunner };
}

export function nowSeconds(deps: Pick<ServerDeps, 'now'>): number {
  return Math.floor(deps.now().getTime() / 1000);
}
