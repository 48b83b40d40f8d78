/**
 * `npm start`: the roomsync sandbox. Starts Azurite in memory (unless AzureWebJobsStorage points at a
 * storage account already), the emulators, then the local Functions host with roomsync's functions,
 * registers the demo rooms, writes `.sandbox/endpoints.json` for scripts, and stops everything on Ctrl-C.
 */
import '../host/core-api';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../shared/config';
import { createLogger } from '../../shared/telemetry/logger';
import { startAzurite, type RunningAzurite } from '../host/azurite';
import { freePort } from '../host/free-port';
import { functionModulesIn } from '../host/function-app';
import { startLocalHost, type RunningHost } from '../host/host';
import { readHostJson } from '../host/host-json';
import { bannerLines } from './banner';
import { checkSettings } from './check-settings';
import { registerDemoRooms } from './demo';
import { DEMO_PEOPLE, DEMO_ROOMS, startSandboxEmulators, type SandboxEmulators } from './emulators';
import { writeEndpoints } from './endpoints';
import { listeningOn, PortTakenError } from './ports';
import { applyLocalSettingsFile } from './settings';

const ROOT = path.resolve(__dirname, '..', '..');
const SHUTDOWN_BUDGET_MS = 1800;

async function main(): Promise<void> {
  const env = process.env;
  applyLocalSettingsFile(path.join(ROOT, 'local.settings.json'), env);
  const usesAzurite =
    !env.AzureWebJobsStorage?.trim() &&
    !env.AzureWebJobsStorage__accountName?.trim() &&
    !env.AzureWebJobsStorage__queueServiceUri?.trim();
  const sandbox = checkSettings(env, usesAzurite);
  const logger = createLogger({
    format: sandbox.logFormat,
    level: env.ROOMSYNC_LOG_LEVEL === 'debug' ? 'debug' : 'info',
  });

  // What is running so far, for shutdown: a signal can arrive at any point of start-up.
  const running: {
    azurite?: RunningAzurite;
    emulators?: SandboxEmulators;
    host?: RunningHost;
    endpointsFile?: string;
  } = {};

  let shuttingDown = false;
  async function shutdown(signal: string): Promise<void> {
    // One Ctrl-C delivers SIGINT twice: from the terminal to the whole process group, and relayed by npm.
    // Shutdown is bounded by its own budget, so a repeated signal needs no "force" path.
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info('Stopping the sandbox', { signal });
    setTimeout(() => {
      process.stderr.write(`The sandbox did not stop within ${SHUTDOWN_BUDGET_MS} ms; exiting.\n`);
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS).unref();
    if (running.endpointsFile) rmSync(running.endpointsFile, { force: true });
    await running.host?.stop(SHUTDOWN_BUDGET_MS - 600);
    await Promise.all([running.azurite?.stop(), running.emulators?.stop()]);
    logger.info('Sandbox stopped');
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let azurite: RunningAzurite | undefined;
  if (usesAzurite) {
    azurite = running.azurite = await startAzurite();
    env.AzureWebJobsStorage = azurite.connectionString;
  }
  const emulators = (running.emulators = await startSandboxEmulators(env, {
    graph: sandbox.graphPort,
    workplace: sandbox.workplacePort,
  }));
  // The functions read their public URL when they load, so a host on "any free port" picks it first.
  const hostPort = sandbox.hostPort === 0 ? await freePort() : sandbox.hostPort;
  env.ROOMSYNC_PUBLIC_URL ||= `http://127.0.0.1:${String(hostPort)}`;
  const host = (running.host = await listeningOn('ROOMSYNC_HOST_PORT', sandbox.hostPort, () =>
    startLocalHost({
      modules: functionModulesIn(path.join(ROOT, 'functions')),
      settings: readHostJson(path.join(ROOT, 'host.json')),
      keys: { functionKey: sandbox.functionKey, masterKey: sandbox.masterKey },
      appSettings: env,
      port: hostPort,
      logger,
    }),
  ));
  emulators.workplace?.addWebhook({
    url: `${host.url}/api/workplace/webhook`,
    secret: emulators.webhookSecret,
  });
  // With both emulators, the demo rooms are registered for sync as an administrator would register them.
  const demo = emulators.graph !== undefined && emulators.workplace !== undefined;
  if (demo) {
    const problems = await registerDemoRooms(host.url, sandbox.functionKey);
    for (const problem of problems) logger.warn('A demo room could not be registered', { problem });
  }
  const endpointsFile = (running.endpointsFile = writeEndpoints(path.resolve(ROOT, sandbox.sandboxDir), {
    host: host.url,
    functionKey: sandbox.functionKey,
    storage: env.AzureWebJobsStorage ?? '',
    ...(emulators.graph ? { graph: emulators.graph.url } : {}),
    ...(emulators.workplace
      ? { workplace: emulators.workplace.url, workplaceToken: emulators.workplaceApiKey }
      : {}),
    rooms:
      emulators.graph || emulators.workplace
        ? DEMO_ROOMS.map(({ email, workplaceRoomId }) => ({ email, workplaceRoomId }))
        : [],
    people: emulators.graph ? DEMO_PEOPLE.map((p) => p.email) : [],
  }));

  const lines = bannerLines({ host, emulators, azurite, endpointsFile, demo, env });
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  // Problems the developer fixes with a setting are said in their own words; anything else with its stack.
  const known = err instanceof ConfigError || err instanceof PortTakenError;
  process.stderr.write(
    `${known ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
