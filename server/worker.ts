/** `npm run worker`: the Temporal worker alone, against DATABASE_URL and TEMPORAL_ADDRESS (production). */
import { ConfigError, loadConfig } from './config';
import { createWorker, installTemporalRuntime, openRuntime, startCreditRelay } from './runtime';
import { onShutdown } from './shutdown';

try {
  const config = loadConfig();
  installTemporalRuntime(config);
  const runtime = await openRuntime(config);
  const { worker, connection } = await createWorker(runtime);
  const stopRelay = startCreditRelay(runtime);
  onShutdown(() => worker.shutdown());
  // Resolves once in-flight tasks have drained.
  await worker.run();
  await stopRelay();
  await connection.close();
  await runtime.close();
  process.exit(0);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
