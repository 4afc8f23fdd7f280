// The inside of one action worker: loads the action script once (its module scope stays warm between
// calls, as in a Lambda container) and runs `handler(event)` for each call the parent posts. Plain
// JavaScript, so Node runs it in a worker without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ scriptUrl: string }} */
const { scriptUrl } = workerData;

/** The error's class name only: a message or stack could carry secrets from the script's environment. */
function errorName(err) {
  return err instanceof Error ? err.name : typeof err;
}

let handler;
try {
  const mod = await import(scriptUrl);
  handler = mod.handler;
  if (typeof handler !== 'function') {
    parentPort.postMessage({ type: 'load-failed', reason: 'no_handler' });
  } else {
    parentPort.postMessage({ type: 'ready' });
  }
} catch (err) {
  parentPort.postMessage({ type: 'load-failed', reason: errorName(err) });
}

if (typeof handler === 'function') {
  parentPort.on('message', async ({ id, event }) => {
    let result;
    try {
      result = await handler(event);
    } catch (err) {
      parentPort.postMessage({ type: 'threw', id, error: errorName(err) });
      return;
    }
    try {
      parentPort.postMessage({ type: 'returned', id, result });
    } catch {
      // A result that cannot be cloned (a function, a class instance with private state) is off-contract.
      parentPort.postMessage({ type: 'unclonable', id });
    }
  });
}
