// local-aws and local-connect as child processes, started with their own CLIs (under tsx's loader, in one
// Node process each, so that a SIGKILL reaches the server itself) on a data dir and fixed ports, so a
// restart after `kill -9` comes back on the same state and the same URLs.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT, freePort } from '../../scripts/local-stack';

const CLIS = {
  'local-aws': join(REPO_ROOT, 'packages', 'local-aws', 'src', 'cli.ts'),
  'local-connect': join(REPO_ROOT, 'packages', 'local-connect', 'src', 'cli.ts'),
} as const;

export type ServerName = keyof typeof CLIS;

export { freePort };

export interface ChildServerOptions {
  name: ServerName;
  port: number;
  dataDir: string;
  /** The config, written to `<dataDir>/<name>.json` and passed with `--config`. */
  config: unknown;
  /** Extra environment (the trigger handlers' for local-aws). */
  env?: Record<string, string>;
  /** How long to wait for the server to print its URL. @default 60 s */
  startTimeoutMs?: number;
}

export class ChildServer {
  private child: ChildProcess | undefined;
  readonly url: string;
  /** Everything the process wrote, for a failure message. */
  output = '';

  constructor(private readonly options: ChildServerOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  /** Starts the CLI and resolves once it prints its URL; rejects if it exits or stays silent. */
  async start(): Promise<void> {
    const { name, port, dataDir, config, env = {} } = this.options;
    const configFile = join(dataDir, `${name}.json`);
    writeFileSync(configFile, JSON.stringify(config));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CLIS[name],
        '--port',
        String(port),
        '--data-dir',
        join(dataDir, name),
        '--config',
        configFile,
      ],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${name} did not start: ${this.output.slice(-500)}`));
      }, this.options.startTimeoutMs ?? 60_000);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        if (this.output.includes(this.url)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code}: ${this.output.slice(-500)}`));
      });
    });
  }

  /** `kill -9`: no shutdown hook runs, nothing is flushed or closed. Resolves once the process is gone. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** An orderly stop (SIGTERM: the CLI closes its server and database). */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }
}
