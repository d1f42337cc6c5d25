/** `npm run web`: the Hono server alone, against DATABASE_URL and TEMPORAL_ADDRESS (production). */
import { ConfigError, loadConfig } from './config';
import { openRuntime, startWeb } from './runtime';
import { onShutdown } from './shutdown';

try {
  const config = loadConfig();
  const runtime = await openRuntime(config);
  const web = await startWeb(runtime);
  runtime.log.info(`web listening on http://${config.HOST}:${web.port}`);
  onShutdown(async () => {
    await web.close();
    await runtime.close();
    process.exit(0);
  });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
