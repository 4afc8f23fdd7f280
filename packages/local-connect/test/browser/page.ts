/// <reference lib="dom" />
// The test page: the official client (@corbado/web-core 2.18.0 ConnectService, what
// @corbado/connect-react 0.2.4-alpha.0 runs) exposed on window for Playwright to drive.
import {
  ConnectConditionalUIPasskeyDeleted,
  ConnectCustomError,
  ConnectRequestTimedOut,
  ConnectService,
  ConnectUserNotFound,
  CorbadoError,
  ExcludeCredentialsMatchError,
  NoPasskeyAvailableError,
  NonRecoverableError,
  PasskeyChallengeCancelledError,
  PasskeyLoginSource,
} from '@corbado/web-core';

/** A Result of the client as plain JSON: the value, or the client's error class. */
export type Outcome<T> = { ok: true; val: T } | { ok: false; error: string; message: string };

interface ClientResult<T> {
  ok: boolean;
  val: T | CorbadoError;
}

function errorName(e: unknown): string {
  if (e instanceof ConnectUserNotFound) return 'ConnectUserNotFound';
  if (e instanceof ConnectConditionalUIPasskeyDeleted) return 'ConnectConditionalUIPasskeyDeleted';
  if (e instanceof ConnectCustomError) return `ConnectCustomError(${e.code})`;
  if (e instanceof ConnectRequestTimedOut) return 'ConnectRequestTimedOut';
  if (e instanceof ExcludeCredentialsMatchError) return 'ExcludeCredentialsMatchError';
  if (e instanceof NoPasskeyAvailableError) return 'NoPasskeyAvailableError';
  if (e instanceof PasskeyChallengeCancelledError) return 'PasskeyChallengeCancelledError';
  if (e instanceof NonRecoverableError) return 'NonRecoverableError';
  if (e instanceof CorbadoError) return 'CorbadoError';
  return 'unknown';
}

function outcome<T>(r: ClientResult<T>): Outcome<T> {
  if (r.ok) return { ok: true, val: r.val as T };
  const e = r.val as CorbadoError;
  return { ok: false, error: errorName(e), message: e.message };
}

let service: ConnectService | undefined;

function svc(): ConnectService {
  if (!service) throw new Error('call setup first');
  return service;
}

const api = {
  /** Points the client at the local Frontend API the way the app does: seed the process, then init. */
  setup(projectId: string, frontendApiUrl: string) {
    localStorage.setItem(
      `cbo_connect_process-${projectId}`,
      JSON.stringify({ id: '', frontendApiUrl, loginData: null, appendData: null, manageData: null }),
    );
    service = new ConnectService(projectId, 'frontendapi.corbado.io', false);
  },
  storage(key: string): string | null {
    return localStorage.getItem(key);
  },
  /** CorbadoConnectAppend's calls; `initiatedByUser` as the passkey list's "Add a passkey" sends it. */
  async append(appendToken: string, initiatedByUser = false) {
    const init = await svc().appendInit(new AbortController());
    if (init.err) return outcome(init);
    const start = await svc().startAppend(appendToken, 0, undefined, initiatedByUser);
    if (start.err) return outcome(start);
    // What the component reads as "denied by passkey intelligence": it calls onSkip.
    if (start.val.attestationOptions === '') return { ok: true as const, val: 'skipped' as const };
    return outcome(await svc().completeAppend(start.val.attestationOptions));
  },
  async loginInit() {
    return outcome(await svc().loginInit(new AbortController()));
  },
  async login(identifier: string) {
    const init = await svc().loginInit(new AbortController());
    if (init.err) return outcome(init);
    const start = await svc().loginStart(identifier, PasskeyLoginSource.TextField, 0);
    if (start.err) return outcome(start);
    return outcome(await svc().loginContinue(start.val));
  },
  async conditionalLogin() {
    const init = await svc().loginInit(new AbortController());
    if (init.err) return outcome(init);
    return outcome(
      await svc().conditionalUILogin(
        () => undefined,
        () => undefined,
        () => undefined,
      ),
    );
  },
  async list(listToken: string) {
    const init = await svc().manageInit(new AbortController());
    if (init.err) return outcome(init);
    return outcome(await svc().manageList(listToken));
  },
  async remove(deleteToken: string, passkeyId: string) {
    const init = await svc().manageInit(new AbortController());
    if (init.err) return outcome(init);
    return outcome(await svc().manageDelete(deleteToken, passkeyId));
  },
  /** A raw ceremony outside the client, for negative tests: options JSON in, response JSON out. */
  async rawCreate(optionsJson: string): Promise<string> {
    const { publicKey } = JSON.parse(optionsJson) as { publicKey: PublicKeyCredentialCreationOptionsJSON };
    const cred = (await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(publicKey),
    })) as PublicKeyCredential;
    return JSON.stringify(cred.toJSON());
  },
  async rawGet(optionsJson: string): Promise<string> {
    const { publicKey } = JSON.parse(optionsJson) as { publicKey: PublicKeyCredentialRequestOptionsJSON };
    const cred = (await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(publicKey),
    })) as PublicKeyCredential;
    return JSON.stringify(cred.toJSON());
  },
};

export type PageApi = typeof api;

(window as unknown as { lc: PageApi }).lc = api;
document.body.dataset.ready = 'true';
