/// <reference lib="dom" />
// The React components of @corbado/connect-react 0.2.4-alpha.0 (what the app renders), on a test page.
// `?view=login|append|list&api=<Frontend API URL>&project=<projectId>`; callbacks land in window.events,
// connect tokens come from window.connectToken (bound by the test to the Backend API).
import {
  CorbadoConnectAppend,
  CorbadoConnectLogin,
  CorbadoConnectPasskeyList,
  CorbadoConnectProvider,
} from '@corbado/connect-react';
import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';

interface TestWindow {
  events: unknown[][];
  connectToken(type: string): Promise<string>;
}
const w = window as unknown as TestWindow;
w.events = [];
const record = (...event: unknown[]) => {
  w.events.push(event);
};

const params = new URLSearchParams(location.search);
const projectId = params.get('project') ?? 'pro-1';
const api = params.get('api') ?? '';
const view = params.get('view') ?? 'login';
// `cui=off` overrides the server's flag as an app can (Provider `flags`), to test typed login alone.
const flags: Record<string, string> =
  params.get('cui') === 'off' ? { 'conditional-ui-allowed': 'false' } : {};

// Before the first effect, as the app does: the components then call the local Frontend API.
const processKey = `cbo_connect_process-${projectId}`;
if (!localStorage.getItem(processKey)) {
  localStorage.setItem(
    processKey,
    JSON.stringify({ id: '', frontendApiUrl: api, loginData: null, appendData: null, manageData: null }),
  );
}

function View() {
  if (view === 'append') {
    return h(CorbadoConnectAppend, {
      appendTokenProvider: () => w.connectToken('passkey-append'),
      onSkip: () => record('append-skip'),
      onComplete: () => {
        record('append-complete');
        return Promise.resolve();
      },
      onError: (code: string) => record('append-error', code),
    });
  }
  if (view === 'list') {
    return h(CorbadoConnectPasskeyList, { connectTokenProvider: (type: string) => w.connectToken(type) });
  }
  return h(CorbadoConnectLogin, {
    onFallback: (identifier: string, message: string | null) => record('login-fallback', identifier, message),
    onLoaded: (message: string) => record('login-loaded', message),
    onError: (code: string) => record('login-error', code),
    onComplete: (session: string) => {
      record('login-complete', session);
      return Promise.resolve();
    },
  });
}

const root = document.getElementById('root')!;
createRoot(root).render(h(CorbadoConnectProvider, { projectId, flags }, h(View)));
document.body.dataset.ready = 'true';
