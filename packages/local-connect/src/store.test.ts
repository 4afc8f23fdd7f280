import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PENDING_CHALLENGES, Store, type ChallengeRow, type ConnectTokenRow } from './store';

const TOKEN: ConnectTokenRow = {
  id: 'ctk-1',
  secret: 'ctk1_abc',
  type: 'passkey-append',
  identifier: 'user-1',
  displayName: 'jane@example.com',
  expires: 2_000_000_000,
  status: 'initial',
};

const CHALLENGE: ChallengeRow = {
  id: 'was-1',
  processId: 'proc-1',
  purpose: 'login',
  challenge: 'abc',
  userId: null,
  identifierValue: 'jane@example.com',
  connectTokenId: null,
  expiresMs: 2_000_000_000_000,
};

describe('Store', () => {
  let store: Store;
  afterEach(() => store.close());

  it('consumes a connect token once', () => {
    store = new Store();
    store.insertConnectToken(TOKEN);
    expect(store.consumeConnectToken(TOKEN.id)).toBe(true);
    expect(store.consumeConnectToken(TOKEN.id)).toBe(false);
    expect(store.connectTokenBySecret(TOKEN.secret)?.status).toBe('consumed');
  });

  it('hands out a challenge once, and only to its process and purpose', () => {
    store = new Store();
    store.putChallenge(CHALLENGE);
    expect(store.takeChallenge('proc-2', 'login', 'abc')).toBeUndefined();
    expect(store.takeChallenge('proc-1', 'append', 'abc')).toBeUndefined();
    expect(store.takeChallenge('proc-1', 'login', 'xyz')).toBeUndefined();
    expect(store.takeChallenge('proc-1', 'login', 'abc')).toEqual(CHALLENGE);
    expect(store.takeChallenge('proc-1', 'login', 'abc')).toBeUndefined();
  });

  it('keeps concurrent challenges of one process apart', () => {
    store = new Store();
    store.putChallenge(CHALLENGE);
    store.putChallenge({ ...CHALLENGE, id: 'was-2', challenge: 'def' });
    expect(store.takeChallenge('proc-1', 'login', 'def')?.id).toBe('was-2');
    expect(store.takeChallenge('proc-1', 'login', 'abc')?.id).toBe('was-1');
  });

  it('keeps only the newest pending challenges of a process', () => {
    store = new Store();
    for (let i = 0; i <= MAX_PENDING_CHALLENGES; i++) {
      store.putChallenge({ ...CHALLENGE, id: `was-${i}`, challenge: `c${i}` });
    }
    expect(store.takeChallenge('proc-1', 'login', 'c0')).toBeUndefined();
    expect(store.takeChallenge('proc-1', 'login', 'c1')?.id).toBe('was-1');
    expect(store.takeChallenge('proc-1', 'login', `c${MAX_PENDING_CHALLENGES}`)).toBeDefined();
  });

  it('records a JTI once and forgets it long after expiry', () => {
    store = new Store();
    expect(store.useJti('j1', 1000)).toBe(true);
    expect(store.useJti('j1', 1000)).toBe(false);
    store.purgeExpired(1000 * 1000);
    expect(store.useJti('j1', 1000)).toBe(false);
    store.purgeExpired(1061 * 1000);
    expect(store.useJti('j1', 1000)).toBe(true);
  });

  it('purges expired challenges', () => {
    store = new Store();
    store.putChallenge({ ...CHALLENGE, expiresMs: 5000 });
    store.purgeExpired(6000);
    expect(store.takeChallenge('proc-1', 'login', 'abc')).toBeUndefined();
  });
});
