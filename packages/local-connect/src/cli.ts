import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runCli } from '@cognito-passkeys/emulator-kit';
import { start, type StartOptions } from './server';

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

/** The config file as JSON, action scripts resolved; its shape is checked by `start`. */
function readConfigFile(file: string): unknown {
  return resolveScripts(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** `local-connect --config FILE [--port N] [--host H] [--data-dir DIR]`: prints the kit's banner once it listens. */
await runCli({
  name: 'local-connect',
  configRequired: true,
  argv: process.argv.slice(2),
  start: (args) =>
    start({
      port: args.port,
      host: args.host,
      dataDir: args.dataDir,
      config: readConfigFile(args.configFile!) as StartOptions['config'],
    }),
});
