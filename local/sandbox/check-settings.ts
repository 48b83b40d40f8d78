import { ConfigError, loadConfig } from '../../shared/config';
import { loadSandboxSettings, type SandboxSettings } from './settings';

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

function pick(values: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => name.startsWith(prefix)));
}

/**
 * The sandbox's own settings and the service's, checked together before anything starts, so one
 * ConfigError names every problem of both.
 */
export function checkSettings(env: NodeJS.ProcessEnv, azuriteWillProvideStorage: boolean): SandboxSettings {
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
