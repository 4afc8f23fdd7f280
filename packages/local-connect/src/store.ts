import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

// Longer than the rest on purpose: the whole schema and every statement that touches it sit in one file,
// so a reader sees all the state the server keeps, and each statement is prepared once per Store.

/** A user as Corbado knows it: the username passkeys are stored under (= the JWT's `webauthnId`). */
export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  /** The WebAuthn user handle (base64url), stable per user. */
  webauthnUserId: string;
  createdMs: number;
}

export interface CredentialRow {
  id: string;
  userId: string;
  /** base64url credential ID. */
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  aaguid: string;
  attestationType: string;
  backupEligible: boolean;
  backupState: boolean;
  sourceOs: string;
  sourceBrowser: string;
  createdMs: number;
  lastUsedMs: number;
}

export type ConnectTokenType = 'passkey-append' | 'passkey-delete' | 'passkey-list' | 'passkey-login';

export interface ConnectTokenRow {
  id: string;
  secret: string;
  type: ConnectTokenType;
  identifier: string;
  displayName: string;
  /** Unix seconds. */
  expires: number;
  status: 'initial' | 'consumed';
}

export interface ProcessRow {
  id: string;
  /** Unix seconds. */
  expires: number;
  /**
   * The client environment (browser profile) the process was opened from: the handle the client keeps in
   * `localStorage.cbo_client_handle` and sends with every init (`clientInformation.clientEnvHandle`).
   */
  clientEnvId: string | null;
}

export type ChallengePurpose = 'login' | 'conditional-ui' | 'append';

export interface ChallengeRow {
  id: string;
  processId: string;
  purpose: ChallengePurpose;
  challenge: string;
  userId: string | null;
  /** What the user typed (login) or the token's display name (append). */
  identifierValue: string;
  connectTokenId: string | null;
  /** Unix ms. */
  expiresMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
  webauthn_user_id TEXT NOT NULL UNIQUE, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS credentials (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), credential_id TEXT NOT NULL UNIQUE,
  public_key BLOB NOT NULL, counter INTEGER NOT NULL, transports TEXT NOT NULL, aaguid TEXT NOT NULL,
  attestation_type TEXT NOT NULL, backup_eligible INTEGER NOT NULL, backup_state INTEGER NOT NULL,
  source_os TEXT NOT NULL, source_browser TEXT NOT NULL, created_ms INTEGER NOT NULL, last_used_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS credentials_user ON credentials(user_id);
CREATE TABLE IF NOT EXISTS connect_tokens (
  id TEXT PRIMARY KEY, secret TEXT NOT NULL UNIQUE, type TEXT NOT NULL, identifier TEXT NOT NULL,
  display_name TEXT NOT NULL, expires INTEGER NOT NULL, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS processes (id TEXT PRIMARY KEY, expires INTEGER NOT NULL, client_env_id TEXT);
CREATE TABLE IF NOT EXISTS client_envs (id TEXT PRIMARY KEY, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS credential_client_envs (
  credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
  client_env_id TEXT NOT NULL REFERENCES client_envs(id) ON DELETE CASCADE,
  last_seen_ms INTEGER NOT NULL, PRIMARY KEY (credential_id, client_env_id));
CREATE INDEX IF NOT EXISTS credential_client_envs_env ON credential_client_envs(client_env_id);
CREATE TABLE IF NOT EXISTS challenges (
  id TEXT PRIMARY KEY, process_id TEXT NOT NULL, purpose TEXT NOT NULL, challenge TEXT NOT NULL,
  user_id TEXT, identifier_value TEXT NOT NULL, connect_token_id TEXT, expires_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS challenges_lookup ON challenges(process_id, purpose, challenge);
CREATE INDEX IF NOT EXISTS challenges_expiry ON challenges(expires_ms);
CREATE INDEX IF NOT EXISTS processes_expiry ON processes(expires);
CREATE TABLE IF NOT EXISTS used_jtis (jti TEXT PRIMARY KEY, exp INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS used_jtis_expiry ON used_jtis(exp);
CREATE TABLE IF NOT EXISTS signing_keys (kid TEXT PRIMARY KEY, private_jwk TEXT NOT NULL, created_ms INTEGER NOT NULL);
`;

interface CredentialRecord {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: Buffer;
  counter: number;
  transports: string;
  aaguid: string;
  attestation_type: string;
  backup_eligible: number;
  backup_state: number;
  source_os: string;
  source_browser: string;
  created_ms: number;
  last_used_ms: number;
}

function toCredential(r: CredentialRecord): CredentialRow {
  return {
    id: r.id,
    userId: r.user_id,
    credentialId: r.credential_id,
    publicKey: new Uint8Array(r.public_key),
    counter: r.counter,
    transports: JSON.parse(r.transports) as string[],
    aaguid: r.aaguid,
    attestationType: r.attestation_type,
    backupEligible: r.backup_eligible === 1,
    backupState: r.backup_state === 1,
    sourceOs: r.source_os,
    sourceBrowser: r.source_browser,
    createdMs: r.created_ms,
    lastUsedMs: r.last_used_ms,
  };
}

/** Pending challenges kept per process and purpose. */
export const MAX_PENDING_CHALLENGES = 8;

const USER_COLUMNS =
  'id, username, display_name AS displayName, webauthn_user_id AS webauthnUserId, created_ms AS createdMs';
const TOKEN_COLUMNS = 'id, secret, type, identifier, display_name AS displayName, expires, status';
const CHALLENGE_COLUMNS =
  'id, process_id AS processId, purpose, challenge, user_id AS userId, identifier_value AS identifierValue, ' +
  'connect_token_id AS connectTokenId, expires_ms AS expiresMs';

/** The database file in a data dir; SQLite adds `-wal` and `-shm` beside it. */
export const DATABASE_FILE = 'local-connect.sqlite';

/**
 * Owner-only modes for the data dir and every file in it (it holds the signing key and passkeys): set
 * at creation and again with chmod, so neither the umask nor an older, looser copy leaves them readable.
 */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

function openDatabaseFile(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  chmodSync(dataDir, DIR_MODE);
  const file = join(dataDir, DATABASE_FILE);
  // SQLite gives -wal and -shm the database file's mode, so the file is made before SQLite opens it.
  closeSync(openSync(file, 'a', FILE_MODE));
  chmodSync(file, FILE_MODE);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) chmodSync(file + suffix, FILE_MODE);
  }
  return db;
}

/** Brings a database written by an older version up to SCHEMA (CREATE … IF NOT EXISTS adds no columns). */
function migrate(db: Database.Database): void {
  const columns = db.pragma('table_info(processes)') as { name: string }[];
  if (!columns.some((c) => c.name === 'client_env_id')) {
    db.exec('ALTER TABLE processes ADD COLUMN client_env_id TEXT');
  }
}

function prepareStatements(db: Database.Database) {
  return {
    userByUsername: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`),
    userById: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
    insertUser: db.prepare<[string, string, string, string, number]>(
      'INSERT OR IGNORE INTO users (id, username, display_name, webauthn_user_id, created_ms) VALUES (?, ?, ?, ?, ?)',
    ),
    updateUserDisplayName: db.prepare<[string, string]>('UPDATE users SET display_name = ? WHERE id = ?'),
    credentialsOfUser: db.prepare<[string], CredentialRecord>(
      'SELECT * FROM credentials WHERE user_id = ? ORDER BY created_ms, id',
    ),
    credentialByCredentialId: db.prepare<[string], CredentialRecord>(
      'SELECT * FROM credentials WHERE credential_id = ?',
    ),
    insertCredential: db.prepare(
      `INSERT INTO credentials (id, user_id, credential_id, public_key, counter, transports, aaguid,
        attestation_type, backup_eligible, backup_state, source_os, source_browser, created_ms, last_used_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    recordCredentialUse: db.prepare<[number, number, number, string]>(
      'UPDATE credentials SET counter = ?, backup_state = ?, last_used_ms = ? WHERE id = ?',
    ),
    credentialOfUser: db.prepare<[string, string, string], CredentialRecord>(
      'SELECT * FROM credentials WHERE user_id = ? AND (id = ? OR credential_id = ?)',
    ),
    deleteCredential: db.prepare<[string]>('DELETE FROM credentials WHERE id = ?'),
    insertConnectToken: db.prepare<[string, string, string, string, string, number, string]>(
      'INSERT INTO connect_tokens (id, secret, type, identifier, display_name, expires, status) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    connectTokenBySecret: db.prepare<[string], ConnectTokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM connect_tokens WHERE secret = ?`,
    ),
    connectTokenById: db.prepare<[string], ConnectTokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM connect_tokens WHERE id = ?`,
    ),
    consumeConnectToken: db.prepare<[string]>(
      "UPDATE connect_tokens SET status = 'consumed' WHERE id = ? AND status = 'initial'",
    ),
    insertProcess: db.prepare<[string, number, string | null]>(
      'INSERT INTO processes (id, expires, client_env_id) VALUES (?, ?, ?)',
    ),
    extendProcess: db.prepare<[number, string | null, string]>(
      'UPDATE processes SET expires = ?, client_env_id = ? WHERE id = ?',
    ),
    processById: db.prepare<[string], ProcessRow>(
      'SELECT id, expires, client_env_id AS clientEnvId FROM processes WHERE id = ?',
    ),
    clientEnvExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM client_envs WHERE id = ?'),
    insertClientEnv: db.prepare<[string, number]>('INSERT INTO client_envs (id, created_ms) VALUES (?, ?)'),
    recordCredentialSeen: db.prepare<[string, string, number]>(
      `INSERT INTO credential_client_envs (credential_id, client_env_id, last_seen_ms) VALUES (?, ?, ?)
       ON CONFLICT (credential_id, client_env_id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms`,
    ),
    userHasCredentialSeenIn: db.prepare<[string, string], { one: number }>(
      `SELECT 1 AS one FROM credentials c JOIN credential_client_envs e ON e.credential_id = c.id
       WHERE c.user_id = ? AND e.client_env_id = ? LIMIT 1`,
    ),
    // A client environment no passkey was seen in and no process names is worth nothing: its client
    // gets a new handle at its next init.
    purgeClientEnvs: db.prepare<[number]>(
      `DELETE FROM client_envs WHERE created_ms < ?
         AND id NOT IN (SELECT client_env_id FROM credential_client_envs)
         AND id NOT IN (SELECT client_env_id FROM processes WHERE client_env_id IS NOT NULL)`,
    ),
    deleteChallengesOfProcess: db.prepare<[string]>('DELETE FROM challenges WHERE process_id = ?'),
    deleteProcess: db.prepare<[string]>('DELETE FROM processes WHERE id = ?'),
    purgeChallenges: db.prepare<[number]>('DELETE FROM challenges WHERE expires_ms < ?'),
    purgeProcesses: db.prepare<[number]>(
      'DELETE FROM processes WHERE expires < ? AND id NOT IN (SELECT process_id FROM challenges)',
    ),
    purgeJtis: db.prepare<[number]>('DELETE FROM used_jtis WHERE exp < ?'),
    insertChallenge: db.prepare<
      [string, string, string, string, string | null, string, string | null, number]
    >(
      `INSERT INTO challenges (id, process_id, purpose, challenge, user_id, identifier_value,
        connect_token_id, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Everything past the newest few of a process and purpose (rowid order is insertion order).
    trimChallenges: db.prepare<[string, string, number]>(
      `DELETE FROM challenges WHERE rowid IN (
         SELECT rowid FROM challenges WHERE process_id = ? AND purpose = ? ORDER BY rowid DESC LIMIT -1 OFFSET ?)`,
    ),
    // One statement, so a challenge is read and removed atomically without a transaction.
    takeChallenge: db.prepare<[string, string, string], ChallengeRow>(
      `DELETE FROM challenges WHERE process_id = ? AND purpose = ? AND challenge = ? RETURNING ${CHALLENGE_COLUMNS}`,
    ),
    useJti: db.prepare<[string, number]>('INSERT OR IGNORE INTO used_jtis (jti, exp) VALUES (?, ?)'),
    signingKeys: db.prepare<[], { kid: string; privateJwk: string }>(
      'SELECT kid, private_jwk AS privateJwk FROM signing_keys ORDER BY created_ms, kid',
    ),
    insertSigningKey: db.prepare<[string, string, number]>(
      'INSERT INTO signing_keys (kid, private_jwk, created_ms) VALUES (?, ?, ?)',
    ),
  };
}

/**
 * All state of the server, in one SQLite database (`<dataDir>/local-connect.sqlite`, or in memory). Every
 * statement is prepared once, here, not per request.
 */
export class Store {
  readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly deleteProcessTx: (id: string) => void;

  constructor(dataDir?: string) {
    this.db = dataDir ? openDatabaseFile(dataDir) : new Database(':memory:');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    migrate(this.db);
    this.sql = prepareStatements(this.db);
    this.deleteProcessTx = this.db.transaction((id: string) => {
      this.sql.deleteChallengesOfProcess.run(id);
      this.sql.deleteProcess.run(id);
    });
  }

  close(): void {
    this.db.close();
  }

  // users

  userByUsername(username: string): UserRow | undefined {
    return this.sql.userByUsername.get(username);
  }

  userById(id: string): UserRow | undefined {
    return this.sql.userById.get(id);
  }

  /** Inserts the user unless the username exists; returns the stored user either way. */
  insertUser(user: UserRow): UserRow {
    this.sql.insertUser.run(user.id, user.username, user.displayName, user.webauthnUserId, user.createdMs);
    return this.userByUsername(user.username) as UserRow;
  }

  updateUserDisplayName(id: string, displayName: string): void {
    this.sql.updateUserDisplayName.run(displayName, id);
  }

  // credentials

  credentialsOfUser(userId: string): CredentialRow[] {
    return this.sql.credentialsOfUser.all(userId).map(toCredential);
  }

  credentialByCredentialId(credentialId: string): CredentialRow | undefined {
    const row = this.sql.credentialByCredentialId.get(credentialId);
    return row && toCredential(row);
  }

  insertCredential(c: CredentialRow): void {
    this.sql.insertCredential.run(
      c.id,
      c.userId,
      c.credentialId,
      Buffer.from(c.publicKey),
      c.counter,
      JSON.stringify(c.transports),
      c.aaguid,
      c.attestationType,
      c.backupEligible ? 1 : 0,
      c.backupState ? 1 : 0,
      c.sourceOs,
      c.sourceBrowser,
      c.createdMs,
      c.lastUsedMs,
    );
  }

  recordCredentialUse(id: string, counter: number, backupState: boolean, usedMs: number): void {
    this.sql.recordCredentialUse.run(counter, backupState ? 1 : 0, usedMs, id);
  }

  /** Deletes the user's credential named by its `pky-…` ID or its base64url credential ID. */
  deleteCredentialOfUser(userId: string, idOrCredentialId: string): CredentialRow | undefined {
    const row = this.sql.credentialOfUser.get(userId, idOrCredentialId, idOrCredentialId);
    if (!row) return undefined;
    this.sql.deleteCredential.run(row.id);
    return toCredential(row);
  }

  // connect tokens

  insertConnectToken(t: ConnectTokenRow): void {
    this.sql.insertConnectToken.run(t.id, t.secret, t.type, t.identifier, t.displayName, t.expires, t.status);
  }

  connectTokenBySecret(secret: string): ConnectTokenRow | undefined {
    return this.sql.connectTokenBySecret.get(secret);
  }

  connectTokenById(id: string): ConnectTokenRow | undefined {
    return this.sql.connectTokenById.get(id);
  }

  /** Marks the token consumed; false when it already was (so two racing requests cannot both use it). */
  consumeConnectToken(id: string): boolean {
    return this.sql.consumeConnectToken.run(id).changes === 1;
  }

  // processes

  insertProcess(p: ProcessRow): void {
    this.sql.insertProcess.run(p.id, p.expires, p.clientEnvId);
  }

  /** Extends a process and binds it to the client environment of the init that extended it. */
  extendProcess(id: string, expires: number, clientEnvId: string | null): void {
    this.sql.extendProcess.run(expires, clientEnvId, id);
  }

  processById(id: string): ProcessRow | undefined {
    return this.sql.processById.get(id);
  }

  deleteProcess(id: string): void {
    this.deleteProcessTx(id);
  }

  /**
   * Drops expired processes, challenges and used JTIs (those can no longer be replayed anyway), and client
   * environments older than a minute that neither a process nor a passkey refers to.
   */
  purgeExpired(nowMs: number): void {
    const nowS = Math.floor(nowMs / 1000);
    this.sql.purgeChallenges.run(nowMs);
    this.sql.purgeProcesses.run(nowS);
    this.sql.purgeJtis.run(nowS - 60);
    this.sql.purgeClientEnvs.run(nowMs - 60_000);
  }

  // client environments (the browser profiles the client's `cbo_client_handle` names)

  clientEnvExists(id: string): boolean {
    return this.sql.clientEnvExists.get(id) !== undefined;
  }

  insertClientEnv(id: string, createdMs: number): void {
    this.sql.insertClientEnv.run(id, createdMs);
  }

  /** Remembers that the passkey was created or used in the client environment. */
  recordCredentialSeen(credentialId: string, clientEnvId: string, seenMs: number): void {
    this.sql.recordCredentialSeen.run(credentialId, clientEnvId, seenMs);
  }

  /** Whether any passkey of the user was created or used in the client environment. */
  userHasCredentialSeenIn(userId: string, clientEnvId: string): boolean {
    return this.sql.userHasCredentialSeenIn.get(userId, clientEnvId) !== undefined;
  }

  // challenges (found by process, purpose and value: a client that ran two inits or starts at once
  // answers whichever challenge it kept, and each is still used once)

  putChallenge(c: ChallengeRow): void {
    this.sql.insertChallenge.run(
      c.id,
      c.processId,
      c.purpose,
      c.challenge,
      c.userId,
      c.identifierValue,
      c.connectTokenId,
      c.expiresMs,
    );
    // A process keeps its newest few pending challenges per purpose, so a looping client cannot grow it.
    this.sql.trimChallenges.run(c.processId, c.purpose, MAX_PENDING_CHALLENGES);
  }

  /** Removes and returns a pending challenge: each one is verified at most once. */
  takeChallenge(processId: string, purpose: ChallengePurpose, challenge: string): ChallengeRow | undefined {
    return this.sql.takeChallenge.get(processId, purpose, challenge);
  }

  // signed passkey data

  /** Records the JTI as used; false when it was used before. */
  useJti(jti: string, exp: number): boolean {
    return this.sql.useJti.run(jti, exp).changes === 1;
  }

  /** Every signing key ever stored, oldest first. */
  signingKeys(): { kid: string; privateJwk: string }[] {
    return this.sql.signingKeys.all();
  }

  insertSigningKey(kid: string, privateJwk: string, createdMs: number): void {
    this.sql.insertSigningKey.run(kid, privateJwk, createdMs);
  }
}
