import { parseArgs } from 'node:util';
import { loadConfigFile } from './config';
import { start } from './server';

/** `local-aws --port N --data-dir DIR --config FILE [--host H]`: prints its URL once it listens. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
  const config = values.config === undefined ? {} : loadConfigFile(values.config);
  const server = await start({
    port,
    host: values.host,
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    config,
  });
  console.log(`local-aws listening on ${server.url}`);
  const shutdown = (): void => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(`local-aws: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
