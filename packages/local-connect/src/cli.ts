import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalConnectError } from './errors';
import { start } from './server';

const USAGE = 'usage: local-connect --config FILE [--port N] [--host H] [--data-dir DIR]';

/** In a config file, an action's `script` may be relative to the file; the server takes absolute paths. */
function resolveScripts(config: unknown, configFile: string): unknown {
  if (typeof config !== 'object' || config === null || !('actions' in config)) return config;
  const actions = config.actions;
  if (typeof actions !== 'object' || actions === null) return config;
  const resolved: Record<string, unknown> = {};
  for (const [name, action] of Object.entries(actions)) {
    const script: unknown =
      typeof action === 'object' && action !== null ? (action as { script?: unknown }).script : undefined;
    resolved[name] =
      typeof script === 'string'
        ? { ...(action as object), script: resolve(dirname(configFile), script) }
        : action;
  }
  return { ...config, actions: resolved };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.config) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port: ${values.port}`);
  const config = resolveScripts(JSON.parse(readFileSync(values.config, 'utf8')), values.config);
  const server = await start({
    port,
    host: values.host,
    dataDir: values['data-dir'],
    config: config as Parameters<typeof start>[0]['config'],
  });
  console.log(server.url);
  const shutdown = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  const code = err instanceof LocalConnectError ? ` (${err.code})` : '';
  console.error(`local-connect failed to start${code}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
