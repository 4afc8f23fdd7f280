/// <reference lib="dom" />
// The test page for today's client: @corbado/web-core 3.5.0's ConnectService (installed as `web-core-3`),
// exposed on window for Playwright to drive. 3.x is pointed at a Frontend API with `customDomain`, the
// constructor argument today's connect-react passes from its Provider.
import { ConnectErrorType, ConnectService, PasskeyLoginSource, type ConnectError } from 'web-core-3';

/** A Result of the client as plain JSON: the value, or the name of the client's ConnectErrorType. */
export type Outcome<T> = { ok: true; val: T } | { ok: false; error: string };

interface ClientResult<T> {
  ok: boolean;
  val: T | ConnectError;
}

function outcome<T>(r: ClientResult<T>): Outcome<T> {
  if (r.ok) return { ok: true, val: r.val as T };
  return { ok: false, error: ConnectErrorType[(r.val as ConnectError).type] };
}

let service: ConnectService | undefined;

function svc(): ConnectService {
  if (!service) throw new Error('call setup first');
  return service;
}

const api = {
  setup(projectId: string, frontendApiUrl: string) {
    service = new ConnectService(projectId, 'frontendapi.corbado.io', false, frontendApiUrl);
  },
  storage(key: string): string | null {
    return localStorage.getItem(key);
  },
  /** A later visit: the process is gone, what else the client keeps (its client handle) stays. */
  forgetProcess(projectId: string) {
    localStorage.removeItem(`cbo_connect_process-${projectId}`);
  },
  async append(appendToken: string) {
    const init = await svc().appendInit(new AbortController());
    if (init.err) return outcome(init);
    const start = await svc().startAppend(appendToken, 0);
    if (start.err) return outcome(start);
    // What the component reads as "denied by passkey intelligence": it calls onSkip.
    if (start.val.attestationOptions === '') return { ok: true as const, val: 'skipped' as const };
    return outcome(await svc().completeAppend(start.val.attestationOptions, 'manual'));
  },
  /** login/start's answer as the component reads it; the ceremony only when there are options. */
  async login(identifier: string, source: 'text-field' | 'one-tap' = 'text-field') {
    const init = await svc().loginInit(new AbortController());
    if (init.err) return { start: outcome(init) };
    const start = await svc().loginStart(
      identifier,
      source === 'one-tap' ? PasskeyLoginSource.OneTap : PasskeyLoginSource.TextField,
      0,
    );
    if (start.err || start.val.assertionOptions.length === 0) return { start: outcome(start) };
    return { start: outcome(start), finish: outcome(await svc().loginContinue(start.val)) };
  },
  /** The one-tap screen: log in as the last login this browser remembers. */
  async oneTapLogin() {
    const last = svc().getLastLogin();
    if (!last) return { start: { ok: false as const, error: 'no last login' } };
    return api.login(last.identifierValue, 'one-tap');
  },
  async conditionalLogin() {
    const init = await svc().loginInit(new AbortController());
    if (init.err) return outcome(init);
    return outcome(
      await svc().conditionalUILogin(
        () => undefined,
        () => undefined,
        () => undefined,
        0,
      ),
    );
  },
  /** manage/list; `signal` lets 3.5.0 call PublicKeyCredential.signalAllAcceptedCredentials. */
  async list(listToken: string, signal: boolean) {
    const init = await svc().manageInit(new AbortController());
    if (init.err) return outcome(init);
    return outcome(await svc().manageList(listToken, signal));
  },
  async remove(deleteToken: string, passkeyId: string) {
    const init = await svc().manageInit(new AbortController());
    if (init.err) return outcome(init);
    return outcome(await svc().manageDelete(deleteToken, passkeyId));
  },
};

export type PageApi = typeof api;

(window as unknown as { lc: PageApi }).lc = api;
document.body.dataset.ready = 'true';
