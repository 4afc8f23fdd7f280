import { Worker } from 'node:worker_threads';

// A function with its own `environment` runs in worker threads of its own, as Lambda runs it in execution
// environments of its own: each worker's process.env is exactly the function's environment plus what
// Lambda's runtime sets, the module is imported once per worker (a cold start) and stays warm, one worker
// serves one invocation at a time (concurrent invocations get more workers, as Lambda scales out), and a
// timed-out or crashed worker is ended (the next call starts cold).

const WORKER_URL = new URL('./lambda-worker.mjs', import.meta.url);

/** Most environments one function keeps at once; more invocations wait for a free one. */
export const MAX_ENVIRONMENTS_PER_FUNCTION = 8;

/** Lambda's limit on an on-demand function's init phase (loading the handler module), outside its timeout. */
export const INIT_LIMIT_MS = 10_000;
/** Heap limit of one environment: a runaway handler dies alone. */
const WORKER_HEAP_MB = 256;

export type IsolatedFailure = 'threw' | 'load-failed' | 'timeout';

export class IsolatedInvokeError extends Error {
  constructor(readonly reason: IsolatedFailure) {
    super(`isolated invocation failed: ${reason}`);
    this.name = 'IsolatedInvokeError';
  }
}

type Message =
  | { type: 'ready' }
  | { type: 'load-failed'; reason: string }
  | { type: 'returned'; id: number; result: unknown }
  | { type: 'threw'; id: number; error: string };

class Environment {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  private current:
    { id: number; resolve(v: unknown): void; reject(e: IsolatedInvokeError): void } | undefined;
  dead = false;
  private readonly onDeath: () => void;

  constructor(specifier: string, exportName: string, env: Record<string, string>, onDeath: () => void) {
    this.onDeath = onDeath;
    this.worker = new Worker(WORKER_URL, {
      workerData: { specifier, exportName },
      env: { ...env },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      // Before `ready`, a crash is a failed cold start; after it, a failed invocation.
      let started = false;
      const die = (reason: IsolatedFailure) => {
        if (this.dead) return;
        this.dead = true;
        reject(new IsolatedInvokeError(reason));
        this.current?.reject(new IsolatedInvokeError(reason === 'load-failed' ? 'load-failed' : 'threw'));
        this.current = undefined;
        onDeath();
      };
      this.worker.on('message', (message: Message) => {
        if (message.type === 'ready') {
          started = true;
          resolve();
        } else if (message.type === 'load-failed') {
          die('load-failed');
          void this.worker.terminate();
        } else {
          const call = this.current;
          if (call?.id !== message.id) return;
          this.current = undefined;
          if (message.type === 'returned') call.resolve(message.result);
          else call.reject(new IsolatedInvokeError('threw'));
        }
      });
      this.worker.on('error', () => die(started ? 'threw' : 'load-failed'));
      this.worker.on('exit', () => die(started ? 'threw' : 'load-failed'));
    });
    this.ready.catch(() => undefined);
  }

  run(id: number, event: unknown, context: Record<string, unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.current = { id, resolve, reject };
      this.worker.postMessage({ id, event, context });
    });
  }

  /** Ends the environment (after a timeout, as Lambda does); the next invocation starts cold. */
  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.current = undefined;
    void this.worker.terminate();
    this.onDeath();
  }
}

/** The execution environments of one function. */
export class IsolatedFunction {
  private readonly idle: Environment[] = [];
  private readonly waiting: (() => void)[] = [];
  private count = 0;
  private nextId = 1;

  constructor(
    private readonly specifier: string,
    private readonly exportName: string,
    private readonly env: () => Record<string, string>,
  ) {}

  /**
   * Runs one invocation; rejects with `IsolatedInvokeError`. As on Lambda, a cold start's init phase is not
   * part of the function's timeout: the handler module gets up to `INIT_LIMIT_MS` to load, and
   * `timeoutMs` counts from when the invocation reaches a ready environment.
   */
  async invoke(event: unknown, context: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    let environment: Environment | undefined;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    let expire: (() => void) | undefined;
    const timeout = new Promise<never>((_, reject) => {
      expire = () => {
        timedOut = true;
        environment?.kill();
        reject(new IsolatedInvokeError('timeout'));
      };
    });
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => expire?.(), ms);
    };
    const run = async (): Promise<unknown> => {
      arm(INIT_LIMIT_MS);
      const acquired = await this.acquire();
      // Acquired after the deadline: hand it back unused.
      if (timedOut) {
        this.release(acquired);
        return undefined;
      }
      environment = acquired;
      await acquired.ready;
      if (timedOut) return undefined;
      arm(timeoutMs);
      return acquired.run(this.nextId++, event, { ...context, deadline: Date.now() + timeoutMs });
    };
    try {
      return await Promise.race([timeout, run()]);
    } finally {
      clearTimeout(timer);
      if (environment) this.release(environment);
    }
  }

  async close(): Promise<void> {
    const all = this.idle.splice(0);
    await Promise.all(all.map((e) => e.worker.terminate()));
  }

  private async acquire(): Promise<Environment> {
    for (;;) {
      const idle = this.idle.pop();
      if (idle && !idle.dead) return idle;
      if (idle) continue;
      if (this.count < MAX_ENVIRONMENTS_PER_FUNCTION) {
        this.count++;
        const environment = new Environment(this.specifier, this.exportName, this.env(), () => {
          this.count--;
          this.waiting.shift()?.();
        });
        return environment;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(environment: Environment): void {
    if (environment.dead) return;
    this.idle.push(environment);
    this.waiting.shift()?.();
  }
}
