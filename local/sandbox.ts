/**
 * `npm start`: the roomsync sandbox. Starts Azurite in memory (unless AzureWebJobsStorage points at a
 * storage account already), then the local Functions host with the app's functions, writes
 * `.sandbox/endpoints.json` for scripts, and stops everything on Ctrl-C.
 */
import './core-api';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../shared/config';
import { createLogger } from '../shared/telemetry/logger';
import { startAzurite, type RunningAzurite } from './azurite';
import { freePort } from './free-port';
import { demoExamples, registerDemoRooms } from './sandbox-demo';
import { DEMO_PEOPLE, DEMO_ROOMS, startSandboxEmulators, type SandboxEmulators } from './sandbox-emulators';
import { functionModulesIn } from './function-app';
import { startLocalHost, type RunningHost } from './host';
import { readHostJson } from './host-json';
import { applyLocalSettingsFile, loadSandboxSettings, type SandboxSettings } from './sandbox-settings';

const ROOT = path.resolve(__dirname, '..');
const SHUTDOWN_BUDGET_MS = 1800;

export interface Endpoints {
  host: string;
  functionKey: string;
  storage: string;
  graph?: string;
  workplace?: string;
  workplaceToken?: string;
  rooms: { email: string; workplaceRoomId: string }[];
  people: string[];
}

/** Settings the sandbox fills in itself when it runs the emulators; stand-ins while validating. */
const SANDBOX_PROVIDED = {
  GRAPH_BASE_URL: 'https://127.0.0.1:4010',
  GRAPH_AUTHORITY_HOST: 'https://127.0.0.1:4010',
  GRAPH_TENANT_ID: 'contoso',
  GRAPH_CLIENT_ID: 'roomsync-sandbox',
  GRAPH_CLIENT_SECRET: 'provided-by-the-sandbox',
  WORKPLACE_BASE_URL: 'http://127.0.0.1:4020',
  WORKPLACE_API_KEY: 'provided-by-the-sandbox',
  WORKPLACE_WEBHOOK_SECRET: 'provided-by-the-sandbox',
  ROOMSYNC_PUBLIC_URL: 'http://127.0.0.1:7071',
};

function validateSettings(env: NodeJS.ProcessEnv, azuriteWillProvideStorage: boolean): SandboxSettings {
  const problems: string[] = [];
  let sandbox: SandboxSettings | undefined;
  try {
    sandbox = loadSandboxSettings(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    // The Azurite this sandbox starts is not running yet; any valid connection stands in for it here.
    const standIns = {
      ...(env.GRAPH_BASE_URL?.trim() ? {} : pick(SANDBOX_PROVIDED, 'GRAPH_')),
      ...(env.WORKPLACE_BASE_URL?.trim() ? {} : pick(SANDBOX_PROVIDED, 'WORKPLACE_')),
      ...(env.ROOMSYNC_PUBLIC_URL?.trim() ? {} : pick(SANDBOX_PROVIDED, 'ROOMSYNC_PUBLIC_URL')),
    };
    loadConfig({
      ...env,
      ...standIns,
      ...(azuriteWillProvideStorage ? { AzureWebJobsStorage: 'UseDevelopmentStorage=true' } : {}),
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length > 0 || !sandbox) throw new ConfigError(problems);
  return sandbox;
}

function pick(values: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => name.startsWith(prefix)));
}

function writeEndpoints(dir: string, endpoints: Endpoints): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'endpoints.json');
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return file;
}

async function main(): Promise<void> {
  const env = process.env;
  applyLocalSettingsFile(path.join(ROOT, 'local.settings.json'), env);
  const usesAzurite =
    !env.AzureWebJobsStorage?.trim() &&
    !env.AzureWebJobsStorage__accountName?.trim() &&
    !env.AzureWebJobsStorage__queueServiceUri?.trim();
  const sandbox = validateSettings(env, usesAzurite);
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
  const host = (running.host = await startLocalHost({
    modules: functionModulesIn(path.join(ROOT, 'functions')),
    settings: readHostJson(path.join(ROOT, 'host.json')),
    keys: { functionKey: sandbox.functionKey, masterKey: sandbox.masterKey },
    appSettings: env,
    port: hostPort,
    logger,
  }));
  emulators.workplace?.addWebhook({
    url: `${host.url}/api/workplace/webhook`,
    secret: emulators.webhookSecret,
  });
  // With both emulators, the demo rooms are registered for sync as an administrator would register them.
  const demo = emulators.graph && emulators.workplace;
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

  const lines = [
    'roomsync sandbox is running',
    `  Functions host  ${host.url}  (${host.app.functions.map((fn) => fn.name).join(', ')})`,
    `  Health          ${host.url}/api/health`,
    `  Status page     ${host.url}/api/status?code=<functionKey from the endpoints file>`,
    `  Graph           ${emulators.graph ? `${emulators.graph.url}  (emulator; control API under /_emulator/)` : String(env.GRAPH_BASE_URL)}`,
    `  Workplace       ${emulators.workplace ? `${emulators.workplace.url}  (emulator; API key in the endpoints file)` : String(env.WORKPLACE_BASE_URL)}`,
    `  Storage         ${azurite ? `Azurite in memory (queues ${azurite.queueEndpoint}, tables ${azurite.tableEndpoint})` : 'from AzureWebJobsStorage'}`,
    `  Endpoints file  ${path.relative(process.cwd(), endpointsFile) || endpointsFile}  (keys, rooms, people)`,
    ...(demo && emulators.graph && emulators.workplace
      ? [
          `  Rooms           ${DEMO_ROOMS.map((r) => `${r.email} <-> ${r.workplaceRoomId}`).join(', ')} (registered)`,
          '',
          ...demoExamples(emulators.graph.url, emulators.workplace.url, emulators.workplaceApiKey),
          '',
        ]
      : []),
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
