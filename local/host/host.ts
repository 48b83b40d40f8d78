import './core-api';
import { createServer } from 'node:http';
import { QueueServiceClient } from '@azure/storage-queue';
import { loadFunctionApp, FunctionAppError, type FunctionApp, type QueueFunction } from './function-app';
import type { HostSettings } from './host-json';
import { createHttpTriggerListener, isMasterKey, type HostKeys } from './http-trigger';
import { createInvoker } from './invoke';
import { listen } from './listen';
import type { HostLogger } from './logger';
import { createQueueTrigger, type QueueTrigger } from './queue-trigger';
import { createTimerTrigger, type TimerTrigger } from './timer-trigger';

export interface LocalHostOptions {
  /** The app's entry modules, loaded in order (see functionModulesIn). */
  modules: readonly string[];
  settings: HostSettings;
  keys: HostKeys;
  /** App settings: connection strings and `%NAME%` references are resolved from here. */
  appSettings: Readonly<Record<string, string | undefined>>;
  hostname?: string;
  /** 0 picks a free port. */
  port: number;
  /** Where the host's own lines go (failed invocations, retries, poison); the app's logger, typically. */
  logger: HostLogger;
}

export interface RunningHost {
  url: string;
  port: number;
  app: FunctionApp;
  /** Stops taking work and waits up to `graceMs` for running work; unfinished messages return to their queue. */
  stop(graceMs?: number): Promise<void>;
}

function queueServiceFor(
  fn: QueueFunction,
  appSettings: LocalHostOptions['appSettings'],
): QueueServiceClient {
  // The host's lookup: the setting named by `connection`, then the same name prefixed with AzureWebJobs.
  const connectionString = appSettings[fn.connection] ?? appSettings[`AzureWebJobs${fn.connection}`];
  if (!connectionString) {
    throw new FunctionAppError(`Function "${fn.name}": connection setting "${fn.connection}" is not set`);
  }
  return QueueServiceClient.fromConnectionString(connectionString);
}

/**
 * A local Azure Functions host: serves the functions that the app's modules register with
 * `@azure/functions` over HTTP, from Storage queues and on timers, honouring host.json.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<RunningHost> {
  const { logger } = options;
  const hostname = options.hostname ?? '127.0.0.1';
  const app = loadFunctionApp(options.modules, options.appSettings);
  const invoker = createInvoker(app.hooks, logger);

  const hookContext = { hookData: {}, appHookData: {}, functionAppDirectory: process.cwd() };
  for (const hook of app.hooks.appStart) await hook(hookContext);

  const httpFunctions = app.functions.filter((fn) => fn.kind === 'http');
  const listener = createHttpTriggerListener({
    functions: httpFunctions,
    routePrefix: options.settings.routePrefix,
    keys: options.keys,
    invoker,
    logger,
  });
  const timerByName = new Map<string, TimerTrigger>();
  const server = createServer((req, res) => {
    // Azure's "run a non-HTTP-triggered function": POST /admin/functions/{name} with the master key.
    const admin = /^\/admin\/functions\/([^/?]+)/i.exec(req.url ?? '');
    if (admin && req.method === 'POST') {
      const timer = timerByName.get(decodeURIComponent(admin[1] ?? '').toLowerCase());
      const key = req.headers['x-functions-key'];
      const status = !isMasterKey(Array.isArray(key) ? key[0] : key, options.keys) ? 401 : timer ? 202 : 404;
      if (status === 202) timer?.runNow();
      req.resume();
      res.writeHead(status).end();
      return;
    }
    listener(req, res).catch((err: unknown) => {
      logger.error('HTTP request failed in the host', { error: err });
      res.destroy();
    });
  });

  const queueTriggers: QueueTrigger[] = app.functions
    .filter((fn) => fn.kind === 'queue')
    .map((fn) => {
      const service = queueServiceFor(fn, options.appSettings);
      return createQueueTrigger({
        fn,
        queue: service.getQueueClient(fn.queueName),
        poisonQueue: service.getQueueClient(`${fn.queueName}-poison`),
        settings: options.settings.queues,
        invoker,
        logger,
      });
    });
  const timerTriggers: TimerTrigger[] = app.functions
    .filter((fn) => fn.kind === 'timer')
    .map((fn) => {
      const trigger = createTimerTrigger({ fn, invoker, logger });
      timerByName.set(fn.name.toLowerCase(), trigger);
      return trigger;
    });

  const address = await listen(server, options.port, hostname);
  for (const trigger of queueTriggers) trigger.start();
  for (const trigger of timerTriggers) trigger.start();

  let stopping: Promise<void> | undefined;
  async function stop(graceMs = 1500): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.all([
      ...queueTriggers.map((trigger) => trigger.stop(graceMs)),
      ...timerTriggers.map((trigger) => trigger.stop(graceMs)),
      Promise.race([closed, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]),
    ]);
    server.closeAllConnections();
    await closed;
    for (const hook of app.hooks.appTerminate) await hook(hookContext);
  }

  return {
    url: `http://${hostname}:${address.port}`,
    port: address.port,
    app,
    stop: (graceMs) => (stopping ??= stop(graceMs)),
  };
}
