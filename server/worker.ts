/** `npm run worker`: the Temporal worker alone, against DATABASE_URL and TEMPORAL_ADDRESS (production). */
import { ConfigError, loadConfig } from './config';
import { createWorker, openRuntime } from './runtime';

try {
  const config = loadConfig();
  const runtime = await openRuntime(config);
  const { worker, connection } = await createWorker(runtime);
  // Worker.run installs its own SIGINT/SIGTERM handling and drains in-flight tasks.
  await worker.run();
  await connection.close();
  await runtime.close();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
