import { runCli } from '@cognito-passkeys/emulator-kit';
import { loadConfigFile } from './config';
import { start } from './server';

/** `local-aws [--config FILE] [--port N] [--host H] [--data-dir DIR]`: prints the kit's banner once it listens. */
await runCli({
  name: 'local-aws',
  configRequired: false,
  argv: process.argv.slice(2),
  start: (args) =>
    start({
      port: args.port,
      host: args.host,
      ...(args.dataDir !== undefined ? { dataDir: args.dataDir } : {}),
      config: args.configFile === undefined ? {} : loadConfigFile(args.configFile),
    }),
});
