import type { Log } from './log';

/**
 * Work a request starts but does not wait for. Signed-out forms (forgot password, sign-up) answer
 * before they know whether the email has an account, so the answer and its timing are the same
 * either way; the lookup and the mail happen here. A failure is logged: the person was already
 * told to check their email.
 */
export interface Background {
  run(name: string, work: () => Promise<unknown>): void;
  /** Resolves when everything started so far has finished (shutdown drains it; tests await it). */
  idle(): Promise<void>;
}

export function createBackground(log: Log): Background {
  const running = new Set<Promise<void>>();
  return {
    run(name, work) {
      const task: Promise<void> = (async () => {
        // Begins after the answer is on its way, so the request's timing carries none of it.
        await new Promise((resolve) => setImmediate(resolve));
        try {
          await work();
        } catch (error) {
          log.error(`${name} failed`, error);
        }
      })().finally(() => running.delete(task));
      running.add(task);
    },
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
