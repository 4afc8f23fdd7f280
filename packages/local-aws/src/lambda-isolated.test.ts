import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { IsolatedFunction, IsolatedInvokeError } from './lambda-isolated';

const dir = mkdtempSync(join(tmpdir(), 'local-aws-isolated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A handler module whose import takes `initMs` and whose handler takes `runMs`. */
function handlerModule(name: string, initMs: number, runMs: number): string {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(
    file,
    `await new Promise((r) => setTimeout(r, ${initMs}));\n` +
      `export const handler = async (event) => { await new Promise((r) => setTimeout(r, ${runMs})); return { ...event, done: true }; };\n`,
  );
  return pathToFileURL(file).href;
}

describe("an isolated function's timeout", () => {
  it('does not count the cold start (the init phase), as on Lambda', async () => {
    const fn = new IsolatedFunction(handlerModule('slow-init', 600, 0), 'handler', () => ({}));
    try {
      await expect(fn.invoke({ n: 1 }, {}, 200)).resolves.toEqual({ n: 1, done: true });
    } finally {
      await fn.close();
    }
  });

  it('ends an invocation that runs past it', async () => {
    const fn = new IsolatedFunction(handlerModule('slow-run', 0, 600), 'handler', () => ({}));
    try {
      const error: unknown = await fn.invoke({}, {}, 200).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IsolatedInvokeError);
      expect((error as IsolatedInvokeError).reason).toBe('timeout');
    } finally {
      await fn.close();
    }
  });
});
