// The inside of one function's worker, standing for one Lambda execution environment: its process.env is
// exactly what the parent gave it, the handler module is imported once (a cold start) and serves one
// invocation at a time. Plain JavaScript, so Node runs it in a worker; a TypeScript handler module is
// loaded through tsx's loader when tsx is installed.
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ specifier: string; exportName: string }} */
const { specifier, exportName } = workerData;

/** The error's class name only: a message or stack could carry secrets from the environment. */
function errorName(err) {
  return err instanceof Error ? err.name : typeof err;
}

let handler;
try {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    // No TypeScript loader: the handler module must be JavaScript.
  }
  const mod = await import(specifier);
  handler = mod[exportName];
  if (typeof handler !== 'function') parentPort.postMessage({ type: 'load-failed', reason: 'no_handler' });
  else parentPort.postMessage({ type: 'ready' });
} catch (err) {
  parentPort.postMessage({ type: 'load-failed', reason: errorName(err) });
}

if (typeof handler === 'function') {
  parentPort.on('message', ({ id, event, context }) => {
    const deadline = context.deadline;
    let settled = false;
    const answer = (message) => {
      if (settled) return;
      settled = true;
      try {
        parentPort.postMessage(message);
      } catch {
        parentPort.postMessage({ type: 'threw', id, error: 'DataCloneError' });
      }
    };
    const succeed = (result) => answer({ type: 'returned', id, result });
    const fail = (err) => answer({ type: 'threw', id, error: errorName(err) });
    const callback = (err, value) => (err ? fail(err) : succeed(value));
    const lambdaContext = {
      ...context,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: callback,
      fail,
      succeed,
    };
    try {
      const returned = handler(event, lambdaContext, callback);
      if (returned !== undefined) Promise.resolve(returned).then(succeed, fail);
    } catch (err) {
      fail(err);
    }
  });
}
