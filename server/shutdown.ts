/**
 * How a Rounds process learns it should stop: SIGINT (Ctrl-C), SIGTERM (a process manager),
 * SIGHUP (a closed terminal), or its parent disappearing. The last matters because `npm run`
 * starts scripts under `sh -c`, and a signal sent to npm alone never reaches the program.
 */
export function onShutdown(stop: () => unknown): void {
  let stopping = false;
  const once = () => {
    if (stopping) return;
    stopping = true;
    void stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, once);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) once();
  }, 500).unref();
}
