import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ActionConfig } from './config';
import type { Logger } from './context';
import type { ActionFailureCode } from './error-codes';
import { ActionError } from './errors';

// Corbado stores an action as an ES module with `handler(event)` and runs it itself (cognito.mdx §5.4,
// §6.3). Here each action runs in worker threads of its own: its own `process.env` (exactly the configured
// environment), its own module scope kept warm between calls, a timeout per call, and a fresh worker
// after a timeout or a crash.

const WORKER_URL = new URL('./action-worker.mjs', import.meta.url);

/** How many calls of one action may run at once; more wait for a free worker (within their timeout). */
export const MAX_WORKERS_PER_ACTION = 4;
/**
 * How long a call may wait for a free worker and for the script to load before its handler starts, as
 * Lambda bounds a cold start's init phase apart from the handler's timeout.
 */
export const INIT_TIMEOUT_MS = 10_000;
/** Heap limit of one worker: a runaway script dies alone instead of taking the server with it. */
const WORKER_HEAP_MB = 128;

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'load-failed'; reason: string }
  | { type: 'returned'; id: number; result: unknown }
  | { type: 'threw'; id: number; error: string }
  | { type: 'unclonable'; id: number };

interface Call {
  id: number;
  resolve(result: unknown): void;
  reject(err: ActionError): void;
}

/** One warm worker: at most one call at a time, as one Lambda container serves one invocation. */
class Slot {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  current: Call | undefined;
  dead = false;
  private readonly onDeath: (slot: Slot) => void;

  constructor(scriptUrl: string, env: Record<string, string>, onDeath: (slot: Slot) => void) {
    this.onDeath = onDeath;
    this.worker = new Worker(WORKER_URL, {
      workerData: { scriptUrl },
      // Exactly the configured environment: the worker's process.env is this object and nothing else.
      env: { ...env },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      const die = (code: ActionFailureCode, what: string) => {
        if (this.dead) return;
        this.dead = true;
        const failure = new ActionError(code, what);
        reject(failure);
        this.current?.reject(failure);
        this.current = undefined;
        onDeath(this);
      };
      this.worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            resolve();
            return;
          case 'load-failed':
            die('action_failed', `the action script could not be loaded (${message.reason})`);
            void this.worker.terminate();
            return;
          default:
            this.settle(message);
        }
      });
      // An uncaught error outside handler() (a stray timer, an unhandled rejection) or process.exit().
      this.worker.on('error', () => die('action_failed', 'the action crashed'));
      this.worker.on('exit', () => die('action_failed', 'the action exited'));
    });
    // A load failure is reported to whoever waits on `ready`; this keeps it from being unhandled.
    this.ready.catch(() => undefined);
  }

  private settle(message: Exclude<WorkerMessage, { type: 'ready' } | { type: 'load-failed' }>): void {
    const call = this.current;
    if (!call || call.id !== message.id) return;
    this.current = undefined;
    if (message.type === 'returned') call.resolve(message.result);
    else if (message.type === 'threw')
      call.reject(new ActionError('action_failed', `the action threw ${message.error}`));
    else
      call.reject(
        new ActionError('action_bad_response', 'the action returned a value that cannot be cloned'),
      );
  }

  /** Ends the worker; a call still running fails with `code`. */
  kill(code: ActionFailureCode, what: string): void {
    if (this.dead) return;
    this.dead = true;
    this.current?.reject(new ActionError(code, what));
    this.current = undefined;
    void this.worker.terminate();
    this.onDeath(this);
  }
}

/** What a runner is told about one action. */
export interface ActionRunnerOptions extends ActionConfig {
  /** The action's name in log lines (`pre-login`, `post-append`). */
  name: string;
  log: Logger;
  /** @default MAX_WORKERS_PER_ACTION */
  maxWorkers?: number;
}

/**
 * Runs one action script the way Corbado does. `invoke(event)` resolves with whatever `handler(event)`
 * returned (the caller parses it with the contract's schema) or rejects with an `ActionError`:
 * `action_timeout`, `action_failed` (threw, crashed, exited, would not load) or `action_bad_response`.
 */
export class ActionRunner {
  private readonly scriptUrl: string;
  private readonly idle: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private workers = 0;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ActionRunnerOptions) {
    this.scriptUrl = pathToFileURL(options.script).href;
  }

  /** Starts one worker and waits until the script is loaded: a script that cannot load fails here. */
  async warm(): Promise<void> {
    const slot = this.spawn();
    await slot.ready;
    this.release(slot);
  }

  async invoke(event: unknown): Promise<unknown> {
    const started = performance.now();
    try {
      return await this.run(event);
    } catch (err) {
      const failure =
        err instanceof ActionError ? err : new ActionError('action_failed', 'the action could not be run');
      // One line, no stack and no message from the script: only the action, the code and the time taken.
      this.options.log({
        level: 'warn',
        event: 'action_failed',
        action: this.options.name,
        code: failure.code,
        durationMs: Math.round(performance.now() - started),
      });
      throw failure;
    }
  }

  /** Terminates every worker; calls still running fail with `action_failed`. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.idle.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private run(event: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new ActionError('action_failed', 'the server is stopping'));
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      let slot: Slot | undefined;
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        fn();
      };
      const onTimeout = () => {
        finish(() => {
          if (slot) {
            // The handler (or the script's loading) may never end: stop its worker; the next call gets a fresh one.
            slot.kill('action_timeout', 'the action timed out');
          } else {
            this.forget(onSlot);
          }
          reject(new ActionError('action_timeout', 'the action timed out'));
        });
      };
      // Until the handler starts: waiting for a worker and loading the script. Then: the handler's timeout.
      let timer = setTimeout(onTimeout, INIT_TIMEOUT_MS);
      const onSlot = (acquired: Slot) => {
        if (done) {
          this.release(acquired);
          return;
        }
        slot = acquired;
        acquired.current = {
          id,
          resolve: (result) =>
            finish(() => {
              this.release(acquired);
              resolve(result);
            }),
          reject: (err) => finish(() => reject(err)),
        };
        acquired.ready.then(
          () => {
            if (acquired.current?.id !== id) return;
            try {
              clearTimeout(timer);
              timer = setTimeout(onTimeout, this.options.timeoutMs);
              acquired.worker.postMessage({ id, event });
            } catch {
              acquired.current = undefined;
              finish(() => {
                this.release(acquired);
                reject(new ActionError('action_failed', 'the event could not be sent to the action'));
              });
            }
          },
          () => undefined, // the slot's death already rejected the call
        );
      };
      this.acquire(onSlot);
    });
  }

  private acquire(onSlot: (slot: Slot) => void): void {
    const slot = this.idle.pop();
    if (slot) onSlot(slot);
    else if (this.workers < (this.options.maxWorkers ?? MAX_WORKERS_PER_ACTION)) onSlot(this.spawn());
    else this.waiting.push(onSlot);
  }

  private forget(onSlot: (slot: Slot) => void): void {
    const at = this.waiting.indexOf(onSlot);
    if (at >= 0) this.waiting.splice(at, 1);
  }

  private release(slot: Slot): void {
    if (slot.dead) return;
    if (this.closed) {
      void slot.worker.terminate();
      return;
    }
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }

  private spawn(): Slot {
    this.workers++;
    return new Slot(this.scriptUrl, this.options.env, (dead) => this.onDeath(dead));
  }

  private onDeath(slot: Slot): void {
    this.workers--;
    const at = this.idle.indexOf(slot);
    if (at >= 0) this.idle.splice(at, 1);
    // A caller waiting for a worker gets a fresh one in place of the dead.
    const next = this.waiting.shift();
    if (next && !this.closed) next(this.spawn());
  }
}
