import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DATABASE_FILE,
  MAX_PENDING_CHALLENGES,
  Store,
  type ChallengeRow,
  type ConnectTokenRow,
} from './store';

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

  it('keeps a client environment while a process or a passkey refers to it, and only then', () => {
    store = new Store();
    const user = store.insertUser({
      id: 'usr-1',
      username: 'user-1',
      displayName: 'jane@example.com',
      webauthnUserId: 'dXNlcg',
      createdMs: 0,
    });
    store.insertCredential({
      id: 'pky-1',
      userId: user.id,
      credentialId: 'Y3JlZA',
      publicKey: new Uint8Array([1]),
      counter: 0,
      transports: [],
      aaguid: '00000000-0000-0000-0000-000000000000',
      attestationType: 'none',
      backupEligible: false,
      backupState: false,
      sourceOs: 'Linux',
      sourceBrowser: 'Chrome',
      createdMs: 0,
      lastUsedMs: 0,
    });
    for (const env of ['env-seen', 'env-in-process', 'env-unused']) store.insertClientEnv(env, 0);
    store.insertProcess({ id: 'proc-1', expires: 10_000, clientEnvId: 'env-in-process' });
    store.recordCredentialSeen('pky-1', 'env-seen', 0);
    expect(store.userHasCredentialSeenIn(user.id, 'env-seen')).toBe(true);
    expect(store.userHasCredentialSeenIn(user.id, 'env-in-process')).toBe(false);

    store.purgeExpired(120_000);
    expect(['env-seen', 'env-in-process', 'env-unused'].map((e) => store.clientEnvExists(e))).toEqual([
      true,
      true,
      false,
    ]);
    // The process expires; deleting the passkey drops what it left in its environment.
    store.purgeExpired(20_000_000);
    expect(store.clientEnvExists('env-in-process')).toBe(false);
    store.deleteCredentialOfUser(user.id, 'pky-1');
    expect(store.userHasCredentialSeenIn(user.id, 'env-seen')).toBe(false);
    store.purgeExpired(20_000_000);
    expect(store.clientEnvExists('env-seen')).toBe(false);
  });

  it('opens a data dir of an older version, whose processes had no client environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-connect-store-'));
    try {
      const old = new Database(join(dir, DATABASE_FILE));
      old.exec('CREATE TABLE processes (id TEXT PRIMARY KEY, expires INTEGER NOT NULL)');
      old.prepare('INSERT INTO processes (id, expires) VALUES (?, ?)').run('proc-old', 2_000_000_000);
      old.close();
      store = new Store(dir);
      expect(store.processById('proc-old')).toEqual({
        id: 'proc-old',
        expires: 2_000_000_000,
        clientEnvId: null,
      });
      store.insertClientEnv('env-1', 0);
      store.extendProcess('proc-old', 2_000_000_100, 'env-1');
      expect(store.processById('proc-old')?.clientEnvId).toBe('env-1');
    } finally {
      store.close();
      store = new Store();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('file modes', () => {
    const dirs: string[] = [];
    let umask: number | undefined;
    afterEach(() => {
      if (umask !== undefined) process.umask(umask);
      umask = undefined;
      dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
    });
    const mode = (path: string) => statSync(path).mode & 0o777;
    const parent = () => {
      const dir = mkdtempSync(join(tmpdir(), 'local-connect-modes-'));
      dirs.push(dir);
      return dir;
    };
    const expectOwnerOnly = (dataDir: string) => {
      expect(mode(dataDir)).toBe(0o700);
      const file = join(dataDir, DATABASE_FILE);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        expect(existsSync(path)).toBe(true);
        expect({ path, mode: mode(path) }).toEqual({ path, mode: 0o600 });
      }
    };

    it('creates the data dir 0700 and the database, -wal and -shm 0600 under a permissive umask', () => {
      umask = process.umask(0);
      const dataDir = join(parent(), 'nested', 'data');
      store = new Store(dataDir);
      store.insertConnectToken(TOKEN); // a write, so the WAL is in use
      expectOwnerOnly(dataDir);
      expect(mode(join(dataDir, '..'))).toBe(0o700);
    });

    it('tightens a data dir and database files that an older version left readable', () => {
      const dataDir = join(parent(), 'data');
      store = new Store(dataDir);
      store.insertConnectToken(TOKEN);
      store.close();
      const file = join(dataDir, DATABASE_FILE);
      chmodSync(dataDir, 0o755);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        if (!existsSync(path)) writeFileSync(path, '');
        chmodSync(path, 0o644);
      }
      store = new Store(dataDir);
      expectOwnerOnly(dataDir);
      expect(store.connectTokenBySecret(TOKEN.secret)?.id).toBe(TOKEN.id);
    });

    it('leaves an existing parent folder as it was', () => {
      const outer = join(parent(), 'project');
      mkdirSync(outer, { mode: 0o755 });
      chmodSync(outer, 0o755);
      store = new Store(join(outer, 'data'));
      expect(mode(outer)).toBe(0o755);
      expect(mode(join(outer, 'data'))).toBe(0o700);
    });
  });
});
