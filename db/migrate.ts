/** `npm run migrate`: applies committed migrations to DATABASE_URL (or the embedded database). */
import { ConfigError, loadConfig } from '../server/config';
import { openDatabase } from './client';

try {
  const config = loadConfig();
  const handle = await openDatabase({ url: config.DATABASE_URL, dataDir: config.ROUNDS_DATA_DIR });
  await handle.migrate();
  await handle.close();
  console.log(`Migrations applied (${handle.kind}).`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
