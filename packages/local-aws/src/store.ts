import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Longer than the rest on purpose: the whole schema and every statement that touches it sit in one file,
// so a reader sees all the state the server keeps, and each statement is prepared once per Store.

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pools (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, settings TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS clients (
  id TEXT PRIMARY KEY, pool_id TEXT NOT NULL, name TEXT NOT NULL, settings TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  pool_id TEXT NOT NULL, username TEXT NOT NULL, sub TEXT NOT NULL, email TEXT,
  status TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, attributes TEXT NOT NULL,
  srp_salt TEXT, srp_verifier TEXT, mfa TEXT NOT NULL DEFAULT '{}',
  failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,
  tokens_valid_after INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (pool_id, username));
CREATE INDEX IF NOT EXISTS users_sub ON users (pool_id, sub);
CREATE INDEX IF NOT EXISTS users_email ON users (pool_id, email);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash TEXT PRIMARY KEY, pool_id TEXT NOT NULL, client_id TEXT NOT NULL, username TEXT NOT NULL,
  origin_jti TEXT NOT NULL, auth_time INTEGER NOT NULL, issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS revoked_origins (origin_jti TEXT PRIMARY KEY, revoked_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS auth_sessions (
  session_hash TEXT PRIMARY KEY, pool_id TEXT NOT NULL, client_id TEXT NOT NULL, state TEXT NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS codes (
  pool_id TEXT NOT NULL, username TEXT NOT NULL, kind TEXT NOT NULL, code TEXT NOT NULL,
  expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (pool_id, username, kind));
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT NOT NULL, kind TEXT NOT NULL, code TEXT NOT NULL,
  subject TEXT NOT NULL, body TEXT NOT NULL, sent_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parameters (
  name TEXT PRIMARY KEY, type TEXT NOT NULL, value TEXT NOT NULL, version INTEGER NOT NULL,
  last_modified INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sts_credentials (
  access_key_id TEXT PRIMARY KEY, secret_access_key TEXT NOT NULL, token_hash TEXT NOT NULL,
  role_arn TEXT NOT NULL, session_name TEXT NOT NULL, source_arn TEXT NOT NULL,
  issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
`;

export interface PoolRow {
  id: string;
  name: string;
  settings: string;
  created_at: number;
}
export interface ClientRow {
  id: string;
  pool_id: string;
  name: string;
  settings: string;
  created_at: number;
}
export interface UserRow {
  pool_id: string;
  username: string;
  sub: string;
  email: string | null;
  status: string;
  enabled: number;
  attributes: string;
  srp_salt: string | null;
  srp_verifier: string | null;
  mfa: string;
  failed_logins: number;
  locked_until: number;
  tokens_valid_after: number;
  created_at: number;
  updated_at: number;
}
export interface RefreshTokenRow {
  token_hash: string;
  pool_id: string;
  client_id: string;
  username: string;
  origin_jti: string;
  auth_time: number;
  issued_at: number;
  expires_at: number;
  revoked: number;
}
export interface CodeRow {
  code: string;
  expires_at: number;
  attempts: number;
}
export interface OutboxMessage {
  to: string;
  kind: string;
  code: string;
  subject: string;
  body: string;
  sentAt: string;
}
export interface ParameterRow {
  name: string;
  type: string;
  value: string;
  version: number;
  last_modified: number;
}
/** Temporary credentials issued by STS `AssumeRole` (times in seconds since the epoch). */
export interface StsCredentialsRow {
  access_key_id: string;
  /** Kept to verify the SigV4 signatures made with it. */
  secret_access_key: string;
  /** SHA-256 of the session token: the token itself is only ever in the caller's hands. */
  token_hash: string;
  role_arn: string;
  session_name: string;
  /** The identity that assumed the role. */
  source_arn: string;
  issued_at: number;
  expires_at: number;
}

/**
 * Creates `dir` and any missing parent as 0700, and makes `dir` itself 0700 if it already existed: the
 * state holds password verifiers, signing keys and issued credentials. The mode is set after creating,
 * so the umask cannot widen it.
 */
function createPrivateDir(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = dirname(at)) missing.unshift(at);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const created of missing) chmodSync(created, 0o700);
  chmodSync(dir, 0o700);
}

/** All state of the server, in one SQLite file under the data dir (or in memory). */
export class Store {
  readonly db: Database.Database;

  constructor(dataDir: string | undefined) {
    if (dataDir === undefined) {
      this.db = new Database(':memory:');
      this.db.exec(SCHEMA);
      return;
    }
    const file = join(dataDir, 'local-aws.sqlite');
    createPrivateDir(dataDir);
    // Made 0600 before SQLite opens it (SQLite gives its -wal and -shm the database file's mode); an
    // existing file of an earlier start is narrowed too.
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    for (const side of [`${file}-wal`, `${file}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
  }

  close(): void {
    this.db.close();
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value;
  }
  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  // Pools and clients
  getPool(id: string): PoolRow | undefined {
    return this.db.prepare('SELECT * FROM pools WHERE id = ?').get(id) as PoolRow | undefined;
  }
  findPoolByName(name: string): PoolRow | undefined {
    return this.db.prepare('SELECT * FROM pools WHERE name = ? ORDER BY created_at LIMIT 1').get(name) as
      PoolRow | undefined;
  }
  listPools(): PoolRow[] {
    return this.db.prepare('SELECT * FROM pools ORDER BY created_at, id').all() as PoolRow[];
  }
  putPool(row: PoolRow): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO pools (id, name, settings, created_at) VALUES (@id, @name, @settings, @created_at)',
      )
      .run(row);
  }
  getClient(id: string): ClientRow | undefined {
    return this.db.prepare('SELECT * FROM clients WHERE id = ?').get(id) as ClientRow | undefined;
  }
  findClientByName(poolId: string, name: string): ClientRow | undefined {
    return this.db
      .prepare('SELECT * FROM clients WHERE pool_id = ? AND name = ? ORDER BY created_at LIMIT 1')
      .get(poolId, name) as ClientRow | undefined;
  }
  listClients(poolId: string): ClientRow[] {
    return this.db
      .prepare('SELECT * FROM clients WHERE pool_id = ? ORDER BY created_at, id')
      .all(poolId) as ClientRow[];
  }
  putClient(row: ClientRow): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO clients (id, pool_id, name, settings, created_at) VALUES (@id, @pool_id, @name, @settings, @created_at)',
      )
      .run(row);
  }

  // Users
  getUser(poolId: string, username: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE pool_id = ? AND username = ?').get(poolId, username) as
      UserRow | undefined;
  }
  getUserBySub(poolId: string, sub: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE pool_id = ? AND sub = ?').get(poolId, sub) as
      UserRow | undefined;
  }
  getUsersByEmail(poolId: string, email: string): UserRow[] {
    return this.db
      .prepare('SELECT * FROM users WHERE pool_id = ? AND email = ? COLLATE NOCASE ORDER BY created_at')
      .all(poolId, email) as UserRow[];
  }
  listUsers(poolId: string): UserRow[] {
    return this.db
      .prepare('SELECT * FROM users WHERE pool_id = ? ORDER BY created_at, username')
      .all(poolId) as UserRow[];
  }
  insertUser(row: UserRow): void {
    this.db
      .prepare(
        `INSERT INTO users (pool_id, username, sub, email, status, enabled, attributes, srp_salt, srp_verifier, mfa,
          failed_logins, locked_until, tokens_valid_after, created_at, updated_at)
         VALUES (@pool_id, @username, @sub, @email, @status, @enabled, @attributes, @srp_salt, @srp_verifier, @mfa,
          @failed_logins, @locked_until, @tokens_valid_after, @created_at, @updated_at)`,
      )
      .run(row);
  }
  updateUser(row: UserRow): void {
    this.db
      .prepare(
        `UPDATE users SET email = @email, status = @status, enabled = @enabled, attributes = @attributes,
          srp_salt = @srp_salt, srp_verifier = @srp_verifier, mfa = @mfa, failed_logins = @failed_logins,
          locked_until = @locked_until, tokens_valid_after = @tokens_valid_after, updated_at = @updated_at
         WHERE pool_id = @pool_id AND username = @username`,
      )
      .run(row);
  }
  deleteUser(poolId: string, username: string): void {
    this.db.prepare('DELETE FROM users WHERE pool_id = ? AND username = ?').run(poolId, username);
    this.db
      .prepare('UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ? AND username = ?')
      .run(poolId, username);
    this.db.prepare('DELETE FROM codes WHERE pool_id = ? AND username = ?').run(poolId, username);
  }

  // Tokens
  putRefreshToken(row: RefreshTokenRow): void {
    this.db
      .prepare(
        `INSERT INTO refresh_tokens (token_hash, pool_id, client_id, username, origin_jti, auth_time, issued_at, expires_at, revoked)
         VALUES (@token_hash, @pool_id, @client_id, @username, @origin_jti, @auth_time, @issued_at, @expires_at, @revoked)`,
      )
      .run(row);
  }
  getRefreshToken(hash: string): RefreshTokenRow | undefined {
    return this.db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(hash) as
      RefreshTokenRow | undefined;
  }
  revokeRefreshToken(hash: string, originJti: string, now: number): void {
    this.db.prepare('UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = ?').run(hash);
    this.db
      .prepare('INSERT OR IGNORE INTO revoked_origins (origin_jti, revoked_at) VALUES (?, ?)')
      .run(originJti, now);
  }
  revokeAllRefreshTokens(poolId: string, username: string): void {
    this.db
      .prepare('UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ? AND username = ?')
      .run(poolId, username);
  }
  isOriginRevoked(originJti: string): boolean {
    return this.db.prepare('SELECT 1 FROM revoked_origins WHERE origin_jti = ?').get(originJti) !== undefined;
  }

  // Auth sessions (single use)
  putSession(hash: string, poolId: string, clientId: string, state: string, expiresAt: number): void {
    this.db
      .prepare(
        'INSERT INTO auth_sessions (session_hash, pool_id, client_id, state, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(hash, poolId, clientId, state, expiresAt);
  }
  getSession(
    hash: string,
  ): { client_id: string; pool_id: string; state: string; expires_at: number } | undefined {
    return this.db.prepare('SELECT * FROM auth_sessions WHERE session_hash = ?').get(hash) as
      { client_id: string; pool_id: string; state: string; expires_at: number } | undefined;
  }
  updateSessionState(hash: string, state: string): void {
    this.db.prepare('UPDATE auth_sessions SET state = ? WHERE session_hash = ?').run(state, hash);
  }
  deleteSession(hash: string): boolean {
    return this.db.prepare('DELETE FROM auth_sessions WHERE session_hash = ?').run(hash).changes > 0;
  }
  purgeExpiredSessions(now: number): void {
    this.db.prepare('DELETE FROM auth_sessions WHERE expires_at < ?').run(now - 3600);
  }

  // One-time codes
  putCode(poolId: string, username: string, kind: string, code: string, expiresAt: number): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO codes (pool_id, username, kind, code, expires_at, attempts) VALUES (?, ?, ?, ?, ?, 0)',
      )
      .run(poolId, username, kind, code, expiresAt);
  }
  getCode(poolId: string, username: string, kind: string): CodeRow | undefined {
    return this.db
      .prepare('SELECT code, expires_at, attempts FROM codes WHERE pool_id = ? AND username = ? AND kind = ?')
      .get(poolId, username, kind) as CodeRow | undefined;
  }
  countCodeAttempt(poolId: string, username: string, kind: string): void {
    this.db
      .prepare('UPDATE codes SET attempts = attempts + 1 WHERE pool_id = ? AND username = ? AND kind = ?')
      .run(poolId, username, kind);
  }
  deleteCode(poolId: string, username: string, kind: string): void {
    this.db
      .prepare('DELETE FROM codes WHERE pool_id = ? AND username = ? AND kind = ?')
      .run(poolId, username, kind);
  }

  // Outbox
  addMessage(m: OutboxMessage): void {
    this.db
      .prepare('INSERT INTO outbox (recipient, kind, code, subject, body, sent_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(m.to, m.kind, m.code, m.subject, m.body, m.sentAt);
  }
  listMessages(to: string | undefined): OutboxMessage[] {
    const rows = (
      to === undefined
        ? this.db.prepare('SELECT * FROM outbox ORDER BY id').all()
        : this.db.prepare('SELECT * FROM outbox WHERE recipient = ? COLLATE NOCASE ORDER BY id').all(to)
    ) as { recipient: string; kind: string; code: string; subject: string; body: string; sent_at: string }[];
    return rows.map((r) => ({
      to: r.recipient,
      kind: r.kind,
      code: r.code,
      subject: r.subject,
      body: r.body,
      sentAt: r.sent_at,
    }));
  }

  // SSM parameters
  getParameter(name: string): ParameterRow | undefined {
    return this.db.prepare('SELECT * FROM parameters WHERE name = ?').get(name) as ParameterRow | undefined;
  }
  putParameter(row: ParameterRow): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO parameters (name, type, value, version, last_modified) VALUES (@name, @type, @value, @version, @last_modified)',
      )
      .run(row);
  }

  // STS temporary credentials
  putStsCredentials(row: StsCredentialsRow): void {
    this.db
      .prepare(
        `INSERT INTO sts_credentials (access_key_id, secret_access_key, token_hash, role_arn, session_name, source_arn, issued_at, expires_at)
         VALUES (@access_key_id, @secret_access_key, @token_hash, @role_arn, @session_name, @source_arn, @issued_at, @expires_at)`,
      )
      .run(row);
  }
  getStsCredentials(accessKeyId: string): StsCredentialsRow | undefined {
    return this.db.prepare('SELECT * FROM sts_credentials WHERE access_key_id = ?').get(accessKeyId) as
      StsCredentialsRow | undefined;
  }
}
