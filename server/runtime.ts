import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime as TemporalRuntime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { type DatabaseHandle, openDatabase } from '../db/client';
import { createApp } from './app';
import { createBackground } from './background';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import { createClaimExceptionLifecycle } from './lifecycles/claim-exceptions';
import { createClaimWindowLifecycle } from './lifecycles/claim-window';
import { createCreditLifecycle, roomIsTexting, startWaitingCredits } from './lifecycles/credit';
import { createDisclosureLifecycle } from './lifecycles/disclosures';
import { createSeriesYearLifecycle } from './lifecycles/series-year';
import { createSessionApprovalLifecycle } from './lifecycles/session-approval';
import { type Log, createLog, temporalLogLevel } from './log';
import { type Mailer, createMailer } from './mail';
import { createRateLimits } from './rate-limits';
import { createTexter, type Texter } from './texting';
import { connectTemporalClient, temporalAddress, temporalReachable, temporalTls } from './temporal';

/** What web and worker share: opened once per process, closed in reverse order. */
export interface Runtime {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  mailer: Mailer;
  texter: Texter;
  log: Log;
  temporal: Client;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, options: { migrate?: boolean } = {}): Promise<Runtime> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.ROUNDS_DATA_DIR });
  if (options.migrate) await database.migrate();
  const clock = systemClock;
  const mailer = createMailer({ config, db: database.db, clock });
  const log = createLog(config.LOG_LEVEL);
  const { client, connection } = await connectTemporalClient(config);
  return {
    config,
    database,
    clock,
    mailer,
    texter: createTexter({ db: database.db, clock, log, keepSecrets: config.NODE_ENV !== 'production' }),
    log,
    temporal: client,
    async close() {
      await connection.close();
      await database.close();
    },
  };
}

/**
 * Once per process that runs a worker, before it: the SDK logs at LOG_LEVEL, and shutdown is ours
 * to start (server/shutdown.ts), so the SDK does not listen for signals itself.
 */
export function installTemporalRuntime(config: Config, level: Config['LOG_LEVEL'] = config.LOG_LEVEL): void {
  TemporalRuntime.install({
    logger: new DefaultLogger(temporalLogLevel(level)),
    shutdownSignals: [],
  });
}

/**
 * Longer than the 60 s idle timeout of nginx's upstream keep-alive and AWS's load balancer; a
 * proxy that holds idle connections longer (Google's holds them 600 s) needs this raised to match.
 */
const KEEP_ALIVE_MS = 65_000;

/**
 * A proxy or client reuses an idle connection; if the server closes its end first (Node's
 * default is after 5 s) the two race and the next request dies with ECONNRESET. Holding idle
 * connections longer than the proxy in front leaves closing to the other side.
 */
export function holdIdleConnections(server: ReturnType<typeof serve>): void {
  if ('keepAliveTimeout' in server) {
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  }
}

export const WORKFLOWS_PATH = new URL('../workflows/index.ts', import.meta.url).pathname;

export async function createWorker(
  runtime: Runtime,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { config } = runtime;
  const tls = await temporalTls(config);
  const connection = await NativeConnection.connect({
    address: temporalAddress(config),
    ...(tls ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities({
      db: runtime.database.db,
      mailer: runtime.mailer,
      clock: runtime.clock,
      publicUrl: config.publicUrl,
      texter: runtime.texter,
    }),
    shutdownGraceTime: '10 seconds',
  });
  return { worker, connection };
}

function creditLifecycle(runtime: Runtime) {
  return createCreditLifecycle(
    runtime.temporal,
    runtime.config.TEMPORAL_TASK_QUEUE,
    runtime.database.db,
    () => runtime.clock.now(),
  );
}

/**
 * Beside the worker: starts the credit lifecycle of every newly recorded claim (the web server
 * only commits them), at most `perSecond` a second so a burst of claims reaches Temporal as a
 * steady stream, and not at all while a room is texting (roomIsTexting: at most a minute's wait),
 * so lifecycles do not compete with the room's texts; idle, it looks once a second.
 * Returns a stop function that waits for the batch under way.
 */
export function startCreditRelay(
  runtime: Runtime,
  options: { perSecond?: number; idleMs?: number } = {},
): () => Promise<void> {
  const lifecycle = creditLifecycle(runtime);
  const perSecond = options.perSecond ?? runtime.config.CREDIT_STARTS_PER_SECOND;
  const idleMs = options.idleMs ?? 1000;
  let stopping = false;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    while (!stopping) {
      const began = Date.now();
      let started = 0;
      try {
        if (await roomIsTexting(runtime.database.db, runtime.clock.now())) {
          await pause(idleMs);
          continue;
        }
        started = await startWaitingCredits(runtime.database.db, lifecycle, { batch: perSecond });
      } catch (error) {
        runtime.log.error('the credit relay failed; it tries again shortly', error);
      }
      if (stopping) break;
      await pause(started === 0 ? idleMs : Math.max(0, 1000 - (Date.now() - began)));
    }
  })();
  return async () => {
    stopping = true;
    (wake as (() => void) | null)?.();
    await loop;
  };
}

export function startWeb(runtime: Runtime): Promise<{ port: number; close(): Promise<void> }> {
  const { config } = runtime;
  const background = createBackground(runtime.log);
  const app = createApp({
    config,
    db: runtime.database.db,
    clock: runtime.clock,
    mailer: runtime.mailer,
    texter: runtime.texter,
    log: runtime.log,
    seriesYear: createSeriesYearLifecycle(runtime.temporal, config.TEMPORAL_TASK_QUEUE),
    sessionApproval: createSessionApprovalLifecycle(runtime.temporal, config.TEMPORAL_TASK_QUEUE, () =>
      runtime.clock.now(),
    ),
    disclosures: createDisclosureLifecycle(runtime.temporal, config.TEMPORAL_TASK_QUEUE),
    claimWindows: createClaimWindowLifecycle(runtime.temporal, config.TEMPORAL_TASK_QUEUE),
    credits: creditLifecycle(runtime),
    claimExceptions: createClaimExceptionLifecycle(runtime.temporal, config.TEMPORAL_TASK_QUEUE),
    rateLimits: createRateLimits(runtime.database.db),
    background,
    health: { db: () => runtime.database.ping(), temporal: () => temporalReachable(runtime.temporal) },
  });
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: config.PORT, hostname: config.HOST },
      (info: AddressInfo) => {
        resolve({
          port: info.port,
          close: async () => {
            await new Promise<void>((done) => {
              server.close(() => done());
              // Idle keep-alive sockets would otherwise hold the port open after Ctrl-C.
              if ('closeAllConnections' in server) server.closeAllConnections();
            });
            // Mails a request promised ("check your email") go out before the database closes.
            await background.idle();
          },
        });
      },
    );
    holdIdleConnections(server);
    server.once('error', reject);
  });
}
