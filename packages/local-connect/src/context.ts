import { stderrLogger, type Clock, type LogRecord, type Logger } from '@cognito-passkeys/emulator-kit';
import type { ActionRunner } from './actions';
import type { ResolvedConfig } from './config';
import type { PasskeyDataSigner } from './signed-passkey-data';
import type { Store } from './store';

/** One structured log record. Never carries secrets, tokens or signed data (the kit redacts them besides). */
export type LogEvent = LogRecord;
export type { Logger };

/** JSON lines on stderr, tagged `local-connect`. */
export const defaultLogger: Logger = stderrLogger('local-connect');

/** What the API handlers share. */
export interface ServerDeps {
  config: ResolvedConfig;
  store: Store;
  signer: PasskeyDataSigner;
  /** The clock; injected so expiry can be tested by moving time. */
  now: Clock;
  log: Logger;
  /** The URL browsers reach the Frontend API at. */
  frontendApiUrl: () => string;
  /** The configured action scripts, each in its own warm workers. */
  actions: { preLogin?: ActionRunner; postAppend?: ActionRunner };
}

export function nowSeconds(deps: Pick<ServerDeps, 'now'>): number {
  return Math.floor(deps.now().getTime() / 1000);
}
