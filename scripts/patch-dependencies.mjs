/**
 * `npm install`'s postinstall: mends a dependency where a fix is known but not yet released.
 * Plain JavaScript, so it runs before anything else is set up; safe to run again.
 *
 * postgres 3.4.9: a write queued just before PostgreSQL closes the connection runs after the
 * socket is gone and throws from setImmediate, killing the process (porsager/postgres#1154,
 * #1208; fixes in pull requests #1168, #1209). Rounds' fault test stops PostgreSQL under a burst
 * of texts and met it. The guard settles the write as a closed connection, which every caller
 * already handles (the SMS webhook answers 503 and Twilio retries).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const original = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`;
const guarded = `  function nextWrite(fn) {
    if (!socket) { // patched by Rounds (scripts/patch-dependencies.mjs): porsager/postgres#1154
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
    const x = socket.write(chunk, fn)`;

for (const flavour of ['src', 'cjs/src', 'cf/src']) {
  const file = join(root, 'node_modules', 'postgres', flavour, 'connection.js');
  let source;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    continue; // not installed in this flavour
  }
  if (source.includes(guarded)) continue;
  if (!source.includes(original)) {
    console.warn(`patch-dependencies: ${file} has changed; the postgres nextWrite guard was not applied`);
    continue;
  }
  writeFileSync(file, source.replace(original, guarded));
}
