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
}

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
    loadConfig(
      azuriteWillProvideStorage ? { ...env, AzureWebJobsStorage: 'UseDevelopmentStorage=true' } : env,
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length > 0 || !sandbox) throw new ConfigError(problems);
  return sandbox;
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
  const running: { azurite?: RunningAzurite; host?: RunningHost; endpointsFile?: string } = {};

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
    await running.azurite?.stop();
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
  const host = (running.host = await startLocalHost({
    modules: functionModulesIn(path.join(ROOT, 'functions')),
    settings: readHostJson(path.join(ROOT, 'host.json')),
    keys: { functionKey: sandbox.functionKey, masterKey: sandbox.masterKey },
    appSettings: env,
    port: sandbox.hostPort,
    logger,
  }));
  const endpointsFile = (running.endpointsFile = writeEndpoints(path.resolve(ROOT, sandbox.sandboxDir), {
    host: host.url,
    functionKey: sandbox.functionKey,
    storage: env.AzureWebJobsStorage ?? '',
  }));

  const lines = [
    'roomsync sandbox is running',
    `  Functions host  ${host.url}  (${host.app.functions.map((fn) => fn.name).join(', ')})`,
    `  Health          ${host.url}/api/health`,
    `  Storage         ${azurite ? `Azurite in memory (queues ${azurite.queueEndpoint}, tables ${azurite.tableEndpoint})` : 'from AzureWebJobsStorage'}`,
    `  Endpoints file  ${path.relative(process.cwd(), endpointsFile) || endpointsFile}  (function key, storage connection)`,
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
